"""Every figure in data/claims.csv is used by a chapter, or says why it is context only (issue 15).

Each chapter's last code cell (tagged `claims-used`, hidden from the page) shows
`data.used_claims()`: the ids the chapter read while it ran. The committed notebooks are
executed, and strict nbval proves that record reproduces, so this test reads it from them.
A claim no chapter reads must have a row in data/claims_context.csv (id, reason).
"""
from __future__ import annotations

import ast
import json

import pandas as pd
import pytest

from supercycle import ROOT, data
from supercycle.build.registry import CHAPTERS

APPENDICES = {"sources_and_data"}   # shows every claim in a table: not a use
TAG = "claims-used"


def recorded_ids(nb_path) -> list[str]:
    """The list shown by the notebook's `claims-used` cell (exactly one such cell, the last code cell)."""
    cells = [c for c in json.loads(nb_path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    tagged = [i for i, c in enumerate(cells) if TAG in c.get("metadata", {}).get("tags", [])]
    assert tagged == [len(cells) - 1], f"{nb_path.name}: the last code cell, and only it, must be tagged {TAG!r}"
    outputs = [o for o in cells[-1].get("outputs", []) if o.get("output_type") == "execute_result"]
    assert outputs, f"{nb_path.name}: the {TAG} cell has no result (is the notebook executed?)"
    return ast.literal_eval("".join(outputs[0]["data"]["text/plain"]))


def unaccounted(all_ids, used, context: pd.DataFrame) -> dict[str, list[str]]:
    """Problems: claims neither used nor explained; reasons for claims that are used, unknown or blank."""
    ids, used, explained = set(all_ids), set(used), set(context["id"])
    return {
        "neither used nor explained": sorted(ids - used - explained),
        "explained but used (drop the reason)": sorted(explained & used),
        "explained but not a claim": sorted(explained - ids),
        "blank reason": sorted(context.loc[context["reason"].fillna("").str.strip() == "", "id"]),
    }


def context_table() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "claims_context.csv", dtype=str, keep_default_na=False)


def test_context_file_is_well_formed():
    ctx = context_table()
    assert list(ctx.columns) == ["id", "reason"]
    assert not ctx["id"].duplicated().any(), ctx.loc[ctx["id"].duplicated(), "id"].tolist()


def test_every_claim_is_used_or_explained():
    used = set()
    for ch in CHAPTERS:
        if ch.key not in APPENDICES:
            used |= set(recorded_ids(ch.path))
    problems = {k: v for k, v in unaccounted(data.claims().frame["id"], used, context_table()).items() if v}
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


def test_the_check_catches_an_unused_claim():
    ctx = pd.DataFrame({"id": ["c", "d", "e"], "reason": ["context only", "also used", " "]})
    got = unaccounted(["a", "b", "c", "d", "e"], ["a", "d"], ctx)
    assert got["neither used nor explained"] == ["b"]
    assert got["explained but used (drop the reason)"] == ["d"]
    assert got["blank reason"] == ["e"]


def test_reading_a_claim_records_it():
    some = data.claims().frame["id"].iloc[-1]
    data.claim(some)
    assert some in data.used_claims()
    stem = some.split(".")[0]
    family = data.claims().prefix(stem)["id"]
    assert set(family) <= set(data.used_claims())
    with pytest.raises(KeyError):
        data.claim("no.such.claim")
    assert "no.such.claim" not in data.used_claims()

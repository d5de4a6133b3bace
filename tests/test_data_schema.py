"""The data schema: loading a malformed file fails with the file, the row and the column named.

Each case writes a small file to tmp_path (a valid one, then one defect) and reads it with the
package's own reader and validators (`supercycle.data._read_csv`, `validate_claims`,
`validate_sources`). Rows are numbered from 1 (the header is row 0).
"""
import csv
import re
from datetime import date
import math
import os
from pathlib import Path

import pandas as pd

import pytest

from supercycle import ROOT
from supercycle import data as sd
from supercycle.data import DataError

SOURCES = {"korea_chips", "dram_wafers"}
GOOD = [
    # a single figure
    {"id": "dram.wafers.samsung.2026", "source_id": "dram_wafers", "topic": "supercycle",
     "entity": "Samsung", "metric": "DRAM wafer output", "period": "2026", "value": "7.93",
     "low": "", "high": "", "unit": "wafers_m_per_year", "kind": "forecast", "attributed_to": "Omdia",
     "quote": "產量提升至793萬片", "note": ""},
    # a range: value is the midpoint, (55 + 60) / 2 = 57.5
    {"id": "dram.price.contract.2026q1", "source_id": "dram_wafers", "topic": "supercycle",
     "entity": "conventional DRAM", "metric": "contract price qoq", "period": "2026Q1", "value": "57.5",
     "low": "55", "high": "60", "unit": "pct", "kind": "forecast", "attributed_to": "TrendForce",
     "quote": "上漲55%至60%", "note": ""},
    # a lower bound: value equals low
    {"id": "korea.exports.chips.growth", "source_id": "korea_chips", "topic": "markets",
     "entity": "Korea", "metric": "chip exports yoy", "period": "2025", "value": "30",
     "low": "30", "high": "", "unit": "pct", "kind": "actual", "attributed_to": "the reporter",
     "quote": "增長超過30%", "note": ""},
    # a date: value may be empty
    {"id": "korea.publication", "source_id": "korea_chips", "topic": "markets",
     "entity": "Korea", "metric": "date", "period": "2026-01", "value": "",
     "low": "", "high": "", "unit": "date", "kind": "actual", "attributed_to": "the reporter",
     "quote": "2026年", "note": ""},
]


def write_claims(path, rows, columns=None):
    columns = columns or sd.CLAIM_COLUMNS
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


def load_claims(path):
    df = sd._read_csv(path, sd.CLAIM_COLUMNS)
    return sd.validate_claims(df, SOURCES, name=str(path))


def with_change(i, **changes):
    rows = [dict(r) for r in GOOD]
    rows[i].update(changes)
    return rows


def test_valid_file_loads_with_numbers_and_nan(tmp_path):
    out = load_claims(write_claims(tmp_path / "claims.csv", GOOD))
    assert list(out["id"]) == [r["id"] for r in GOOD]
    assert out.loc[0, "value"] == 7.93
    assert (out.loc[1, "low"], out.loc[1, "high"], out.loc[1, "value"]) == (55.0, 60.0, 57.5)
    assert math.isnan(out.loc[0, "low"]) and math.isnan(out.loc[2, "high"])
    assert math.isnan(out.loc[3, "value"])


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DataError, match="nothere.csv: file not found"):
        sd._read_csv(tmp_path / "nothere.csv", sd.CLAIM_COLUMNS)


def test_missing_column_names_file_and_column(tmp_path):
    path = write_claims(tmp_path / "claims.csv", GOOD, [c for c in sd.CLAIM_COLUMNS if c != "unit"])
    with pytest.raises(DataError) as e:
        sd._read_csv(path, sd.CLAIM_COLUMNS)
    assert str(path) in str(e.value) and "column 'unit'" in str(e.value) and "missing column" in str(e.value)


@pytest.mark.parametrize("row, changes, column, why", [
    # non-numeric value (a comma as decimal point), in data row 2
    (1, {"value": "57,5"}, "value", "'57,5' is not a number"),
    (0, {"high": "about 8"}, "high", "'about 8' is not a number"),
    (0, {"value": "inf"}, "value", "not finite"),
    # duplicate id: row 3 repeats row 1's id
    (2, {"id": GOOD[0]["id"]}, "id", f"duplicate id '{GOOD[0]['id']}'"),
    # low above high: 60 > 55
    (1, {"low": "60", "high": "55"}, "low", "low 60 is above high 55"),
    # unknown unit and unknown source
    (0, {"unit": "usd_billion"}, "unit", "unknown unit 'usd_billion'"),
    (0, {"source_id": "reuters"}, "source_id", "unknown source 'reuters'"),
    # vocabularies
    (0, {"topic": "gpus"}, "topic", "'gpus' not one of"),
    (0, {"kind": "rumour"}, "kind", "'rumour' not one of"),
    (0, {"id": "DRAM.Wafers"}, "id", "not a dotted lower-case slug"),
    (0, {"id": ""}, "id", "empty"),
    (0, {"quote": " "}, "quote", "empty"),
    (0, {"attributed_to": ""}, "attributed_to", "empty"),
    # the range rule: a range's value is its midpoint (55+60)/2 = 57.5, not 58
    (1, {"value": "58"}, "value", "not the midpoint"),
    # a lower bound's value equals low; an upper bound's value equals high
    (2, {"value": "31"}, "value", "must equal low 30"),
    (2, {"low": "", "high": "30", "value": "29"}, "value", "must equal high 30"),
    # only unit 'date' may leave value empty
    (0, {"value": ""}, "value", "only unit 'date' may leave value empty"),
])
def test_malformed_claim_names_file_row_column(tmp_path, row, changes, column, why):
    path = write_claims(tmp_path / "claims.csv", with_change(row, **changes))
    with pytest.raises(DataError) as e:
        load_claims(path)
    msg = str(e.value)
    assert msg.startswith(f"{path}, row {row + 1}, column '{column}': "), msg
    assert why in msg, msg


def test_default_name_is_the_claims_file():
    df = pd.DataFrame([with_change(0, unit="furlongs")[0]], dtype=str)
    with pytest.raises(DataError, match=r"^data/claims.csv, row 1, column 'unit'"):
        sd.validate_claims(df, SOURCES)


# --- sources ----------------------------------------------------------------------------------

def sources_rows():
    with open(ROOT / "data" / "sources.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_sources(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=sd.SOURCE_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.mark.parametrize("row, changes, column, why", [
    (1, {"id": "korea_chips"}, "id", "duplicate id 'korea_chips'"),   # row 2 repeats row 1
    (0, {"published_precision": "week"}, "published_precision", "'week' not one of"),
    (2, {"outlet": ""}, "outlet", "empty"),
    (3, {"order": "four"}, "order", "'four' is not a number"),
])
def test_malformed_sources_names_file_row_column(tmp_path, row, changes, column, why):
    rows = sources_rows()
    rows[row].update(changes)
    path = write_sources(tmp_path / "sources.csv", rows)
    with pytest.raises(DataError) as e:
        sd.validate_sources(sd._read_csv(path, sd.SOURCE_COLUMNS), name=str(path))
    assert str(e.value).startswith(f"{path}, row {row + 1}, column '{column}': "), str(e.value)
    assert why in str(e.value)


def test_real_sources_file():
    """Eight articles (the issue says seven; the seed holds eight: see data/README.md)."""
    s = sd.sources()
    assert len(s) == 8
    assert list(s["order"]) == list(range(1, 9))
    assert s["id"].is_unique
    assert set(s["language"]) == {"zh-Hant"}
    # the publication date is as precise as its precision column says
    lengths = {"day": 10, "month": 7, "year": 4}   # 2026-01-20 / 2026-01 / 2026
    for r in s.to_dict("records"):
        assert len(r["published"]) == lengths[r["published_precision"]], r["id"]


# --- the accessor -----------------------------------------------------------------------------

def small_claims(tmp_path):
    frame = load_claims(write_claims(tmp_path / "claims.csv", GOOD))
    srcs = sd.sources()
    return sd.Claims(frame, srcs)


def test_accessor_returns_figure_range_and_citation(tmp_path):
    c = small_claims(tmp_path).get("dram.price.contract.2026q1")
    assert (c.value, c.low, c.high, c.unit, c.period, c.kind) == (57.5, 55.0, 60.0, "pct", "2026Q1", "forecast")
    assert c.range == (55.0, 60.0) and c.is_range
    assert c.text("{:g}") == "55–60"
    assert "TrendForce" in c.citation and "芯智訊" in c.citation and "2026-01-14" in c.citation
    single = small_claims(tmp_path).get("dram.wafers.samsung.2026")
    assert single.range == (7.93, 7.93) and not single.is_range
    bound = small_claims(tmp_path).get("korea.exports.chips.growth")
    assert bound.text("{:g}") == "over 30"


def test_missing_claim_id_raises_keyerror(tmp_path):
    cs = small_claims(tmp_path)
    with pytest.raises(KeyError, match="no claim with id 'dram.wafers.hynix.2026'"):
        cs.get("dram.wafers.hynix.2026")
    assert "dram.wafers.hynix.2026" not in cs


def test_module_claim_missing_id_raises_keyerror():
    with pytest.raises(KeyError):
        sd.claim("no.such.claim.ever")


# --- reference files --------------------------------------------------------------------------

REFERENCE = sorted((ROOT / "data" / "reference").glob("*.csv"))


@pytest.mark.parametrize("path", REFERENCE, ids=lambda p: p.stem)
def test_reference_file_keeps_its_source_columns(path):
    df = sd.reference(path.stem)
    assert len(df) > 0
    assert (df["source"].str.strip() != "").all(), f"{path.name}: a row with no source"
    assert set(df["source_kind"]) <= {"primary", "secondary"}


# Made in this project (documented in data/README.md), not copied from ../shared/reference.
PROJECT_MADE = {"fx_rates", "model_shapes", "price_path", "shortage_supply", "hbm_competition_financials", "hbm_tam", "hbf_alternatives", "ledger_checks"}
COPIED = [p for p in REFERENCE if p.stem not in PROJECT_MADE]


@pytest.mark.parametrize("path", COPIED, ids=lambda p: p.stem)
def test_reference_file_is_a_faithful_copy(path):
    """Every row of data/reference/<name>.csv is a row of ../shared/reference/<name>.csv."""
    shared = ROOT.parent / "shared" / "reference" / path.name
    if not shared.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{shared} is missing (CI needs ../shared beside the project)")
        pytest.skip(f"{shared} not available")
    ours = pd.read_csv(path, dtype=str, keep_default_na=False)
    theirs = pd.read_csv(shared, dtype=str, keep_default_na=False)
    assert set(theirs.columns) <= set(ours.columns) or set(ours.columns) <= set(theirs.columns)
    common = [c for c in ours.columns if c in theirs.columns]
    assert {"source", "source_kind"} <= set(common)
    theirs_rows = {tuple(r) for r in theirs[common].itertuples(index=False)}
    extra = [tuple(r) for r in ours[common].itertuples(index=False) if tuple(r) not in theirs_rows]
    assert not extra, f"{path.name}: rows not in the shared reference: {extra[:3]}"


# --- malformed CSV structure ----------------------------------------------------------------------
# pandas alone reads a row with one field too many by silently turning its first field into the
# index (so every column shifts by one), reads a duplicated header as 'id' and 'id.1', and raises its
# own EmptyDataError for an empty file. Each must be a DataError naming the file (and row).


def test_row_with_an_extra_field_is_named(tmp_path):
    path = tmp_path / "claims.csv"
    write_claims(path, GOOD)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2] + ",extra"          # data row 2 now has 15 fields under a 14-column header
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=rf"{path}, row 2"):
        load_claims(path)


def test_duplicate_header_column_is_named(tmp_path):
    path = tmp_path / "claims.csv"
    write_claims(path, GOOD, sd.CLAIM_COLUMNS + ["note"])
    with pytest.raises(DataError, match="note"):
        sd._read_csv(path, sd.CLAIM_COLUMNS)


def test_empty_file_is_a_data_error(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="claims.csv"):
        sd._read_csv(path, sd.CLAIM_COLUMNS)


# --- ranges written as text in reference files ----------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("55-60", (55.0, 60.0)), ("90-150", (90.0, 150.0)), ("33 - 38%", (33.0, 38.0)),
    ("2.7–3.9", (2.7, 3.9)), ("1.5-2", (1.5, 2.0)), ("975.5", (975.5, 975.5)), ("62", (62.0, 62.0)),
])
def test_split_range(text, expected):
    assert sd.split_range(text) == expected


def test_split_range_of_an_empty_value_is_nan():
    assert all(math.isnan(x) for x in sd.split_range(""))


@pytest.mark.parametrize("text", ["8-high", "60-55", "about 50", "3.87x"])
def test_split_range_rejects(text):
    with pytest.raises(ValueError):
        sd.split_range(text)


# --- periods ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("period, first, last", [
    ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    ("2025H1", date(2025, 1, 1), date(2025, 6, 30)),
    ("2026H2", date(2026, 7, 1), date(2026, 12, 31)),
    ("2025Q3", date(2025, 7, 1), date(2025, 9, 30)),
    ("2026Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),       # a leap year
    ("2025-12", date(2025, 12, 1), date(2025, 12, 31)),
    ("2025-08-28", date(2025, 8, 28), date(2025, 8, 28)),
    ("early-2028", date(2028, 1, 1), date(2028, 4, 30)),
    ("mid-2026", date(2026, 6, 1), date(2026, 8, 31)),
    ("late-2027", date(2027, 9, 1), date(2027, 12, 31)),
    ("end-2027", date(2027, 12, 1), date(2027, 12, 31)),
    ("2027-2028", date(2027, 1, 1), date(2028, 12, 31)),
    ("2027Q4-2028Q1", date(2027, 10, 1), date(2028, 3, 31)),
    ("end-2025-end-2026", date(2025, 12, 1), date(2026, 12, 31)),
])
def test_period_bounds(period, first, last):
    assert sd.period_bounds(period) == (first, last)


@pytest.mark.parametrize("period, span", [
    ("2026Q1", (2026.0, 2026.25)), ("2026Q2", (2026.25, 2026.5)),   # a quarter is 3/12 of a year
    ("2026H2", (2026.5, 2027.0)), ("2027", (2027.0, 2028.0)),
    ("2027-2028", (2027.0, 2029.0)),                                  # through the end of 2028
    ("2027Q4-2028Q1", (2027.75, 2028.25)), ("2026-03", (2026 + 2 / 12, 2026.25)),
])
def test_period_years(period, span):
    assert sd.period_years(period) == pytest.approx(span)


@pytest.mark.parametrize("bad", ["", "soon", "FY2026", "2026Q5", "2026H3", "2026-13", "2026-27",
                                 "2028-2026", "Q1 2026", "2026-2027-2028"])
def test_period_bounds_refuses_what_it_cannot_place(bad):
    with pytest.raises(ValueError):
        sd.period_bounds(bad)


def test_a_period_outside_the_grammar_fails_loading(tmp_path):
    path = tmp_path / "claims.csv"
    rows = [dict(r) for r in GOOD]
    rows[0]["period"] = "Q1 2026"
    write_claims(path, rows)
    with pytest.raises(DataError, match=rf"row 1, column 'period'.*Q1 2026"):
        load_claims(path)


# --- reference files: origin fields and the columns chapters read -----------------------------------
# Every reference file names, on every row, who produced the figure, the page it was read from and
# when (as OWID's snapshot metadata does for a file); figures a source gives beside a row's value
# are columns (declared in supercycle.data.REFERENCE_*), never parsed out of `note`.

def reference_rows(name):
    with open(ROOT / "data" / "reference" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_reference(path, rows, drop=()):
    columns = [c for c in rows[0] if c not in drop]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


def load_reference(path, name):
    return sd.validate_reference(sd._read_csv(path, ["source", "source_kind"]), name, str(path))


@pytest.mark.parametrize("path", REFERENCE, ids=lambda p: p.stem)
def test_reference_file_carries_its_origin(path):
    df = sd.reference(path.stem)
    assert {"producer", "url", "accessed"} <= set(df.columns)
    assert (df["producer"].str.strip() != "").all()


@pytest.mark.parametrize("name, drop", [
    ("accelerators", "producer"), ("hbf", "accessed"), ("model_shapes", "producer"),
    # the columns that replaced numbers in notes
    ("market_crosschecks", "share_sk_group_pct"), ("market_crosschecks", "prior_value"),
    ("accelerators", "bandwidth_tb_s_other"), ("hbf", "first_devices_period"),
    ("hbm_tam", "vendor"), ("shortage_supply", "other_value"),
    # every file names its page in `url` (price_path and shortage_supply once kept it in `source`)
    ("price_path", "url"), ("shortage_supply", "url"),
])
def test_reference_file_without_a_required_column_is_named(tmp_path, name, drop):
    path = write_reference(tmp_path / f"{name}.csv", reference_rows(name), drop=(drop,))
    with pytest.raises(DataError) as e:
        load_reference(path, name)
    assert str(e.value) == f"{path}, column '{drop}': missing column"


def test_a_url_column_holding_a_name_is_refused(tmp_path):
    # the outlet's name belongs in `source`; `url` is the page
    rows = reference_rows("shortage_supply")
    rows[1]["url"] = "Business Insider"
    path = write_reference(tmp_path / "shortage_supply.csv", rows)
    with pytest.raises(DataError, match=rf"^{path}, row 2, column 'url': 'Business Insider' is not a URL"):
        load_reference(path, "shortage_supply")


@pytest.mark.parametrize("name, row, changes, column, why", [
    # a vendor share that is not a number (a per-cent sign typed in): DRAM revenue total is row 5
    ("market_crosschecks", 5, {"share_sk_hynix_pct": "32.1%"}, "share_sk_hynix_pct", "'32.1%' is not a number"),
    ("accelerators", 5, {"bandwidth_tb_s_other": "13 TB/s"}, "bandwidth_tb_s_other", "'13 TB/s' is not a number"),
    ("hbf", 10, {"first_devices_period": "early 2027"}, "first_devices_period", "'early 2027' is not a normalised period"),
    ("shortage_supply", 14, {"other_value": "60000-55000"}, "other_value", "runs backwards"),
    # origin fields
    ("accelerators", 1, {"producer": " "}, "producer", "says nothing (write 'unknown: <why>'"),
    ("hbf", 3, {"producer": "Unknown"}, "producer", "'Unknown' says nothing"),      # unknown, but not why
    ("accelerators", 2, {"url": "glennklockwood.com"}, "url", "is not a URL"),
    ("accelerators", 2, {"url": "unknown"}, "url", "is not a URL"),          # an unknown origin says why
    ("model_shapes", 3, {"accessed": "last week"}, "accessed", "'last week' is not a date"),
    ("hbm_tam", 4, {"accessed": "2026-13"}, "accessed", "is not a date"),
    ("hbf", 1, {"source_kind": "tertiary"}, "source_kind", "'tertiary' is not primary or secondary"),
])
def test_malformed_reference_cell_names_file_row_column(tmp_path, name, row, changes, column, why):
    rows = reference_rows(name)
    rows[row - 1].update(changes)
    path = write_reference(tmp_path / f"{name}.csv", rows)
    with pytest.raises(DataError) as e:
        load_reference(path, name)
    msg = str(e.value)
    assert msg.startswith(f"{path}, row {row}, column '{column}': "), msg
    assert why in msg, msg


def test_an_unknown_origin_is_accepted_when_it_says_why(tmp_path):
    rows = reference_rows("accelerators")
    rows[1]["url"] = "unknown: the shared reference names only a site"
    rows[2]["url"] = "https://a.example/x; https://b.example/y"      # several pages
    out = load_reference(write_reference(tmp_path / "accelerators.csv", rows), "accelerators")
    assert out.loc[1, "url"].startswith("unknown: ")


# --- no code reads figures out of notes ---------------------------------------------------------------

def _code_lines():
    """Every line of code: the package, the tests (but this file, whose check names the patterns it
    looks for) and the notebooks' code cells."""
    import json
    files = sorted((ROOT / "supercycle").rglob("*.py")) + sorted((ROOT / "tests").rglob("*.py"))
    for path in files:
        if path.resolve() == Path(__file__).resolve():
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            yield f"{path.relative_to(ROOT)}:{n}", line
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            if cell["cell_type"] == "code":
                for line in "".join(cell["source"]).splitlines():
                    yield f"{path.relative_to(ROOT)} cell {i}", line


# Documented exceptions (data/README.md). The packaging ledger's notes hold `{claim_id}` placeholders
# (no digit of their own, tests/test_models_packaging.py): a template, not a figure hidden in prose.
# A claim's note starting `derived:` marks a figure the text states in words, exempt from the
# quote-agreement check: a flag, not a figure.
NOTE_TEMPLATE_LINES = ("NOTE_FIELD.findall(inv.note)", 'NOTE_FIELD.sub("", note)',
                       "startswith(DERIVED)", 'startswith("derived:")')
# Reading a note: a regular expression or a split on a line that names it; a test of its text
# (`note.startswith("約")`, `str(c.note).find(...)`, `"約" in c.note`, `"約" in r["note"]`).
NOTE_PARSE = re.compile(r"\bre\.\w+\(|\.findall\(|\.search\(|\.extract\(|\.split\(|\.finditer\(")
NOTE_TEST = re.compile(r"\bnote\b.{0,25}?\.(?:str\.)?(?:startswith|endswith|find|rfind|index|count|contains|match|fullmatch)\("
                       r"""|\bin\s+[\w.]*(?:\[\s*["']note["']\s*\]|\bnote\b)""")


def _reads_a_note(line: str) -> bool:
    return bool(re.search(r"\bnote\b", line) and (NOTE_PARSE.search(line) or NOTE_TEST.search(line))
                and not any(t in line for t in NOTE_TEMPLATE_LINES))


def test_no_code_parses_a_note_for_figures():
    """A figure a chapter or a test needs is a column (supercycle.data.REFERENCE_*), and whether the
    article says 'about' is read from the verbatim quote (supercycle.prose.about), never out of a
    `note` with a regular expression, a split or a test of its text: that is how a prose edit
    silently changed a number."""
    bad = [f"{where}: {line.strip()}" for where, line in _code_lines() if _reads_a_note(line)]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("line", [
    'gb = float(re.search(r"(\\d+) GB", note).group(1))',
    'if not bound and str(getattr(c, "note", "") or "").startswith("約"):',
    'return ("about " if "約" in c.note else "") + c.text()',
    'about = "約" in row["note"]',
    'flags = df["note"].str.contains("約")',
])
def test_the_note_check_catches_each_way_of_reading_a_note(line):
    # the first three are lines this check missed before (tests/test_ledger.py, packaging.py, chapter 5)
    assert _reads_a_note(line)


def test_the_note_check_passes_code_that_only_carries_a_note():
    for line in ['table(REF[[k for k in REF.index if k.startswith("cycle.")]][["item", "note"]])',
                 'for note in _table("packaging_investments.csv")["note"]:',
                 'row.update(note=render_note(inv.note, has))']:
        assert not _reads_a_note(line), line


def test_a_chapter_that_changes_a_reference_table_changes_no_one_elses():
    """`reference()` is cached; a caller that edits its frame in place (chapter 1 turns price_path's
    columns into floats and adds one) must not change what the next caller reads."""
    first = sd.reference("fx_rates")
    first["per_usd"] = "changed"
    first["extra"] = 1
    again = sd.reference("fx_rates")
    assert "extra" not in again.columns and "changed" not in set(again["per_usd"])

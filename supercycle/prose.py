"""Helpers the chapter notebooks share for their prose and source lines: citing claims and
reference rows, quoting the articles verbatim, and naming how a figure is bounded.

A chapter calls these instead of defining its own copy. Claims are read through
`supercycle.data`; the seed (the eight articles, `../shared/seeds/`) is read once, here.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any, Iterable

import pandas as pd

from . import ROOT, numerals
from .data import DATA_DIR, _read_csv, claim, period_bounds, split_period

SEED_PATH = ROOT.parent / "shared" / "seeds" / "000_2f3a88b6c6dd3952.txt"


def distinct(texts: Iterable[str], sep: str = "; ") -> str:
    """The texts joined by `sep`, each once, in first-seen order: ["a", "b", "a"] -> "a; b"."""
    return sep.join(dict.fromkeys(texts))


def cite(*ids: str) -> str:
    """One source line for a figure: the distinct citations of the claims it uses, in order."""
    return distinct(claim(i).citation for i in ids)


def ref_cite(name: str | None, rows: pd.DataFrame, fmt: str = "{source}") -> str:
    """One source line for rows of the reference table `name`: each row's `fmt` (filled from its
    columns), distinct, in order, after 'reference/<name>.csv: ' (no prefix when `name` is None)."""
    body = distinct(fmt.format(**r) for r in rows.to_dict("records"))
    return f"reference/{name}.csv: {body}" if name else body


@lru_cache(maxsize=1)
def seed() -> str:
    """The seed text: the eight articles as published."""
    return SEED_PATH.read_text(encoding="utf-8")


def seed_quote(start: str, end: str) -> str:
    """A verbatim slice of the seed from `start` to the end of the first `end` after it (so a quote is
    never retyped). Either missing: ValueError."""
    text = seed()
    i = _find(text, start, 0)
    return text[i:_find(text, end, i) + len(end)]


def seed_sentence(start: str) -> str:
    """The article's sentence that begins with `start`, up to and including its '。'."""
    return seed_quote(start, "。")


def _find(text: str, what: str, at: int) -> int:
    i = text.find(what, at)
    if i < 0:
        raise ValueError(f"not in the seed: {what!r}")
    return i


@lru_cache(maxsize=1)
def _context() -> dict[str, dict]:
    rows = _read_csv(DATA_DIR / "article_context.csv", ["id", "source_id", "quote"]).to_dict("records")
    return {r["id"]: r for r in rows}


def context_quote(cid: str) -> str:
    """An article statement without a figure (data/article_context.csv, row `cid`), in quotation
    marks: “...”. The quotes are verbatim slices of the seed (tests/test_models_streamdq.py checks)."""
    try:
        return "“" + _context()[cid]["quote"] + "”"
    except KeyError:
        raise KeyError(f"no row '{cid}' in data/article_context.csv") from None


# 約 (about) up to four characters before a figure (約, 約合, 約為, 大約需要額外, 約新台幣 40 億), 左右
# up to four after it (30%左右, 2038年左右, 一半左右), with no other number or clause in between.
_ABOUT_BEFORE = re.compile(r"約[^\d,，。;；()（）]{0,4}$")
_ABOUT_AFTER = re.compile(r"[^\d,，。;；()（）]{0,4}?左右")


def about(c: Any) -> bool:
    """Whether the article marks the claim's figure as approximate: 約 just before it or 左右 just
    after it in the claim's quote (verbatim). Only the claim's own figure counts: in
    '19 兆韓元(約合 129 億美元)' the 129 is about, the 19 is not. A claim whose quote states no number
    equal to its figure (a date) is not 'about'."""
    quote = numerals.normalise(c.quote)
    try:
        raws = [abs(numerals.to_raw(x, c.unit)) for x in (c.value, c.low, c.high) if not math.isnan(x)]
    except ValueError:
        return False
    for q in numerals.quantities(quote):
        if any(numerals.same(r, v) for r in raws for v in q.values()):
            if _ABOUT_BEFORE.search(quote[:q.start]) or _ABOUT_AFTER.match(quote[q.start + len(q.text):]):
                return True
    return False


def bound(c: Any) -> str:
    """How a claim states its figure: 'range', 'more than' (a lower bound), 'less than' (an upper
    bound), 'about' (a single figure its quote marks 約 or 左右, `about`) or 'stated'."""
    if c.is_range:
        return "range"
    if not math.isnan(c.low):
        return "more than"
    if not math.isnan(c.high):
        return "less than"
    return "about" if about(c) else "stated"


def period_text(period: str) -> str:
    """A period as prose: a span from a fourth quarter to the next first quarter reads 'end-2027 or
    early 2028' ('2027Q4-2028Q1'); any other period as written."""
    a, b = split_period(period)
    if a.endswith("Q4") and b.endswith("Q1"):
        return f"end-{period_bounds(a)[0].year} or early {period_bounds(b)[0].year}"
    return period


def span(values: Iterable[Any], key=None) -> tuple[Any, Any]:
    """(smallest, largest) of the values, by `key` if given: what a range of scenario results is."""
    vals = list(values)
    return min(vals, key=key), max(vals, key=key)

"""Validated access to `data/`: the sources, the claims extracted from them, and reference figures.

One loader for every file. Loading checks each file against its schema (columns, types, units,
vocabularies, ranges, ids) and fails with `DataError` naming the file, the row and the column.
Chapters read figures through `claim(id)` (or `claims().get(id)`), never by typing them.

Range rule (documented in data/README.md): `value` is the figure as stated for a single figure;
for a range, `low` and `high` hold the ends and `value` is their midpoint; for a one-sided bound
("超過", "more than") `low` (or `high`, for "less than") holds the bound and `value` equals it.
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import ROOT

DATA_DIR = ROOT / "data"

# --- units: one table, data/units.csv --------------------------------------------------------
# Chinese multipliers are converted before a figure is stored: 萬 = 1e4, 億 = 1e8, 兆 = 1e12 (so
# 19兆韓元 = 19 krw_trn, 490萬片 = 4.9 wafers_m_per_year). Every unit of the claims vocabulary is a
# row of data/units.csv (documented in data/README.md); UNITS, MONEY_UNITS and
# supercycle.numerals.SCALE are derived from it.
UNIT_COLUMNS = ["unit", "meaning", "dimension", "scale", "currency", "symbol", "base_unit", "base_factor", "example"]
DIMENSIONS = ("ratio", "money", "price", "wafer rate", "unit rate", "capacity", "bandwidth", "count",
              "length", "area", "duration", "date")


@dataclass(frozen=True)
class Unit:
    """A row of data/units.csv. `scale`: the raw magnitude of one unit (usd_bn: 1e9), NaN for a
    unit whose rows hold no number (date); `currency`: for money and prices; `symbol`: what the
    report writes right after a number in the unit, leading space included ('%', ' TB'); one unit is
    `base_factor` `base_unit`s where a computation needs it (gb: 1e9 byte, decimal; mu: 666.67 sqm),
    else '' and NaN."""
    unit: str
    meaning: str
    dimension: str
    scale: float
    currency: str
    symbol: str
    base_unit: str
    base_factor: float
    example: str


def validate_units(df: pd.DataFrame, name: str = "data/units.csv") -> dict[str, Unit]:
    out: dict[str, Unit] = {}
    for i, r in enumerate(df.to_dict("records"), start=1):
        u = r["unit"]
        if not re.fullmatch(r"[a-z][a-z0-9_]*", u):
            _fail(name, i, "unit", f"'{u}' is not a lower-case identifier")
        if u in out:
            _fail(name, i, "unit", f"duplicate unit '{u}'")
        if not r["meaning"].strip():
            _fail(name, i, "meaning", "empty")
        if r["dimension"] not in DIMENSIONS:
            _fail(name, i, "dimension", f"'{r['dimension']}' not one of {DIMENSIONS}")
        scale, factor = _number(name, i, "scale", r["scale"]), _number(name, i, "base_factor", r["base_factor"])
        for col, x in (("scale", scale), ("base_factor", factor)):
            if x <= 0:
                _fail(name, i, col, f"'{r[col]}' is not positive")
        if math.isnan(scale) and r["dimension"] != "date":
            _fail(name, i, "scale", "empty, but only a date unit may have no scale")
        if (r["dimension"] in ("money", "price")) != bool(r["currency"]):
            _fail(name, i, "currency", "a money or price unit needs a currency (ISO code), any other unit none")
        if r["currency"] and not re.fullmatch(r"[A-Z]{3}", r["currency"]):
            _fail(name, i, "currency", f"'{r['currency']}' is not an ISO currency code")
        if bool(r["base_unit"]) == math.isnan(factor):
            _fail(name, i, "base_factor", "a base unit and its factor go together (both or neither)")
        if r["symbol"] != r["symbol"].rstrip() or "  " in r["symbol"]:
            _fail(name, i, "symbol", f"'{r['symbol']}' ends in a space or has two in a row")
        out[u] = Unit(u, r["meaning"], r["dimension"], scale, r["currency"], r["symbol"], r["base_unit"], factor,
                      r["example"])
    return out


UNIT_TABLE: dict[str, Unit] = {}   # filled from data/units.csv once, below (_load_units)
UNITS: dict[str, str] = {}
# Each money unit: (currency, how many billions of that currency one unit is): krw_trn -> (KRW, 1000).
MONEY_UNITS: dict[str, tuple[str, float]] = {}


def money(amount: float, unit: str) -> tuple[str, float]:
    """(currency, amount in billions of that currency) for an amount in a money unit:
    money(19, "krw_trn") = ("KRW", 19000). A price per share is not an amount: ValueError."""
    try:
        ccy, scale = MONEY_UNITS[unit]
    except KeyError:
        raise ValueError(f"'{unit}' is not a money unit; known: {', '.join(MONEY_UNITS)}") from None
    return ccy, amount * scale


TOPICS = ("supercycle", "hbm", "hbf", "packaging", "streamdq", "markets")
KINDS = ("actual", "forecast", "estimate", "target", "plan", "claim")
PRECISIONS = ("day", "month", "year")
# Normalised periods: 2026, 2026Q1, 2026H2, 2025-12, 2025-08-28, end-2026, mid-2026, early-2028,
# late-2027, and spans of two of these (2026-2027, 2027Q4-2028Q1). Empty: the figure has no period.
_POINT = (r"(?:(?:end|mid|early|late)-)?\d{4}"
          r"(?:Q[1-4]|H[12]|-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")
PERIOD = re.compile(rf"(?:{_POINT}(?:-{_POINT})?)?")
# The months that a vague part of a year covers.
_PART_MONTHS = {"early": (1, 4), "mid": (6, 8), "late": (9, 12), "end": (12, 12)}

CLAIM_COLUMNS = ["id", "source_id", "topic", "entity", "metric", "period", "value", "low", "high",
                 "unit", "kind", "attributed_to", "quote", "note"]
SOURCE_COLUMNS = ["id", "order", "title_original", "title_en", "outlet", "published",
                  "published_precision", "language", "note"]


class DataError(ValueError):
    """A data file that does not match its schema. The message names file, row and column."""


def _fail(file: str, row: int | None, column: str | None, why: str):
    where = file
    if row is not None:
        where += f", row {row}"  # 1-based data row (the header is row 0)
    if column is not None:
        where += f", column '{column}'"
    raise DataError(f"{where}: {why}")


def _read_csv(path: Path, required: list[str]) -> pd.DataFrame:
    """Read a CSV as text, checking its structure first: pandas would otherwise shift columns
    on a row with an extra field, rename a repeated header, or fail on an empty file."""
    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    if not path.exists():
        _fail(name, None, None, "file not found")
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        _fail(name, None, None, "empty file (no header)")
    header, body = rows[0], [r for r in rows[1:] if r]  # blank lines are not rows
    dup = next((c for i, c in enumerate(header) if c in header[:i]), None)
    if dup is not None:
        _fail(name, None, dup, "column appears twice in the header")
    missing = [c for c in required if c not in header]
    if missing:
        _fail(name, None, missing[0], f"missing column (required: {', '.join(required)})")
    for i, r in enumerate(body, start=1):
        if len(r) != len(header):
            _fail(name, i, None, f"{len(r)} fields, but the header has {len(header)} (an unquoted comma?)")
    # Everything stays text here, so a bad number is reported by the schema, not turned into NaN.
    return pd.DataFrame(body, columns=header, dtype=str)


def _number(name: str, row: int, col: str, text: str) -> float:
    if text.strip() == "":
        return math.nan
    try:
        x = float(text)
    except ValueError:
        _fail(name, row, col, f"'{text}' is not a number")
    if not math.isfinite(x):
        _fail(name, row, col, f"'{text}' is not finite")
    return x


def _load_units() -> None:
    UNIT_TABLE.update(validate_units(_read_csv(DATA_DIR / "units.csv", UNIT_COLUMNS)))
    UNITS.update({u: x.meaning for u, x in UNIT_TABLE.items()})
    MONEY_UNITS.update({u: (x.currency, x.scale / 1e9) for u, x in UNIT_TABLE.items() if x.dimension == "money"})


_load_units()


def validate_sources(df: pd.DataFrame, name: str = "data/sources.csv") -> pd.DataFrame:
    seen = set()
    for i, r in enumerate(df.to_dict("records"), start=1):
        for col in ("id", "title_original", "title_en", "outlet", "published", "language"):
            if not str(r[col]).strip():
                _fail(name, i, col, "empty")
        if r["id"] in seen:
            _fail(name, i, "id", f"duplicate id '{r['id']}'")
        seen.add(r["id"])
        if r["published_precision"] not in PRECISIONS:
            _fail(name, i, "published_precision", f"'{r['published_precision']}' not one of {PRECISIONS}")
    out = df.copy()
    out["order"] = [int(_number(name, i, "order", t)) for i, t in enumerate(df["order"], start=1)]
    return out


def validate_claims(df: pd.DataFrame, source_ids: set[str], name: str = "data/claims.csv") -> pd.DataFrame:
    seen: set[str] = set()
    values, lows, highs = [], [], []
    for i, r in enumerate(df.to_dict("records"), start=1):
        cid = r["id"].strip()
        if not cid:
            _fail(name, i, "id", "empty")
        if not all(part and part.replace("_", "").replace("-", "").isalnum() and part == part.lower()
                   for part in cid.split(".")):
            _fail(name, i, "id", f"'{cid}' is not a dotted lower-case slug")
        if cid in seen:
            _fail(name, i, "id", f"duplicate id '{cid}'")
        seen.add(cid)
        if r["source_id"] not in source_ids:
            _fail(name, i, "source_id", f"unknown source '{r['source_id']}'")
        if r["topic"] not in TOPICS:
            _fail(name, i, "topic", f"'{r['topic']}' not one of {TOPICS}")
        if r["unit"] not in UNITS:
            _fail(name, i, "unit", f"unknown unit '{r['unit']}'")
        if r["kind"] not in KINDS:
            _fail(name, i, "kind", f"'{r['kind']}' not one of {KINDS}")
        if not PERIOD.fullmatch(r["period"]):
            _fail(name, i, "period", f"'{r['period']}' is not a normalised period (2026, 2026Q1, 2026H2, "
                                     "2025-12, 2025-08-28, end-2026, 2026-2027, ...)")
        for col in ("entity", "metric", "attributed_to", "quote"):
            if not r[col].strip():
                _fail(name, i, col, "empty")
        v = _number(name, i, "value", r["value"])
        lo = _number(name, i, "low", r["low"])
        hi = _number(name, i, "high", r["high"])
        if math.isnan(v) and r["unit"] != "date":
            _fail(name, i, "value", "empty (only unit 'date' may leave value empty)")
        if not math.isnan(lo) and not math.isnan(hi):
            if lo > hi:
                _fail(name, i, "low", f"low {lo:g} is above high {hi:g}")
            if not math.isclose(v, (lo + hi) / 2, rel_tol=1e-9, abs_tol=1e-12):
                _fail(name, i, "value", f"value {v:g} is not the midpoint of [{lo:g}, {hi:g}]")
        elif not math.isnan(lo) and not math.isclose(v, lo, rel_tol=1e-12):
            _fail(name, i, "value", f"a lower bound: value {v:g} must equal low {lo:g}")
        elif not math.isnan(hi) and not math.isclose(v, hi, rel_tol=1e-12):
            _fail(name, i, "value", f"an upper bound: value {v:g} must equal high {hi:g}")
        values.append(v); lows.append(lo); highs.append(hi)
    out = df.copy()
    out["id"] = out["id"].str.strip()
    out["value"], out["low"], out["high"] = values, lows, highs
    return out


@lru_cache(maxsize=None)
def sources() -> pd.DataFrame:
    df = _read_csv(DATA_DIR / "sources.csv", SOURCE_COLUMNS)
    return validate_sources(df).sort_values("order").reset_index(drop=True)


@dataclass(frozen=True)
class Claim:
    """One figure from the articles, with where it came from."""
    id: str
    source_id: str
    topic: str
    entity: str
    metric: str
    period: str
    value: float
    low: float
    high: float
    unit: str
    kind: str
    attributed_to: str
    quote: str
    note: str
    outlet: str
    source_title: str
    published: str

    @property
    def is_range(self) -> bool:
        return not math.isnan(self.low) and not math.isnan(self.high)

    @property
    def range(self) -> tuple[float, float]:
        """(low, high); a single figure gives (value, value); a one-sided bound keeps NaN on the open side."""
        if math.isnan(self.low) and math.isnan(self.high):
            return (self.value, self.value)
        return (self.low, self.high)

    @property
    def citation(self) -> str:
        """A short citation for captions: who said it, where, and when."""
        who = self.attributed_to
        return f"{who}, via {self.outlet} ({self.published}): “{self.source_title}”"

    def text(self, fmt: str = "{:,.4g}") -> str:
        """The figure as prose: a range stays a range ("55–60 pct")."""
        if self.is_range:
            return f"{fmt.format(self.low)}–{fmt.format(self.high)}"
        if not math.isnan(self.low):
            return f"over {fmt.format(self.low)}"
        if not math.isnan(self.high):
            return f"under {fmt.format(self.high)}"
        return fmt.format(self.value)


class Claims:
    """All claims, indexed by id. `get` raises KeyError for a missing id: never NaN."""

    def __init__(self, frame: pd.DataFrame, srcs: pd.DataFrame):
        self.frame = frame
        self._sources = srcs.set_index("id")
        self._by_id = {r["id"]: r for r in frame.to_dict("records")}

    def __contains__(self, cid: str) -> bool:
        return cid in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, cid: str) -> Claim:
        try:
            r = self._by_id[cid]
            _USED.add(cid)
        except KeyError:
            close = [k for k in self._by_id if k.split(".")[0] == cid.split(".")[0]][:8]
            raise KeyError(f"no claim with id '{cid}' in data/claims.csv"
                           + (f"; ids starting alike: {', '.join(close)}" if close else "")) from None
        s = self._sources.loc[r["source_id"]]
        return Claim(**{c: r[c] for c in CLAIM_COLUMNS}, outlet=s["outlet"],
                     source_title=s["title_original"], published=s["published"])

    def where(self, **equals) -> pd.DataFrame:
        """Rows whose columns equal the given values, e.g. where(topic="hbm", kind="forecast")."""
        mask = pd.Series(True, index=self.frame.index)
        for col, val in equals.items():
            mask &= self.frame[col] == val
        return _used(self.frame[mask])

    def prefix(self, stem: str) -> pd.DataFrame:
        """Rows whose id starts with `stem.` (or equals it)."""
        return _used(self.frame[(self.frame["id"] == stem) | self.frame["id"].str.startswith(stem + ".")])


_USED: set[str] = set()


def _used(rows: pd.DataFrame) -> pd.DataFrame:
    _USED.update(rows["id"])
    return rows


def used_claims() -> list[str]:
    """The ids of every claim this process has read through `claim`, `Claims.get`, `where` or
    `prefix`, sorted. A chapter's last (hidden) cell shows this list, so the committed notebook
    records which article figures the chapter uses and nbval proves the record reproduces;
    `tests/test_claims_used.py` requires every claim to be used somewhere or to carry a reason
    in `data/claims_context.csv`. (Reading `claims().frame` directly is not recorded: the
    appendix shows every claim and must not count as a use.)"""
    return sorted(_USED)


@lru_cache(maxsize=None)
def claims() -> Claims:
    srcs = sources()
    df = _read_csv(DATA_DIR / "claims.csv", CLAIM_COLUMNS)
    return Claims(validate_claims(df, set(srcs["id"])), srcs)


def claim(cid: str) -> Claim:
    """Shorthand: `claim("dram.wafers.samsung.2026").value`."""
    return claims().get(cid)


def split_period(period: str) -> tuple[str, str]:
    """The two ends of a normalised period: a span 'A-B' gives (A, B) ('2027Q4-2028Q1' ->
    ('2027Q4', '2028Q1'), '2016-2025' -> ('2016', '2025')); a single period is both ends
    ('2025-12' -> ('2025-12', '2025-12')). Anything else raises ValueError: the one parser of
    periods (`period_bounds` places them in time)."""
    p = str(period).strip()
    if not p or not PERIOD.fullmatch(p):
        raise ValueError(f"period '{period}' is not a normalised period")
    m = re.fullmatch(rf"({_POINT})-({_POINT})", p)
    if m and not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", p):  # a span, not a month or a day
        return m.group(1), m.group(2)
    return p, p


def period_bounds(period: str) -> tuple[date, date]:
    """The first and last day a normalised period covers: '2026' -> 2026-01-01..2026-12-31;
    '2026H2', '2025Q3', '2026-04', '2025-08-28'; 'early-2028' (Jan-Apr), 'mid-2026' (Jun-Aug),
    'late-2027' (Sep-Dec), 'end-2027' (December); a span 'A-B' runs from A's first day to B's last.
    Anything else, or a span that ends before it starts, raises ValueError."""
    p = str(period).strip()
    a, b = split_period(p)
    if a != p:  # a span
        start, end = period_bounds(a)[0], period_bounds(b)[1]
        if start > end:
            raise ValueError(f"period '{period}' ends before it starts")
        return start, end
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", p):
        d = date(int(m[1]), int(m[2]), int(m[3]))
        return d, d
    if m := re.fullmatch(r"(\d{4})-(\d{2})", p):
        return _months(int(m[1]), int(m[2]), int(m[2]))
    if m := re.fullmatch(r"(\d{4})H([12])", p):
        h = int(m[2])
        return _months(int(m[1]), 6 * h - 5, 6 * h)
    if m := re.fullmatch(r"(\d{4})Q([1-4])", p):
        q = int(m[2])
        return _months(int(m[1]), 3 * q - 2, 3 * q)
    if m := re.fullmatch(r"(early|mid|late|end)-(\d{4})", p):
        return _months(int(m[2]), *_PART_MONTHS[m[1]])
    if m := re.fullmatch(r"(\d{4})", p):
        return _months(int(m[1]), 1, 12)
    raise ValueError(f"period '{period}' is not a date or span that can be placed")


def _months(year: int, first: int, last: int) -> tuple[date, date]:
    nxt = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
    return date(year, first, 1), date.fromordinal(nxt.toordinal() - 1)


def period_years(period: str) -> tuple[float, float]:
    """A period as (start, end) in decimal years, for time axes: '2026Q2' -> (2026.25, 2026.5),
    '2026H2' -> (2026.5, 2027.0), '2027-2028' -> (2027.0, 2029.0). Each month is 1/12 of a
    year, so quarters and halves fall on exact fractions."""
    first, last = period_bounds(period)
    after = date.fromordinal(last.toordinal() + 1)
    return _decimal_year(first), _decimal_year(after)


def _decimal_year(d: date) -> float:
    month_days = (date(d.year + (d.month == 12), d.month % 12 + 1, 1) - date(d.year, d.month, 1)).days
    return d.year + (d.month - 1) / 12 + (d.day - 1) / month_days / 12


_RANGE = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*(?:-|–|to)\s*([+-]?\d+(?:\.\d+)?)\s*%?")
_SINGLE = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*%?")


def split_range(text) -> tuple[float, float]:
    """(low, high) of a reference value written as "55-60", "33 - 38%", "2.7–3.9" or a single
    "46.7" (low == high). An empty value gives (nan, nan). Anything else, or a range that runs
    backwards, raises ValueError: the one parser for ranges written as text."""
    t = str(text).strip()
    if t in ("", "nan"):
        return (math.nan, math.nan)
    m = _RANGE.fullmatch(t)
    if m:
        lo, hi = float(m.group(1)), float(m.group(2))
        if lo > hi:
            raise ValueError(f"range '{text}' runs backwards (low above high)")
        return (lo, hi)
    m = _SINGLE.fullmatch(t)
    if m:
        return (float(m.group(1)), float(m.group(1)))
    raise ValueError(f"'{text}' is neither a number nor a range like '55-60'")


# Columns of reference files that chapters read as numbers or periods. Figures a source gives beside
# a row's value (vendor shares, the previous period, a conflicting value) are columns, never parsed
# out of `note`, which stays prose. Loading checks each listed column exists and each non-empty cell
# is a finite number (or a normalised period), so a bad figure fails naming file, row and column.
REFERENCE_NUMBERS: dict[str, tuple[str, ...]] = {
    "accelerators": ("hbm_capacity_gb", "hbm_stacks", "bandwidth_tb_s", "bandwidth_tb_s_other",
                     "bf16_dense_tflops", "fp8_dense_tflops"),
    "market_crosschecks": ("share_samsung_pct", "share_sk_hynix_pct", "share_micron_pct",
                           "share_sk_group_pct", "prior_value", "memory_growth_over_pct"),
    "hbf": ("compared_hbm_gb",),
}
REFERENCE_PERIODS: dict[str, tuple[str, ...]] = {
    "market_crosschecks": ("prior_period",),
    "hbf": ("first_devices_period",),
}
# Columns holding a number or a range ("55000-60000"), read with `split_range`.
REFERENCE_RANGES: dict[str, tuple[str, ...]] = {
    "shortage_supply": ("other_value",),
}
REFERENCE_TEXT: dict[str, tuple[str, ...]] = {
    "hbm_tam": ("vendor",),
}
# Origin of every row, as OWID's snapshot metadata gives it for a file: who produced the figure,
# the page it was read from, and when it was read (besides `source`, the outlet as cited, and
# `source_kind`, primary or secondary). The page is `url`; an origin that is not known says so
# ("unknown: <why>"), and one that does not apply says that ("none: <why>"), rather than being left empty.
ORIGIN_COLUMNS = ("source", "source_kind", "producer", "url", "accessed")
_URL = re.compile(r"https?://[^\s;]+(?:\s*;\s*https?://[^\s;]+)*")
_UNSTATED = re.compile(r"(?:unknown|none): \S.*")
_ACCESSED = re.compile(r"\d{4}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?")


def validate_reference(df: pd.DataFrame, name: str, file: str | None = None) -> pd.DataFrame:
    """Check a reference table read as text (`_read_csv`): the origin columns on every row, and the
    columns that `REFERENCE_NUMBERS`, `REFERENCE_RANGES`, `REFERENCE_PERIODS` and `REFERENCE_TEXT`
    declare for `name`. Values stay text (`split_range` reads "55-60")."""
    file = file or f"data/reference/{name}.csv"
    numbers, periods = REFERENCE_NUMBERS.get(name, ()), REFERENCE_PERIODS.get(name, ())
    ranges = REFERENCE_RANGES.get(name, ())
    for col in (*ORIGIN_COLUMNS, *numbers, *ranges, *periods, *REFERENCE_TEXT.get(name, ())):
        if col not in df.columns:
            _fail(file, None, col, "missing column")
    for i, r in enumerate(df.to_dict("records"), start=1):
        if r["source_kind"] not in ("primary", "secondary"):
            _fail(file, i, "source_kind", f"'{r['source_kind']}' is not primary or secondary")
        for col in ("source", "producer"):
            t = r[col].strip()
            if not t or (re.match(r"(?:unknown|none)\b", t, re.I) and not _UNSTATED.fullmatch(t)):
                _fail(file, i, col, f"'{t}' says nothing (write 'unknown: <why>' if it is not known)")
        u = r["url"].strip()
        if not (_URL.fullmatch(u) or _UNSTATED.fullmatch(u)):
            _fail(file, i, "url", f"'{u[:60]}' is not a URL (http...; several joined by ';')"
                  " nor 'unknown: <why>' / 'none: <why>'")
        if not _ACCESSED.fullmatch(r["accessed"].strip()):
            _fail(file, i, "accessed", f"'{r['accessed']}' is not a date (YYYY-MM-DD or YYYY-MM)")
        for col in numbers:
            _number(file, i, col, r[col])
        for col in ranges:
            try:
                split_range(r[col])
            except ValueError as e:
                _fail(file, i, col, str(e))
        for col in periods:
            if not PERIOD.fullmatch(r[col].strip()):
                _fail(file, i, col, f"'{r[col]}' is not a normalised period (2026, 2027H1, ...)")
    return df


def reference(name: str) -> pd.DataFrame:
    """A reference table from data/reference/<name>.csv, validated (`validate_reference`). Every
    column stays text, values as written; use `split_range` for "55-60". Each call gets its own
    copy of the (cached) table, so a caller that changes it changes no one else's."""
    return _reference(name).copy()


@lru_cache(maxsize=None)
def _reference(name: str) -> pd.DataFrame:
    path = DATA_DIR / "reference" / f"{name}.csv"
    df = _read_csv(path, ["source", "source_kind"])
    return validate_reference(df, name, path.relative_to(ROOT).as_posix())

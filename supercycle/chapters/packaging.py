"""Models of the chapter 'packaging': growth arithmetic on stated ranges, one exchange-rate table,
exchange rates implied by two-currency figures, period parsing, and the investment ledger and
technology map (their rows live in data/packaging_investments.csv and data/packaging_technologies.csv,
with claim-id columns; this module turns them into tables).

Pure functions, no I/O: figures come in as arguments (a `get(claim_id)` callable returning an
object with the `supercycle.data.Claim` attributes), so every function can be tested by hand.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

import pandas as pd

from supercycle import arith
from supercycle.prose import about
from supercycle.data import MONEY_UNITS, UNIT_TABLE, money, period_bounds as data_period_bounds


# --- parameters: declared once (type, default, range, unit, meaning) --------------------
# The three exchange rates are the chapter's single exchange-rate table: every conversion in the
# chapter goes through them (supercycle.chapters.packaging.FxTable). They are declared once for every
# chapter in supercycle/chapters/shared.py, with defaults read from data/reference/fx_rates.csv.
#
# The HBM market chain (supercycle.chapters.hbm_tam) has one parameter per link. For the sourced
# links, ge and le are the range the public figures in data/reference/hbm_tam.csv span, and the
# tornado chart varies each parameter over exactly that range (`Params.bounds`).
from typing import Literal

from supercycle.chapters.shared import CnyPerUsd, KrwPerUsd, TwdPerUsd
from supercycle.declare import ChapterParams, param


class Params(ChapterParams):
    krw_per_usd: KrwPerUsd  # shared (supercycle/chapters/shared.py)
    twd_per_usd: TwdPerUsd  # shared (supercycle/chapters/shared.py)
    cny_per_usd: CnyPerUsd  # shared (supercycle/chapters/shared.py)
    cowos_path: Literal[("low", "mid", "high")] = param("mid", "",
        "Which end of the article's CoWoS capacity ranges the scenario path follows (low end, midpoint, high end)")
    cowos_growth_after_2026_pct: float = param(25.0, "pct per year",
        "Assumption (not an article figure): yearly growth of TSMC CoWoS capacity after end-2026, for the illustrative extension to end-2028", ge=0.0, le=150.0)
    hbm_tam_year: int = param(2026, "year",
        "Year whose HBM market the CoWoS chain builds: its output is the mean of the previous and its own year-end capacity (article ranges end-2023 to end-2026); set rubin_wafer_share_pct to 0 before 2026", ge=2024, le=2026)
    cowos_utilisation_pct: float = param(85.0, "pct",
        "Assumption (no public figure found): share of installed CoWoS capacity that becomes good, shipped packages in a year (ramp-up, yield, idle lines)", ge=70.0, le=100.0)
    ppw_blackwell: float = param(16.0, "packages per wafer",
        "Blackwell-class packages per 12-inch CoWoS wafer: B200 16 (weak source, at 100% yield); range from TheElec's 9 H100 interposers to ~29 H100/H200 packages (CONFLICT), data/reference/hbm_tam.csv", ge=9.0, le=29.0)
    ppw_rubin: float = param(5.5, "packages per wafer",
        "Rubin-class packages per 12-inch wafer: 4-7 if Rubin is a 5.5x-reticle CoWoS-L package (TrendForce via an aggregator; default the midpoint); CONFLICT: TrendForce also sizes Rubin at ~4x reticle (3,320 mm2), where B200's 16 scaled by area (2,739 mm2) gives ~13.2, the max", ge=4.0, le=13.2)
    rubin_wafer_share_pct: float = param(25.0, "pct",
        "Assumption: share of the year's CoWoS wafers on Rubin-class packages (Rubin ramps from 2026H2, so a minority of 2026 wafers)", ge=0.0, le=50.0)
    stacks_per_package: float = param(8.0, "stacks",
        "HBM stacks per accelerator package: 8 for B200, B300 and Rubin (data/reference/accelerators.csv, hbm_tam.csv); 6 for H200; Rubin Ultra's 12 ships after 2026, outside the chain's years", ge=6.0, le=8.0)
    gb_per_stack_blackwell: float = param(30.0, "GB per stack",
        "GB per HBM3E stack on Blackwell-class parts: B200 24 GB (192/8, 8-high), B300 36 GB (288/8, 12-high); default the midpoint of the two", ge=24.0, le=36.0)
    gb_per_stack_rubin: float = param(36.0, "GB per stack",
        "GB per HBM4 stack on Rubin: 288 GB / 8 stacks = 36 (12-high); 24 to 48 GB are the HBM4 parts in data/reference/hbm_generations.csv", ge=24.0, le=48.0)
    usd_per_gb_hbm3e: float = param(12.3, "USD per GB",
        "HBM3E price: USD ~370 a stack reported for SK hynix to NVIDIA, on the chain's 30 GB mid stack = 12.3 a GB (10.3 at 36 GB, 15.4 at 24 GB); min = USD 8 a GB (an explainer, weak); data/reference/hbm_tam.csv", ge=8.0, le=15.4)
    usd_per_gb_hbm4: float = param(15.6, "USD per GB",
        "HBM4 price: USD ~560 a stack reported for SK hynix to NVIDIA = 15.6 a GB at 36 GB (11.7 at 48 GB); high end +15% for later contract rises (assumption)", ge=11.7, le=18.0)


# --- growth arithmetic ------------------------------------------------------------------------


# multiple, growth_pct, cagr_pct and compound are supercycle.arith's.

# The five ways of pairing a start range with an end range. "pessimistic" takes the highest
# start and the lowest end (the smallest growth the two ranges allow), "optimistic" the reverse.
PAIRINGS = ("pessimistic", "low ends", "midpoints", "high ends", "optimistic")


def range_growth(start: tuple[float, float], end: tuple[float, float], years: float) -> pd.DataFrame:
    """Growth between two stated ranges under each pairing of their ends.

    Returns one row per pairing with the start and end values used, the multiple, the growth
    (per cent) and the compound annual growth rate (per cent a year).
    """
    lo0, hi0 = start
    lo1, hi1 = end
    if lo0 > hi0 or lo1 > hi1:
        raise ValueError("a range must be given as (low, high)")
    pairs = {
        "pessimistic": (hi0, lo1),
        "low ends": (lo0, lo1),
        "midpoints": ((lo0 + hi0) / 2, (lo1 + hi1) / 2),
        "high ends": (hi0, hi1),
        "optimistic": (lo0, hi1),
    }
    rows = []
    for name in PAIRINGS:
        a, b = pairs[name]
        rows.append({"pairing": name, "start": a, "end": b, "multiple": float(arith.multiple(a, b)),
                     "growth_pct": float(arith.growth_pct(a, b)), "cagr_pct": float(arith.cagr_pct(a, b, years))})
    return pd.DataFrame(rows)


def meets(value: float, low: float, high: float) -> bool:
    """Whether `value` satisfies a stated figure: a range [low, high], a lower bound (high NaN),
    or an upper bound (low NaN). A tiny tolerance absorbs float noise."""
    eps = 1e-9
    ok_low = math.isnan(low) or value >= low - eps
    ok_high = math.isnan(high) or value <= high + eps
    return ok_low and ok_high


def verdict(flags: Iterable[bool]) -> str:
    """'holds at every pairing', 'holds at k of n pairings' or 'does not hold at any pairing'."""
    flags = list(flags)
    k, n = sum(flags), len(flags)
    if n == 0:
        raise ValueError("no pairings to judge")
    if k == n:
        return "holds at every pairing"
    if k == 0:
        return "does not hold at any pairing"
    return f"holds at {k} of {n} pairings"


def check_statement(table: pd.DataFrame, column: str, low: float, high: float) -> tuple[pd.DataFrame, str]:
    """Mark each pairing of `range_growth` output whose `column` meets the stated [low, high]."""
    out = table.copy()
    out["meets"] = [meets(v, low, high) for v in out[column]]
    return out, verdict(out["meets"])


def stated_bounds(stated: Any) -> tuple[float, float]:
    """(low, high) a growth statement sets: a range its ends; 'over X' (low only) X and no upper end;
    'under X' (high only) no lower end and X; a single figure as a floor, (value, NaN): the chapter
    reads 翻倍 (doubled) as at least doubled."""
    if not math.isnan(stated.low):
        return stated.low, (stated.high if not math.isnan(stated.high) else math.nan)
    if not math.isnan(stated.high):
        return math.nan, stated.high
    return stated.value, math.nan


def judge_growth(label: str, start: Any, end: Any, years: float, column: str, stated: Any) -> tuple[pd.DataFrame, dict]:
    """Judge a growth statement against what two stated ranges allow.

    `start` and `end` are claims with a `range` (low, high); `column` is what the statement gives
    ('growth_pct', 'multiple' or 'cagr_pct'); `stated` is the statement's claim. Returns the
    pairings table (`range_growth`, with `meets` and the statement's label) and one summary row:
    statement, the article's quote, the stated figure, the computed min and max, and the verdict."""
    lo, hi = stated_bounds(stated)
    t, v = check_statement(range_growth(start.range, end.range, years), column, lo, hi)
    row = {"statement": label, "article": stated.quote, "stated": stated.text("{:g}") + UNIT_TABLE[stated.unit].symbol,
           "computed min": t[column].min(), "computed max": t[column].max(), "verdict": v}
    return t.assign(statement=label), row


def capacity_path(ranges: Mapping[int, tuple[float, float]], which: str) -> dict[int, float]:
    """One value per year-end from stated (low, high) ranges: the low end, midpoint or high end."""
    pick = {"low": lambda lo, hi: lo, "mid": lambda lo, hi: (lo + hi) / 2, "high": lambda lo, hi: hi}
    if which not in pick:
        raise ValueError(f"which must be one of {sorted(pick)}, got {which!r}")
    return {year: pick[which](lo, hi) for year, (lo, hi) in sorted(ranges.items())}


def extend_path(path: Mapping[int, float], until: int, growth_pct: float) -> dict[int, float]:
    """Years after the last in `path` up to `until`, each `growth_pct` per cent above the previous."""
    last = max(path)
    value = path[last]
    out = {}
    for year in range(last + 1, until + 1):
        value = value * (1 + growth_pct / 100)
        out[year] = value
    return out


# --- currency ---------------------------------------------------------------------------------

# Money units (currency, billions of it per unit) are data/units.csv's: supercycle.data.MONEY_UNITS, money().


@dataclass(frozen=True)
class FxTable:
    """The chapter's one exchange-rate table: units of each currency per US dollar."""
    per_usd: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self):
        rates = dict(self.per_usd)
        rates.setdefault("USD", 1.0)
        if rates["USD"] != 1.0:
            raise ValueError("the table is quoted per US dollar: USD must be 1")
        for ccy, r in rates.items():
            if not (isinstance(r, (int, float)) and math.isfinite(r) and r > 0):
                raise ValueError(f"rate for {ccy} must be a positive number, got {r!r}")
        object.__setattr__(self, "per_usd", rates)

    @classmethod
    def from_params(cls, krw_per_usd: float, twd_per_usd: float, cny_per_usd: float) -> "FxTable":
        return cls({"KRW": krw_per_usd, "TWD": twd_per_usd, "CNY": cny_per_usd})

    def rate(self, ccy: str, per: str = "USD") -> float:
        """Units of `ccy` per one unit of `per` (a cross rate through the dollar)."""
        for c in (ccy, per):
            if c not in self.per_usd:
                raise KeyError(f"no rate for {c}; the table has {', '.join(self.per_usd)}")
        return self.per_usd[ccy] / self.per_usd[per]

    def to_usd_bn(self, amount: float, unit: str) -> float:
        """An amount in any money unit, in billions of US dollars."""
        ccy, bn = money(amount, unit)
        return bn / self.rate(ccy)

    def convert(self, amount: float, unit: str, to_unit: str) -> float:
        """An amount in `unit` expressed in `to_unit` (both money units)."""
        if to_unit not in MONEY_UNITS:
            raise ValueError(f"'{to_unit}' is not a money unit; known: {', '.join(MONEY_UNITS)}")
        to_ccy, to_scale = MONEY_UNITS[to_unit]
        usd_bn = self.to_usd_bn(amount, unit)
        return usd_bn * self.rate(to_ccy) / to_scale


# Pairs of claims that state one amount in two currencies: (label, local-currency id, other id).
TWO_CURRENCY_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("SK hynix Cheongju packaging plant (this article)", "pkg.invest.skhynix.cheongju.krw", "pkg.invest.skhynix.cheongju.usd"),
    ("TSMC AP8: Innolux plant purchase, 2023-08 (this article)", "pkg.site.tsmc.ap8.twd", "pkg.site.tsmc.ap8.cny"),
    ("Amkor Peoria investment (this article)", "pkg.invest.amkor.peoria.cny", "pkg.invest.amkor.peoria.usd"),
    ("Korean semiconductor exports 2026 (korea_chips)", "exports.korea.semis.2026.krw", "exports.korea.semis.2026"),
)


def implied_rates(pairs: Iterable[tuple[str, str, str]], get: Callable[[str], Any], fx: FxTable,
                  has: Callable[[str], bool] = lambda cid: True) -> pd.DataFrame:
    """Each two-currency figure's implied rate beside the table's rate for the same pair.

    Pairs whose claims are missing (`has` is False) are skipped, so the table grows as claims appear.
    """
    rows = []
    for label, id_a, id_b in pairs:
        if not (has(id_a) and has(id_b)):
            continue
        a, b = get(id_a), get(id_b)
        ccy_a, ccy_b, r = arith.implied_fx(a.value, a.unit, b.value, b.unit)
        table = fx.rate(ccy_a, ccy_b)
        rows.append({"figure": label, "period": a.period, "pair": f"{ccy_a} per {ccy_b}",
                     "implied": r, "table": table, "diff_pct": float(arith.growth_pct(table, r)),
                     "claims": f"{id_a}, {id_b}"})
    return pd.DataFrame(rows, columns=["figure", "period", "pair", "implied", "table", "diff_pct", "claims"])


def rate_disagreements(rates: pd.DataFrame) -> pd.DataFrame:
    """For each currency pair with two or more implied rates: the lowest, the highest and the
    spread between them (per cent of the lowest)."""
    rows = []
    for pair, g in rates.groupby("pair", sort=True):
        if len(g) < 2:
            continue
        lo, hi = g["implied"].min(), g["implied"].max()
        rows.append({"pair": pair, "n": len(g), "lowest": lo, "highest": hi,
                     "spread_pct": float(arith.growth_pct(lo, hi)),
                     "lowest_from": g.loc[g["implied"].idxmin(), "figure"],
                     "highest_from": g.loc[g["implied"].idxmax(), "figure"]})
    return pd.DataFrame(rows, columns=["pair", "n", "lowest", "highest", "spread_pct", "lowest_from", "highest_from"])


# --- periods ----------------------------------------------------------------------------------

def period_bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """`supercycle.data.period_bounds` as Timestamps, for the Gantt chart's time axis."""
    first, last = data_period_bounds(period)
    return pd.Timestamp(first), pd.Timestamp(last)


def claim_period(c: Any) -> str:
    """The date a date-like claim states: its `period` for unit 'date', its value for unit 'year'."""
    if c.unit == "year":
        return str(int(c.value))
    if c.unit == "date":
        return c.period
    raise ValueError(f"claim {c.id} (unit {c.unit}) is not a date")


# --- the investment ledger --------------------------------------------------------------------

@dataclass(frozen=True)
class Investment:
    """One packaging investment: descriptive labels and the claim ids of its figures."""
    company: str
    site: str
    technology: str
    amount: str | None = None          # claim id of the amount in its original currency
    start: str | None = None           # claim id of the start (groundbreaking, purchase, agreement)
    completion: str | None = None      # claim id of completion / production start
    capacity: tuple[str, ...] = ()     # claim ids of capacity figures
    milestones: tuple[str, ...] = ()   # other dated claims (drawn as points)
    note: str = ""


def _ids(text: Any) -> tuple[str, ...]:
    """'a;b' -> ('a', 'b'); empty -> ()."""
    t = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text).strip()
    return tuple(x.strip() for x in t.split(";") if x.strip())


INVESTMENT_COLUMNS = ["company", "site", "technology", "amount", "start", "completion", "capacity", "milestones", "note"]


def investments_from_table(df: pd.DataFrame, has: Callable[[str], bool] = lambda cid: True) -> tuple[Investment, ...]:
    """The investment ledger from `data/packaging_investments.csv` (read as text). Every claim id it
    names, in its id columns or in a `{claim_id}` placeholder of its note, must exist (`has`)."""
    missing = set(INVESTMENT_COLUMNS) - set(df.columns)
    if missing:
        raise ValueError(f"packaging_investments: missing columns {sorted(missing)}")
    out = []
    for i, r in enumerate(df.to_dict("records"), start=1):
        inv = Investment(r["company"], r["site"], r["technology"], r["amount"] or None, r["start"] or None,
                         r["completion"] or None, _ids(r["capacity"]), _ids(r["milestones"]), r["note"] or "")
        ids = [x for x in (inv.amount, inv.start, inv.completion) if x] + list(inv.capacity) + list(inv.milestones)
        ids += [m.split("|")[0] for m in NOTE_FIELD.findall(inv.note)]
        bad = [x for x in ids if not has(x)]
        if bad:
            raise ValueError(f"packaging_investments row {i}: no claim {', '.join(bad)}")
        out.append(inv)
    return tuple(out)


# What a capacity figure measures, said after its unit's symbol (data/units.csv): the article's
# multiples compare with Zhunan AP6, its square metres are clean room.
_CAPACITY_CONTEXT = {"x": " Zhunan AP6", "count": " (count)", "sqm": " clean room"}


def amount_text(c: Any) -> str:
    """'KRW 19 trn', 'over USD 5 bn', 'up to CNY 2.1 bn', 'about TWD 4 bn': an amount in its original
    currency. 'about' when the article says 約 or 左右 of this figure (`supercycle.prose.about`)."""
    ccy = MONEY_UNITS[c.unit][0]
    bound = "over " if not math.isnan(c.low) and math.isnan(c.high) else (
        "up to " if not math.isnan(c.high) and math.isnan(c.low) else "")
    if not bound and about(c):
        bound = "about "
    return f"{bound}{ccy} {c.value:,.4g}{UNIT_TABLE[c.unit].symbol}"


def capacity_text(c: Any) -> str:
    fmt = "{:,.0f}" if c.unit == "sqm" else "{:,.4g}"
    text = fmt.format(c.value) + UNIT_TABLE[c.unit].symbol + _CAPACITY_CONTEXT.get(c.unit, "")
    if c.id.endswith("jobs"):
        text = f"over {c.value:,.0f} jobs"
    elif c.unit == "count" and "fabs" in c.id:
        text = f"{c.value:,.0f} plants"
    return text


NOTE_FIELD = re.compile(r"\{([a-z0-9_.\-]+(?:\|period)?)\}")


def render_note(template: str, get: Callable[[str], Any]) -> str:
    """A note with `{claim_id}` placeholders filled from the claims: an amount as 'USD 1.7 bn', a
    date as its period, a capacity in its unit, anything else as the claim's text; `{claim_id|period}`
    gives the claim's period instead. So no figure is typed into a note."""
    def fill(m):
        cid, _, what = m.group(1).partition("|")
        c = get(cid)
        if what == "period":
            return str(c.period)
        if c.unit in MONEY_UNITS:
            return amount_text(c)
        if c.unit in ("date", "year"):
            return claim_period(c)
        if c.unit == "count":
            return f"{c.value:,.0f}"
        return capacity_text(c)
    return NOTE_FIELD.sub(fill, template or "")


def build_ledger(items: Iterable[Investment], get: Callable[[str], Any], fx: FxTable,
                 has: Callable[[str], bool] = lambda cid: True) -> pd.DataFrame:
    """The ledger table: one row per investment, its amount in USD at the table's rates, and the
    start and completion periods with the dates they span (start: first day of the start period;
    completion: last day of the completion period)."""
    rows = []
    for inv in items:
        row = {"company": inv.company, "site": inv.site, "technology": inv.technology,
               "amount_original": "not given", "currency": "", "amount_bn_local": math.nan,
               "amount_usd_bn": math.nan, "bound": "", "start_period": "", "completion_period": "",
               "start": pd.NaT, "completion": pd.NaT, "capacity": "", "note": render_note(inv.note, get), "claims": ""}
        ids = []
        if inv.amount:
            c = get(inv.amount)
            ccy, bn = money(c.value, c.unit)
            row.update(amount_original=amount_text(c), currency=ccy, amount_bn_local=bn,
                       amount_usd_bn=fx.to_usd_bn(c.value, c.unit),
                       bound="lower" if not math.isnan(c.low) and math.isnan(c.high) else (
                           "upper" if not math.isnan(c.high) and math.isnan(c.low) else ""))
            ids.append(inv.amount)
        if inv.start:
            p = claim_period(get(inv.start))
            row.update(start_period=p, start=period_bounds(p)[0])
            ids.append(inv.start)
        if inv.completion:
            p = claim_period(get(inv.completion))
            row.update(completion_period=p, completion=period_bounds(p)[1])
            ids.append(inv.completion)
        caps = [cid for cid in inv.capacity if has(cid)]
        row["capacity"] = "; ".join(capacity_text(get(cid)) for cid in caps)
        ids += caps
        row["claims"] = ", ".join(ids)
        rows.append(row)
    return pd.DataFrame(rows)


def ledger_milestones(items: Iterable[Investment], get: Callable[[str], Any],
                      has: Callable[[str], bool] = lambda cid: True) -> pd.DataFrame:
    """Every dated claim of the ledger as a point: investment, event, period, first and last day."""
    rows = []
    for inv in items:
        for role, cid in [("start", inv.start), ("completion", inv.completion)] + [("milestone", m) for m in inv.milestones]:
            if not cid or not has(cid):
                continue
            c = get(cid)
            p = claim_period(c)
            lo, hi = period_bounds(p)
            rows.append({"investment": f"{inv.company}: {inv.site}", "role": role, "event": c.metric,
                         "period": p, "first_day": lo, "last_day": hi, "claim": cid})
    return pd.DataFrame(rows)


# --- the technology map -----------------------------------------------------------------------

@dataclass(frozen=True)
class Technology:
    name: str
    family: str
    what: str                        # what it is, as the article describes it (paraphrased)
    who: str                         # who runs it, per the articles
    ramp: tuple[str, ...] = ()       # claim ids that date its ramp


TECHNOLOGY_COLUMNS = ["technology", "family", "what", "who", "ramp"]


def technologies_from_table(df: pd.DataFrame, has: Callable[[str], bool] = lambda cid: True) -> tuple[Technology, ...]:
    """The technology map from `data/packaging_technologies.csv` (read as text); every claim id in
    `ramp` must exist (`has`)."""
    missing = set(TECHNOLOGY_COLUMNS) - set(df.columns)
    if missing:
        raise ValueError(f"packaging_technologies: missing columns {sorted(missing)}")
    out = []
    for i, r in enumerate(df.to_dict("records"), start=1):
        t = Technology(r["technology"], r["family"], r["what"], r["who"], _ids(r["ramp"]))
        bad = [x for x in t.ramp if not has(x)]
        if bad:
            raise ValueError(f"packaging_technologies row {i}: no claim {', '.join(bad)}")
        out.append(t)
    return tuple(out)


def tech_table(techs: Iterable[Technology], get: Callable[[str], Any],
               has: Callable[[str], bool] = lambda cid: True) -> pd.DataFrame:
    """The technology map as a table; 'ramp' lists each dated claim as 'metric: period'."""
    rows = []
    for t in techs:
        events = []
        for cid in t.ramp:
            if not has(cid):
                continue
            c = get(cid)
            events.append(f"{c.metric}: {claim_period(c)}")
        rows.append({"technology": t.name, "family": t.family, "what it is": t.what,
                     "who runs it": t.who, "ramp (as the articles date it)": "; ".join(events) or "no date given",
                     "claims": ", ".join(t.ramp)})
    return pd.DataFrame(rows)

"""The fact-check ledger's arithmetic: interval figures, simple bounds, and the verdict function.

Pure functions and small value types: no I/O, no plotting. `supercycle.chapters.ledger` declares the
entries (which claims, which relationship); this module recomputes and judges.

A figure is carried as a `supercycle.arith.Interval` (low, mid, high): a single figure has low =
mid = high; a range keeps its ends and its stated midpoint. The relationships (growth, CAGR,
implied rates and totals) are `supercycle.arith`'s, which accept intervals.

The verdict compares a stated figure with what its own inputs imply (see `verdict`):

- consistent: the recomputed value satisfies the stated range or bound, or the two agree within
  `consistent_rel_tol` (relative);
- rounding: they differ by no more than `rounding_rel_tol`, what printing a figure with few
  digits or "約" (about) explains;
- understated / overstated: a larger gap, with the stated figure below / above the recomputed one;
- inconsistent: a larger gap where the two figures cannot both hold (parts that do not add up to
  the total the text says they make, a hard bound broken, wording that contradicts itself);
- conflicts with another article: a larger gap between two articles' figures for one thing;
- cannot be checked: nothing in the articles or the reference data fixes the other side.

A verdict says how two figures compare; a *class* says what that means for the article
(`classify`): holds, rounding, article error, sources disagree (two forecasters, or a forecast
against a later actual), depends on our assumption (the verdict changes across the plausible
choices we make: a baseline, a pairing of range ends, a reading), or cannot be checked. Article
errors are counted once per underlying error (`count_errors`).

Growth rates are compared as growth factors (1 + rate), so "about 5%" against 4.48% is a gap of
1.05/1.0448 - 1 = 0.5%, not of 5/4.48 - 1 = 12%: the gap in the endpoint the rate implies.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from supercycle.arith import Interval
from supercycle.data import period_bounds


# --- parameters: declared once (type, default, range, unit, meaning) --------------------
# The two verdict thresholds decide between consistent, rounding and a gap (see
# `supercycle.chapters.fact_check.verdict`). The exchange rates (shared.py, from data/reference/fx_rates.csv)
# and SK hynix's shares in issue (market cap over close, data/reference/ledger_checks.csv) are figures the
# articles do not give, needed to check the figures they convert; both are read from data/ (`{source}`
# in a meaning names it). HBF_BASELINES and NAND_DEMAND_GROWTH_2027_CHOICES_PCT are the plausible
# choices two checks are shown across.
from typing import Literal

from supercycle.chapters import shared
from supercycle.chapters.hbm_competition import WON_PER_SHARE_PER_TRN_PER_M
from supercycle.chapters.shared import CnyPerUsd, KrwPerUsd, NandDemandGrowth2027Pct, TwdPerUsd
from supercycle.declare import ChapterParams, derived, from_reference, param

GPU_CHOICES = ("H100 SXM", "H200 SXM", "B200", "B300", "Rubin", "MI300X", "MI355X", "MI455X", "TPU7x")
# The plausible baselines for HBF's "8-16x HBM" when HBF reaches products (late 2027 / early 2028,
# per the article): the current and next accelerators of data/reference/accelerators.csv. B200 is
# SanDisk's own comparison; B300, Rubin, MI355X and MI455X are what a buyer would set HBF against.
HBF_BASELINES = ("B200", "B300", "Rubin", "MI355X", "MI455X")
# Plausible growth of total NAND bit demand in 2027 (per cent), to show the ICMS-share check across
# choices: flat (what Citi's two shares imply), 10, the shared parameter's default (IDC's 2026 supply
# growth, a proxy from another year; read from data/claims.csv) and 25 (a strong AI year). 0, 10 and
# 25 are assumptions, not forecasts.
NAND_DEMAND_GROWTH_2027_CHOICES_PCT = tuple(sorted(
    {0.0, 10.0, float(shared.Params.defaults()["nand_demand_growth_2027_pct"]), 25.0}))


def _shares_m(cap_krw_trn: float, close_krw: float) -> float:
    """Shares (millions) as the exchange counts them for market cap: cap / close, to 0.1 million."""
    return round(cap_krw_trn * WON_PER_SHARE_PER_TRN_PER_M / close_krw, 1)


class Params(ChapterParams):
    consistent_rel_tol_pct: float = param(0.1, "pct",
        "verdict threshold: a stated figure within this relative gap of the recomputed one is 'consistent' "
          "(growth rates compared as factors 1 + r); an assumption", ge=0.0, le=5.0)
    rounding_rel_tol_pct: float = param(5.0, "pct",
        "verdict threshold: a relative gap up to this is 'rounding' (figures printed with few digits or "
          "'about'); beyond it a statement is over/understated, inconsistent or in conflict; an assumption", ge=0.1, le=50.0)
    krw_per_usd: KrwPerUsd  # shared (supercycle/chapters/shared.py)
    cny_per_usd: CnyPerUsd  # shared (supercycle/chapters/shared.py)
    twd_per_usd: TwdPerUsd  # shared (supercycle/chapters/shared.py)
    skhynix_shares_issued_m: float = param(derived(_shares_m,
            from_reference("ledger_checks", "SK hynix market capitalisation", period="2025-06-24"),
            from_reference("ledger_checks", "SK hynix share price close", period="2025-06-24")), "shares_m",
        "SK hynix common shares in issue (treasury shares included), millions; default = market cap over the "
          "close of the same day, {source}, to 0.1 million", ge=500.0, le=1000.0)
    nand_demand_growth_2027_pct: NandDemandGrowth2027Pct  # shared (supercycle/chapters/shared.py)
    hbf_reference_gpu: Literal[GPU_CHOICES] = param("B200", "",
        "accelerator whose HBM capacity (data/reference/accelerators.csv) the HBF ‘8–16×’ multiple applies to; "
          "default B200, the 192 GB SanDisk compares its 4 TB GPU with (data/reference/hbf.csv)")


CONSISTENT = "consistent"
ROUNDING = "rounding"
UNDERSTATED = "understated"
OVERSTATED = "overstated"
INCONSISTENT = "inconsistent"
CONFLICT = "conflicts with another article"
UNCHECKABLE = "cannot be checked"
VERDICTS = (CONSISTENT, ROUNDING, UNDERSTATED, OVERSTATED, INCONSISTENT, CONFLICT, UNCHECKABLE)

# How a stated figure is compared with the recomputed one.
COMPARES = (
    "equal",      # the stated figure (or its range/bound) should equal the recomputed value
    "growth",     # as "equal", but both are growth rates in per cent: compared as factors 1 + r/100
    "at_most",    # the stated figure may not exceed the recomputed bound (e.g. Amdahl's law)
    "at_least",   # the stated figure may not fall below the recomputed floor
    "logical",    # the relationship returns True (holds) or False (contradiction)
)
# What a gap beyond rounding means for an entry.
ON_GAP = ("direction", "inconsistent", "conflict")


# --- periods -----------------------------------------------------------------------------------

def months_between(start: str, end: str) -> int:
    """Whole months from one 'YYYY-MM' period to another: 2023-08 to 2025-12 is 28."""
    (a, _), (b, _) = period_bounds(start), period_bounds(end)
    return (b.year - a.year) * 12 + (b.month - a.month)


# --- the verdict --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stated:
    """A stated figure: value, and low/high for a range or a one-sided bound (NaN where open)."""
    value: float
    low: float = math.nan
    high: float = math.nan

    @property
    def kind(self) -> str:
        lo, hi = not math.isnan(self.low), not math.isnan(self.high)
        return {(True, True): "range", (True, False): "at_least", (False, True): "at_most"}.get((lo, hi), "point")


@dataclass(frozen=True)
class Result:
    verdict: str
    gap: float            # signed relative gap of the stated figure from the recomputed one (0 if satisfied; NaN if not numeric)
    recomputed: float     # the central recomputed value (NaN where not numeric)


def _factor(x: float) -> float:
    return 1.0 + x / 100.0


def relative_gap(stated: float, recomputed: float) -> float:
    """(stated - recomputed) / |recomputed|: positive when the statement is larger."""
    if recomputed == 0:
        return math.inf if stated > 0 else (-math.inf if stated < 0 else 0.0)
    return (stated - recomputed) / abs(recomputed)


def verdict(stated: Stated | None, recomputed, *, compare: str = "equal", on_gap: str = "direction",
            consistent_rel_tol: float = 0.001, rounding_rel_tol: float = 0.05) -> Result:
    """Judge a stated figure against the value its inputs imply.

    `recomputed` is a number, an Interval, a bool for compare="logical", or None when nothing
    can be recomputed (-> cannot be checked). Ranges stay ranges on both sides: a statement is
    satisfied when its range (or one-sided bound: "超過50%" is 50 or more) overlaps the recomputed
    range; otherwise the gap is measured between the nearest ends, relative to the recomputed end.
    For "at_most"/"at_least" every stated end must respect the most generous recomputed bound.
    """
    if compare not in COMPARES:
        raise ValueError(f"compare must be one of {COMPARES}")
    if on_gap not in ON_GAP:
        raise ValueError(f"on_gap must be one of {ON_GAP}")
    if not 0 <= consistent_rel_tol <= rounding_rel_tol:
        raise ValueError("need 0 <= consistent_rel_tol <= rounding_rel_tol")
    if recomputed is None:
        return Result(UNCHECKABLE, math.nan, math.nan)
    beyond = {"direction": None, "inconsistent": INCONSISTENT, "conflict": CONFLICT}[on_gap]
    if compare == "logical":
        if not isinstance(recomputed, bool):
            raise TypeError("a logical relationship returns True or False")
        return Result(CONSISTENT if recomputed else (beyond or INCONSISTENT), math.nan, math.nan)
    if stated is None:
        raise ValueError("a numeric comparison needs a stated figure")

    rec = Interval.of(recomputed)
    conv = _factor if compare == "growth" else float
    r_lo, r_hi = conv(rec.low), conv(rec.high)
    if stated.kind == "point":
        lo = hi = conv(stated.value)
    else:
        lo = conv(stated.low) if not math.isnan(stated.low) else -math.inf
        hi = conv(stated.high) if not math.isnan(stated.high) else math.inf
    ends = [x for x in (lo, hi) if math.isfinite(x)]
    if compare == "at_most":      # every stated end must stay at or under the (most generous) bound
        worst = max(ends)
        target_ok, gap = worst <= r_hi, relative_gap(worst, r_hi)
    elif compare == "at_least":   # every stated end must reach the (least demanding) floor
        worst = min(ends)
        target_ok, gap = worst >= r_lo, relative_gap(worst, r_lo)
    elif r_hi < lo:               # the whole recomputed range lies under the statement
        target_ok, gap = False, relative_gap(lo, r_hi)
    elif r_lo > hi:               # ... or over it
        target_ok, gap = False, relative_gap(hi, r_lo)
    else:                         # the ranges overlap
        target_ok, gap = True, 0.0
    if target_ok:
        gap = 0.0
    mid = rec.mid
    if target_ok or abs(gap) <= consistent_rel_tol:
        return Result(CONSISTENT, gap, mid)
    if abs(gap) <= rounding_rel_tol:
        return Result(ROUNDING, gap, mid)
    if beyond:
        return Result(beyond, gap, mid)
    return Result(OVERSTATED if gap > 0 else UNDERSTATED, gap, mid)


# --- classes: what a verdict means for the article ------------------------------------------------

HOLDS = "holds"
ROUNDS = "rounding"
ARTICLE_ERROR = "article error"
SOURCES_DISAGREE = "sources disagree"
DEPENDS = "depends on our assumption"
CANNOT = "cannot be checked"
CLASSES = (HOLDS, ROUNDS, ARTICLE_ERROR, SOURCES_DISAGREE, DEPENDS, CANNOT)
# What a failed check means when it fails under every plausible choice:
BASES = (
    "article",      # the article (or the figure it reports) is wrong
    "sources",      # two sources (forecasters, a forecast and a later actual) disagree; the reporting is faithful
    "assumption",   # the comparison rests on a choice of ours (a reading, a proxy); never the article's error
)
HOLDING = (CONSISTENT, ROUNDING)


def classify(verdict: str, basis: str = "article", alternatives=()) -> str:
    """The class of a ledger entry from its verdict.

    `alternatives` are the verdicts of the same check under the other plausible choices of our
    own (another baseline, another pairing of range ends); an entry that holds under some of
    them and fails under others depends on our assumption, whatever its basis. Otherwise a
    holding verdict gives holds/rounding, and a failing one the class its `basis` names.
    """
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}")
    if verdict == UNCHECKABLE:
        return CANNOT
    outcomes = [verdict] + [v for v in alternatives if v != UNCHECKABLE]
    unknown = set(outcomes) - set(VERDICTS)
    if unknown:
        raise ValueError(f"unknown verdicts: {sorted(unknown)}")
    held = [v in HOLDING for v in outcomes]
    if any(held) and not all(held):
        return DEPENDS
    if all(held):
        return HOLDS if verdict == CONSISTENT else ROUNDS
    return {"article": ARTICLE_ERROR, "sources": SOURCES_DISAGREE, "assumption": DEPENDS}[basis]


def class_tally(classes) -> dict[str, int]:
    """Count classes in the fixed order of CLASSES (zeros kept)."""
    classes = list(classes)
    unknown = set(classes) - set(CLASSES)
    if unknown:
        raise ValueError(f"unknown classes: {sorted(unknown)}")
    return {c: classes.count(c) for c in CLASSES}


def count_errors(rows) -> int:
    """Distinct article errors among (class, error_key) pairs: two entries that find the same
    error (one figure checked two ways) share an error_key and count once."""
    return len({key for cls, key in rows if cls == ARTICLE_ERROR})


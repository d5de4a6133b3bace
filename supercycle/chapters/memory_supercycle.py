"""Models of the chapter 'memory_supercycle': pure functions, no I/O, no plotting.

Conventions: growth rates are in per cent (33 means +33 %), shares in per cent, wafer counts in
millions a year, NAND capacity in terabytes (TB). Every function accepts numpy arrays as well as
scalars and broadcasts, so one call can evaluate a whole grid of assumptions.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supercycle import arith


# --- parameters: declared once (type, default, range, unit, meaning) --------------------
# A default that is an article or reference figure is read from data/ (`from_claim`, `from_reference`);
# the meaning names it through `{source}`. Quantities several chapters use come from shared.py.
from supercycle.chapters.shared import NandDemandGrowth2027Pct, NandDensityGainPct, QlcShare2025Pct, QlcShare2026Pct
from supercycle.declare import ChapterParams, derived, from_claim, param


class Params(ChapterParams):
    SHOWS_SCENARIOS = ("memory_supercycle",)  # the notebook shows these chapters' bear and bull values
    dram_asp_growth_pct: float = param(from_claim("bofa.dram.asp.growth.2026"), "pct",
        "DRAM ASP growth 2026 yoy for the scenario model's 'annual ASP' column only (default = {source}: BofA's January view); the headline scenario takes ASP from the chained price path", ge=-50.0, le=150.0)
    dram_wafer_growth_pct: float = param(from_claim("dram.wafers.total.growth.2026"), "pct",
        "DRAM wafer-output growth 2026 yoy, three makers; default = {source} (Omdia, about 5%)", ge=-20.0, le=30.0)
    dram_bits_per_wafer_growth_pct: float = param(8.0, "pct",
        "DRAM bits-per-wafer growth 2026 from node migration net of HBM's larger dies; an assumption, not an article figure", ge=-10.0, le=30.0)
    nand_asp_growth_pct: float = param(from_claim("bofa.nand.asp.growth.2026"), "pct",
        "NAND ASP growth 2026 yoy for the scenario model's 'annual ASP' column only (default = {source}: BofA's January view); the headline scenario takes ASP from the chained price path", ge=-50.0, le=150.0)
    nand_wafer_growth_pct: float = param(derived(
            lambda s25, h25, s26, h26: round(float(arith.growth_pct(s25 + h25, s26 + h26)), 2),
            *(from_claim(f"nand.wafers.{maker}.{year}") for year in (2025, 2026) for maker in ("samsung", "skhynix"))), "pct",
        "NAND wafer-output growth 2026 yoy; default = Samsung + SK hynix, {source} (the basis chapter 7 uses), "
          "to 0.01; others assumed alike", ge=-30.0, le=30.0)
    qlc_share_2025_pct: QlcShare2025Pct  # shared (supercycle/chapters/shared.py)
    qlc_share_2026_pct: QlcShare2026Pct  # shared (supercycle/chapters/shared.py)
    nand_density_gain_pct: NandDensityGainPct  # shared (supercycle/chapters/shared.py)
    vr_units_2026: int = param(from_claim("nand.vera_rubin.units.2026"), "units",
        "Vera Rubin NVL144 systems shipped in 2026; default = {source} (Citi's assumption)", ge=0, le=200000)
    vr_units_2027: int = param(from_claim("nand.vera_rubin.units.2027"), "units",
        "Vera Rubin NVL144 systems shipped in 2027; default = {source} (Citi's assumption)", ge=0, le=400000)
    tb_per_system: float = param(from_claim("nand.vera_rubin.ssd_tb_per_system"), "tb",
        "Additional SSD capacity per Vera Rubin NVL144 system for ICMS; default = {source} (Citi)", ge=0.0, le=5000.0)
    nand_demand_growth_2027_pct: NandDemandGrowth2027Pct  # shared (supercycle/chapters/shared.py)
    asp_q2_q4_qoq_pct: float = param(0.0, "pct",
        "Contract-price change in each of 2026Q2, Q3 and Q4 (quarter on quarter), DRAM and NAND; "
          "an assumption (no public forecast beyond 2026Q1 was used); 0 = flat after Q1; "
          "sets the ASP growth of the headline (price-path) scenario", ge=-20.0, le=30.0)
    nand_2025_q2_q3_qoq_pct: float = param(0.0, "pct",
        "NAND contract-price change in each of 2025Q2 and 2025Q3 (quarter on quarter); an assumption: "
          "no TrendForce number for these quarters was found; 0 = flat, centred on TrendForce's words "
          "(2Q25 ASP 'slightly down', 3Q25 'slight recovery' expected: udn.com/news/story/7240/8969133, 2025-08-28)", ge=-15.0, le=15.0)


# --- growth: the formulas are supercycle.arith's ---------------------------------------------

def required_per_wafer_growth_pct(bit_growth_pct, wafer_growth_pct):
    """Growth in bits per wafer needed for `wafer_growth_pct` more wafers to give `bit_growth_pct`
    more bits: (1 + bit growth) / (1 + wafer growth) - 1 (same algebra as the price/volume split)."""
    return arith.implied_volume_growth_pct(bit_growth_pct, wafer_growth_pct)


# --- checking the articles' sums ----------------------------------------------------------------

@dataclass(frozen=True)
class SumCheck:
    parts_sum: float
    stated: float
    difference: float      # parts_sum - stated
    difference_pct: float  # of stated
    consistent: bool       # within the tolerance

    def as_row(self, label: str) -> dict:
        return {"check": label, "computed": self.parts_sum, "stated": self.stated,
                "difference": self.difference, "difference (%)": self.difference_pct,
                "consistent": "yes" if self.consistent else "no"}


def sum_check(parts, stated: float, tolerance_pct: float = 1.0) -> SumCheck:
    """Compare the sum of `parts` with a `stated` total; consistent if within `tolerance_pct` of it
    (the articles round, so an exact match is not expected)."""
    total = float(np.sum(np.asarray(parts, dtype=float)))
    diff = total - float(stated)
    diff_pct = diff / float(stated) * 100.0
    return SumCheck(total, float(stated), diff, diff_pct, abs(diff_pct) <= tolerance_pct)


def product_check(a: float, b: float, stated: float, tolerance_pct: float = 1.0) -> SumCheck:
    """Compare a product a x b (e.g. systems x TB per system) with a stated total."""
    prod = float(a) * float(b)
    diff = prod - float(stated)
    diff_pct = diff / float(stated) * 100.0
    return SumCheck(prod, float(stated), diff, diff_pct, abs(diff_pct) <= tolerance_pct)


def wafer_summary(wafers: dict[tuple[str, int], float], base_year: int = 2025, year: int = 2026):
    """Per-vendor growth and increase between two years, plus the total.

    `wafers` maps (vendor, year) to wafers (millions a year). Returns a list of dicts with
    vendor, the two years' output, the increase and the growth in per cent; the last row is 'Total'.
    """
    vendors = sorted({v for v, _ in wafers}, key=lambda v: [k[0] for k in wafers].index(v))
    rows = []
    for v in vendors:
        a, b = wafers[(v, base_year)], wafers[(v, year)]
        rows.append({"vendor": v, str(base_year): a, str(year): b, "increase": b - a,
                     "growth (%)": float(arith.growth_pct(a, b))})
    a = sum(r[str(base_year)] for r in rows)
    b = sum(r[str(year)] for r in rows)
    rows.append({"vendor": "Total", str(base_year): a, str(year): b, "increase": b - a,
                 "growth (%)": float(arith.growth_pct(a, b))})
    return rows


# --- NAND: AI-rack SSD demand and the TLC-to-QLC transition ------------------------------------

def rack_ssd_demand_tb(units, tb_per_system):
    """SSD (NAND) demand of AI systems: systems a year x TB per system, in TB."""
    return np.asarray(units, dtype=float) * np.asarray(tb_per_system, dtype=float)


def bits_per_wafer_factor(qlc_share_pct, tlc_bits: float = 3.0, qlc_bits: float = 4.0):
    """Bits per wafer of a TLC/QLC output mix relative to all-TLC output.

    Assumes a QLC wafer carries as many cells as a TLC wafer of the same generation, so each
    converted wafer gives qlc_bits / tlc_bits as many bits: factor = (1 - s) + s * qlc/tlc, where
    s is the QLC share of wafer output. With 3 and 4 bits: 1 + s/3 (all-QLC: 4/3).
    """
    s = np.asarray(qlc_share_pct, dtype=float) / 100.0
    return (1.0 - s) + s * (qlc_bits / tlc_bits)


def qlc_bit_gain_pct(qlc_share_from_pct, qlc_share_to_pct, tlc_bits: float = 3.0, qlc_bits: float = 4.0):
    """Growth in bits per wafer (%) from moving the QLC share of output from one level to another."""
    return arith.growth_pct(bits_per_wafer_factor(qlc_share_from_pct, tlc_bits, qlc_bits),
                            bits_per_wafer_factor(qlc_share_to_pct, tlc_bits, qlc_bits))


def nand_bit_supply_growth_pct(wafer_growth_pct, qlc_share_from_pct, qlc_share_to_pct,
                               density_gain_pct, tlc_bits: float = 3.0, qlc_bits: float = 4.0):
    """NAND bit-supply growth (%) = wafers x (layers/density at constant cell type) x QLC mix."""
    return arith.compound_pct(wafer_growth_pct, density_gain_pct,
                        qlc_bit_gain_pct(qlc_share_from_pct, qlc_share_to_pct, tlc_bits, qlc_bits))


# --- the scenario model --------------------------------------------------------------------------

SCENARIO_OUTPUTS = {
    "dram_bit_growth_pct": "DRAM bit-shipment growth 2026 (%)",
    "dram_revenue_growth_pct": "DRAM revenue growth 2026 (%)",
    "nand_bit_growth_pct": "NAND bit-supply growth 2026 (%)",
    "nand_revenue_growth_pct": "NAND revenue growth 2026 (%)",
    "icms_demand_2026_tb": "ICMS NAND demand 2026 (TB)",
    "icms_demand_2027_tb": "ICMS NAND demand 2027 (TB)",
    "icms_share_2027_pct": "ICMS share of NAND demand 2027 (%)",
}


def scenario(*, dram_asp_growth_pct, dram_wafer_growth_pct, dram_bits_per_wafer_growth_pct,
             nand_asp_growth_pct, nand_wafer_growth_pct, qlc_share_2025_pct, qlc_share_2026_pct,
             nand_density_gain_pct, vr_units_2026, vr_units_2027, tb_per_system,
             nand_demand_2026_tb, nand_demand_growth_2027_pct, tlc_bits=3.0, qlc_bits=4.0) -> dict:
    """Revenue and demand projections for 2026 (and ICMS demand for 2027).

    Shipments are taken to equal supply (a shortage market: what is made is sold), so
      DRAM bits    = wafers x bits per wafer;             revenue = ASP x bits
      NAND bits    = wafers x density gain x QLC mix;     revenue = ASP x bits
      ICMS demand  = Vera Rubin systems x TB per system; its 2027 share uses total NAND demand
                     2026 grown by `nand_demand_growth_2027_pct`.
    Any argument may be a numpy array; the outputs broadcast.
    """
    dram_bits = arith.compound_pct(dram_wafer_growth_pct, dram_bits_per_wafer_growth_pct)
    nand_bits = nand_bit_supply_growth_pct(nand_wafer_growth_pct, qlc_share_2025_pct, qlc_share_2026_pct,
                                           nand_density_gain_pct, tlc_bits, qlc_bits)
    icms26 = rack_ssd_demand_tb(vr_units_2026, tb_per_system)
    icms27 = rack_ssd_demand_tb(vr_units_2027, tb_per_system)
    total27 = np.asarray(nand_demand_2026_tb, dtype=float) * (1.0 + np.asarray(nand_demand_growth_2027_pct) / 100.0)
    return {
        "dram_bit_growth_pct": dram_bits,
        "dram_revenue_growth_pct": arith.compound_pct(dram_asp_growth_pct, dram_bits),
        "nand_bit_growth_pct": nand_bits,
        "nand_revenue_growth_pct": arith.compound_pct(nand_asp_growth_pct, nand_bits),
        "icms_demand_2026_tb": icms26,
        "icms_demand_2027_tb": icms27,
        "icms_share_2027_pct": arith.share_pct(icms27, total27),
    }


def sensitivity(func, base: dict, ranges: dict, output: str, points: int = 5):
    """Which input moves `output` most: a full-factorial grid evaluated in one broadcast call.

    `ranges` maps each varied input to (low, high); each gets its own array axis with `points`
    values, the others stay at `base`. Returns a list of dicts, one per varied input, with the
    output at the input's low and high end (others at base, from a second broadcast call over that
    input's axis alone; 'low'/'high') and the swing of its main effect over the full grid (mean over
    all other axes; 'main_effect_swing'), largest |high - low| first.
    """
    names = list(ranges)
    k = len(names)
    args = dict(base)
    grids = {}
    for axis, name in enumerate(names):
        lo, hi = ranges[name]
        shape = [1] * k
        shape[axis] = points
        grids[name] = np.linspace(lo, hi, points)
        args[name] = grids[name].reshape(shape)
    grid_out = np.broadcast_to(func(**args)[output], (points,) * k)
    rows = []
    for axis, name in enumerate(names):
        other = tuple(a for a in range(k) if a != axis)
        main = grid_out.mean(axis=other) if other else grid_out
        one = dict(base)
        one[name] = grids[name]  # one-at-a-time: a 1-D grid for this input, the others at base
        curve = np.broadcast_to(func(**one)[output], (points,))
        rows.append({"input": name, "input_low": ranges[name][0], "input_high": ranges[name][1],
                     "low": float(curve[0]), "high": float(curve[-1]),
                     "main_effect_swing": float(main.max() - main.min())})
    base_value = float(func(**base)[output])
    for r in rows:
        r["base"] = base_value
    return sorted(rows, key=lambda r: -abs(r["high"] - r["low"]))




# --- the price path: quarterly contract-price changes chained into annual averages ---------------

def quarter_levels(qoq_pct, start=1.0):
    """Price-index levels after successive quarter-on-quarter changes, in per cent.

    `qoq_pct` has the changes along its last axis; returns the levels *after* each change, so
    quarter_levels([100, 0]) with start 1 is [2, 2]. Broadcasts over leading axes.
    """
    g = 1.0 + np.asarray(qoq_pct, dtype=float) / 100.0
    return float(start) * np.cumprod(g, axis=-1)


def price_path(prev_q2_q4_qoq_pct, q1_qoq_pct, rest_qoq_pct):
    """Quarterly price index for two years, the first year's Q1 = 1.

    prev_q2_q4_qoq_pct: the first year's Q2, Q3 and Q4 changes (last axis of length 3);
    q1_qoq_pct: next year's Q1 change on the previous Q4; rest_qoq_pct: the change in each of
    next year's Q2, Q3 and Q4 (one figure, applied three times). Returns (prev_levels, next_levels),
    each with 4 quarters on the last axis. Any argument may be an array; they broadcast.
    """
    prev = np.asarray(prev_q2_q4_qoq_pct, dtype=float)
    q1 = np.asarray(q1_qoq_pct, dtype=float)
    rest = np.asarray(rest_qoq_pct, dtype=float)
    shape = np.broadcast_shapes(prev.shape[:-1], q1.shape, rest.shape)
    prev = np.broadcast_to(prev, shape + (3,))
    ones = np.ones(shape + (1,))
    prev_levels = np.concatenate([ones, quarter_levels(prev)], axis=-1)
    q1_level = prev_levels[..., 3] * (1.0 + np.broadcast_to(q1, shape) / 100.0)
    r = 1.0 + np.broadcast_to(rest, shape) / 100.0
    next_levels = np.stack([q1_level, q1_level * r, q1_level * r ** 2, q1_level * r ** 3], axis=-1)
    return prev_levels, next_levels


def annual_average_growth_pct(prev_q2_q4_qoq_pct, q1_qoq_pct, rest_qoq_pct):
    """Growth of the annual average price (mean of four quarters) over the previous year's, in %.

    A flat previous year with +100 % in Q1 and flat after gives 2 / 1 - 1 = +100 %. The result
    rises with every one of the changes (each raises next year's levels at least as much, in
    proportion, as the previous year's average), so the ends of input ranges give the ends of
    the output range.
    """
    prev_levels, next_levels = price_path(prev_q2_q4_qoq_pct, q1_qoq_pct, rest_qoq_pct)
    return arith.growth_pct(prev_levels.mean(axis=-1), next_levels.mean(axis=-1))


def breakeven_rest_qoq_pct(prev_q2_q4_qoq_pct, q1_qoq_pct, target_growth_pct, lo=-99.0, hi=200.0, tol=1e-9):
    """The constant Q2-Q4 quarterly change at which the annual-average growth equals a target.

    Solved by bisection (the growth rises with the Q2-Q4 change). Returns NaN when the target is
    out of reach within [lo, hi]. Scalars only.
    """
    def f(g):
        return float(annual_average_growth_pct(prev_q2_q4_qoq_pct, q1_qoq_pct, g)) - float(target_growth_pct)
    a, b = float(lo), float(hi)
    fa, fb = f(a), f(b)
    if fa > 0 or fb < 0:
        return float("nan")
    while b - a > tol:
        m = (a + b) / 2.0
        if f(m) < 0:
            a = m
        else:
            b = m
    return (a + b) / 2.0


def run_rate_growth_pct(quarterly_prev, next_q1_revenue, rest_qoq_pct=0.0):
    """Growth of next year's revenue over the sum of this year's four quarters, when next year's Q1
    revenue is `next_q1_revenue` and each later quarter changes by `rest_qoq_pct`."""
    q = np.asarray(quarterly_prev, dtype=float)
    r = 1.0 + np.asarray(rest_qoq_pct, dtype=float) / 100.0
    nxt = np.asarray(next_q1_revenue, dtype=float) * (1.0 + r + r ** 2 + r ** 3)
    return arith.growth_pct(q.sum(axis=-1), nxt)


# --- NAND wafer cuts -------------------------------------------------------------------------------

def cut_pct(before, after):
    """A cut in per cent of the starting level (positive for a fall): (before - after) / before x 100."""
    before, after = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    return (before - after) / before * 100.0


# --- the scenario on the price path ----------------------------------------------------------------

PRICE_PATH_OUTPUTS = {
    "dram_asp_growth_pct": "DRAM average price 2026 vs 2025, chained (%)",
    "nand_asp_growth_pct": "NAND average price 2026 vs 2025, chained (%)",
    **SCENARIO_OUTPUTS,
}


def price_path_scenario(*, dram_2025_q2_q4_qoq_pct, dram_2026q1_qoq_pct, nand_2025_q2_q3_qoq_pct,
                        nand_2025q4_qoq_pct, nand_2026q1_qoq_pct, asp_q2_q4_qoq_pct, **rest) -> dict:
    """`scenario` with ASP growth taken from the chained quarterly price path instead of typed annual figures.

    DRAM: 2025Q2-Q4 changes (last axis of length 3) and the 2026Q1 change; NAND: one change for each of
    2025Q2 and Q3, the 2025Q4 change and the 2026Q1 change; both hold `asp_q2_q4_qoq_pct` in each of
    2026Q2-Q4. ASP growth = growth of the annual average (`annual_average_growth_pct`); everything else
    goes to `scenario` unchanged (`rest`). Returns scenario's outputs plus the two ASP growths. Broadcasts.
    """
    q23 = np.asarray(nand_2025_q2_q3_qoq_pct, dtype=float)
    q4 = np.asarray(nand_2025q4_qoq_pct, dtype=float)
    nand_prev = np.stack(np.broadcast_arrays(q23, q23, q4), axis=-1)
    dram_asp = annual_average_growth_pct(dram_2025_q2_q4_qoq_pct, dram_2026q1_qoq_pct, asp_q2_q4_qoq_pct)
    nand_asp = annual_average_growth_pct(nand_prev, nand_2026q1_qoq_pct, asp_q2_q4_qoq_pct)
    out = scenario(dram_asp_growth_pct=dram_asp, nand_asp_growth_pct=nand_asp, **rest)
    return {"dram_asp_growth_pct": dram_asp, "nand_asp_growth_pct": nand_asp, **out}

"""Models of the chapter 'shortage': bit supply against demand, and when the shortage ends.

Pure functions, no I/O, no plotting. Conventions: wafers in millions a year, capacity in thousands
of wafers a month (k wpm), shares and growth rates in per cent, years as decimal years (2027.5 is
1 July 2027). Bits are in "2025 commodity-wafer equivalents": one wafer of commodity DRAM in 2025
gives one unit of bits, so supply = wafers x bits-per-wafer index x HBM factor.

NAND bit supply reuses chapter 1's model (`memory_supercycle.nand_bit_supply_growth_pct`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supercycle import arith
from supercycle.data import UNIT_TABLE
from supercycle.chapters.memory_supercycle import nand_bit_supply_growth_pct


# --- parameters: declared once (type, default, range, unit, meaning) --------------------
# Each `meaning` says where the default comes from: a claim id (data/claims.csv, read by `from_claim`),
# a row of data/reference/shortage_supply.csv (by its `key`), or "assumption". `ge`/`le` are what the
# model accepts; PLAUSIBLE gives the range each assumption is swept over in the chapter's
# sensitivity chart, with the reason for its ends.
from supercycle.chapters.shared import NandDensityGainPct, QlcShare2025Pct, QlcShare2026Pct
from supercycle.declare import ChapterParams, derived, from_claim, from_reference, param

# One k wpm (a thousand wafers a month) is 12,000 wafers a year = 0.012 million wafers a year
# (the two units' scales, 1e3 and 1e6, from data/units.csv).
MILLION_WAFERS_PER_YEAR_PER_K_WPM = (UNIT_TABLE["wafers_k_per_month"].scale * 12
                                     / UNIT_TABLE["wafers_m_per_year"].scale)


def _k_wpm(wafers_per_month: float) -> float:
    """Wafers a month (shortage_supply.csv's unit) in k wafers a month."""
    return wafers_per_month / UNIT_TABLE["wafers_k_per_month"].scale


def _share_of_k_wpm(share_pct: float, wafers_m_per_year: float) -> float:
    """A share (per cent) of a maker's wafers (millions a year), in k wafers a month."""
    return share_pct * wafers_m_per_year / 100 / MILLION_WAFERS_PER_YEAR_PER_K_WPM


class Params(ChapterParams):
    SHOWS_SCENARIOS = ("shortage",)  # the notebook shows these chapters' bear and bull values
    # --- demand: the fill rate and what it measures -----------------------------------------------
    fill_rate_pct: float = param(from_claim("dram.fulfilment.all.2026-01"), "pct",
        "share of DRAM orders suppliers fill, January 2026; default = {source} (about 60%)", ge=30.0, le=100.0)
    double_order_pct: float = param(15.0, "pct",
        "share of those orders that is double ordering or stock-building, not end demand; assumption (no public measure): "
          "between the literal reading (0) and about 32%, the share that makes the fill rate fit a balanced 2025", ge=0.0, le=50.0)
    demand_growth_2026_pct: float = param(from_reference("shortage_supply", "demand_growth.jpm.2026", column="key"), "pct",
        "DRAM bit demand growth 2026; default = {source} (JPMorgan, 30%+, memory: DRAM and NAND not split); only back-casts 2025", ge=0.0, le=60.0)
    demand_growth_2027_pct: float = param(22.0, "pct",
        "DRAM bit demand growth 2027; assumption between Micron's high-teens (demand_growth.micron.2025) and JPMorgan's 30%+", ge=0.0, le=60.0)
    demand_growth_later_pct: float = param(15.0, "pct",
        "DRAM bit demand growth a year 2028-2030; assumption: back towards the pre-shortage high-teens or below", ge=0.0, le=40.0)
    # --- supply: bits per wafer and HBM ------------------------------------------------------------
    bpw_growth_2026_pct: float = param(15.0, "pct",
        "DRAM bits-per-wafer growth 2026 (node migration, e.g. 1b to 1c), commodity basis; assumption below Micron's 20%+ "
          "on flat wafers (supply_growth.micron.2026) for Samsung's 1c transition loss", ge=0.0, le=40.0)
    bpw_growth_later_pct: float = param(12.0, "pct",
        "DRAM bits-per-wafer growth a year from 2027; assumption (node steps every one to two years)", ge=0.0, le=40.0)
    hbm_share_2025_pct: float = param(16.0, "pct",
        "HBM share of DRAM wafer starts, 2025 average; assumption between TrendForce's 14% (end-2024) and 18% (end-2025), secondary", ge=0.0, le=60.0)
    hbm_share_2026_pct: float = param(22.0, "pct",
        "HBM share of DRAM wafer starts, 2026; TrendForce via a social post (note of hbm_wafer_share.end2025), secondary", ge=0.0, le=60.0)
    hbm_share_later_pct: float = param(25.0, "pct",
        "HBM share of DRAM wafer starts from 2027; assumption (keeps rising, more slowly)", ge=0.0, le=60.0)
    trade_ratio: float = param(from_reference("shortage_supply", "trade_ratio.micron.q1fy26", column="key"), "x",
        "HBM wafer area per bit against commodity DRAM, 2025-2026; default = {source} (Micron, 3:1)", ge=1.0, le=6.0)
    trade_ratio_later: float = param(3.5, "x",
        "the same ratio from 2027 (HBM4 and HBM4E); assumption between 3 and Micron's 'exceed 4 to 1' for HBM4E", ge=1.0, le=6.0)
    # --- supply: wafers and fabs --------------------------------------------------------------------
    base_wafer_growth_pct: float = param(2.0, "pct",
        "wafer growth a year after 2026 beyond the named projects (other makers such as CXMT, unnamed phases); assumption", ge=-10.0, le=10.0)
    ramp_years: float = param(2.0, "years",
        "years from first output to full capacity of a new fab; assumption (Yongin: 2027 to 2030 per yongin.fab1.capacity)", ge=0.5, le=5.0)
    fab_delay_years: float = param(0.0, "years",
        "slip of every project not yet producing in 2026 beyond its earliest date; assumption (the dates are 'at the earliest')", ge=0.0, le=3.0)
    m15x_k_wpm: float = param(derived(_k_wpm, from_reference("shortage_supply", "m15x.capacity.added", column="key")), "k wafers/month",
        "SK hynix M15X capacity; default = {source}, between two conflicting reports (the ends of its sensitivity range)", ge=0.0, le=100.0)
    p4_years_after_2027: float = param(0.5, "years",
        "Samsung P4 (new DRAM phase) first output, in years after 1 January 2027; claim dram.fab.samsung.p4.start (2027 at the earliest) "
          "with reference p4.full_operation (end-2026 build) plus tool-in: mid-2027", ge=0.0, le=4.0)
    p4_k_wpm: float = param(40.0, "k wafers/month",
        "capacity of that P4 DRAM phase; assumption sized on reference p4.1c_line.capacity (30-40k)", ge=0.0, le=150.0)
    yongin_years_after_2027: float = param(0.75, "years",
        "SK hynix Yongin fab 1 first output, in years after 1 January 2027; reference yongin.fab1.cleanroom (cleanroom 2027-03, tools from 2027Q2)", ge=0.0, le=4.0)
    yongin_k_wpm: float = param(derived(_k_wpm, from_reference("shortage_supply", "yongin.fab1.capacity", column="key")), "k wafers/month",
        "Yongin fab 1 capacity at full ramp; default = {source} (by 2030, weak secondary source)", ge=0.0, le=300.0)
    tongluo_k_wpm: float = param(derived(_share_of_k_wpm, from_reference("shortage_supply", "tongluo.share", column="key"),
                                         from_claim("dram.wafers.micron.2026")), "k wafers/month",
        "Micron Tongluo (ex-PSMC) capacity; default = the share ('over', a lower bound) of Micron's wafers a year, "
          "{source}, a month", ge=0.0, le=100.0)
    idaho_k_wpm: float = param(30.0, "k wafers/month",
        "Micron Idaho 1 capacity (first output mid-2027, micron.idaho1.first_output); assumption: one new-fab phase, like M15X's first 32-35k", ge=0.0, le=150.0)
    taylor_dram_share_pct: float = param(0.0, "pct",
        "share of Samsung Taylor's 50k wafers a month (claim fab.samsung.taylor.wafers.plan) that is DRAM; 0: the articles present Taylor as a foundry fab", ge=0.0, le=100.0)
    # --- NAND ------------------------------------------------------------------------------------------
    nand_wafer_growth_later_pct: float = param(2.0, "pct",
        "NAND wafer growth a year from 2027; assumption (2026: Samsung + SK hynix cut, claims nand.wafers.*)", ge=-20.0, le=20.0)
    nand_density_gain_pct: NandDensityGainPct  # shared (supercycle/chapters/shared.py)
    qlc_share_2025_pct: QlcShare2025Pct  # shared (supercycle/chapters/shared.py)
    qlc_share_2026_pct: QlcShare2026Pct  # shared (supercycle/chapters/shared.py)
    qlc_share_step_pp: float = param(5.0, "pp",
        "rise of the QLC share a year after 2026; assumption", ge=0.0, le=30.0)
    nand_sufficiency_2025_pct: float = param(100.0, "pct",
        "NAND supply / demand in 2025; assumption: balanced over the year (prices fell in 2025Q1, rose in Q4)", ge=50.0, le=150.0)
    nand_demand_growth_2026_pct: float = param(22.0, "pct",
        "NAND bit demand growth 2026; assumption: no NAND demand figure in the articles; below JPMorgan's 30%+ for memory", ge=0.0, le=60.0)
    nand_demand_growth_later_pct: float = param(18.0, "pct",
        "NAND bit demand growth a year from 2027; assumption (ICMS racks add to a high-teens base)", ge=0.0, le=60.0)

# Words for the page (charts and prose), one per swept parameter.
LABELS: dict[str, str] = {
    "fill_rate_pct": "fill rate", "double_order_pct": "double ordering", "demand_growth_2027_pct": "demand growth 2027",
    "demand_growth_later_pct": "demand growth 2028-30", "bpw_growth_2026_pct": "bits per wafer 2026",
    "bpw_growth_later_pct": "bits per wafer from 2027", "hbm_share_2026_pct": "HBM wafer share 2026",
    "hbm_share_later_pct": "HBM wafer share from 2027", "trade_ratio": "trade ratio 2025-26",
    "trade_ratio_later": "trade ratio from 2027", "base_wafer_growth_pct": "other wafer growth",
    "ramp_years": "fab ramp time", "fab_delay_years": "fab delay", "m15x_k_wpm": "M15X capacity",
    "p4_years_after_2027": "P4 first output", "yongin_years_after_2027": "Yongin first output",
    "yongin_k_wpm": "Yongin capacity", "tongluo_k_wpm": "Tongluo capacity", "idaho_k_wpm": "Idaho 1 capacity",
}

# The range each assumption is swept over in the sensitivity chart: (low, high, why).
PLAUSIBLE: dict[str, tuple[float, float, str]] = {
    "fill_rate_pct": (50.0, 70.0, "約60%: read as 50-70"),
    "double_order_pct": (0.0, 35.0, "none, to the ~32% that fits a balanced 2025"),
    "demand_growth_2027_pct": (15.0, 30.0, "Micron's high-teens to JPMorgan's 30%+"),
    "demand_growth_later_pct": (10.0, 20.0, "pre-AI norm to high-teens"),
    "bpw_growth_2026_pct": (8.0, 22.0, "a 1c loss year to Micron's 20%+"),
    "bpw_growth_later_pct": (8.0, 16.0, "slow to brisk node migration"),
    "hbm_share_2026_pct": (18.0, 26.0, "flat at end-2025 to faster"),
    "hbm_share_later_pct": (20.0, 35.0, "slower to faster HBM growth"),
    "trade_ratio": (2.0, 4.0, "SK hynix's 'at least twice' to HBM4-era"),
    "trade_ratio_later": (3.0, 4.5, "Micron: 3:1 now, above 4:1 for HBM4E"),
    "base_wafer_growth_pct": (0.0, 4.0, "only the named fabs to steady additions"),
    "ramp_years": (1.0, 3.0, "fast to slow ramp"),
    "fab_delay_years": (0.0, 1.0, "earliest dates to a year late"),
    "m15x_k_wpm": (32.0, 60.0, "the two conflicting reports"),
    "p4_years_after_2027": (0.0, 1.0, "'2027年以後': from 2027, or after it"),
    "yongin_years_after_2027": (0.5, 1.25, "tools in from 2027Q2: output mid-2027 to spring 2028"),
    "yongin_k_wpm": (100.0, 200.0, "half to all of the reported 200k"),
    "tongluo_k_wpm": (30.0, 45.0, "over 10% of Micron's capacity"),
    "idaho_k_wpm": (15.0, 60.0, "a small to a large first phase"),
}


# --- DRAM bits from wafers ------------------------------------------------------------------------

def hbm_bit_factor(hbm_share_pct, trade_ratio):
    """Bits per wafer of a DRAM wafer mix relative to all-commodity output.

    HBM takes `trade_ratio` times the wafer area per bit of commodity DRAM (Micron: 3 to 1), so
    a share h of wafer starts given to HBM yields h / ratio as many bits: factor = (1 - h) + h / r.
    20 % HBM at 3 to 1: 0.8 + 0.2 / 3 = 0.8667.
    """
    h = np.asarray(hbm_share_pct, dtype=float) / 100.0
    return (1.0 - h) + h / np.asarray(trade_ratio, dtype=float)


def dram_bit_supply(wafers, bits_per_wafer_index, hbm_share_pct, trade_ratio):
    """DRAM bits = wafers x bits per wafer (index, commodity) x HBM factor."""
    return (np.asarray(wafers, dtype=float) * np.asarray(bits_per_wafer_index, dtype=float)
            * hbm_bit_factor(hbm_share_pct, trade_ratio))


def implied_trade_ratio(hbm_wafer_share_pct, hbm_bit_share_pct):
    """The trade ratio implied by HBM's share of wafers (h) and of bits (b): r = h(1-b) / (b(1-h))."""
    h = np.asarray(hbm_wafer_share_pct, dtype=float) / 100.0
    b = np.asarray(hbm_bit_share_pct, dtype=float) / 100.0
    return h * (1.0 - b) / (b * (1.0 - h))


# --- demand from the fill rate ---------------------------------------------------------------------

def demand_multiple(fill_rate_pct, double_order_pct=0.0):
    """True demand as a multiple of what ships.

    The fill rate (需求滿足率) is shipments / orders, so orders = shipments / fill. If a share d of
    orders is double ordering (the same need placed with several suppliers, or stock-building),
    true demand = orders x (1 - d). Fill 60 %, d = 0: 1 / 0.6 = 1.667; d = 20 %: 0.8 / 0.6 = 1.333.
    """
    f = np.asarray(fill_rate_pct, dtype=float) / 100.0
    d = np.asarray(double_order_pct, dtype=float) / 100.0
    return (1.0 - d) / f


def sufficiency_pct(supply, demand):
    """Supply as a per-cent share of demand (100 = balanced; above 100 = surplus)."""
    return np.asarray(supply, dtype=float) / np.asarray(demand, dtype=float) * 100.0


# --- capacity additions ------------------------------------------------------------------------------

def ramp_share(year, first_output, ramp_years):
    """Average utilisation of a new fab over calendar `year` (from `year` to `year + 1`).

    Output rises linearly from zero at `first_output` to full capacity `ramp_years` later:
    u(t) = clip((t - first_output) / ramp_years, 0, 1); the result is the mean of u over the year.
    First output 2026.5, a two-year ramp: 2026 -> 0.0625, 2027 -> 0.5, 2029 -> 1.
    """
    year = np.asarray(year, dtype=float)
    s = np.asarray(first_output, dtype=float)
    r = np.asarray(ramp_years, dtype=float)

    def integral(t):  # integral of u from -inf to t
        x = np.clip(t - s, 0.0, None)
        return np.where(x <= r, x * x / (2.0 * r), r / 2.0 + (x - r))

    return integral(year + 1.0) - integral(year)


@dataclass(frozen=True)
class Fab:
    """A capacity project: its size, when it first outputs, and how much of it makes DRAM wafers."""
    name: str
    k_wpm: float                 # full capacity, thousands of wafers a month
    first_output: float          # decimal year
    dram_share_pct: float = 100.0  # 0 for a foundry or packaging plant
    in_base_2026: bool = False   # already producing in 2026 (so part of the 2026 wafer figure)


def fab_wafers(fab: Fab, year, ramp_years, delay_years=0.0):
    """DRAM wafers (millions a year) a project adds in `year` at its ramp. Projects not yet
    producing in 2026 slip by `delay_years`."""
    start = fab.first_output + (0.0 if fab.in_base_2026 else delay_years)
    return (fab.k_wpm * MILLION_WAFERS_PER_YEAR_PER_K_WPM * fab.dram_share_pct / 100.0
            * ramp_share(year, start, ramp_years))


def wafer_additions(fabs, years, ramp_years, delay_years=0.0, base_year=2026):
    """Wafers (millions a year) each project adds over `base_year`'s output: a dict name -> array.

    A project already producing in the base year (M15X from 2026H2) counts only its growth beyond
    its base-year contribution, which the base-year wafer figure already holds.
    """
    years = np.asarray(years, dtype=float)
    out = {}
    for f in fabs:
        add = fab_wafers(f, years, ramp_years, delay_years) - fab_wafers(f, base_year, ramp_years, delay_years)
        out[f.name] = np.where(years > base_year, add, 0.0)
    return out


# --- the path, year by year ------------------------------------------------------------------------------

YEARS = (2025, 2026, 2027, 2028, 2029, 2030)


def dram_path(*, wafers_2025, wafers_2026, fabs, bpw_growth_2026_pct, bpw_growth_later_pct,
              hbm_share_2025_pct, hbm_share_2026_pct, hbm_share_later_pct, trade_ratio,
              trade_ratio_later, fill_rate_pct, double_order_pct, demand_growth_2026_pct,
              demand_growth_2027_pct, demand_growth_later_pct, ramp_years, fab_delay_years,
              base_wafer_growth_pct=0.0, anchor_year=2026, sufficiency_2025_pct=None, years=YEARS) -> dict:
    """DRAM supply, demand and sufficiency by year (arrays over `years`, which start at 2025).

    Supply: wafers x bits per wafer x HBM factor. Wafers: the Omdia figures for 2025 and 2026;
    after 2026, the 2026 figure grown at `base_wafer_growth_pct` a year plus the named projects.
    Demand is anchored on the fill rate in `anchor_year` (2026: the January 2026 figure applied to
    the year; 2025: applied to the year just ended): demand there = supply there x demand_multiple;
    the other years follow the demand-growth parameters (2026's rate links 2025 and 2026).
    `sufficiency_2025_pct`, if given, replaces the fill-rate anchor: demand in 2025 = supply in 2025 / that share
    (the usual growth-differential balance from a base year taken as balanced, 100), and the fill rate is not used.
    """
    years = np.asarray(years, dtype=float)
    n = len(years)
    adds = wafer_additions(fabs, years, ramp_years, fab_delay_years)
    wafers = np.empty(n)
    for i, y in enumerate(years):
        if y <= 2025:
            wafers[i] = wafers_2025
        elif y == 2026:
            wafers[i] = wafers_2026
        else:
            wafers[i] = wafers_2026 * (1 + base_wafer_growth_pct / 100.0) ** (y - 2026) + sum(a[i] for a in adds.values())
    bpw = np.ones(n)
    for i in range(1, n):
        g = bpw_growth_2026_pct if years[i] == 2026 else bpw_growth_later_pct
        bpw[i] = bpw[i - 1] * (1 + g / 100.0)
    hbm = np.where(years <= 2025, hbm_share_2025_pct, np.where(years == 2026, hbm_share_2026_pct, hbm_share_later_pct))
    ratio = np.where(years <= 2026, trade_ratio, trade_ratio_later)
    supply = dram_bit_supply(wafers, bpw, hbm, ratio)
    growth = np.array([demand_growth_2026_pct if y == 2026 else demand_growth_2027_pct if y == 2027
                       else demand_growth_later_pct for y in years], dtype=float)
    demand = np.empty(n)
    if sufficiency_2025_pct is None:
        ia = int(np.where(years == anchor_year)[0][0])
        demand[ia] = supply[ia] * demand_multiple(fill_rate_pct, double_order_pct)
    else:
        ia = int(np.where(years == 2025)[0][0])
        demand[ia] = supply[ia] / (float(sufficiency_2025_pct) / 100.0)
    for i in range(ia - 1, -1, -1):
        demand[i] = demand[i + 1] / (1 + growth[i + 1] / 100.0)
    for i in range(ia + 1, n):
        demand[i] = demand[i - 1] * (1 + growth[i] / 100.0)
    return {"year": years.astype(int), "wafers": wafers, "bits_per_wafer": bpw, "hbm_share_pct": hbm,
            "trade_ratio": ratio, "supply": supply, "demand": demand,
            "sufficiency_pct": sufficiency_pct(supply, demand),
            "supply_growth_pct": np.r_[np.nan, arith.growth_pct(supply[:-1], supply[1:])],
            "demand_growth_pct": np.r_[np.nan, arith.growth_pct(demand[:-1], demand[1:])],
            "additions": adds}


def nand_path(*, wafer_growth_2026_pct, wafer_growth_later_pct, qlc_share_2025_pct, qlc_share_2026_pct,
              qlc_share_step_pp, density_gain_pct, sufficiency_2025_pct, demand_growth_2026_pct,
              demand_growth_later_pct, tlc_bits=3.0, qlc_bits=4.0, years=YEARS) -> dict:
    """NAND supply and demand indices (2025 supply = 1) and sufficiency by year.

    Supply growth each year = wafers x density x QLC mix (chapter 1's `nand_bit_supply_growth_pct`);
    the QLC share rises by `qlc_share_step_pp` a year after 2026 (capped at 100). Demand is anchored
    on an assumed 2025 sufficiency, then grows at the demand parameters.
    """
    years = np.asarray(years, dtype=float)
    n = len(years)
    qlc = np.empty(n)
    for i, y in enumerate(years):
        qlc[i] = (qlc_share_2025_pct if y <= 2025 else qlc_share_2026_pct if y == 2026
                  else min(100.0, qlc_share_2026_pct + qlc_share_step_pp * (y - 2026)))
    supply = np.ones(n)
    for i in range(1, n):
        wg = wafer_growth_2026_pct if years[i] == 2026 else wafer_growth_later_pct
        g = nand_bit_supply_growth_pct(wg, qlc[i - 1], qlc[i], density_gain_pct, tlc_bits, qlc_bits)
        supply[i] = supply[i - 1] * (1 + float(g) / 100.0)
    demand = np.empty(n)
    demand[0] = supply[0] / (sufficiency_2025_pct / 100.0)
    for i in range(1, n):
        g = demand_growth_2026_pct if years[i] == 2026 else demand_growth_later_pct
        demand[i] = demand[i - 1] * (1 + g / 100.0)
    return {"year": years.astype(int), "qlc_share_pct": qlc, "supply": supply, "demand": demand,
            "sufficiency_pct": sufficiency_pct(supply, demand),
            "supply_growth_pct": np.r_[np.nan, arith.growth_pct(supply[:-1], supply[1:])],
            "demand_growth_pct": np.r_[np.nan, arith.growth_pct(demand[:-1], demand[1:])]}


# --- when does it end -----------------------------------------------------------------------------------

def first_year(years, condition):
    """The first year where `condition` holds, or None if it never does within `years`."""
    hits = [int(y) for y, c in zip(years, condition) if bool(c)]
    return hits[0] if hits else None


def shortage_end_year(path: dict, from_year: int = 2026):
    """First year (from `from_year`) in which supply meets demand: sufficiency >= 100 %."""
    y = np.asarray(path["year"])
    ok = (np.asarray(path["sufficiency_pct"]) >= 100.0) & (y >= from_year)
    return first_year(y, ok)


def growth_crossover_year(path: dict, from_year: int = 2027):
    """First year (from `from_year`) in which bit supply grows faster than demand."""
    y = np.asarray(path["year"])
    ok = (np.nan_to_num(np.asarray(path["supply_growth_pct"]), nan=-1e9)
          > np.asarray(path["demand_growth_pct"])) & (y >= from_year)
    return first_year(y, ok)


def steady_supply_growth_pct(base_wafer_growth_pct, bpw_growth_later_pct):
    """Bit-supply growth a year once the named fabs are fully ramped and the HBM share and trade ratio are flat:
    only the other-wafer growth and bits per wafer are left. 2 % and 12 %: 1.02 x 1.12 - 1 = 14.24 %."""
    return arith.compound_pct(base_wafer_growth_pct, bpw_growth_later_pct)


NEVER = "not on the modelled fabs"


def end_label(year, steady_supply_growth, demand_growth_later, horizon: int = YEARS[-1]) -> str:
    """A model year for prose (the turn or the end), honest about the horizon.

    The year if the path reaches it; otherwise what happens after the horizon, where only other-wafer growth and bits
    per wafer keep adding supply (HBM share and trade ratio are flat from 2027): if that steady growth beats demand
    growth, supply catches up eventually, 'after 2030'; if not, the gap never closes on the projects modelled: NEVER.
    The model has no capex or price response, so NEVER means 'not without capacity beyond the modelled fabs, or slower
    demand'. (A ramp still running at the horizon, possible only at extreme delay and ramp values, is ignored.)
    """
    if year is not None:
        return f"{int(year)}"
    if float(steady_supply_growth) > float(demand_growth_later):
        return f"after {horizon}"
    return NEVER


def label_order(label: str) -> int:
    """Sort key for end labels: a year, then 'after 2030', then NEVER."""
    return 10_000 if label == NEVER else 9_999 if label.startswith("after") else int(label)


def consistent_double_order_pct(fill_rate_pct, sufficiency_2025_pct, supply_growth_2026_pct, demand_growth_2026_pct):
    """The double-ordering share that makes the fill rate agree with a given 2025 balance and the 2026 growth rates.

    Sufficiency 2026 from the base year: s26 = s25 x (1 + supply growth) / (1 + demand growth). The fill-rate reading
    gives s26 = fill / (1 - d), so d = 1 - fill / s26. Fill 60 %, 2025 balanced, supply +15.3 %, demand +30 %:
    s26 = 1.153 / 1.30 = 88.69 %, d = 1 - 0.60 / 0.8869 = 32.35 %.
    """
    s26 = (np.asarray(sufficiency_2025_pct, dtype=float) / 100.0 * (1 + np.asarray(supply_growth_2026_pct, dtype=float) / 100.0)
           / (1 + np.asarray(demand_growth_2026_pct, dtype=float) / 100.0))
    return (1.0 - np.asarray(fill_rate_pct, dtype=float) / 100.0 / s26) * 100.0


def cost_per_wafer_start(price_usd_bn, k_wpm):
    """US dollars per wafer start a month of capacity: price / (k wpm x 1000).
    USD 1.8 bn for 30 k wpm: 1.8e9 / 30,000 = USD 60,000 per monthly wafer start."""
    return np.asarray(price_usd_bn, dtype=float) * 1e9 / (np.asarray(k_wpm, dtype=float) * 1000.0)

"""The fact-check ledger: every arithmetic relationship in the articles, declared once.

Each `Entry` names the claim whose figure it judges (`stated`, an id in data/claims.csv), the
relationship that recomputes it from other claims and reference figures (`relation`), how the two
are compared (`compare`, `on_gap`), what a failure would mean (`basis`: the article is wrong, two
sources disagree, or the check rests on a choice of ours), the plausible alternative choices it is
also shown under (`variants`), and a neutral explanation template (the numbers). `evaluate`
recomputes an entry from data/, applies `supercycle.chapters.fact_check.verdict` and `classify`, and
appends the sentence for the class it computed (`SAYS`, or the entry's own `says`): the text
follows from the verdict, never the reverse. `run` does all of them. No numbers from the articles
or the reference files are typed here, only the arithmetic; and nothing is listed twice: the claims
and reference tables an entry reads are recorded while it runs (`claims_read`), not declared.

In `relation(x)`, `x.c(id)` is a claim as an Interval (a range keeps its ends; a one-sided
bound is its bound), `x.p` the chapter's parameters and `x.ref*` the reference tables. The
explanation template may use {s} (the stated figure as text), {r}, {r_lo}, {r_hi} (the recomputed
value and range), {gap} (the signed relative gap in per cent) and the names `extra(x)` returns.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Callable

import pandas as pd

from .fact_check import HBF_BASELINES, NAND_DEMAND_GROWTH_2027_CHOICES_PCT
from supercycle.data import UNIT_TABLE, period_bounds, split_range
from . import fact_check as fc
from supercycle import arith
from . import hbf as hbfm
from . import hbm_competition as hbmc
from . import streamdq as sdq
from supercycle.arith import Interval

CATEGORIES = (
    "sum of parts",
    "growth rate",
    "compound growth and multiples",
    "percentage of a base",
    "two currencies",
    "same figure, two articles",
    "against reference data",
    "simple bound",
    "wording",
)

# The sentence each class adds to an entry's explanation (an entry may override it in `says`).
SAYS = {
    fc.HOLDS: "The statement holds.",
    fc.ROUNDS: "The difference is rounding.",
    fc.ARTICLE_ERROR: "The article's figure does not hold.",
    fc.SOURCES_DISAGREE: "The gap lies between the sources, not in the reporting.",
    fc.DEPENDS: "The verdict turns on a choice of ours, shown across the plausible choices.",
    fc.CANNOT: "Nothing in the articles or the public figures found settles it.",
}


@dataclass(frozen=True)
class Variant:
    """The same check under another plausible choice: `decides` marks a choice of ours (its
    verdict enters the class); otherwise it is another reading, shown beside the main one."""
    label: str
    relation: Callable[[Any], Any]
    decides: bool = True


@dataclass(frozen=True)
class Entry:
    id: str
    category: str
    title: str                                  # what is checked, in a few words
    stated: str | None                          # claim id of the figure judged
    relation: Callable[[Any], Any]              # x -> Interval | float | bool | None
    explain: str                                # neutral sentence(s): the numbers, a format template
    unit: str = ""                              # unit of the recomputed value (a UNITS key or "")
    compare: str = "equal"
    on_gap: str = "direction"
    stated_as_point: bool = False               # judge a bound ("not more than X") as the figure X it names
    quote: str = ""                             # for wording checks: the words judged (a substring of the seed)
    quote_source: str = ""                      # ... and the source id whose article holds them
    extra: Callable[[Any], dict] | None = None  # extra named numbers for the explanation
    basis: str = "article"                      # what a failure means (fc.BASES)
    error_key: str = ""                         # entries finding one error share a key (default: the id)
    trivial: bool = False                       # a check that could hardly fail (kept apart in the counts)
    variants: tuple[Variant, ...] = ()          # the check across other plausible choices or readings
    says: dict = field(default_factory=dict)    # class -> sentence, overriding SAYS

    def __post_init__(self):
        if self.category not in CATEGORIES:
            raise ValueError(f"{self.id}: unknown category {self.category!r}")
        if self.compare not in fc.COMPARES or self.on_gap not in fc.ON_GAP:
            raise ValueError(f"{self.id}: bad compare/on_gap")
        if self.basis not in fc.BASES:
            raise ValueError(f"{self.id}: unknown basis {self.basis!r}")
        if set(self.says) - set(fc.CLASSES):
            raise ValueError(f"{self.id}: 'says' names unknown classes")


# --- the context a relation sees ----------------------------------------------------------------

def claim_interval(c) -> Interval:
    """A claim as an Interval: a range keeps its ends; a single figure or a bound is a point."""
    if c.is_range:
        return Interval(c.low, c.value, c.high)
    return Interval.point(c.value)


def range_interval(text: str) -> Interval:
    """A reference value as an Interval: '55-60' -> Interval(55, 57.5, 60); '975.5' -> a point."""
    lo, hi = split_range(text)
    return Interval(lo, (lo + hi) / 2, hi) if lo != hi else Interval.point(lo)


class Context:
    """What a relation reads: claims (recording which), parameters and reference tables."""

    def __init__(self, get_claim: Callable[[str], Any], params: SimpleNamespace,
                 reference: Callable[[str], pd.DataFrame]):
        self._get = get_claim
        self.p = params
        self._reference = reference
        self.used: list[str] = []
        self.refs_used: list[str] = []

    def claim(self, cid: str):
        if cid not in self.used:
            self.used.append(cid)
        return self._get(cid)

    def c(self, cid: str) -> Interval:
        return claim_interval(self.claim(cid))

    def fx(self, id_a: str, id_b: str) -> Interval:
        """The exchange rate (units of a's currency per one of b's) two claims stated as one amount imply."""
        a, b = self.claim(id_a), self.claim(id_b)
        return arith.implied_fx(self.c(id_a), a.unit, self.c(id_b), b.unit)[2]

    def table(self, name: str) -> pd.DataFrame:
        if name not in self.refs_used:
            self.refs_used.append(name)
        return self._reference(name)

    def ref(self, name: str, item_prefix: str, column: str = "value", key: str = "item") -> Interval:
        """A reference figure: the row of `name` whose `key` column starts with `item_prefix`."""
        df = self.table(name)
        rows = df[df[key].str.startswith(item_prefix)]
        if len(rows) != 1:
            raise KeyError(f"reference {name}: {len(rows)} rows whose {key} starts with {item_prefix!r}")
        return range_interval(rows.iloc[0][column])

    def ref_at(self, name: str, item: str, period: str) -> Interval:
        """A reference figure by its exact item and period (files with one item over several periods)."""
        df = self.table(name)
        rows = df[(df["item"] == item) & (df["period"] == period)]
        if len(rows) != 1:
            raise KeyError(f"reference {name}: {len(rows)} rows for {item!r} in {period!r}")
        return range_interval(rows.iloc[0]["value"])


def gpu_hbm_gb(x, part: str) -> float:
    """HBM capacity (GB) of the accelerator in data/reference/accelerators.csv whose name starts with `part`."""
    df = x.table("accelerators")
    rows = df[df["part"].str.startswith(part)]
    if len(rows) != 1:
        raise KeyError(f"accelerators: no single part starting with {part!r}")
    return float(rows.iloc[0]["hbm_capacity_gb"])


def _year(period: str) -> int:
    """The calendar year a period starts in ('end-2027' -> 2027, '2016-2025' -> 2016)."""
    return period_bounds(period)[0].year


def _years(x, first: str, last: str) -> float:
    """Years between two claims' periods ('2025', '2032' -> 7)."""
    return float(_year(x.claim(last).period) - _year(x.claim(first).period))


def _sum(x, *ids) -> Interval:
    total = Interval.point(0.0)
    for i in ids:
        total = total + x.c(i)
    return total


MU_SQM = UNIT_TABLE["mu"].base_factor   # 1 畝 = 2000/3 = 666.67 square metres (data/units.csv)
LC = "ledger_checks"    # data/reference/ledger_checks.csv: public figures this chapter found


# --- figures several entries share --------------------------------------------------------------

def korea_exports(x, year: str) -> Interval:
    return x.ref_at(LC, "Korea semiconductor exports", year)


def skhynix_shares_in_issue_m(x) -> Interval:
    """Shares in issue (millions) as the exchange counts them for market cap: cap / close on one day."""
    return (x.ref_at(LC, "SK hynix market capitalisation", "2025-06-24") * hbmc.WON_PER_SHARE_PER_TRN_PER_M
            / x.ref_at(LC, "SK hynix share price close", "2025-06-24"))


def skhynix_close_end2024(x) -> Interval:
    """End-2024 close: the end-2024 market cap over the shares in issue (won)."""
    return x.ref_at(LC, "SK hynix market capitalisation", "end-2024") * hbmc.WON_PER_SHARE_PER_TRN_PER_M / skhynix_shares_in_issue_m(x)


def skhynix_book_per_share_end2025(x) -> Interval:
    """Book value per share at end-2025 (won): the close over the trailing P/B."""
    return x.ref_at(LC, "SK hynix share price close", "end-2025") / x.ref_at(LC, "SK hynix price-to-book ratio", "end-2025")


HBM_25 = "skhynix.hbm_sales_share.2025"
DRAM_REV = "bofa.dram.revenue.growth.2026"
FIN = "hbm_competition_financials"   # chapter 2's reference table: one basis for the HBM-share figures
BOFA_GROWTH = ("HBM market growth (SK hynix Newsroom, BofA basis)", "2026")
BOFA_BASE = ("HBM market size (SK hynix Newsroom, BofA basis)", "2025")
VALUE_SHARE_25 = {"Counterpoint, 2025Q3": ("HBM vendor share SK hynix (Counterpoint)", "2025Q3"),
                  "Macquarie, 2025": ("HBM vendor share SK hynix (Macquarie)", "2025")}


def _share(x, hbm_growth_pct: float, vendor_share_change_pct: float = 0.0) -> float:
    """Chapter 2's model (supercycle.chapters.hbm_competition.hbm_share_next) from JPMorgan's 2025 share, with
    SK hynix's total sales growing as BofA's DRAM revenue (a proxy: SK hynix also sells NAND)."""
    return hbmc.hbm_share_next(x.c(HBM_25).mid, hbm_growth_pct, x.c(DRAM_REV).mid,
                               vendor_share_change_pct=vendor_share_change_pct)


def hbm_share_bofa(x, share_from: str | None = None) -> float:
    """SK hynix's 2026 HBM share of sales on BofA's own basis (HBM market +58% on its USD 34.6 bn
    for 2025, as SK hynix's Newsroom gives them); with `share_from`, its HBM value share also slips
    from that 2025 figure (a key of VALUE_SHARE_25) to JPMorgan's 'just under 50%' (an upper bound)."""
    growth = x.ref_at(FIN, *BOFA_GROWTH).mid
    change = 0.0
    if share_from is not None:
        change = float(arith.growth_pct(x.ref_at(FIN, *VALUE_SHARE_25[share_from]).mid, x.c("jpm.skhynix.hbm_value_share").mid))
    return _share(x, growth, change)


def hbm_growth_jpm_basis(x) -> float:
    """SK hynix's HBM sales growth on JPMorgan's own 2025 basis, as chapter 2 computes it: JPMorgan's
    2025 HBM share of SK hynix's reported 2025 revenue, against JPMorgan's value share of BofA's 2026
    market converted at this chapter's won rate."""
    hbm25 = x.c(HBM_25).mid / 100 * x.ref_at(FIN, "SK hynix revenue", "2025").mid
    hbm26 = hbmc.hbm_revenue(x.ref_at(FIN, "HBM market size (BofA)", "2026").mid,
                             x.c("jpm.skhynix.hbm_value_share").mid, 0.0, x.p.krw_per_usd)["krw_trn"]
    return arith.growth_pct(hbm25, hbm26)


def hbm_share_jpm_basis(x) -> float:
    return _share(x, hbm_growth_jpm_basis(x))


def hbm_growth_splice(x) -> float:
    """The HBM market growing from TrendForce's 2025 figure to BofA's 2026 one: a splice of two sources."""
    return arith.growth_pct(x.ref_at(FIN, "HBM market size (TrendForce)", "2025"),
                         x.ref_at(FIN, "HBM market size (BofA)", "2026")).mid


def hbm_share_splice(x) -> float:
    return _share(x, hbm_growth_splice(x))


def icms_share_2027(x, growth_pct: float) -> Interval:
    """Citi's 2027 ICMS demand as a share of total NAND demand if the total grows growth_pct in 2027."""
    return (x.c("nand.icms_demand_share.2026") * (x.c("nand.icms_demand.2027") / x.c("nand.icms_demand.2026"))
            / (1 + growth_pct / 100))


# Memory capacities are counted in binary units, as memory makers count them: an HBM "GB" is a GiB
# (192 GB = 192 GiB) and HBF's "4 TB" is 4 TiB = 4,096 GB, SanDisk's eight 512 GB stacks
# (data/reference/hbf.csv). Chapter 3 uses the same figures, the same function and the same constant.
GB_PER_TB = hbfm.GB_PER_TB


def hbf_needed(x, part: str) -> float:
    """The multiple of an accelerator's HBM that the claimed GPU capacity (4 TB) is: chapter 3's
    `supercycle.chapters.hbf.multiple_by_baseline` (HBF alone) on binary units."""
    return hbfm.multiple_by_baseline(x.c("hbf.capacity.gpu").mid * GB_PER_TB, {part: gpu_hbm_gb(x, part)})[part]


def hbf_tb(x, part: str) -> Interval:
    """HBF's '8-16x the HBM' on an accelerator, in TB (binary)."""
    return x.c("hbf.capacity.multiple_vs_hbm") * gpu_hbm_gb(x, part) / GB_PER_TB


COWOS_23, COWOS_24, COWOS_26 = "pkg.cowos.tsmc.capacity.2023", "pkg.cowos.tsmc.capacity.2024", "pkg.cowos.tsmc.capacity.2026.plan"


def cowos_cagr(x, first: str, ends: bool) -> Interval:
    """TSMC CoWoS capacity CAGR from end-`first` to end-2026: midpoints, or every pairing of the ends."""
    start, end = x.c(first), x.c(COWOS_26)
    years = _year(x.claim(COWOS_26).period) - _year(x.claim(first).period)
    if not ends:
        start, end = Interval.point(start.mid), Interval.point(end.mid)
    return arith.cagr_pct(start, end, years)


def streamdq_share(x) -> float:
    return x.c("streamdq.dequant.share_of_inference_time").mid / 100


# --- the entries --------------------------------------------------------------------------------

ENTRIES: tuple[Entry, ...] = (
    # Sums of parts -------------------------------------------------------------------------------
    Entry("dram-total-2026", "sum of parts", "DRAM wafers 2026: the three makers' figures against the stated total",
          "dram.wafers.total.2026",
          lambda x: _sum(x, "dram.wafers.samsung.2026", "dram.wafers.skhynix.2026", "dram.wafers.micron.2026"),
          "Samsung, SK hynix and Micron add up to {r:.3f} million wafers against the stated {s} million.",
          unit="wafers_m_per_year"),
    Entry("dram-total-growth", "growth rate", "DRAM wafers: the makers' combined growth against the stated rate",
          "dram.wafers.total.growth.2026",
          lambda x: arith.growth_pct(
              _sum(x, "dram.wafers.samsung.2025", "dram.wafers.skhynix.2025", "dram.wafers.micron.2025"),
              _sum(x, "dram.wafers.samsung.2026", "dram.wafers.skhynix.2026", "dram.wafers.micron.2026")),
          "The makers' own figures grow from {t25:.2f} to {t26:.2f} million wafers, {r:.2f}%, against the stated {s}%.",
          unit="pct", compare="growth",
          extra=lambda x: {"t25": _sum(x, "dram.wafers.samsung.2025", "dram.wafers.skhynix.2025", "dram.wafers.micron.2025").mid,
                           "t26": _sum(x, "dram.wafers.samsung.2026", "dram.wafers.skhynix.2026", "dram.wafers.micron.2026").mid}),
    Entry("dram-increase-samsung-skhynix", "sum of parts", "Samsung + SK hynix DRAM wafers: the two increases against the stated sum",
          "dram.wafers.samsung_skhynix.increase.2026",
          lambda x: (x.c("dram.wafers.samsung.2026") - x.c("dram.wafers.samsung.2025"))
          + (x.c("dram.wafers.skhynix.2026") - x.c("dram.wafers.skhynix.2025")),
          "The two increases add up to {r:.2f} million wafers against the stated {s} million.",
          unit="wafers_m_per_year"),
    Entry("opprofit-samsung-skhynix", "sum of parts", "Samsung + SK hynix operating profit 2026: two brokers' forecasts against the stated floor",
          "opprofit.samsung_skhynix.2026",
          lambda x: x.c("kiwoom.samsung.opprofit.2026") + x.c("im.skhynix.opprofit.2026"),
          "Kiwoom's Samsung and iM's SK hynix forecasts (two brokers' figures, added as the article adds them) sum to "
          "{r:.3f} trillion won against the stated floor of {v:g} trillion; the same article later calls more than "
          "{v:g} trillion the most optimistic case.",
          unit="krw_trn"),
    Entry("tongfu-placement", "sum of parts", "Tongfu placement: the uses of the money against the amount raised",
          "pkg.invest.tongfu.placement.cny",
          lambda x: _sum(x, "pkg.invest.tongfu.auto.proceeds", "pkg.invest.tongfu.memory.proceeds",
                         "pkg.invest.tongfu.wafer_level.proceeds", "pkg.invest.tongfu.hpc.proceeds")
          + x.ref_at(LC, "Tongfu placement: working capital and bank-loan repayment", "2026"),
          "The four projects the article lists add up to {four:.3f} bn yuan; the company's plan adds a fifth use, "
          "{wc:.2f} bn yuan for working capital and bank-loan repayment ({wc_pct:.0f}% of the {v:g} bn), which the "
          "article leaves out; with it the uses add up to {r:.3f} bn yuan.",
          unit="cny_bn", stated_as_point=True, says={fc.HOLDS: "The figures hold; the article omits the working-capital tranche rather than misstating anything."},
          extra=lambda x: {"four": _sum(x, "pkg.invest.tongfu.auto.proceeds", "pkg.invest.tongfu.memory.proceeds",
                                        "pkg.invest.tongfu.wafer_level.proceeds", "pkg.invest.tongfu.hpc.proceeds").mid,
                           "wc": x.ref_at(LC, "Tongfu placement: working capital and bank-loan repayment", "2026").mid,
                           "wc_pct": 100 * x.ref_at(LC, "Tongfu placement: working capital and bank-loan repayment", "2026").mid
                           / x.c("pkg.invest.tongfu.placement.cny").mid}),
    Entry("tongfu-auto-total", "simple bound", "Tongfu auto project: proceeds within the project's total investment",
          "pkg.invest.tongfu.auto.total",
          lambda x: x.c("pkg.invest.tongfu.auto.proceeds"),
          "The project's {r:.3f} bn yuan of proceeds against its total investment of about {s} bn.",
          unit="cny_bn", compare="at_least",
          trivial=True),
    # Growth rates against their endpoints ---------------------------------------------------------
    Entry("dram-samsung-growth", "growth rate", "Samsung DRAM wafers: growth rate against its endpoints",
          "dram.wafers.samsung.growth.2026",
          lambda x: arith.growth_pct(x.c("dram.wafers.samsung.2025"), x.c("dram.wafers.samsung.2026")),
          "The endpoints give {r:.2f}% against the stated 'about {s}%'.",
          unit="pct", compare="growth"),
    Entry("dram-skhynix-growth", "growth rate", "SK hynix DRAM wafers: growth rate against its endpoints",
          "dram.wafers.skhynix.growth.2026",
          lambda x: arith.growth_pct(x.c("dram.wafers.skhynix.2025"), x.c("dram.wafers.skhynix.2026")),
          "The endpoints give {r:.2f}% against the stated 'about {s}%'.",
          unit="pct", compare="growth"),
    Entry("kiwoom-vs-consensus", "growth rate", "Kiwoom's Samsung profit forecast against the prior consensus",
          "kiwoom.samsung.opprofit.2026.vs_consensus",
          lambda x: arith.growth_pct(x.c("kiwoom.samsung.opprofit.2026.prior_consensus"), x.c("kiwoom.samsung.opprofit.2026")),
          "The two forecasts differ by {r:.2f}% against the stated 'more than {v:g}%'.",
          unit="pct", compare="growth"),
    Entry("cowos-tsmc-2023-2024", "growth rate", "TSMC CoWoS capacity end-2023 to end-2024: growth against the stated floor",
          "pkg.cowos.tsmc.growth.2023_2024",
          lambda x: arith.growth_pct(x.c("pkg.cowos.tsmc.capacity.2023"), x.c("pkg.cowos.tsmc.capacity.2024")),
          "The midpoints give {r:.0f}% (any ends of the two ranges: {r_lo:.0f}% to {r_hi:.0f}%) against 'over {v:g}%'.",
          unit="pct", compare="growth"),
    Entry("packaging-market-cagr", "compound growth and multiples", "Advanced-packaging market 2025 to 2032: CAGR against its endpoints",
          "pkg.market.advanced.cagr",
          lambda x: arith.cagr_pct(x.c("pkg.market.advanced.2025"), x.c("pkg.market.advanced.2032"), _years(x, "pkg.market.advanced.2025", "pkg.market.advanced.2032")),
          "{n:.0f} years from the 2025 to the 2032 figure compound at {r:.2f}% a year, against the stated {s}%.",
          unit="pct", compare="growth",
          extra=lambda x: {"n": _years(x, "pkg.market.advanced.2025", "pkg.market.advanced.2032")}),
    Entry("cowos-tsmc-multiple", "compound growth and multiples", "TSMC CoWoS capacity end-2023 to end-2026: the stated multiple",
          "pkg.cowos.tsmc.growth.2023_2026",
          lambda x: x.c("pkg.cowos.tsmc.capacity.2026.plan") / x.c("pkg.cowos.tsmc.capacity.2023"),
          "The planned end-2026 capacity is {r:.1f} times end-2023 ({r_lo:.1f} to {r_hi:.1f} over the ranges), "
          "against the stated {s} times; 增長 may also be read as growth 'by' that many times (to {b_lo:g}-{b_hi:g} "
          "times), shown as another reading.",
          unit="x",
          variants=(Variant("growth 'by' that many times (the multiple minus one)",
                            lambda x: x.c("pkg.cowos.tsmc.capacity.2026.plan") / x.c("pkg.cowos.tsmc.capacity.2023") - 1,
                            decides=False),),
          extra=lambda x: {"b_lo": x.c("pkg.cowos.tsmc.growth.2023_2026").low + 1,
                                     "b_hi": x.c("pkg.cowos.tsmc.growth.2023_2026").high + 1}),
    Entry("cowos-tsmc-cagr", "compound growth and multiples", "TSMC CoWoS capacity to end-2026: the stated CAGR floor, across bases",
          "pkg.cowos.tsmc.cagr.2023_2026",
          lambda x: cowos_cagr(x, COWOS_23, ends=False),
          "On the article's own base (end-2023 to end-2026, midpoints) the plan compounds at {r:.0f}% a year "
          "({e_lo:.0f}% to {e_hi:.0f}% over every pairing of the range ends); from end-2024 the midpoints give "
          "{b24:.1f}% ({b24_lo:.1f}% to {b24_hi:.1f}% over the ends), the likely origin of 'over {v:g}%'.",
          unit="pct", compare="growth",
          variants=(Variant("end-2023 to end-2026, any ends of the ranges", lambda x: cowos_cagr(x, COWOS_23, ends=True)),
                    Variant("end-2024 to end-2026, midpoints", lambda x: cowos_cagr(x, COWOS_24, ends=False)),
                    Variant("end-2024 to end-2026, any ends of the ranges", lambda x: cowos_cagr(x, COWOS_24, ends=True))),
          says={fc.HOLDS: "'Over {v:g}%' holds on the stated base, where it is a loose floor, and on the end-2024 "
                          "midpoints only just; some pairings of the end-2024 range ends fall below it."},
          extra=lambda x: {"e_lo": cowos_cagr(x, COWOS_23, True).low, "e_hi": cowos_cagr(x, COWOS_23, True).high,
                           "b24": cowos_cagr(x, COWOS_24, False).mid, "b24_lo": cowos_cagr(x, COWOS_24, True).low,
                           "b24_hi": cowos_cagr(x, COWOS_24, True).high}),
    Entry("cowos-ase-doubling", "compound growth and multiples", "ASE CoWoS-class capacity end-2024 to end-2025: 'doubling'",
          "pkg.cowos.ase.growth.2024_2025",
          lambda x: x.c("pkg.cowos.ase.capacity.2025") / x.c("pkg.cowos.ase.capacity.2024"),
          "The two ranges give {r:.2f} times ({r_lo:.2f} to {r_hi:.2f}) against the doubling stated.",
          unit="x"),
    Entry("amkor-peoria-area", "compound growth and multiples", "Amkor Peoria site area: 'nearly doubling'",
          "pkg.site.amkor.peoria.scale",
          lambda x: x.c("pkg.site.amkor.peoria.area.after") / x.c("pkg.site.amkor.peoria.area.before"),
          "The site grows {r:.2f} times against 'nearly doubling' (nearly: not above {s} times).",
          unit="x", compare="at_least",
          trivial=True),
    # Per-period averages, products, percentages of a base -----------------------------------------
    Entry("dram-samsung-quarterly", "percentage of a base", "Samsung DRAM wafers: annual plan against the quarterly average stated",
          "dram.wafers.samsung.quarterly.2026",
          lambda x: x.c("dram.wafers.samsung.2026") / 4,
          "A quarter of the annual {y:.2f} million is {r:.4f} million against the 'first reaching {s} million' the "
          "article announces for the quarterly average; single quarters above the average can reach it.",
          unit="wafers_m_per_quarter", extra=lambda x: {"y": x.c("dram.wafers.samsung.2026").mid}),
    Entry("icms-demand-2026", "percentage of a base", "Vera Rubin ICMS NAND demand 2026: systems times SSD per system",
          "nand.icms_demand.2026",
          lambda x: x.c("nand.vera_rubin.units.2026") * x.c("nand.vera_rubin.ssd_tb_per_system"),
          "{u:,.0f} systems of {tb:,.0f} TB make {r:,.0f} TB, printed as {v:,.0f} TB.",
          unit="tb", extra=lambda x: {"u": x.c("nand.vera_rubin.units.2026").mid,
                                      "tb": x.c("nand.vera_rubin.ssd_tb_per_system").mid}),
    Entry("icms-demand-2027", "percentage of a base", "Vera Rubin ICMS NAND demand 2027: systems times SSD per system",
          "nand.icms_demand.2027",
          lambda x: x.c("nand.vera_rubin.units.2027") * x.c("nand.vera_rubin.ssd_tb_per_system"),
          "{u:,.0f} systems of {tb:,.0f} TB make {r:,.0f} TB against the stated {v:,.0f} TB.",
          unit="tb", extra=lambda x: {"u": x.c("nand.vera_rubin.units.2027").mid,
                                      "tb": x.c("nand.vera_rubin.ssd_tb_per_system").mid}),
    Entry("icms-share-2027", "percentage of a base", "ICMS shares of NAND demand in 2026 and 2027, taken together",
          "nand.icms_demand_share.2027",
          lambda x: icms_share_2027(x, x.p.nand_demand_growth_2027_pct),
          "Citi's two shares imply total NAND demand of {t26:,.0f} EB in 2026 and {t27:,.0f} EB in 2027, growth of "
          "{tg:.1f}%, so demand other than ICMS would fall {other:.1f}%; if total demand grows {g:g}% in 2027 (the "
          "chapter's parameter; its default is IDC's 2026 supply growth, a proxy from another year), the 2027 ICMS "
          "demand is {r:.1f}% of it against the stated {s}%.",
          unit="pct", basis="assumption",
          variants=tuple(Variant(f"total NAND demand +{g:g}% in 2027", (lambda g: lambda x: icms_share_2027(x, g))(g))
                         for g in NAND_DEMAND_GROWTH_2027_CHOICES_PCT),
          says={fc.DEPENDS: "The {s}% holds only if total NAND demand barely grows in 2027; no article gives 2027 demand growth, so the verdict rests on our choice."},
          extra=lambda x: (lambda t26, t27: {
              "g": x.p.nand_demand_growth_2027_pct, "t26": t26.mid / 1e6, "t27": t27.mid / 1e6,
              "tg": arith.growth_pct(t26, t27).mid,
              "other": -arith.growth_pct(t26 - x.c("nand.icms_demand.2026"), t27 - x.c("nand.icms_demand.2027")).mid})(
              arith.implied_total(x.c("nand.icms_demand.2026"), x.c("nand.icms_demand_share.2026")),
              arith.implied_total(x.c("nand.icms_demand.2027"), x.c("nand.icms_demand_share.2027")))),
    Entry("bofa-nand-bits", "same figure, two articles", "NAND bit growth: BofA's revenue and price forecasts against IDC's supply growth",
          "nand.bit_supply_growth.2026",
          lambda x: arith.implied_volume_growth_pct(x.c("bofa.nand.revenue.growth.2026"), x.c("bofa.nand.asp.growth.2026")),
          "BofA's revenue and price forecasts imply {r:.1f}% more NAND bits sold in 2026 against IDC's 2026 supply growth "
          "of about {s}% (two forecasters).",
          unit="pct", compare="growth", on_gap="conflict",
          basis="sources"),
    Entry("memory-market-growth", "same figure, two articles", "Memory market growth (WSTS) against BofA's DRAM and NAND revenue growth",
          "market.memory.global.growth.2026",
          lambda x: Interval(min(x.c("bofa.nand.revenue.growth.2026").low, x.c("bofa.dram.revenue.growth.2026").low),
                             (x.c("bofa.nand.revenue.growth.2026").mid + x.c("bofa.dram.revenue.growth.2026").mid) / 2,
                             max(x.c("bofa.nand.revenue.growth.2026").high, x.c("bofa.dram.revenue.growth.2026").high)),
          "Any mix of BofA's +{n:.0f}% NAND and +{d:.0f}% DRAM revenue grows {r_lo:.0f}-{r_hi:.0f}%, against the "
          "'about {s}%' growth of the memory market the same article quotes from WSTS (a forecast of autumn 2025).",
          unit="pct", compare="growth", on_gap="inconsistent",
          extra=lambda x: {"n": x.c("bofa.nand.revenue.growth.2026").mid, "d": x.c("bofa.dram.revenue.growth.2026").mid},
          basis="sources", says={fc.SOURCES_DISAGREE: "Two forecasters disagree (WSTS against BofA); the article reports both faithfully."}),
    Entry("hbm-sales-share-2026", "percentage of a base", "SK hynix HBM share of sales 2026, on each source's basis",
          "jpm.skhynix.hbm_sales_share.2026",
          lambda x: hbm_share_bofa(x),
          "From JPMorgan's estimate of {s25:g}% for 2025 (dated before the January 29 results, not an actual), with "
          "SK hynix's total sales growing as BofA's DRAM revenue, +{d:.0f}% (a proxy: SK hynix also sells NAND): on "
          "BofA's basis (HBM market +{h:.0f}% from USD {b25:g} bn in 2025) HBM is {r:.1f}% of sales if SK hynix keeps "
          "its value share, and at most {slip_lo:.1f}-{slip_hi:.1f}% if that share slips from {v57:g}% (Counterpoint, "
          "2025Q3) or {v61:g}% (Macquarie, 2025) to just under {v26:g}%, as JPMorgan expects; on JPMorgan's own 2025 "
          "basis ({s25:g}% of SK hynix's reported 2025 revenue, against {v26:g}% of BofA's 2026 market: HBM sales "
          "growing {gj:.0f}%) it is at most {jpm:.1f}%. JPMorgan states {s}%. The first edition's splice of TrendForce's 2025 "
          "market with BofA's 2026 one (+{hs:.0f}%) gives {splice:.1f}%; it mixes two sources and is shown only "
          "as another reading.",
          unit="pct", basis="sources",
          variants=(Variant("BofA basis, value share from 57% (Counterpoint) to just under 50%", lambda x: hbm_share_bofa(x, "Counterpoint, 2025Q3")),
                    Variant("BofA basis, value share from 61% (Macquarie) to just under 50%", lambda x: hbm_share_bofa(x, "Macquarie, 2025")),
                    Variant("JPMorgan's own 2025 basis, value share just under 50%", hbm_share_jpm_basis),
                    Variant("TrendForce 2025 to BofA 2026 (a splice of two sources)", hbm_share_splice, decides=False)),
          says={fc.SOURCES_DISAGREE: "JPMorgan's {s}% lies between what the bases give: the sources disagree on how large "
                                     "2025's HBM market was, so this is not an article error, and arithmetic cannot settle it."},
          extra=lambda x: (lambda a, b: {
              "s25": x.c(HBM_25).mid, "h": x.ref_at(FIN, *BOFA_GROWTH).mid, "b25": x.ref_at(FIN, *BOFA_BASE).mid,
              "d": x.c(DRAM_REV).mid, "slip_lo": min(a, b), "slip_hi": max(a, b),
              "v57": x.ref_at(FIN, *VALUE_SHARE_25["Counterpoint, 2025Q3"]).mid,
              "v61": x.ref_at(FIN, *VALUE_SHARE_25["Macquarie, 2025"]).mid,
              "v26": x.c("jpm.skhynix.hbm_value_share").mid,
              "jpm": hbm_share_jpm_basis(x), "gj": hbm_growth_jpm_basis(x),
              "splice": hbm_share_splice(x), "hs": hbm_growth_splice(x)})(
              hbm_share_bofa(x, "Counterpoint, 2025Q3"), hbm_share_bofa(x, "Macquarie, 2025"))),
    Entry("adr-shares", "percentage of a base", "SK hynix ADR: share of the stock against the number of shares",
          "skhynix.adr.shares",
          lambda x: x.c("skhynix.adr.share_of_float") / 100 * x.p.skhynix_shares_issued_m,
          "{pct:.1f}% of {n:.0f} million shares in issue is {r:.2f} million shares, printed as about {s} million.",
          unit="shares_m",
          extra=lambda x: {"pct": x.c("skhynix.adr.share_of_float").mid, "n": x.p.skhynix_shares_issued_m}),
    Entry("jpm-pb-premium", "percentage of a base", "JPMorgan's target P/B and its premium to the historical peak",
          "jpm.skhynix.pb.premium",
          lambda x: None,
          "At {pb:g}x the {t:,.0f}-won target implies a book value of {bv:,.0f} won per share and a historical peak P/B "
          "of {peak:.2f}x; the public end-2025 book value is about {bv25:,.0f} won per share ({p25:.2f}x at the "
          "year-end close), so the target is {now:.1f}x trailing book and needs a book {grow:.2f} times the end-2025 "
          "one: JPMorgan's P/B must rest on a forecast book value it does not publish, and on trailing book the "
          "stock already traded above a {peak:.2f}x 'peak' at end-2025.",
          unit="pct", extra=lambda x: (lambda bv, bv25: {
              "pb": x.c("jpm.skhynix.pb.target").mid, "t": x.c("jpm.skhynix.target_price").mid, "bv": bv.mid,
              "peak": (x.c("jpm.skhynix.pb.target") / (1 + x.c("jpm.skhynix.pb.premium") / 100)).mid,
              "bv25": round(bv25.mid, -2), "p25": x.ref_at(LC, "SK hynix price-to-book ratio", "end-2025").mid,
              "now": (x.c("jpm.skhynix.target_price") / bv25).mid, "grow": (bv / bv25).mid})(
              x.c("jpm.skhynix.target_price") / x.c("jpm.skhynix.pb.target"), skhynix_book_per_share_end2025(x))),
    Entry("exports-2025-growth", "growth rate", "Korean chip exports 2025: growth against MOTIE's full-year figures",
          "exports.korea.semis.growth.2025",
          lambda x: arith.growth_pct(korea_exports(x, "2024"), korea_exports(x, "2025")),
          "MOTIE's full-year figures, {y24:g} bn dollars in 2024 and {y25:g} bn in 2025, give {r:.1f}% against the "
          "article's 'over {v:g}%' for last year; December 2025 alone grew {dec:g}% (no other month is checked here).",
          unit="pct", compare="growth", variants=(Variant("December 2025 only (MOTIE)", lambda x: x.ref_at(LC, "Korea semiconductor exports growth (December only)", "2025-12"),
                            decides=False),),
          says={fc.ARTICLE_ERROR: "Read, as the paragraph frames it, as last year's growth, the article overstates it; read as "
                                   "recent months' growth (December shown as the other reading), it would hold, but the text names no such period."},
          extra=lambda x: {"y24": korea_exports(x, "2024").mid, "y25": korea_exports(x, "2025").mid,
                           "dec": x.ref_at(LC, "Korea semiconductor exports growth (December only)", "2025-12").mid}),
    Entry("exports-2026-growth", "growth rate", "Korean chip exports 2026: the forecast level and its growth against 2025's actual",
          "exports.korea.semis.growth.2026",
          lambda x: arith.growth_pct(korea_exports(x, "2025"), x.c("exports.korea.semis.2026")),
          "On MOTIE's actual {y25:g} bn dollars for 2025, the Eximbank's {f26:g} bn forecast is {r:.1f}% growth against "
          "the stated {s}%; {s}% implies a 2025 base of {base:.1f} bn, presumably the forecaster's own estimate made "
          "before the full-year figures were out. The rates are compared as rates here, because the rate is what a "
          "reader takes away; compared as growth factors (the 2026 level each implies) the gap is {fgap:+.1f}%.",
          unit="pct", compare="equal", basis="sources",
          says={fc.SOURCES_DISAGREE: "The forecaster's base and the later actual disagree; the reporting is faithful."},
          extra=lambda x: {"y25": korea_exports(x, "2025").mid, "f26": x.c("exports.korea.semis.2026").mid,
                           "base": (x.c("exports.korea.semis.2026") / (1 + x.c("exports.korea.semis.growth.2026") / 100)).mid,
                           "fgap": 100 * fc.relative_gap(1 + x.c("exports.korea.semis.growth.2026").mid / 100,
                                                         x.c("exports.korea.semis.2026").mid / korea_exports(x, "2025").mid)}),
    Entry("exports-record-streak", "against reference data", "Korean chip exports: 2026 as the second record year in a row",
          "exports.korea.semis.record_years",
          lambda x: x.ref_at(LC, "Korea semiconductor exports: consecutive record years", "2025")
          + (1.0 if x.c("exports.korea.semis.2026").mid > korea_exports(x, "2025").mid else 0.0),
          "By the industry ministry's count 2025 was already the {streak_ord} record year in a row, so a record "
          "{f26:g} bn dollars in 2026 would make {r:g} in a row against the stated {s} ('連續第二年').",
          unit="count", says={fc.ARTICLE_ERROR: "The streak is understated: a record 2026 would extend a run that began before 2025."},
          extra=lambda x: {"streak": x.ref_at(LC, "Korea semiconductor exports: consecutive record years", "2025").mid,
                           "streak_ord": ordinal(x.ref_at(LC, "Korea semiconductor exports: consecutive record years", "2025").mid),
                           "f26": x.c("exports.korea.semis.2026").mid}),
    Entry("skhynix-price-2025", "growth rate", "SK hynix share price gain in 2025 against the year-end closes",
          "skhynix.share_price.change.2025",
          lambda x: arith.growth_pct(skhynix_close_end2024(x), x.ref_at(LC, "SK hynix share price close", "end-2025")),
          "The end-2024 close of {p24:,.0f} won (market cap {cap:g} trillion won over {n:.1f} million shares) and the "
          "end-2025 close of {p25:,.0f} won give {r:.1f}% against the stated {s}%; on the dividend-adjusted end-2024 "
          "close ({adj:,.0f} won, S&P) the gain is {adj_g:.1f}%.",
          unit="pct", compare="growth", variants=(Variant("dividend-adjusted end-2024 close (total return)",
                            lambda x: arith.growth_pct(x.ref_at(LC, "SK hynix share price close (dividend-adjusted)", "end-2024"),
                                                    x.ref_at(LC, "SK hynix share price close", "end-2025")), decides=False),),
          extra=lambda x: {"p24": skhynix_close_end2024(x).mid, "p25": x.ref_at(LC, "SK hynix share price close", "end-2025").mid,
                           "cap": x.ref_at(LC, "SK hynix market capitalisation", "end-2024").mid,
                           "n": skhynix_shares_in_issue_m(x).mid,
                           "adj": x.ref_at(LC, "SK hynix share price close (dividend-adjusted)", "end-2024").mid,
                           "adj_g": arith.growth_pct(x.ref_at(LC, "SK hynix share price close (dividend-adjusted)", "end-2024"),
                                                  x.ref_at(LC, "SK hynix share price close", "end-2025")).mid}),
    Entry("samsung-price-2025", "growth rate", "Samsung share price gain in 2025",
          "samsung.share_price.change.2025",
          lambda x: x.ref_at(LC, "Samsung Electronics share price gain (KRX count)", "2025"),
          "By the Korea Exchange's count Samsung's shares gained {r_lo:g}-{r_hi:g}% in 2025 (two secondary reports "
          "of it, differing in their base) against 'more than doubled' (over {v:g}%).",
          unit="pct", compare="growth"),
    # Two currencies --------------------------------------------------------------------------------
    Entry("fx-exports-krw", "two currencies", "Korean chip exports in dollars and won",
          "exports.korea.semis.2026.krw",
          lambda x: x.c("exports.korea.semis.2026") * x.p.krw_per_usd / hbmc.BN_PER_TRN,
          "At {fx:,.0f} won to the dollar the exports are {r:.1f} trillion won; the stated {s} trillion implies "
          "{implied:,.0f} won to the dollar.",
          unit="krw_trn",
          extra=lambda x: {"fx": x.p.krw_per_usd,
                           "implied": x.fx("exports.korea.semis.2026.krw", "exports.korea.semis.2026").mid},
          says={fc.ARTICLE_ERROR: "The conversion uses a rate far from the market's when the article appeared (most likely a stale rate; the article does not say), "
                                  "so the won figure understates the dollar forecast; one error, also found by the check of the two articles' rates."},
          error_key="krw-rate-exports"),
    Entry("fx-pt7-usd", "two currencies", "SK hynix packaging plant in won and dollars",
          "pkg.invest.skhynix.cheongju.usd",
          lambda x: x.c("pkg.invest.skhynix.cheongju.krw") * hbmc.BN_PER_TRN / x.p.krw_per_usd,
          "At {fx:,.0f} won to the dollar {krw:g} trillion won is {r:.2f} bn dollars; the stated {s} bn implies "
          "{implied:,.0f} won to the dollar.",
          unit="usd_bn",
          extra=lambda x: {"fx": x.p.krw_per_usd, "krw": x.c("pkg.invest.skhynix.cheongju.krw").mid,
                           "implied": x.fx("pkg.invest.skhynix.cheongju.krw", "pkg.invest.skhynix.cheongju.usd").mid}),
    Entry("fx-krw-two-articles", "same figure, two articles", "Won per dollar implied by two articles' conversions",
          "exports.korea.semis.2026.krw",
          lambda x: x.c("exports.korea.semis.2026") * arith.implied_rate(x.c("pkg.invest.skhynix.cheongju.usd"),
                                                                        x.c("pkg.invest.skhynix.cheongju.krw")),
          "The packaging article converts at {b:,.0f} won to the dollar and the Korea article at {a:,.0f}; at the "
          "former, {usd:g} bn dollars is {r:.0f} trillion won against the stated {s}.",
          unit="krw_trn", on_gap="conflict",
          extra=lambda x: {"usd": x.c("exports.korea.semis.2026").mid,
                           "a": x.fx("exports.korea.semis.2026.krw", "exports.korea.semis.2026").mid,
                           "b": x.fx("pkg.invest.skhynix.cheongju.krw", "pkg.invest.skhynix.cheongju.usd").mid},
          error_key="krw-rate-exports"),
    Entry("fx-ap8-cny", "two currencies", "TSMC AP8 purchase in Taiwan dollars and yuan",
          "pkg.site.tsmc.ap8.cny",
          lambda x: x.c("pkg.site.tsmc.ap8.twd") * x.p.cny_per_usd / x.p.twd_per_usd,
          "At {rate:.2f} Taiwan dollars to the yuan the price is {r:.2f} bn yuan; the stated {s} bn implies {implied:.2f}.",
          unit="cny_bn",
          extra=lambda x: {"rate": x.p.twd_per_usd / x.p.cny_per_usd,
                           "implied": (x.c("pkg.site.tsmc.ap8.twd") / x.c("pkg.site.tsmc.ap8.cny")).mid}),
    Entry("fx-amkor-cny", "two currencies", "Amkor Peoria investment in dollars and yuan",
          "pkg.invest.amkor.peoria.cny",
          lambda x: x.c("pkg.invest.amkor.peoria.usd") * x.p.cny_per_usd,
          "At {fx:.2f} yuan to the dollar {usd:g} bn dollars is {r:.2f} bn yuan; the stated {s} bn implies {implied:.3f}.",
          unit="cny_bn",
          extra=lambda x: {"fx": x.p.cny_per_usd, "usd": x.c("pkg.invest.amkor.peoria.usd").mid,
                           "implied": (x.c("pkg.invest.amkor.peoria.cny") / x.c("pkg.invest.amkor.peoria.usd")).mid}),

    # Same figure in two articles, and against reference data ---------------------------------------
    Entry("nand-share-two-articles", "same figure, two articles", "Samsung + SK hynix NAND share in two articles",
          "nand.share.samsung_skhynix",
          lambda x: x.c("share.nand.samsung_skhynix"),
          "The NAND-cuts article says the two hold over {v:g}% of NAND; the Korea article says about {r:.0f}%.",
          unit="pct", on_gap="conflict",
          error_key="nand-share-over-60", says={fc.ARTICLE_ERROR: "The two articles cannot both be right; the check against revenue shares finds which, and the error counts once."}),
    Entry("nand-share-reference", "against reference data", "Samsung + SK hynix NAND share (NAND-cuts article) against revenue shares",
          "nand.share.samsung_skhynix",
          lambda x: x.ref("market_crosschecks", "NAND revenue Samsung share") + x.ref("market_crosschecks", "NAND revenue Samsung share", "share_sk_group_pct"),
          "Samsung and SK Group held {r:.1f}% of NAND revenue in 2025Q4 (reference) against 'over {v:g}%'.",
          unit="pct", error_key="nand-share-over-60"),
    Entry("nand-share-50-reference", "against reference data", "Samsung + SK hynix NAND share (Korea article) against revenue shares",
          "share.nand.samsung_skhynix",
          lambda x: x.ref("market_crosschecks", "NAND revenue Samsung share") + x.ref("market_crosschecks", "NAND revenue Samsung share", "share_sk_group_pct"),
          "Samsung and SK Group held {r:.1f}% of NAND revenue in 2025Q4 (reference) against 'about {s}%'.",
          unit="pct"),
    Entry("dram-share-reference", "against reference data", "Samsung + SK hynix DRAM share against revenue shares",
          "share.dram.samsung_skhynix",
          lambda x: x.ref("market_crosschecks", "DRAM revenue total", "share_samsung_pct")
                    + x.ref("market_crosschecks", "DRAM revenue total", "share_sk_hynix_pct"),
          "The two held {r:.1f}% of DRAM revenue in 2025Q4 (reference) against 'about {s}%'.",
          unit="pct"),
    Entry("wsts-market-level", "against reference data", "World semiconductor market 2026 against the WSTS forecast",
          "market.semis.global.2026",
          lambda x: x.ref("market_crosschecks", "WSTS world semiconductor market"),
          "WSTS's autumn 2025 forecast is {r:.1f} bn dollars against the stated {s} bn.",
          unit="usd_bn"),
    Entry("wsts-market-growth", "against reference data", "World semiconductor market growth 2026 against the WSTS forecast",
          "market.semis.global.growth.2026",
          lambda x: arith.growth_pct(x.ref("market_crosschecks", "WSTS world semiconductor market", "prior_value"),
                                  x.ref("market_crosschecks", "WSTS world semiconductor market")),
          "WSTS's 2025 and 2026 figures give {r:.1f}% growth against 'over {v:g}%'.",
          unit="pct", compare="growth"),
    Entry("wsts-memory-growth", "against reference data", "Memory-market growth 2026 against the WSTS forecast",
          "market.memory.global.growth.2026",
          lambda x: x.ref("market_crosschecks", "WSTS world semiconductor market", "memory_growth_over_pct"),
          "WSTS's autumn 2025 forecast has memory growing over {r:g}%, against 'about {s}%'; the gap to "
          "BofA's DRAM and NAND forecasts is a separate entry.",
          unit="pct", compare="growth"),
    Entry("trendforce-dram-two-articles", "same figure, two articles", "TrendForce 2026Q1 DRAM contract price in two articles",
          "trendforce.dram.contract_price.growth.2026q1",
          lambda x: x.c("dram.contract_price.conventional.qoq.2026q1"),
          "The DRAM-wafers article gives {r_lo:.0f}-{r_hi:.0f}% against the Korea article's 'over {v:g}%'.",
          unit="pct", compare="growth", on_gap="conflict",
          trivial=True),
    Entry("trendforce-dram-reference", "against reference data", "TrendForce 2026Q1 DRAM contract price against TrendForce's release",
          "dram.contract_price.conventional.qoq.2026q1",
          lambda x: x.ref("market_crosschecks", "TrendForce conventional DRAM contract price QoQ (forecast"),
          "TrendForce's forecast of 2026-01-05 was {r_lo:.0f}-{r_hi:.0f}% against the stated {s}% (a forecast, which "
          "TrendForce revised up in February).",
          unit="pct", compare="growth"),
    Entry("trendforce-nand-two-articles", "same figure, two articles", "TrendForce 2026Q1 NAND contract price in two articles",
          "nand.contract_price.qoq.2026q1",
          lambda x: x.c("nand.contract_price.qoq.2026q1.per_dram_wafers"),
          "The DRAM-wafers article gives {r_lo:.0f}-{r_hi:.0f}% against the NAND-cuts article's {s}% (TrendForce's January forecast).",
          unit="pct", compare="growth", on_gap="conflict",
          trivial=True),
    Entry("pt7-two-articles", "same figure, two articles", "SK hynix packaging-plant investment in two articles",
          "pkg.invest.skhynix.cheongju.krw",
          lambda x: x.c("skhynix.pt7.investment"),
          "JPMorgan's PT7 is {r:.0f} trillion won; the packaging article's Cheongju plant {s} trillion.",
          unit="krw_trn", on_gap="conflict",
          trivial=True),
    Entry("taylor-start-two-articles", "same figure, two articles", "Samsung Taylor fab start in two articles",
          "fab.samsung.taylor.start",
          lambda x: _year(x.claim("samsung.taylor.production_start").period) == _year(x.claim("fab.samsung.taylor.start").period),
          "The Korea article has the Taylor fab starting production in {a}; the HBF article has initial manufacturing "
          "starting in {b} at the earliest.",
          compare="logical", on_gap="conflict",
          extra=lambda x: {"a": x.claim("samsung.taylor.production_start").period,
                           "b": x.claim("fab.samsung.taylor.start").period},
          trivial=True),
    Entry("cowos-2026-reference", "against reference data", "TSMC CoWoS end-2026 plan against third-party estimates",
          "pkg.cowos.tsmc.capacity.2026.plan",
          lambda x: x.ref("market_crosschecks", "TSMC CoWoS capacity end of year"),
          "Third-party estimates span {r_lo:.0f}-{r_hi:.0f} thousand wafers a month against the plan of {s} thousand.",
          unit="wafers_k_per_month"),

    # Simple bounds -----------------------------------------------------------------------------------
    Entry("streamdq-bottleneck", "simple bound", "StreamDQ's speed-up for the bottlenecked processing, and the whole inference",
          "streamdq.speedup.bottleneck",
          lambda x: bool(sdq.amdahl(streamdq_share(x), x.c("streamdq.speedup.bottleneck").mid) > 1),
          "The article puts the {s}x on the processing that was bottlenecked (up to {sh:g}% of inference time) and says "
          "only that the whole accelerator's inference 'will also improve significantly'; a {s}x faster bottleneck "
          "makes the whole {a7:.1f}x faster.",
          compare="logical", trivial=True,
          says={fc.HOLDS: "Read as the article frames it, the figures fit together."},
          extra=lambda x: {"sh": 100 * streamdq_share(x),
                           "a7": sdq.amdahl(streamdq_share(x), x.c("streamdq.speedup.bottleneck").mid)}),
    Entry("streamdq-amdahl", "simple bound", "StreamDQ's speed-up read as end-to-end: Amdahl's law",
          "streamdq.speedup.bottleneck",
          # Amdahl's law from the StreamDQ chapter's model (shares as fractions there)
          lambda x: sdq.amdahl_bound(streamdq_share(x)),
          "If dequantization takes up to {sh:g}% of inference time, removing it entirely speeds inference up at most "
          "{r:.0f} times, against {s} times read end to end; the article does not claim an end-to-end figure.",
          unit="x", compare="at_most", basis="assumption",
          says={fc.DEPENDS: "Read end to end, {s} times would break that bound: a finding about a reading the article does not make, not an article error."},
          extra=lambda x: {"sh": 100 * streamdq_share(x)}),
    Entry("hbf-4tb", "simple bound", "HBF capacity multiple against the GPU capacity claimed, across baselines",
          "hbf.capacity.gpu",
          lambda x: hbf_tb(x, x.p.hbf_reference_gpu),
          "{m_lo:g} to {m_hi:g} times the {gb:.0f} GB of HBM on a {gpu} is {r_lo:.1f}-{r_hi:.1f} TB, so {v:g} TB ({v_gb:,.0f} GB) needs "
          "{need:.1f} times; on a B300's {gb300:.0f} GB it needs {need300:.1f} times (SanDisk's own example uses "
          "the B200: data/reference/hbf.csv).",
          unit="tb", basis="assumption",
          variants=tuple(Variant(f"{part} baseline", (lambda part: lambda x: hbf_tb(x, part))(part)) for part in HBF_BASELINES),
          says={fc.DEPENDS: "Whether {v:g} TB is within {m_lo:g}-{m_hi:g} times depends on the accelerator it is set against."},
          extra=lambda x: {"gb": gpu_hbm_gb(x, x.p.hbf_reference_gpu), "gpu": x.p.hbf_reference_gpu,
                           "v_gb": x.c("hbf.capacity.gpu").mid * GB_PER_TB,
                           "m_lo": x.c("hbf.capacity.multiple_vs_hbm").low, "m_hi": x.c("hbf.capacity.multiple_vs_hbm").high,
                           "need": hbf_needed(x, x.p.hbf_reference_gpu), "need300": hbf_needed(x, "B300"), "gb300": gpu_hbm_gb(x, "B300"),
                           **{f"need_{part}": hbf_needed(x, part) for part in HBF_BASELINES}}),
    Entry("capital-intensity", "simple bound", "SK hynix capital intensity against its historical average",
          "jpm.skhynix.capital_intensity",
          lambda x: x.c("skhynix.capital_intensity.hist_avg"),
          "JPMorgan's {s}% against the {r:.0f}% average of {span}.",
          unit="pct", compare="at_most", extra=lambda x: {"span": x.claim("skhynix.capital_intensity.hist_avg").period},
          trivial=True),
    Entry("skhynix-margin", "simple bound", "iM's SK hynix profit against the sales JPMorgan's capex and intensity imply",
          "im.skhynix.opprofit.2026",
          lambda x: bool(x.c("im.skhynix.opprofit.2026").high < (x.c("jpm.skhynix.capex") / (x.c("jpm.skhynix.capital_intensity") / 100)).low),
          "Capex of {c_lo:g}-{c_hi:g} trillion won at {i_lo:g}-{i_hi:g}% intensity implies sales of {s_lo:.0f}-{s_hi:.0f} trillion won, so iM's "
          "{op:.1f} trillion operating profit is a margin of {m_lo:.0f}-{m_hi:.0f}% (two brokers' figures set against each other).",
          compare="logical",
          extra=lambda x: (lambda sales, op, cx, ci: {"c_lo": cx.low, "c_hi": cx.high, "i_lo": ci.low, "i_hi": ci.high, "s_lo": sales.low, "s_hi": sales.high, "op": op.mid,
                                              "m_lo": 100 * op.mid / sales.high, "m_hi": 100 * op.mid / sales.low})(
              x.c("jpm.skhynix.capex") / (x.c("jpm.skhynix.capital_intensity") / 100), x.c("im.skhynix.opprofit.2026"),
              x.c("jpm.skhynix.capex"), x.c("jpm.skhynix.capital_intensity")),
          trivial=True),
    Entry("foundry-shares", "simple bound", "TSMC and Samsung foundry shares fit within the whole",
          "pkg.tsmc.foundry_share",
          lambda x: bool((x.c("pkg.tsmc.foundry_share") + x.c("share.foundry.samsung.2025q2")).high <= 100),
          "TSMC's 'over {a:g}%' and Samsung's {b:g}% (2025Q2) set against the whole foundry market.",
          compare="logical", extra=lambda x: {"a": x.c("pkg.tsmc.foundry_share").mid,
                                              "b": x.c("share.foundry.samsung.2025q2").mid},
          trivial=True),
    Entry("pe-discount", "simple bound", "Samsung and SK hynix forward P/E against the SOX",
          "samsung.pe.forward",
          lambda x: bool(max(x.c("samsung.pe.forward").high, x.c("skhynix.pe.forward").high) < x.c("sox.pe").low),
          "{a:g}x and {b:g}x are {fa:.0%} and {fb:.0%} of the index's {c:g}x.",
          compare="logical", extra=lambda x: {
              "a": x.c("samsung.pe.forward").mid, "b": x.c("skhynix.pe.forward").mid, "c": x.c("sox.pe").mid,
              "fa": x.c("samsung.pe.forward").mid / x.c("sox.pe").mid, "fb": x.c("skhynix.pe.forward").mid / x.c("sox.pe").mid},
          trivial=True),
    Entry("jcet-cleanroom", "simple bound", "JCET Lingang cleanroom against the site area",
          "pkg.site.jcet.jsac.cleanroom",
          lambda x: bool(x.c("pkg.site.jcet.jsac.cleanroom").high <= x.c("pkg.site.jcet.jsac.area").low * MU_SQM),
          "{mu:g} mu is {site:,.0f} square metres, so the first phase's cleanroom covers {pct:.0f}% of the site.",
          compare="logical",
          extra=lambda x: {"mu": x.c("pkg.site.jcet.jsac.area").mid, "site": x.c("pkg.site.jcet.jsac.area").mid * MU_SQM,
                           "pct": 100 * x.c("pkg.site.jcet.jsac.cleanroom").mid / (x.c("pkg.site.jcet.jsac.area").mid * MU_SQM)},
          trivial=True),
    Entry("jcet-build-time", "simple bound", "JCET Lingang: 'two years' of construction between start and line-through",
          "pkg.site.jcet.jsac.build_time",
          lambda x: fc.months_between(x.claim("pkg.site.jcet.jsac.start").period,
                                      x.claim("pkg.site.jcet.jsac.line_through").period) / 12,
          "From the start in {a} to the line running in {b} is {r:.2f} years against {s} years of construction "
          "and commissioning.",
          unit="years", compare="at_most",
          extra=lambda x: {"a": x.claim("pkg.site.jcet.jsac.start").period,
                           "b": x.claim("pkg.site.jcet.jsac.line_through").period},
          trivial=True),
    Entry("server-dram-unmet", "simple bound", "Server DRAM fill rate against the unmet share",
          "dram.unmet.server.2026-01",
          lambda x: 100 - x.c("dram.fulfilment.server.2026-01"),
          "A fill rate under 50% leaves over {r:.0f}% of server demand unmet against 'half'.",
          unit="pct", compare="at_most",
          trivial=True),
    # Wording -----------------------------------------------------------------------------------------
    Entry("qlc-tlc-wording", "wording", "'From QLC to TLC' said to store more bits per cell",
          None,
          lambda x: bool(x.c("nand.tlc.bits_per_cell").mid > x.c("nand.qlc.bits_per_cell").mid),
          "TLC stores {tlc:.0f} bits per cell and QLC {qlc:.0f}; the article's own earlier sentence has the move from TLC to QLC.",
          compare="logical", on_gap="inconsistent", quote="從QLC 轉向 TLC", quote_source="nand_output_cuts",
          extra=lambda x: {"tlc": x.c("nand.tlc.bits_per_cell").mid, "qlc": x.c("nand.qlc.bits_per_cell").mid},
          says={fc.ARTICLE_ERROR: "The phrase reverses the direction of the move."}),
    Entry("nand-cuts-similar", "wording", "SK hynix's NAND cut called a 'similar trend' to Samsung's",
          "nand.wafers.skhynix.2026",
          lambda x: bool(arith.growth_pct(x.c("nand.wafers.samsung.2025"), x.c("nand.wafers.samsung.2026")).mid < 0
                         and arith.growth_pct(x.c("nand.wafers.skhynix.2025"), x.c("nand.wafers.skhynix.2026")).mid < 0),
          "Both cut wafers, Samsung by {ss:.1f}% and SK hynix by {sk:.1f}%: alike in direction, but SK hynix's cut is "
          "{ratio:.1f} times as deep.",
          compare="logical", on_gap="inconsistent", quote="類似趨勢", quote_source="nand_output_cuts",
          extra=lambda x: (lambda ss, sk: {"ss": -ss, "sk": -sk, "ratio": sk / ss})(
              arith.growth_pct(x.c("nand.wafers.samsung.2025"), x.c("nand.wafers.samsung.2026")).mid,
              arith.growth_pct(x.c("nand.wafers.skhynix.2025"), x.c("nand.wafers.skhynix.2026")).mid)),
    Entry("amkor-peoria-delay", "wording", "Amkor Peoria: start in early 2028 called a delay",
          "pkg.site.amkor.peoria.production",
          lambda x: _year(x.claim("pkg.site.amkor.peoria.production").period)
          > _year(x.claim("pkg.site.amkor.peoria.production.original").period),
          "Production now starts in {b}; the original plan was {a}.",
          compare="logical", on_gap="inconsistent",
          extra=lambda x: {"a": x.claim("pkg.site.amkor.peoria.production.original").period,
                           "b": x.claim("pkg.site.amkor.peoria.production").period},
          trivial=True),
    Entry("cowos-2026-even-as-high", "wording", "TSMC CoWoS end-2026: 'even as high as' (甚至高達) a figure inside the plan, two readings",
          "pkg.cowos.tsmc.capacity.2026.some",
          lambda x: bool(x.claim("pkg.cowos.tsmc.capacity.2026.some").value > x.c("pkg.cowos.tsmc.capacity.2026.plan").high),
          "Read as 'beyond the plan', 'even as high as' {s} thousand contradicts the {hi:.0f} thousand top of the plan the "
          "same sentence gives; read as 'at the high end', {s} thousand is above the plan's {mid:g} thousand midpoint and fits it.",
          compare="logical", on_gap="inconsistent",
          variants=(Variant("甚至高達 read as 'at the high end of the plan' (above its midpoint)",
                            lambda x: bool(x.claim("pkg.cowos.tsmc.capacity.2026.some").value > x.c("pkg.cowos.tsmc.capacity.2026.plan").mid)),),
          extra=lambda x: {"hi": x.c("pkg.cowos.tsmc.capacity.2026.plan").high, "mid": x.c("pkg.cowos.tsmc.capacity.2026.plan").mid},
          says={fc.ARTICLE_ERROR: "The wording contradicts the figures beside it.",
                fc.DEPENDS: "The verdict turns on how 甚至 ('even') is read, so it is not counted as an article error."}),
    Entry("cowos-2025-analysts", "wording", "TSMC CoWoS end-2025: analysts' figure against the target range",
          "pkg.cowos.tsmc.capacity.2025.analysts",
          lambda x: bool(x.c("pkg.cowos.tsmc.capacity.2025.target").low <= x.claim("pkg.cowos.tsmc.capacity.2025.analysts").value
                         <= x.c("pkg.cowos.tsmc.capacity.2025.target").high),
          "The analysts' {s} thousand against the {lo:.0f}-{hi:.0f} thousand target.",
          compare="logical", on_gap="inconsistent",
          extra=lambda x: {"lo": x.c("pkg.cowos.tsmc.capacity.2025.target").low, "hi": x.c("pkg.cowos.tsmc.capacity.2025.target").high},
          trivial=True),
)


# --- evaluation ---------------------------------------------------------------------------------

def entry(entry_id: str) -> Entry:
    for e in ENTRIES:
        if e.id == entry_id:
            return e
    raise KeyError(entry_id)


def claims_read(e: Entry, get_claim, params: SimpleNamespace, reference) -> tuple[list[str], list[str]]:
    """The claim ids and reference tables an entry reads (its relation, variants and extra numbers),
    recorded by running it: derived, never declared."""
    x = Context(get_claim, params, reference)
    e.relation(x)
    for v in e.variants:
        v.relation(x)
    if e.extra:
        e.extra(x)
    if e.stated:
        x.claim(e.stated)
    return x.used, x.refs_used


def stated_of(e: Entry, get_claim) -> fc.Stated | None:
    if e.stated is None:
        return None
    c = get_claim(e.stated)
    if e.stated_as_point:
        return fc.Stated(c.value)
    return fc.Stated(c.value, c.low, c.high)


def _judge(e: Entry, rec, stated, params) -> fc.Result:
    return fc.verdict(stated, rec, compare=e.compare, on_gap=e.on_gap,
                      consistent_rel_tol=params.consistent_rel_tol_pct / 100,
                      rounding_rel_tol=params.rounding_rel_tol_pct / 100)


def _value_text(rec, unit: str) -> str:
    if rec is None:
        return "–"
    if isinstance(rec, bool):
        return "holds" if rec else "fails"
    iv = Interval.of(rec)
    text = number(iv.mid, unit)
    if iv.low != iv.high:
        text += f" ({number(iv.low, unit)} to {number(iv.high, unit)})"
    return text


def evaluate(e: Entry, get_claim, params: SimpleNamespace, reference) -> dict:
    """Recompute one entry, judge it, classify it and explain it. Returns a flat record (one ledger row)."""
    x = Context(get_claim, params, reference)
    rec = e.relation(x)
    stated = stated_of(e, x.claim)
    res = _judge(e, rec, stated, params)
    variants = []
    for v in e.variants:
        vrec = v.relation(x)
        variants.append({"label": v.label, "decides": v.decides, "value": _value_text(vrec, e.unit),
                         "verdict": _judge(e, vrec, stated, params).verdict})
    cls = fc.classify(res.verdict, e.basis, [v["verdict"] for v in variants if v["decides"]])
    fields: dict[str, Any] = {}
    if isinstance(rec, (Interval, int, float)) and not isinstance(rec, bool):
        iv = Interval.of(rec)
        fields.update(r=iv.mid, r_lo=iv.low, r_hi=iv.high)
    if e.extra:
        fields.update(e.extra(x))
    sc = x.claim(e.stated) if e.stated else None
    fields["s"] = ("" if sc is None else sc.period if math.isnan(sc.value) else sc.text("{:,.10g}"))
    fields["v"] = sc.value if sc is not None else math.nan
    fields["gap"] = 100 * res.gap if not math.isnan(res.gap) else math.nan
    # the facts first, then the sentence the computed class calls for: text follows the verdict
    explanation = e.explain.format(**fields) + " " + e.says.get(cls, SAYS[cls]).format(**fields)
    source_claim = sc if sc is not None else x.claim(x.used[0])
    return {
        "id": e.id,
        "category": e.category,
        "check": e.title,
        "stated_id": e.stated or "",
        "stated": fields["s"],
        "recomputed": fields.get("r", math.nan),
        "recomputed_low": fields.get("r_lo", math.nan),
        "recomputed_high": fields.get("r_hi", math.nan),
        "unit": e.unit or (sc.unit if sc is not None else ""),
        "gap_pct": fields["gap"],
        "verdict": res.verdict,
        "classification": cls,
        "basis": e.basis,
        "error_key": e.error_key or e.id,
        "trivial": e.trivial,
        "variants": variants,
        "explanation": explanation,
        "quote": e.quote or (sc.quote if sc is not None else ""),
        "source_id": e.quote_source or source_claim.source_id,
        "outlet": source_claim.outlet,
        "claims_used": ", ".join(x.used),
        "references_used": ", ".join(x.refs_used),
        "values": fields,
    }


def number(v: float, unit: str) -> str:
    """A value for people: thousands separators above 1,000, three significant digits below, and
    the unit sign for per cent and multiples; never scientific notation."""
    if isinstance(v, float) and math.isnan(v):
        return "–"
    if abs(v) < 5e-7:
        v = 0.0
    if abs(v) >= 1000:
        text = f"{v:,.0f}"
    elif v == 0:
        text = "0"
    else:
        text = f"{v:.3g}"
        if "e" in text:
            text = f"{v:.6f}".rstrip("0").rstrip(".")
    return text + {"pct": "%", "x": "x", "tb": " TB"}.get(unit, "")




def unit_label(unit: str) -> str:
    """A unit for people ('krw_trn' -> 'trillions of Korean won'); empty for per cent and multiples,
    whose sign the value carries."""
    from supercycle.data import UNITS
    if unit in ("", "pct", "x"):
        return ""
    return re.sub(r"\s*\(.*\)$", "", UNITS.get(unit, unit))


def variants_text(variants: list[dict]) -> str:
    """'B200 baseline: 1.5 to 3.1 (overstated); ...' for the table; readings not ours are marked."""
    return "; ".join(f"{v['label']}{'' if v['decides'] else ' (another reading)'}: {v['value']} ({v['verdict']})"
                     for v in variants)


def display_frame(df: pd.DataFrame, category: str | None = None) -> pd.DataFrame:
    """The ledger as a reader sees it: the check, the quote with its outlet and source id, stated vs
    recomputed (with the recomputed range where the inputs are ranges), the verdict and its class,
    the check across the plausible alternatives, the explanation and the claim ids used."""
    rows = df if category is None else df[df["category"] == category]
    out = []
    for r in rows.itertuples():
        if r.verdict == fc.UNCHECKABLE:
            rec = "–"
        elif math.isnan(r.recomputed):
            rec = "(a logical check)"
        else:
            rec = number(r.recomputed, r.unit)
            if r.recomputed_low != r.recomputed_high:
                rec += f" ({number(r.recomputed_low, r.unit)} to {number(r.recomputed_high, r.unit)})"
        out.append({
            "Check": r.check + (" (a simple check)" if getattr(r, "trivial", False) else ""),
            "Quote (source)": (f"“{r.quote}” " if r.quote else "") + f"({r.outlet}; {r.source_id})",
            "Stated": (r.stated + ("%" if r.unit == "pct" and r.stated else "")) or "–",
            "Recomputed": rec,
            "Unit": unit_label(r.unit),
            "Verdict": r.verdict,
            "Class": r.classification,
            "Across the choices": variants_text(getattr(r, "variants", []) or []),
            "Explanation": r.explanation,
            "Claims used": r.claims_used,
        })
    return pd.DataFrame(out)


def ordinal(n: int) -> str:
    """'first', 'second', ... up to 'tenth'; '11th' beyond (for prose glued from a count)."""
    words = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
    n = int(n)
    if 1 <= n <= len(words):
        return words[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def stated_with_unit(stated: str, unit: str) -> str:
    """'over 30' + pct -> 'over 30%'; '254' + krw_trn -> '254 (trillions of Korean won)'."""
    if unit == "pct":
        return stated + "%"
    label = unit_label(unit)
    return f"{stated} ({label})" if label and unit != "count" else stated


def errors_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The article errors, one row per error (entries sharing an error_key merged), in ledger order."""
    errs = df[df["classification"] == fc.ARTICLE_ERROR]
    rows = []
    for key, group in errs.groupby("error_key", sort=False):
        first = group.iloc[0]
        rows.append({"Check(s)": "; ".join(group["check"]), "Stated": stated_with_unit(first["stated"], first["unit"]),
                     "Article": first["outlet"], "Why": first["explanation"]})
    return pd.DataFrame(rows, columns=["Check(s)", "Stated", "Article", "Why"])


def depends_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The entries whose verdict depends on a choice of ours, with the check across the choices."""
    rows = []
    for r in df[df["classification"] == fc.DEPENDS].itertuples():
        rows.append({"Check": r.check, "Stated": stated_with_unit(r.stated, r.unit),
                     "Main choice": f"{number(r.recomputed, r.unit)} ({r.verdict})",
                     "Across the plausible choices": variants_text(r.variants) or "–",
                     "Explanation": r.explanation})
    return pd.DataFrame(rows, columns=["Check", "Stated", "Main choice", "Across the plausible choices", "Explanation"])


def summary(df: pd.DataFrame) -> dict:
    """The ledger's counts, computed: entries per class (all, substantive, simple), and the article
    errors counted once each (entries sharing an error_key are one error)."""
    subst = df[~df["trivial"]]
    return {
        "entries": len(df),
        "substantive": len(subst),
        "trivial": int(df["trivial"].sum()),
        "by_class": fc.class_tally(df["classification"]),
        "by_class_substantive": fc.class_tally(subst["classification"]),
        "by_class_trivial": fc.class_tally(df[df["trivial"]]["classification"]),
        "article_errors": fc.count_errors(zip(df["classification"], df["error_key"])),
        "article_error_entries": int((df["classification"] == fc.ARTICLE_ERROR).sum()),
        "error_keys": sorted({k for c, k in zip(df["classification"], df["error_key"]) if c == fc.ARTICLE_ERROR}),
    }


def run(params: SimpleNamespace | None = None) -> pd.DataFrame:
    """The whole ledger from data/ (claims and reference tables), one row per entry."""
    from supercycle import data
    from supercycle.chapters.fact_check import Params
    if params is None:
        params = SimpleNamespace(**Params.defaults())
    rows = [evaluate(e, data.claim, params, data.reference) for e in ENTRIES]
    return pd.DataFrame(rows)

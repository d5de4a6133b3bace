"""The fact-check ledger: every arithmetic relationship in the articles, declared once.

Each `Entry` names the claims it reads (`inputs`, ids in data/claims.csv), the claim whose figure
it judges (`stated`), the relationship as a function of those claims (`relation`), how the two
are compared (`compare`, `on_gap`) and a one-sentence explanation template. `evaluate` recomputes
an entry from data/ and applies `supercycle.models.fact_check.verdict`; `run` does all of them.
The list is declarative: no numbers from the articles are typed here, only the arithmetic.

In `relation(x)`, `x.c(id)` is a claim as an Interval (a range keeps its ends; a one-sided
bound is its bound), `x.p` the chapter's parameters and `x.ref*` the reference tables. The
explanation template may use {s} (the stated figure as text), {r}, {r_lo}, {r_hi} (the recomputed
value and range), {gap} (the signed relative gap in per cent) and the names `extra(x)` returns.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Callable

import pandas as pd

from .data import period_bounds, split_range
from .models import fact_check as fc
from .models import streamdq as sdq
from .models.fact_check import Interval

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


@dataclass(frozen=True)
class Entry:
    id: str
    category: str
    title: str                                  # what is checked, in a few words
    inputs: tuple[str, ...]                     # claim ids the relation reads
    stated: str | None                          # claim id of the figure judged
    relation: Callable[[Any], Any]              # x -> Interval | float | bool | None
    explain: str                                # one sentence, a format template
    unit: str = ""                              # unit of the recomputed value (a UNITS key or "")
    compare: str = "equal"
    on_gap: str = "direction"
    stated_as_point: bool = False               # judge a bound ("not more than X") as the figure X it names
    quote: str = ""                             # for wording checks: the words judged (a substring of the seed)
    quote_source: str = ""                      # ... and the source id whose article holds them
    references: tuple[str, ...] = ()            # reference tables used ("market_crosschecks")
    extra: Callable[[Any], dict] | None = None  # extra named numbers for the explanation

    def __post_init__(self):
        if self.category not in CATEGORIES:
            raise ValueError(f"{self.id}: unknown category {self.category!r}")
        if self.compare not in fc.COMPARES or self.on_gap not in fc.ON_GAP:
            raise ValueError(f"{self.id}: bad compare/on_gap")


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

    def ref_note(self, name: str, item_prefix: str, label: str, key: str = "item") -> float:
        """A number given in a reference row's note, after `label` ('SK hynix 32.1%' -> 32.1)."""
        df = self.table(name)
        rows = df[df[key].str.startswith(item_prefix)]
        if len(rows) != 1:
            raise KeyError(f"reference {name}: {len(rows)} rows whose {key} starts with {item_prefix!r}")
        m = re.search(re.escape(label) + r"\s*=?\s*(-?[\d.]+)", rows.iloc[0]["note"])
        if not m:
            raise KeyError(f"reference {name} '{item_prefix}': no '{label} <number>' in its note")
        return float(m.group(1))


def _gpu_hbm_gb(x) -> float:
    df = x.table("accelerators")
    rows = df[df["part"].str.startswith(x.p.hbf_reference_gpu)]
    if len(rows) != 1:
        raise KeyError(f"accelerators: no single part starting with {x.p.hbf_reference_gpu!r}")
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


MU_SQM = 2000.0 / 3.0   # 1 畝 = 666.67 square metres (definition, see UNITS 'mu')


# --- the entries --------------------------------------------------------------------------------

ENTRIES: tuple[Entry, ...] = (
    # Sums of parts -------------------------------------------------------------------------------
    Entry("dram-total-2026", "sum of parts", "DRAM wafers 2026: the three makers' figures against the stated total",
          ("dram.wafers.samsung.2026", "dram.wafers.skhynix.2026", "dram.wafers.micron.2026"),
          "dram.wafers.total.2026",
          lambda x: _sum(x, "dram.wafers.samsung.2026", "dram.wafers.skhynix.2026", "dram.wafers.micron.2026"),
          "Samsung, SK hynix and Micron add up to {r:.3f} million wafers against the stated {s} million.",
          unit="wafers_m_per_year"),
    Entry("dram-total-growth", "growth rate", "DRAM wafers: the makers' combined growth against the stated rate",
          ("dram.wafers.samsung.2025", "dram.wafers.skhynix.2025", "dram.wafers.micron.2025",
           "dram.wafers.samsung.2026", "dram.wafers.skhynix.2026", "dram.wafers.micron.2026"),
          "dram.wafers.total.growth.2026",
          lambda x: fc.growth_pct(
              _sum(x, "dram.wafers.samsung.2025", "dram.wafers.skhynix.2025", "dram.wafers.micron.2025"),
              _sum(x, "dram.wafers.samsung.2026", "dram.wafers.skhynix.2026", "dram.wafers.micron.2026")),
          "The makers' own figures grow from {t25:.2f} to {t26:.2f} million wafers, {r:.2f}%, against the stated {s}%.",
          unit="pct", compare="growth",
          extra=lambda x: {"t25": _sum(x, "dram.wafers.samsung.2025", "dram.wafers.skhynix.2025", "dram.wafers.micron.2025").mid,
                           "t26": _sum(x, "dram.wafers.samsung.2026", "dram.wafers.skhynix.2026", "dram.wafers.micron.2026").mid}),
    Entry("dram-increase-samsung-skhynix", "sum of parts", "Samsung + SK hynix DRAM wafers: the two increases against the stated sum",
          ("dram.wafers.samsung.2025", "dram.wafers.samsung.2026", "dram.wafers.skhynix.2025", "dram.wafers.skhynix.2026"),
          "dram.wafers.samsung_skhynix.increase.2026",
          lambda x: (x.c("dram.wafers.samsung.2026") - x.c("dram.wafers.samsung.2025"))
          + (x.c("dram.wafers.skhynix.2026") - x.c("dram.wafers.skhynix.2025")),
          "The two increases add up to {r:.2f} million wafers against the stated {s} million.",
          unit="wafers_m_per_year"),
    Entry("opprofit-samsung-skhynix", "sum of parts", "Samsung + SK hynix operating profit 2026: two brokers' forecasts against the stated floor",
          ("kiwoom.samsung.opprofit.2026", "im.skhynix.opprofit.2026"), "opprofit.samsung_skhynix.2026",
          lambda x: x.c("kiwoom.samsung.opprofit.2026") + x.c("im.skhynix.opprofit.2026"),
          "Kiwoom's Samsung and iM's SK hynix forecasts add up to {r:.3f} trillion won, just over the stated "
          "floor of {v:g} trillion; the same article later calls more than {v:g} trillion the most optimistic case.",
          unit="krw_trn"),
    Entry("tongfu-placement", "sum of parts", "Tongfu placement: the four projects against the amount raised",
          ("pkg.invest.tongfu.auto.proceeds", "pkg.invest.tongfu.memory.proceeds",
           "pkg.invest.tongfu.wafer_level.proceeds", "pkg.invest.tongfu.hpc.proceeds"),
          "pkg.invest.tongfu.placement.cny",
          lambda x: _sum(x, "pkg.invest.tongfu.auto.proceeds", "pkg.invest.tongfu.memory.proceeds",
                         "pkg.invest.tongfu.wafer_level.proceeds", "pkg.invest.tongfu.hpc.proceeds"),
          "The four projects the money is said to go to add up to {r:.3f} bn yuan, {rest:.2f} bn short of the "
          "{v:g} bn raised: the article does not say where the rest goes.",
          unit="cny_bn", on_gap="inconsistent", stated_as_point=True,
          extra=lambda x: {"rest": x.c("pkg.invest.tongfu.placement.cny").mid - _sum(
              x, "pkg.invest.tongfu.auto.proceeds", "pkg.invest.tongfu.memory.proceeds",
              "pkg.invest.tongfu.wafer_level.proceeds", "pkg.invest.tongfu.hpc.proceeds").mid}),
    Entry("tongfu-auto-total", "simple bound", "Tongfu auto project: proceeds within the project's total investment",
          ("pkg.invest.tongfu.auto.proceeds",), "pkg.invest.tongfu.auto.total",
          lambda x: x.c("pkg.invest.tongfu.auto.proceeds"),
          "The {r:.3f} bn yuan of proceeds fit within the project's total investment of about {s} bn.",
          unit="cny_bn", compare="at_least"),

    # Growth rates against their endpoints ---------------------------------------------------------
    Entry("dram-samsung-growth", "growth rate", "Samsung DRAM wafers: growth rate against its endpoints",
          ("dram.wafers.samsung.2025", "dram.wafers.samsung.2026"), "dram.wafers.samsung.growth.2026",
          lambda x: fc.growth_pct(x.c("dram.wafers.samsung.2025"), x.c("dram.wafers.samsung.2026")),
          "The endpoints give {r:.2f}%, which the article rounds to about {s}%.",
          unit="pct", compare="growth"),
    Entry("dram-skhynix-growth", "growth rate", "SK hynix DRAM wafers: growth rate against its endpoints",
          ("dram.wafers.skhynix.2025", "dram.wafers.skhynix.2026"), "dram.wafers.skhynix.growth.2026",
          lambda x: fc.growth_pct(x.c("dram.wafers.skhynix.2025"), x.c("dram.wafers.skhynix.2026")),
          "The endpoints give {r:.2f}%, which the article rounds to about {s}%.",
          unit="pct", compare="growth"),
    Entry("kiwoom-vs-consensus", "growth rate", "Kiwoom's Samsung profit forecast against the prior consensus",
          ("kiwoom.samsung.opprofit.2026", "kiwoom.samsung.opprofit.2026.prior_consensus"),
          "kiwoom.samsung.opprofit.2026.vs_consensus",
          lambda x: fc.growth_pct(x.c("kiwoom.samsung.opprofit.2026.prior_consensus"), x.c("kiwoom.samsung.opprofit.2026")),
          "The two forecasts differ by {r:.2f}%, which is indeed more than {v:g}%.",
          unit="pct", compare="growth"),
    Entry("cowos-tsmc-2023-2024", "growth rate", "TSMC CoWoS capacity end-2023 to end-2024: growth against the stated floor",
          ("pkg.cowos.tsmc.capacity.2023", "pkg.cowos.tsmc.capacity.2024"), "pkg.cowos.tsmc.growth.2023_2024",
          lambda x: fc.growth_pct(x.c("pkg.cowos.tsmc.capacity.2023"), x.c("pkg.cowos.tsmc.capacity.2024")),
          "The midpoints give {r:.0f}% (any ends of the two ranges: {r_lo:.0f}% to {r_hi:.0f}%), so 'over {v:g}%' "
          "holds centrally but not for the low end of 2024 against the high end of 2023.",
          unit="pct", compare="growth"),
    Entry("jpm-target-vs-eps", "growth rate", "JPMorgan's target-price raise against its EPS revision",
          ("jpm.skhynix.target_price.prior", "jpm.skhynix.target_price", "skhynix.share_price"), "jpm.skhynix.eps.raised",
          lambda x: fc.growth_pct(x.c("jpm.skhynix.target_price.prior"), x.c("jpm.skhynix.target_price")),
          "The target rises {r:.0f}% (from {p:,.0f} to {t:,.0f} won), at the top of the {s}% EPS revision, a raise "
          "of the size of the earnings revision; the new target is {up:.1f}% above the share price quoted.",
          unit="pct", compare="growth",
          extra=lambda x: {"p": x.c("jpm.skhynix.target_price.prior").mid, "t": x.c("jpm.skhynix.target_price").mid,
                           "up": fc.growth_pct(x.c("skhynix.share_price"), x.c("jpm.skhynix.target_price")).mid}),
    Entry("packaging-market-cagr", "compound growth and multiples", "Advanced-packaging market 2025 to 2032: CAGR against its endpoints",
          ("pkg.market.advanced.2025", "pkg.market.advanced.2032"), "pkg.market.advanced.cagr",
          lambda x: fc.cagr_pct(x.c("pkg.market.advanced.2025"), x.c("pkg.market.advanced.2032"), _years(x, "pkg.market.advanced.2025", "pkg.market.advanced.2032")),
          "{n:.0f} years from the 2025 to the 2032 figure compound at {r:.2f}% a year, against the stated {s}%.",
          unit="pct", compare="growth",
          extra=lambda x: {"n": _years(x, "pkg.market.advanced.2025", "pkg.market.advanced.2032")}),
    Entry("cowos-tsmc-multiple", "compound growth and multiples", "TSMC CoWoS capacity end-2023 to end-2026: the stated multiple",
          ("pkg.cowos.tsmc.capacity.2023", "pkg.cowos.tsmc.capacity.2026.plan"), "pkg.cowos.tsmc.growth.2023_2026",
          lambda x: x.c("pkg.cowos.tsmc.capacity.2026.plan") / x.c("pkg.cowos.tsmc.capacity.2023"),
          "The planned end-2026 capacity is {r:.1f} times end-2023 ({r_lo:.1f} to {r_hi:.1f} over the ranges), "
          "within the stated {s} times; read as growth 'by' that many times (增長, to {b_lo:g}-{b_hi:g} times), "
          "the ranges still overlap.",
          unit="x", extra=lambda x: {"b_lo": x.c("pkg.cowos.tsmc.growth.2023_2026").low + 1,
                                     "b_hi": x.c("pkg.cowos.tsmc.growth.2023_2026").high + 1}),
    Entry("cowos-tsmc-cagr", "compound growth and multiples", "TSMC CoWoS capacity end-2023 to end-2026: the stated CAGR floor",
          ("pkg.cowos.tsmc.capacity.2023", "pkg.cowos.tsmc.capacity.2026.plan", "pkg.cowos.tsmc.growth_span"),
          "pkg.cowos.tsmc.cagr.2023_2026",
          lambda x: fc.cagr_pct(x.c("pkg.cowos.tsmc.capacity.2023"), x.c("pkg.cowos.tsmc.capacity.2026.plan"),
                                x.c("pkg.cowos.tsmc.growth_span").mid),
          "{n:g} years of growth to the planned capacity compound at {r:.0f}% a year ({r_lo:.0f}% to {r_hi:.0f}%), "
          "well over the stated floor of {v:g}%: true, but modest.",
          unit="pct", compare="growth", extra=lambda x: {"n": x.c("pkg.cowos.tsmc.growth_span").mid}),
    Entry("cowos-ase-doubling", "compound growth and multiples", "ASE CoWoS-class capacity end-2024 to end-2025: 'doubling'",
          ("pkg.cowos.ase.capacity.2024", "pkg.cowos.ase.capacity.2025"), "pkg.cowos.ase.growth.2024_2025",
          lambda x: x.c("pkg.cowos.ase.capacity.2025") / x.c("pkg.cowos.ase.capacity.2024"),
          "The two ranges give {r:.2f} times ({r_lo:.2f} to {r_hi:.2f}): a little more than the doubling stated.",
          unit="x"),
    Entry("amkor-peoria-area", "compound growth and multiples", "Amkor Peoria site area: 'nearly doubling'",
          ("pkg.site.amkor.peoria.area.before", "pkg.site.amkor.peoria.area.after"), "pkg.site.amkor.peoria.scale",
          lambda x: x.c("pkg.site.amkor.peoria.area.after") / x.c("pkg.site.amkor.peoria.area.before"),
          "The site grows {r:.2f} times, which 'nearly doubling' describes (nearly: not above {s} times).",
          unit="x", compare="at_least"),

    # Per-period averages, products, percentages of a base -----------------------------------------
    Entry("dram-samsung-quarterly", "percentage of a base", "Samsung DRAM wafers: annual plan against the quarterly average stated",
          ("dram.wafers.samsung.2026",), "dram.wafers.samsung.quarterly.2026",
          lambda x: x.c("dram.wafers.samsung.2026") / 4,
          "A quarter of the annual {y:.2f} million is {r:.4f} million, just under the 'first reaching {s} million' mark "
          "the article announces; it can hold only for quarters above the annual average.",
          unit="wafers_m_per_quarter", extra=lambda x: {"y": x.c("dram.wafers.samsung.2026").mid}),
    Entry("icms-demand-2026", "percentage of a base", "Vera Rubin ICMS NAND demand 2026: systems times SSD per system",
          ("nand.vera_rubin.units.2026", "nand.vera_rubin.ssd_tb_per_system"), "nand.icms_demand.2026",
          lambda x: x.c("nand.vera_rubin.units.2026") * x.c("nand.vera_rubin.ssd_tb_per_system"),
          "{u:,.0f} systems of {tb:,.0f} TB make {r:,.0f} TB, printed as {v:,.0f} TB.",
          unit="tb", extra=lambda x: {"u": x.c("nand.vera_rubin.units.2026").mid,
                                      "tb": x.c("nand.vera_rubin.ssd_tb_per_system").mid}),
    Entry("icms-demand-2027", "percentage of a base", "Vera Rubin ICMS NAND demand 2027: systems times SSD per system",
          ("nand.vera_rubin.units.2027", "nand.vera_rubin.ssd_tb_per_system"), "nand.icms_demand.2027",
          lambda x: x.c("nand.vera_rubin.units.2027") * x.c("nand.vera_rubin.ssd_tb_per_system"),
          "{u:,.0f} systems of {tb:,.0f} TB make {r:,.0f} TB, as stated.",
          unit="tb", extra=lambda x: {"u": x.c("nand.vera_rubin.units.2027").mid,
                                      "tb": x.c("nand.vera_rubin.ssd_tb_per_system").mid}),
    Entry("icms-share-2027", "percentage of a base", "ICMS shares of NAND demand in 2026 and 2027, taken together",
          ("nand.icms_demand.2026", "nand.icms_demand.2027", "nand.icms_demand_share.2026"), "nand.icms_demand_share.2027",
          lambda x: x.c("nand.icms_demand_share.2026") * (x.c("nand.icms_demand.2027") / x.c("nand.icms_demand.2026"))
          / (1 + x.p.nand_demand_growth_2027_pct / 100),
          "If total NAND demand grows {g:.0f}% in 2027, the 2027 ICMS demand is {r:.1f}% of it, not {s}%: the two "
          "stated shares imply total demand of {t26:,.0f} EB in 2026 and {t27:,.0f} EB in 2027, growth of only {tg:.1f}%.",
          unit="pct",
          extra=lambda x: {
              "g": x.p.nand_demand_growth_2027_pct,
              "t26": fc.implied_total(x.c("nand.icms_demand.2026"), x.c("nand.icms_demand_share.2026")).mid / 1e6,
              "t27": fc.implied_total(x.c("nand.icms_demand.2027"), x.c("nand.icms_demand_share.2027")).mid / 1e6,
              "tg": fc.growth_pct(fc.implied_total(x.c("nand.icms_demand.2026"), x.c("nand.icms_demand_share.2026")),
                                  fc.implied_total(x.c("nand.icms_demand.2027"), x.c("nand.icms_demand_share.2027"))).mid}),
    Entry("bofa-nand-bits", "same figure, two articles", "NAND bit growth: BofA's revenue and price forecasts against IDC's supply growth",
          ("bofa.nand.revenue.growth.2026", "bofa.nand.asp.growth.2026"), "nand.bit_supply_growth.2026",
          lambda x: fc.implied_volume_growth_pct(x.c("bofa.nand.revenue.growth.2026"), x.c("bofa.nand.asp.growth.2026")),
          "BofA's revenue and price forecasts imply {r:.1f}% more NAND bits sold, close to IDC's supply growth of about {s}%.",
          unit="pct", compare="growth", on_gap="conflict"),
    Entry("memory-market-growth", "simple bound", "Memory market growth (WSTS) against BofA's DRAM and NAND revenue growth",
          ("bofa.dram.revenue.growth.2026", "bofa.nand.revenue.growth.2026"), "market.memory.global.growth.2026",
          lambda x: Interval(min(x.c("bofa.nand.revenue.growth.2026").low, x.c("bofa.dram.revenue.growth.2026").low),
                             (x.c("bofa.nand.revenue.growth.2026").mid + x.c("bofa.dram.revenue.growth.2026").mid) / 2,
                             max(x.c("bofa.nand.revenue.growth.2026").high, x.c("bofa.dram.revenue.growth.2026").high)),
          "Any mix of BofA's +{n:.0f}% NAND and +{d:.0f}% DRAM revenue grows {r_lo:.0f}-{r_hi:.0f}%, far above the "
          "'about {s}%' growth of the memory market the same article quotes from WSTS.",
          unit="pct", compare="growth", on_gap="inconsistent",
          extra=lambda x: {"n": x.c("bofa.nand.revenue.growth.2026").mid, "d": x.c("bofa.dram.revenue.growth.2026").mid}),
    Entry("hbm-sales-share-2026", "percentage of a base", "SK hynix HBM share of sales 2026 against HBM-market and DRAM-revenue growth",
          ("skhynix.hbm_sales_share.2025", "bofa.dram.revenue.growth.2026"), "jpm.skhynix.hbm_sales_share.2026",
          lambda x: x.c("skhynix.hbm_sales_share.2025")
          * (x.ref("market_crosschecks", "HBM market size (BofA)") / x.ref("market_crosschecks", "HBM market size (TrendForce)"))
          / (1 + x.c("bofa.dram.revenue.growth.2026") / 100),
          "If SK hynix's HBM sales grow with the HBM market (+{h:.0f}%: TrendForce 2025 to BofA 2026 in the reference "
          "data, where estimates vary widely) and its total sales with DRAM revenue "
          "(+{d:.0f}%, BofA), HBM falls from {s25:g}% to {r:.1f}% of sales, as JPMorgan's {s}% says.",
          unit="pct", references=("market_crosschecks",),
          extra=lambda x: {"s25": x.c("skhynix.hbm_sales_share.2025").mid,
                           "h": fc.growth_pct(x.ref("market_crosschecks", "HBM market size (TrendForce)"),
                                              x.ref("market_crosschecks", "HBM market size (BofA)")).mid,
                           "d": x.c("bofa.dram.revenue.growth.2026").mid}),
    Entry("adr-shares", "percentage of a base", "SK hynix ADR: share of the stock against the number of shares",
          ("skhynix.adr.share_of_float",), "skhynix.adr.shares",
          lambda x: x.c("skhynix.adr.share_of_float") / 100 * x.p.skhynix_shares_m,
          "{pct:.1f}% of {n:.0f} million shares in issue is {r:.2f} million shares, printed as about {s} million.",
          unit="shares_m",
          extra=lambda x: {"pct": x.c("skhynix.adr.share_of_float").mid, "n": x.p.skhynix_shares_m}),
    Entry("jpm-pb-premium", "percentage of a base", "JPMorgan target P/B as a premium to the historical peak",
          ("jpm.skhynix.pb.target", "jpm.skhynix.pb.premium", "skhynix.share_price", "jpm.skhynix.target_price"),
          "jpm.skhynix.pb.premium",
          lambda x: None,
          "A {prem:g}% premium puts the historical peak P/B at {peak:.2f}x and the current price at {now:.2f}x the book value "
          "the target assumes, but neither the articles nor the reference data give SK hynix's historical P/B.",
          unit="pct",
          extra=lambda x: {"prem": x.c("jpm.skhynix.pb.premium").mid,
                           "peak": (x.c("jpm.skhynix.pb.target") / (1 + x.c("jpm.skhynix.pb.premium") / 100)).mid,
                           "now": (x.c("jpm.skhynix.pb.target") * x.c("skhynix.share_price")
                                   / x.c("jpm.skhynix.target_price")).mid}),
    Entry("exports-2025-level", "growth rate", "Korean chip exports: the 2026 level and growth rate against 2025",
          ("exports.korea.semis.2026", "exports.korea.semis.growth.2026"), "exports.korea.semis.growth.2026",
          lambda x: None,
          "The 2026 forecast and its growth imply 2025 exports of {y25:.1f} bn dollars, a figure no article or "
          "reference file states, so the rate cannot be tested.",
          unit="pct",
          extra=lambda x: {"y25": (x.c("exports.korea.semis.2026") / (1 + x.c("exports.korea.semis.growth.2026") / 100)).mid}),
    Entry("share-prices-2025", "growth rate", "Samsung and SK hynix share-price gains in 2025",
          ("samsung.share_price.change.2025", "skhynix.share_price.change.2025"), "skhynix.share_price.change.2025",
          lambda x: None,
          "No article or reference file gives the two stocks' prices at the start and end of 2025, so the gains "
          "({sk:.0f}% and over {ss:.0f}%) cannot be recomputed.",
          unit="pct",
          extra=lambda x: {"sk": x.c("skhynix.share_price.change.2025").mid, "ss": x.c("samsung.share_price.change.2025").mid}),

    # Two currencies --------------------------------------------------------------------------------
    Entry("fx-exports-krw", "two currencies", "Korean chip exports in dollars and won",
          ("exports.korea.semis.2026",), "exports.korea.semis.2026.krw",
          lambda x: x.c("exports.korea.semis.2026") * x.p.krw_per_usd / 1000,
          "At {fx:,.0f} won to the dollar the exports are {r:.1f} trillion won; the stated {s} trillion implies "
          "{implied:,.0f} won to the dollar.",
          unit="krw_trn",
          extra=lambda x: {"fx": x.p.krw_per_usd,
                           "implied": (x.c("exports.korea.semis.2026.krw") * 1000 / x.c("exports.korea.semis.2026")).mid}),
    Entry("fx-pt7-usd", "two currencies", "SK hynix packaging plant in won and dollars",
          ("pkg.invest.skhynix.cheongju.krw",), "pkg.invest.skhynix.cheongju.usd",
          lambda x: x.c("pkg.invest.skhynix.cheongju.krw") * 1000 / x.p.krw_per_usd,
          "At {fx:,.0f} won to the dollar {krw:g} trillion won is {r:.2f} bn dollars; the stated {s} bn implies "
          "{implied:,.0f} won to the dollar.",
          unit="usd_bn",
          extra=lambda x: {"fx": x.p.krw_per_usd, "krw": x.c("pkg.invest.skhynix.cheongju.krw").mid,
                           "implied": (x.c("pkg.invest.skhynix.cheongju.krw") * 1000 / x.c("pkg.invest.skhynix.cheongju.usd")).mid}),
    Entry("fx-krw-two-articles", "same figure, two articles", "Won per dollar implied by two articles' conversions",
          ("exports.korea.semis.2026", "pkg.invest.skhynix.cheongju.krw", "pkg.invest.skhynix.cheongju.usd"),
          "exports.korea.semis.2026.krw",
          lambda x: x.c("exports.korea.semis.2026") * fc.implied_rate(x.c("pkg.invest.skhynix.cheongju.usd"),
                                                                        x.c("pkg.invest.skhynix.cheongju.krw")),
          "The packaging article converts at {b:,.0f} won to the dollar and the Korea article at {a:,.0f}; at the "
          "former, {usd:g} bn dollars is {r:.0f} trillion won, not {s}.",
          unit="krw_trn", on_gap="conflict",
          extra=lambda x: {"usd": x.c("exports.korea.semis.2026").mid,
                           "a": (x.c("exports.korea.semis.2026.krw") * 1000 / x.c("exports.korea.semis.2026")).mid,
                           "b": (x.c("pkg.invest.skhynix.cheongju.krw") * 1000 / x.c("pkg.invest.skhynix.cheongju.usd")).mid}),
    Entry("fx-ap8-cny", "two currencies", "TSMC AP8 purchase in Taiwan dollars and yuan",
          ("pkg.site.tsmc.ap8.twd",), "pkg.site.tsmc.ap8.cny",
          lambda x: x.c("pkg.site.tsmc.ap8.twd") * x.p.cny_per_usd / x.p.twd_per_usd,
          "At {rate:.2f} Taiwan dollars to the yuan the price is {r:.2f} bn yuan; the stated {s} bn implies {implied:.2f}.",
          unit="cny_bn",
          extra=lambda x: {"rate": x.p.twd_per_usd / x.p.cny_per_usd,
                           "implied": (x.c("pkg.site.tsmc.ap8.twd") / x.c("pkg.site.tsmc.ap8.cny")).mid}),
    Entry("fx-amkor-cny", "two currencies", "Amkor Peoria investment in dollars and yuan",
          ("pkg.invest.amkor.peoria.usd",), "pkg.invest.amkor.peoria.cny",
          lambda x: x.c("pkg.invest.amkor.peoria.usd") * x.p.cny_per_usd,
          "At {fx:.2f} yuan to the dollar {usd:g} bn dollars is {r:.2f} bn yuan; the stated {s} bn implies {implied:.3f}.",
          unit="cny_bn",
          extra=lambda x: {"fx": x.p.cny_per_usd, "usd": x.c("pkg.invest.amkor.peoria.usd").mid,
                           "implied": (x.c("pkg.invest.amkor.peoria.cny") / x.c("pkg.invest.amkor.peoria.usd")).mid}),

    # Same figure in two articles, and against reference data ---------------------------------------
    Entry("nand-share-two-articles", "same figure, two articles", "Samsung + SK hynix NAND share in two articles",
          ("share.nand.samsung_skhynix",), "nand.share.samsung_skhynix",
          lambda x: x.c("share.nand.samsung_skhynix"),
          "The NAND-cuts article says the two hold over {v:g}% of NAND; the Korea article says about {r:.0f}%.",
          unit="pct", on_gap="conflict"),
    Entry("nand-share-reference", "against reference data", "Samsung + SK hynix NAND share (NAND-cuts article) against revenue shares",
          (), "nand.share.samsung_skhynix",
          lambda x: x.ref("market_crosschecks", "NAND revenue Samsung share") + x.ref_note("market_crosschecks", "NAND revenue Samsung share", "SK Group"),
          "Samsung and SK Group held {r:.1f}% of NAND revenue in 2025Q4 (reference), so 'over {v:g}%' overstates their share.",
          unit="pct", references=("market_crosschecks",)),
    Entry("nand-share-50-reference", "against reference data", "Samsung + SK hynix NAND share (Korea article) against revenue shares",
          (), "share.nand.samsung_skhynix",
          lambda x: x.ref("market_crosschecks", "NAND revenue Samsung share") + x.ref_note("market_crosschecks", "NAND revenue Samsung share", "SK Group"),
          "Samsung and SK Group held {r:.1f}% of NAND revenue in 2025Q4 (reference), as 'about {s}%' says.",
          unit="pct", references=("market_crosschecks",)),
    Entry("dram-share-reference", "against reference data", "Samsung + SK hynix DRAM share against revenue shares",
          (), "share.dram.samsung_skhynix",
          lambda x: Interval.point(x.ref_note("market_crosschecks", "DRAM revenue total", "Samsung")
                                   + x.ref_note("market_crosschecks", "DRAM revenue total", "SK hynix")),
          "The two held {r:.1f}% of DRAM revenue in 2025Q4 (reference), which 'about {s}%' rounds.",
          unit="pct", references=("market_crosschecks",)),
    Entry("wsts-market-level", "against reference data", "World semiconductor market 2026 against the WSTS forecast",
          (), "market.semis.global.2026",
          lambda x: x.ref("market_crosschecks", "WSTS world semiconductor market"),
          "WSTS's autumn 2025 forecast is {r:.1f} bn dollars, as stated.",
          unit="usd_bn", references=("market_crosschecks",)),
    Entry("wsts-market-growth", "against reference data", "World semiconductor market growth 2026 against the WSTS forecast",
          (), "market.semis.global.growth.2026",
          lambda x: fc.growth_pct(x.ref_note("market_crosschecks", "WSTS world semiconductor market", "2025"),
                                  x.ref("market_crosschecks", "WSTS world semiconductor market")),
          "WSTS's 2025 and 2026 figures give {r:.1f}% growth, which is over {v:g}%.",
          unit="pct", compare="growth", references=("market_crosschecks",)),
    Entry("wsts-memory-growth", "against reference data", "Memory-market growth 2026 against the WSTS forecast",
          (), "market.memory.global.growth.2026",
          lambda x: x.ref_note("market_crosschecks", "WSTS world semiconductor market", "memory >"),
          "WSTS's autumn 2025 forecast has memory growing over {r:g}%, which 'about {s}%' reports faithfully; the "
          "gap to BofA's DRAM and NAND forecasts lies between the two forecasters, not in the reporting.",
          unit="pct", compare="growth", references=("market_crosschecks",)),
    Entry("trendforce-dram-two-articles", "same figure, two articles", "TrendForce 2026Q1 DRAM contract price in two articles",
          ("dram.contract_price.conventional.qoq.2026q1",), "trendforce.dram.contract_price.growth.2026q1",
          lambda x: x.c("dram.contract_price.conventional.qoq.2026q1"),
          "The DRAM-wafers article gives {r_lo:.0f}-{r_hi:.0f}%, which is 'over {v:g}%' as the Korea article says.",
          unit="pct", compare="growth", on_gap="conflict"),
    Entry("trendforce-dram-reference", "against reference data", "TrendForce 2026Q1 DRAM contract price against TrendForce's release",
          (), "dram.contract_price.conventional.qoq.2026q1",
          lambda x: x.ref("market_crosschecks", "TrendForce conventional DRAM contract price QoQ (forecast"),
          "TrendForce's forecast of 2026-01-05 was {r_lo:.0f}-{r_hi:.0f}%, as stated (revised up in February).",
          unit="pct", compare="growth", references=("market_crosschecks",)),
    Entry("trendforce-nand-two-articles", "same figure, two articles", "TrendForce 2026Q1 NAND contract price in two articles",
          ("nand.contract_price.qoq.2026q1.per_dram_wafers",), "nand.contract_price.qoq.2026q1",
          lambda x: x.c("nand.contract_price.qoq.2026q1.per_dram_wafers"),
          "Both articles give {r_lo:.0f}-{r_hi:.0f}%, matching TrendForce's January forecast.",
          unit="pct", compare="growth", on_gap="conflict"),
    Entry("pt7-two-articles", "same figure, two articles", "SK hynix packaging-plant investment in two articles",
          ("skhynix.pt7.investment",), "pkg.invest.skhynix.cheongju.krw",
          lambda x: x.c("skhynix.pt7.investment"),
          "JPMorgan's PT7 and the packaging article's Cheongju plant are both {r:.0f} trillion won.",
          unit="krw_trn", on_gap="conflict"),
    Entry("taylor-start-two-articles", "same figure, two articles", "Samsung Taylor fab start in two articles",
          ("samsung.taylor.production_start",), "fab.samsung.taylor.start",
          lambda x: x.claim("samsung.taylor.production_start").period[:4] == x.claim("fab.samsung.taylor.start").period[:4],
          "The Korea article has the Taylor fab starting production in {a}; the HBF article has initial manufacturing "
          "starting in {b} at the earliest: the same year.",
          compare="logical", on_gap="conflict",
          extra=lambda x: {"a": x.claim("samsung.taylor.production_start").period,
                           "b": x.claim("fab.samsung.taylor.start").period}),
    Entry("cowos-2026-reference", "against reference data", "TSMC CoWoS end-2026 plan against third-party estimates",
          (), "pkg.cowos.tsmc.capacity.2026.plan",
          lambda x: x.ref("market_crosschecks", "TSMC CoWoS capacity end of year"),
          "Third-party estimates span {r_lo:.0f}-{r_hi:.0f} thousand wafers a month; the plan of {s} thousand lies inside.",
          unit="wafers_k_per_month", references=("market_crosschecks",)),

    # Simple bounds -----------------------------------------------------------------------------------
    Entry("streamdq-amdahl", "simple bound", "StreamDQ speed-up against Amdahl's law",
          ("streamdq.dequant.share_of_inference_time",), "streamdq.speedup.bottleneck",
          # Amdahl's law from the StreamDQ chapter's model (shares as fractions there)
          lambda x: sdq.amdahl_bound(x.c("streamdq.dequant.share_of_inference_time").mid / 100),
          "If dequantization takes up to {sh:g}% of inference time, removing it entirely speeds inference up at most "
          "{r:.0f} times, so about {s} times cannot be the whole inference. The article says it is the speed-up of "
          "the bottlenecked processing, and a {s}-times faster dequantization step speeds the whole up {a7:.1f} "
          "times: a real figure for the step, overstated as one for inference (chapter 5).",
          # Overstated, not inconsistent: read as the article words it (the bottleneck), it holds.
          unit="x", compare="at_most", on_gap="direction",
          extra=lambda x: {"sh": x.c("streamdq.dequant.share_of_inference_time").mid,
                           "a7": sdq.amdahl(x.c("streamdq.dequant.share_of_inference_time").mid / 100,
                                            x.c("streamdq.speedup.bottleneck").mid)}),
    Entry("hbf-4tb", "simple bound", "HBF capacity multiple against the GPU capacity claimed",
          ("hbf.capacity.multiple_vs_hbm",), "hbf.capacity.gpu",
          lambda x: x.c("hbf.capacity.multiple_vs_hbm") * _gpu_hbm_gb(x) / 1000,
          "{m_lo:g} to {m_hi:g} times the {gb:.0f} GB of HBM on a {gpu} is {r_lo:.1f}-{r_hi:.1f} TB, so {v:g} TB needs "
          "{need:.0f} times as much (compare SanDisk's own example in data/reference/hbf.csv).",
          unit="tb", references=("accelerators",),
          extra=lambda x: {"gb": _gpu_hbm_gb(x), "gpu": x.p.hbf_reference_gpu,
                           "m_lo": x.c("hbf.capacity.multiple_vs_hbm").low, "m_hi": x.c("hbf.capacity.multiple_vs_hbm").high,
                           "need": x.c("hbf.capacity.gpu").mid * 1000 / _gpu_hbm_gb(x)}),
    Entry("capital-intensity", "simple bound", "SK hynix capital intensity against its historical average",
          ("skhynix.capital_intensity.hist_avg",), "jpm.skhynix.capital_intensity",
          lambda x: x.c("skhynix.capital_intensity.hist_avg"),
          "Both ends of {s}% lie below the {r:.0f}% average of {span}.",
          unit="pct", compare="at_most", extra=lambda x: {"span": x.claim("skhynix.capital_intensity.hist_avg").period}),
    Entry("skhynix-margin", "simple bound", "iM's SK hynix profit against the sales JPMorgan's capex and intensity imply",
          ("jpm.skhynix.capex", "jpm.skhynix.capital_intensity", "im.skhynix.opprofit.2026"), "im.skhynix.opprofit.2026",
          lambda x: bool(x.c("im.skhynix.opprofit.2026").high < (x.c("jpm.skhynix.capex") / (x.c("jpm.skhynix.capital_intensity") / 100)).low),
          "Capex of {c_lo:g}-{c_hi:g} trillion won at {i_lo:g}-{i_hi:g}% intensity implies sales of {s_lo:.0f}-{s_hi:.0f} trillion won, so iM's "
          "{op:.1f} trillion operating profit is a margin of {m_lo:.0f}-{m_hi:.0f}%: high, but possible.",
          compare="logical",
          extra=lambda x: (lambda sales, op, cx, ci: {"c_lo": cx.low, "c_hi": cx.high, "i_lo": ci.low, "i_hi": ci.high, "s_lo": sales.low, "s_hi": sales.high, "op": op.mid,
                                              "m_lo": 100 * op.mid / sales.high, "m_hi": 100 * op.mid / sales.low})(
              x.c("jpm.skhynix.capex") / (x.c("jpm.skhynix.capital_intensity") / 100), x.c("im.skhynix.opprofit.2026"),
              x.c("jpm.skhynix.capex"), x.c("jpm.skhynix.capital_intensity"))),
    Entry("foundry-shares", "simple bound", "TSMC and Samsung foundry shares fit within the whole",
          ("pkg.tsmc.foundry_share", "share.foundry.samsung.2025q2"), "pkg.tsmc.foundry_share",
          lambda x: bool((x.c("pkg.tsmc.foundry_share") + x.c("share.foundry.samsung.2025q2")).high <= 100),
          "Over {a:g}% and {b:g}% leave room for the other foundries, so the two articles' shares can both hold.",
          compare="logical", extra=lambda x: {"a": x.c("pkg.tsmc.foundry_share").mid,
                                              "b": x.c("share.foundry.samsung.2025q2").mid}),
    Entry("pe-discount", "simple bound", "Samsung and SK hynix forward P/E against the SOX",
          ("samsung.pe.forward", "skhynix.pe.forward", "sox.pe"), "samsung.pe.forward",
          lambda x: bool(max(x.c("samsung.pe.forward").high, x.c("skhynix.pe.forward").high) < x.c("sox.pe").low),
          "{a:g}x and {b:g}x are {fa:.0%} and {fb:.0%} of the index's {c:g}x, as stated.",
          compare="logical", extra=lambda x: {
              "a": x.c("samsung.pe.forward").mid, "b": x.c("skhynix.pe.forward").mid, "c": x.c("sox.pe").mid,
              "fa": x.c("samsung.pe.forward").mid / x.c("sox.pe").mid, "fb": x.c("skhynix.pe.forward").mid / x.c("sox.pe").mid}),
    Entry("jcet-cleanroom", "simple bound", "JCET Lingang cleanroom against the site area",
          ("pkg.site.jcet.jsac.area", "pkg.site.jcet.jsac.cleanroom"), "pkg.site.jcet.jsac.cleanroom",
          lambda x: bool(x.c("pkg.site.jcet.jsac.cleanroom").high <= x.c("pkg.site.jcet.jsac.area").low * MU_SQM),
          "{mu:g} mu is {site:,.0f} square metres, so the first phase's cleanroom covers {pct:.0f}% of the site.",
          compare="logical",
          extra=lambda x: {"mu": x.c("pkg.site.jcet.jsac.area").mid, "site": x.c("pkg.site.jcet.jsac.area").mid * MU_SQM,
                           "pct": 100 * x.c("pkg.site.jcet.jsac.cleanroom").mid / (x.c("pkg.site.jcet.jsac.area").mid * MU_SQM)}),
    Entry("jcet-build-time", "simple bound", "JCET Lingang: 'two years' of construction between start and line-through",
          ("pkg.site.jcet.jsac.start", "pkg.site.jcet.jsac.line_through"), "pkg.site.jcet.jsac.build_time",
          lambda x: fc.months_between(x.claim("pkg.site.jcet.jsac.start").period,
                                      x.claim("pkg.site.jcet.jsac.line_through").period) / 12,
          "From the start in {a} to the line running in {b} is {r:.2f} years, so {s} years of construction and "
          "commissioning fit, with a few months to spare.",
          unit="years", compare="at_most",
          extra=lambda x: {"a": x.claim("pkg.site.jcet.jsac.start").period,
                           "b": x.claim("pkg.site.jcet.jsac.line_through").period}),
    Entry("server-dram-unmet", "simple bound", "Server DRAM fill rate against the unmet share",
          ("dram.fulfilment.server.2026-01",), "dram.unmet.server.2026-01",
          lambda x: 100 - x.c("dram.fulfilment.server.2026-01"),
          "A fill rate under 50% leaves over {r:.0f}% of server demand unmet, which 'half' states at its lower end.",
          unit="pct", compare="at_most"),

    # Wording -----------------------------------------------------------------------------------------
    Entry("qlc-tlc-wording", "wording", "'From QLC to TLC' said to store more bits per cell",
          ("nand.tlc.bits_per_cell", "nand.qlc.bits_per_cell"), None,
          lambda x: bool(x.c("nand.tlc.bits_per_cell").mid > x.c("nand.qlc.bits_per_cell").mid),
          "TLC stores {tlc:.0f} bits per cell and QLC {qlc:.0f}, so moving from QLC to TLC lowers density; the article "
          "means the reverse (TLC to QLC), as its own earlier sentence says.",
          compare="logical", on_gap="inconsistent", quote="從QLC 轉向 TLC", quote_source="nand_output_cuts",
          extra=lambda x: {"tlc": x.c("nand.tlc.bits_per_cell").mid, "qlc": x.c("nand.qlc.bits_per_cell").mid}),
    Entry("nand-cuts-similar", "wording", "SK hynix's NAND cut called a 'similar trend' to Samsung's",
          ("nand.wafers.samsung.2025", "nand.wafers.samsung.2026", "nand.wafers.skhynix.2025"), "nand.wafers.skhynix.2026",
          lambda x: bool(fc.growth_pct(x.c("nand.wafers.samsung.2025"), x.c("nand.wafers.samsung.2026")).mid < 0
                         and fc.growth_pct(x.c("nand.wafers.skhynix.2025"), x.c("nand.wafers.skhynix.2026")).mid < 0),
          "Both cut wafers, Samsung by {ss:.1f}% and SK hynix by {sk:.1f}%: alike in direction, but SK hynix's cut is "
          "{ratio:.1f} times as deep.",
          compare="logical", on_gap="inconsistent", quote="類似趨勢", quote_source="nand_output_cuts",
          extra=lambda x: (lambda ss, sk: {"ss": -ss, "sk": -sk, "ratio": sk / ss})(
              fc.growth_pct(x.c("nand.wafers.samsung.2025"), x.c("nand.wafers.samsung.2026")).mid,
              fc.growth_pct(x.c("nand.wafers.skhynix.2025"), x.c("nand.wafers.skhynix.2026")).mid)),
    Entry("amkor-peoria-delay", "wording", "Amkor Peoria: start in early 2028 called a delay",
          ("pkg.site.amkor.peoria.production.original",), "pkg.site.amkor.peoria.production",
          lambda x: _year(x.claim("pkg.site.amkor.peoria.production").period)
          > _year(x.claim("pkg.site.amkor.peoria.production.original").period),
          "Production now starts in {b}, after the original {a}, so 'delayed' (推遲) is the right word.",
          compare="logical", on_gap="inconsistent",
          extra=lambda x: {"a": x.claim("pkg.site.amkor.peoria.production.original").period,
                           "b": x.claim("pkg.site.amkor.peoria.production").period}),
    Entry("cowos-2026-even-as-high", "wording", "TSMC CoWoS end-2026: 'even as high as' a figure inside the plan",
          ("pkg.cowos.tsmc.capacity.2026.plan",), "pkg.cowos.tsmc.capacity.2026.some",
          lambda x: bool(x.claim("pkg.cowos.tsmc.capacity.2026.some").value > x.c("pkg.cowos.tsmc.capacity.2026.plan").high),
          "'Even as high as' {s} thousand presents as an outlier a figure below the {hi:.0f} thousand top of the plan "
          "the same sentence gives.",
          compare="logical", on_gap="inconsistent",
          extra=lambda x: {"hi": x.c("pkg.cowos.tsmc.capacity.2026.plan").high}),
    Entry("cowos-2025-analysts", "wording", "TSMC CoWoS end-2025: analysts' figure against the target range",
          ("pkg.cowos.tsmc.capacity.2025.target",), "pkg.cowos.tsmc.capacity.2025.analysts",
          lambda x: bool(x.c("pkg.cowos.tsmc.capacity.2025.target").low <= x.claim("pkg.cowos.tsmc.capacity.2025.analysts").value
                         <= x.c("pkg.cowos.tsmc.capacity.2025.target").high),
          "The analysts' {s} thousand is the top of the {lo:.0f}-{hi:.0f} thousand target, not beyond it.",
          compare="logical", on_gap="inconsistent",
          extra=lambda x: {"lo": x.c("pkg.cowos.tsmc.capacity.2025.target").low, "hi": x.c("pkg.cowos.tsmc.capacity.2025.target").high}),
)


# --- evaluation ---------------------------------------------------------------------------------

def entry(entry_id: str) -> Entry:
    for e in ENTRIES:
        if e.id == entry_id:
            return e
    raise KeyError(entry_id)


def stated_of(e: Entry, get_claim) -> fc.Stated | None:
    if e.stated is None:
        return None
    c = get_claim(e.stated)
    if e.stated_as_point:
        return fc.Stated(c.value)
    return fc.Stated(c.value, c.low, c.high)


def evaluate(e: Entry, get_claim, params: SimpleNamespace, reference) -> dict:
    """Recompute one entry and judge it. Returns a flat record (one ledger row)."""
    x = Context(get_claim, params, reference)
    rec = e.relation(x)
    stated = stated_of(e, x.claim)
    res = fc.verdict(stated, rec, compare=e.compare, on_gap=e.on_gap,
                     consistent_rel_tol=params.consistent_rel_tol_pct / 100,
                     rounding_rel_tol=params.rounding_rel_tol_pct / 100)
    fields: dict[str, Any] = {}
    if isinstance(rec, (Interval, int, float)) and not isinstance(rec, bool):
        iv = Interval.of(rec)
        fields.update(r=iv.mid, r_lo=iv.low, r_hi=iv.high)
    if e.extra:
        fields.update(e.extra(x))
    sc = x.claim(e.stated) if e.stated else None
    fields["s"] = sc.text("{:,.10g}") if sc is not None else ""
    fields["v"] = sc.value if sc is not None else math.nan
    fields["gap"] = 100 * res.gap if not math.isnan(res.gap) else math.nan
    explanation = e.explain.format(**fields)
    source_claim = sc if sc is not None else x.claim(e.inputs[0])
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
        "explanation": explanation,
        "quote": e.quote or (sc.quote if sc is not None else ""),
        "source_id": e.quote_source or source_claim.source_id,
        "outlet": source_claim.outlet,
        "claims_used": ", ".join(x.used),
        "references_used": ", ".join(x.refs_used),
        "values": fields,
    }


def _number(v: float, unit: str) -> str:
    if isinstance(v, float) and math.isnan(v):
        return "–"
    text = f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"
    return text + ("%" if unit == "pct" else "x" if unit == "x" else "")


def display_frame(df: pd.DataFrame, category: str | None = None) -> pd.DataFrame:
    """The ledger as a reader sees it: the check, the quote with its outlet and source id, stated vs
    recomputed (with the recomputed range where the inputs are ranges), the verdict, its explanation
    and the claim ids used."""
    rows = df if category is None else df[df["category"] == category]
    out = []
    for r in rows.itertuples():
        if r.verdict == fc.UNCHECKABLE:
            rec = "–"
        elif math.isnan(r.recomputed):
            rec = "(a logical check)"
        else:
            rec = _number(r.recomputed, r.unit)
            if r.recomputed_low != r.recomputed_high:
                rec += f" ({_number(r.recomputed_low, r.unit)} to {_number(r.recomputed_high, r.unit)})"
        out.append({
            "Check": r.check,
            "Quote (source)": (f"“{r.quote}” " if r.quote else "") + f"({r.outlet}; {r.source_id})",
            "Stated": (r.stated + ("%" if r.unit == "pct" and r.stated else "")) or "–",
            "Recomputed": rec,
            "Unit": "" if r.unit in ("pct", "x") else r.unit,
            "Verdict": r.verdict,
            "Explanation": r.explanation,
            "Claims used": r.claims_used,
        })
    return pd.DataFrame(out)


def run(params: SimpleNamespace | None = None) -> pd.DataFrame:
    """The whole ledger from data/ (claims and reference tables), one row per entry."""
    from . import data
    from .params import defaults
    if params is None:
        params = SimpleNamespace(**defaults("fact_check"))
    rows = [evaluate(e, data.claim, params, data.reference) for e in ENTRIES]
    return pd.DataFrame(rows)

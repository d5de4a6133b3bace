"""Models for the chapter 'hbm_competition': pure functions, no I/O, no plotting.

Everything here takes numbers (or small frames) that the notebook reads from `data/claims.csv`
and `data/reference/`, so each figure stays traceable to its source. Units are in the names:
`_pct` is per cent (30 means 30%), `_krw_trn` trillions of won, `_usd_bn` billions of dollars,
`_m` millions.
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from supercycle import arith
from supercycle.prose import bound
from supercycle.data import MONEY_UNITS, UNIT_TABLE, period_bounds


# --- parameters: declared once (type, default, range, unit, meaning) --------------------
# Defaults that are article or reference figures are read from data/ (`from_claim`, `from_reference`,
# named in the meaning through `{source}`); the rest name their reference row in `meaning`.
from supercycle.chapters.shared import KrwPerUsd
from supercycle.declare import ChapterParams, from_claim, from_reference, param


class Params(ChapterParams):
    SHOWS_SCENARIOS = ("hbm_competition", "packaging")  # the notebook shows these chapters' bear and bull values
    hbm_market_usd_bn: float = param(from_reference("market_crosschecks", "HBM market size (BofA)", period="2026"), "usd_bn",
        "HBM market size in the modelled year (2026); default = {source}", ge=10, le=200)
    skhynix_hbm_share_pct: float = param(from_claim("jpm.skhynix.hbm_value_share", "high"), "pct",
        "SK hynix HBM value share; default = {source} (JPMorgan: "
          "slightly below 50%, so the default is the upper bound)", ge=5, le=95)
    hbm_price_change_pct: float = param(0.0, "pct",
        "assumption: change in the HBM average price against the price built into the market "
          "size, volume held (0 = the market estimate as given)", ge=-60, le=100)
    krw_per_usd: KrwPerUsd  # shared (supercycle/chapters/shared.py)
    capex_low_krw_trn: float = param(from_claim("jpm.skhynix.capex", "low"), "krw_trn",
        "low end of SK hynix capex, FY2026-27; default = {source} (low)", ge=5, le=150)
    capex_high_krw_trn: float = param(from_claim("jpm.skhynix.capex", "high"), "krw_trn",
        "high end of SK hynix capex, FY2026-27; default = {source} (high)", ge=5, le=150)
    capital_intensity_low_pct: float = param(from_claim("jpm.skhynix.capital_intensity", "low"), "pct",
        "low end of implied capital intensity (capex / revenue); default = {source} (low)", ge=5, le=60)
    capital_intensity_high_pct: float = param(from_claim("jpm.skhynix.capital_intensity", "high"), "pct",
        "high end of implied capital intensity; default = {source} (high)", ge=5, le=60)
    share_price_krw: float = param(from_claim("skhynix.share_price"), "krw_per_share",
        "SK hynix share price the valuation is measured from; default = {source}", ge=100000, le=5000000)
    target_price_krw: float = param(from_claim("jpm.skhynix.target_price"), "krw_per_share",
        "the target price being examined; default = {source} (JPMorgan)", ge=100000, le=5000000)
    # --- HBM share of SK hynix's sales, 2026 --------------------------------------------------
    hbm_market_growth_2026_pct: float = param(from_reference("hbm_competition_financials", "HBM market growth (SK hynix Newsroom, BofA basis)"), "pct",
        "growth of the HBM market in 2026 on the basis of the USD 54.6 bn; default = {source} (+58% on USD 34.6 bn for 2025); the chapter shows the spliced BofA/TrendForce rate and JPMorgan's own 2025 basis beside it", ge=-50, le=300)
    skhynix_total_sales_growth_2026_pct: float = param(from_claim("bofa.dram.revenue.growth.2026"), "pct",
        "growth of SK hynix's total sales in 2026; default = {source} "
          "(BofA's +51% for global DRAM revenue, a proxy: SK hynix also sells NAND)", ge=-50, le=300)
    skhynix_hbm_value_share_2025_pct: float = param(from_reference("hbm_competition_financials", "HBM vendor share SK hynix (Counterpoint)", period="2025Q3"), "pct",
        "SK hynix's HBM value share in 2025, the start of JPMorgan's slip to just under 50%; "
          "default = {source} (revenue basis; "
          "Macquarie's 61% for 2025 is shown beside it)", ge=20, le=95)
    # --- from operating profit to valuation ----------------------------------------------------
    skhynix_op_2026_krw_trn: float = param(from_claim("im.skhynix.opprofit.2026"), "krw_trn",
        "SK hynix 2026 operating profit; default = {source} (iM Securities' "
          "forecast, January 2026)", ge=10, le=300)
    samsung_op_2026_krw_trn: float = param(from_claim("kiwoom.samsung.opprofit.2026"), "krw_trn",
        "Samsung Electronics 2026 operating profit; default = {source} "
          "(Kiwoom's forecast, January 2026)", ge=10, le=400)
    tax_rate_pct: float = param(from_reference("hbm_competition_financials", "Korea corporate income tax top rate (from 2026)"), "pct",
        "effective tax rate on 2026 pre-tax income, both companies; default = Korea's top "
          "corporate rate from 2026 ({source}: 25%, national rate only); SK hynix paid 14.9% "
          "in 2025 and the statutory rate with local tax is 27.5%", ge=10, le=30)
    skhynix_non_operating_krw_trn: float = param(0.0, "krw_trn",
        "SK hynix net non-operating items in 2026 (finance income, FX, equity-method); default 0 "
          "(neutral); 2025 actual = +3.26 trn won (reference row)", ge=-10, le=15)
    samsung_non_operating_krw_trn: float = param(0.0, "krw_trn",
        "Samsung net non-operating items in 2026; default 0 (neutral; Samsung's large cash pile "
          "and equity-method stakes put its 2025 net profit above its operating profit)", ge=-10, le=30)
    skhynix_shares_outstanding_m: float = param(from_reference("hbm_competition_financials", "SK hynix shares outstanding"), "shares_m",
        "SK hynix shares outstanding excluding treasury shares (the EPS denominator); default = "
          "{source}; the ADR figures imply ~725 m", ge=600, le=800)
    samsung_price_krw: float = param(from_reference("hbm_competition_financials", "Samsung Electronics share price close"), "krw_per_share",
        "Samsung Electronics share price for its P/E; the articles quote none, so the default is "
          "the end-2025 close ({source}), a proxy", ge=30000, le=500000)
    dram_share_of_revenue_pct: float = param(72.6, "pct",
        "DRAM (HBM included) as a share of SK hynix's revenue; default = 2025Q2 DRAM revenue / "
          "total revenue (16.14 / 22.23, reference rows)", ge=40, le=95)
    hbm_reprices_with_dram: bool = param(False, "",
        "whether HBM revenue moves with the DRAM ASP shock; default false: HBM is usually sold on "
          "annual volume and price agreements, so a commodity price move reaches it late")
    dram_asp_shock_pct: float = param(10.0, "pct",
        "size of the DRAM ASP shock for the EPS sensitivity (applied as + and -)", ge=1, le=50)


# --- technology: interface arithmetic ------------------------------------------------------

def stack_bandwidth_tb_s(interface_bits: float, pin_rate_gbps: float) -> float:
    """Peak bandwidth of one HBM stack in TB/s: bits x Gb/s per pin / 8 bits per byte / 1000."""
    if interface_bits <= 0 or pin_rate_gbps <= 0:
        raise ValueError("interface width and pin rate must be positive")
    return interface_bits * pin_rate_gbps / 8 / 1000


def implied_pin_rate_gbps(bandwidth_tb_s: float, stacks: float, interface_bits: float) -> float:
    """The per-pin rate (Gb/s) an accelerator's total bandwidth needs from `stacks` stacks."""
    if stacks <= 0 or interface_bits <= 0:
        raise ValueError("stacks and interface width must be positive")
    return bandwidth_tb_s * 1000 * 8 / (stacks * interface_bits)


# Vendor shares a reference row gives beside its own value (data/reference/market_crosschecks.csv):
# one column per vendor, so nothing is parsed out of the row's note.
SHARE_COLUMNS = {"Samsung": "share_samsung_pct", "SK hynix": "share_sk_hynix_pct",
                 "Micron": "share_micron_pct", "SK Group": "share_sk_group_pct"}


def vendor_shares(row) -> dict[str, float]:
    """The vendor shares (per cent) a reference row gives in its share columns, empty ones left out:
    a row with share_samsung_pct 36.0 and share_sk_hynix_pct 32.1 -> {'Samsung': 36.0, 'SK hynix': 32.1}."""
    return {name: float(row[col]) for name, col in SHARE_COLUMNS.items()
            if col in row and str(row[col]).strip() not in ("", "nan")}


def bandwidth_values(row) -> list[tuple[str, float]]:
    """An accelerator's bandwidth (TB/s) as [(kind, value)]: the reference value, then, where sources
    conflict (column `bandwidth_tb_s_other`), the other published value."""
    out = [("reference value", float(row["bandwidth_tb_s"]))]
    other = str(row.get("bandwidth_tb_s_other", "")).strip()
    if other not in ("", "nan"):
        out.append(("conflicting value", float(other)))
    return out


# --- SK hynix economics ----------------------------------------------------------------------

def revenue_from_capex(capex_low: float, capex_high: float,
                       intensity_low_pct: float, intensity_high_pct: float) -> dict[str, float]:
    """Revenue implied by capex / capital intensity, for a capex range and an intensity range.

    Two readings, because the article does not say how the ranges pair up:
    - `paired_low`/`paired_high`: low capex at low intensity, high capex at high intensity
      (the reading where each range's ends are the two fiscal years);
    - `bound_low`/`bound_high`: the widest interval consistent with both ranges
      (low capex at high intensity, high capex at low intensity).
    """
    if capex_low > capex_high:
        raise ValueError(f"capex low {capex_low:g} is above capex high {capex_high:g}")
    if intensity_low_pct > intensity_high_pct:
        raise ValueError(f"intensity low {intensity_low_pct:g} is above intensity high {intensity_high_pct:g}")
    if capex_low < 0 or intensity_low_pct <= 0:
        raise ValueError("capex must be non-negative and capital intensity positive")
    return {
        "paired_low": capex_low / (intensity_low_pct / 100),
        "paired_high": capex_high / (intensity_high_pct / 100),
        "bound_low": capex_low / (intensity_high_pct / 100),
        "bound_high": capex_high / (intensity_low_pct / 100),
    }


def capex_at_intensity(revenue: float, intensity_pct: float) -> float:
    """Capex a revenue figure implies at a capital intensity (capex = revenue x intensity)."""
    return revenue * intensity_pct / 100


def hbm_revenue(market_usd_bn: float, share_pct: float, price_change_pct: float,
                krw_per_usd: float) -> dict[str, float]:
    """A vendor's HBM revenue: market size x (1 + price change) x value share.

    `price_change_pct` moves the HBM average price relative to the one built into the market
    estimate (volume held); the result is given in billions of dollars and trillions of won.
    """
    if market_usd_bn < 0:
        raise ValueError("market size must be non-negative")
    if not 0 <= share_pct <= 100:
        raise ValueError("share must lie in [0, 100] per cent")
    if price_change_pct <= -100:
        raise ValueError("a price change of -100% or less leaves no market")
    if krw_per_usd <= 0:
        raise ValueError("the exchange rate must be positive")
    market = market_usd_bn * (1 + price_change_pct / 100)
    usd_bn = market * share_pct / 100
    return {"market_usd_bn": market, "usd_bn": usd_bn, "krw_trn": usd_bn * krw_per_usd / BN_PER_TRN}


# --- unit scales (data/units.csv) -----------------------------------------------------------------
BN_PER_TRN = MONEY_UNITS["krw_trn"][1]   # billions of won in a trillion: 1,000 (USD bn x won per USD = won bn)
# Won per share from trillions of won over millions of shares: 1e12 / 1e6 = 1e6.
WON_PER_SHARE_PER_TRN_PER_M = UNIT_TABLE["krw_trn"].scale / UNIT_TABLE["shares_m"].scale


# --- market structure ---------------------------------------------------------------------------

def article_share_row(market: str, measure: str, c: Any) -> dict:
    """A row of the market-structure table for an article's share claim `c`: who states it, its
    period and kind, the share (per cent), how it is bounded (`supercycle.prose.bound`) and as stated."""
    return {"market": market, "measure": measure, "source": f"{c.source_id} ({c.attributed_to})",
            "origin": "article", "period": c.period, "kind": c.kind, "share_pct": c.value,
            "bound": bound(c), "stated": c.text("{:g}") + UNIT_TABLE[c.unit].symbol, "id": c.id}


# --- valuation -------------------------------------------------------------------------------

def implied_upside_pct(target_price: float, share_price: float) -> float:
    """Target over share price, minus one, in per cent."""
    if share_price <= 0:
        raise ValueError("share price must be positive")
    return float(arith.growth_pct(share_price, target_price))


def peak_pb(target_pb: float, premium_pct: float) -> float:
    """The historical peak P/B a target P/B implies when it is `premium_pct` above that peak."""
    if premium_pct <= -100:
        raise ValueError("premium must be above -100%")
    return target_pb / (1 + premium_pct / 100)


def book_value_per_share(target_price: float, target_pb: float) -> float:
    """The (forward) book value per share behind a target set at a P/B multiple."""
    if target_pb <= 0:
        raise ValueError("P/B must be positive")
    return target_price / target_pb


def share_count_m(adr_shares_m: float, adr_pct_of_shares: float) -> float:
    """Shares outstanding (millions) implied by an ADR tranche of `adr_shares_m` million shares
    that is `adr_pct_of_shares` per cent of the total."""
    if adr_pct_of_shares <= 0:
        raise ValueError("the ADR percentage must be positive")
    return adr_shares_m / (adr_pct_of_shares / 100)


def share_count_band_m(adr_shares_m: float, adr_pct_of_shares: float,
                       shares_step: float = 0.1, pct_step: float = 0.1) -> tuple[float, float]:
    """The share count range allowed by rounding: each figure is taken to be rounded to its last
    stated digit (`shares_step`, `pct_step`), so its true value lies within half a step."""
    lo = share_count_m(adr_shares_m - shares_step / 2, adr_pct_of_shares + pct_step / 2)
    hi = share_count_m(adr_shares_m + shares_step / 2, adr_pct_of_shares - pct_step / 2)
    return lo, hi


# --- timeline --------------------------------------------------------------------------------

def timeline(frame: pd.DataFrame, first_year: int = 2025, last_year: int = 2030) -> pd.DataFrame:
    """Dated events from a claims frame: rows with unit 'date' (dated by `period`) or 'year'
    (dated by `value`), starting within [first_year, last_year]. Rows whose period cannot be
    placed are skipped. Columns: id, source_id, entity, metric, kind,
    start, end, precision."""
    rows = []
    for r in frame.to_dict("records"):
        if r["unit"] == "date":
            text = r["period"]
        elif r["unit"] == "year" and not (isinstance(r["value"], float) and math.isnan(r["value"])):
            text = str(int(r["value"]))
        else:
            continue
        try:
            start, end = period_bounds(text)
        except ValueError:
            continue
        if not (first_year <= start.year <= last_year):
            continue
        days = (end - start).days
        precision = "day" if days == 0 else "month" if days <= 31 else "quarter" if days <= 92 else \
            "half-year" if days <= 184 else "year" if days <= 366 else "span"
        rows.append({"id": r["id"], "source_id": r["source_id"], "entity": r["entity"],
                     "metric": r["metric"], "kind": r["kind"], "start": pd.Timestamp(start),
                     "end": pd.Timestamp(end), "precision": precision})
    cols = ["id", "source_id", "entity", "metric", "kind", "start", "end", "precision"]
    return pd.DataFrame(rows, columns=cols).sort_values(["start", "id"]).reset_index(drop=True)


# --- HBM share of a vendor's sales ------------------------------------------------------------

def hbm_share_next(share_prev_pct: float, hbm_growth_pct: float, total_growth_pct: float,
                   vendor_share_change_pct: float = 0.0) -> float:
    """A vendor's HBM share of its own sales one year on, in per cent.

    share_next = share_prev x (1 + g_hbm) x (1 + v) / (1 + g_total), where
    - `hbm_growth_pct` is the growth of the HBM market (or of the vendor's HBM sales, with v = 0);
    - `vendor_share_change_pct` is the relative change in the vendor's value share of that market
      (57% -> 50% is 50/57 - 1 = -12.3%); 0 means the vendor's HBM sales grow with the market;
    - `total_growth_pct` is the growth of the vendor's total sales.
    Example: 38% x 1.58 / 1.51 = 39.76%.
    """
    if share_prev_pct < 0 or share_prev_pct > 100:
        raise ValueError("the previous share must lie in [0, 100] per cent")
    if min(hbm_growth_pct, total_growth_pct, vendor_share_change_pct) <= -100:
        raise ValueError("a growth rate of -100% or less leaves nothing to take a share of")
    share = share_prev_pct * (1 + hbm_growth_pct / 100) * (1 + vendor_share_change_pct / 100) \
        / (1 + total_growth_pct / 100)
    if share > 100 + 1e-9:
        raise ValueError(f"these growth rates put HBM at {share:.1f}% of sales, above 100%")
    return share


def total_growth_for_share(share_prev_pct: float, share_next_pct: float, hbm_growth_pct: float,
                           vendor_share_change_pct: float = 0.0) -> float:
    """The growth of total sales (per cent) that takes the HBM share from `share_prev_pct` to
    `share_next_pct` when HBM sales grow as in `hbm_share_next` (its inverse in total growth)."""
    if share_next_pct <= 0:
        raise ValueError("the new share must be positive")
    if min(hbm_growth_pct, vendor_share_change_pct) <= -100:
        raise ValueError("a growth rate of -100% or less leaves nothing to take a share of")
    return (share_prev_pct * (1 + hbm_growth_pct / 100) * (1 + vendor_share_change_pct / 100)
            / share_next_pct - 1) * 100


def non_hbm_growth_pct(share_prev_pct: float, hbm_growth_pct: float, total_growth_pct: float) -> float:
    """Growth of the non-HBM part of sales (per cent) implied by HBM growth and total growth:
    non-HBM next / prev = ((1 + g_total) - s (1 + g_hbm)) / (1 - s), s = previous HBM share."""
    s = share_prev_pct / 100
    if not 0 <= s < 1:
        raise ValueError("the previous share must lie in [0, 100) per cent")
    return (((1 + total_growth_pct / 100) - s * (1 + hbm_growth_pct / 100)) / (1 - s) - 1) * 100


def capex_revenue_by_year(capex_low: float, capex_high: float, intensity_low_pct: float,
                          intensity_high_pct: float, hbm_share_first_pct: float,
                          hbm_share_second_pct: float) -> list[dict[str, float]]:
    """The paired reading of a two-year capex range and intensity range, year by year: the first
    year takes the low ends, the second the high ends; each year's HBM sales use that year's
    HBM share of sales. Returns two dicts: capex, intensity_pct, revenue, hbm_share_pct, hbm_revenue."""
    out = []
    for capex, intensity, share in ((capex_low, intensity_low_pct, hbm_share_first_pct),
                                    (capex_high, intensity_high_pct, hbm_share_second_pct)):
        if intensity <= 0:
            raise ValueError("capital intensity must be positive")
        if not 0 <= share <= 100:
            raise ValueError("an HBM share must lie in [0, 100] per cent")
        revenue = capex / (intensity / 100)
        out.append({"capex": capex, "intensity_pct": intensity, "revenue": revenue,
                    "hbm_share_pct": share, "hbm_revenue": revenue * share / 100})
    return out


def market_from_vendor_revenue_usd_bn(vendor_revenue_krw_trn: float, value_share_pct: float,
                                      krw_per_usd: float) -> float:
    """The market size (USD bn) a vendor's revenue implies at its value share of that market:
    revenue (trn won) x 1000 / won per dollar / share. The inverse of `hbm_revenue` at no price change."""
    if not 0 < value_share_pct <= 100:
        raise ValueError("the value share must lie in (0, 100] per cent")
    if krw_per_usd <= 0:
        raise ValueError("the exchange rate must be positive")
    return vendor_revenue_krw_trn * BN_PER_TRN / krw_per_usd / (value_share_pct / 100)


# --- from operating profit to valuation ------------------------------------------------------

def net_income(operating_profit: float, tax_rate_pct: float, non_operating: float = 0.0) -> float:
    """Net income = (operating profit + net non-operating items) x (1 - effective tax rate).
    Minority interests are ignored (SK hynix's were 0.03 trn won in 2025)."""
    if not 0 <= tax_rate_pct < 100:
        raise ValueError("the tax rate must lie in [0, 100) per cent")
    return (operating_profit + non_operating) * (1 - tax_rate_pct / 100)


def net_income_at_ratio(operating_profit: float, net_prev: float, op_prev: float) -> float:
    """Net income if it keeps last year's ratio to operating profit (net_prev / op_prev): a way to carry
    a company's non-operating items and tax mix forward without modelling them one by one."""
    if op_prev <= 0:
        raise ValueError("last year's operating profit must be positive")
    return operating_profit * net_prev / op_prev


def eps_krw(net_income_krw_trn: float, shares_m: float) -> float:
    """Earnings per share in won: trillions of won / millions of shares (1e12 / 1e6 = 1e6)."""
    if shares_m <= 0:
        raise ValueError("the share count must be positive")
    return net_income_krw_trn * WON_PER_SHARE_PER_TRN_PER_M / shares_m


def pe_ratio(price: float, eps: float) -> float:
    """Price over earnings per share; refuses zero or negative earnings (no meaningful P/E)."""
    if eps <= 0:
        raise ValueError("P/E is not meaningful for zero or negative earnings")
    return price / eps


def op_for_pe(price: float, pe: float, shares_m: float, tax_rate_pct: float,
              non_operating: float = 0.0) -> float:
    """The operating profit (trn won) that gives `pe` at `price`: the inverse of
    net_income -> eps_krw -> pe_ratio."""
    if pe <= 0:
        raise ValueError("P/E must be positive")
    net = price / pe * shares_m / WON_PER_SHARE_PER_TRN_PER_M
    return net / (1 - tax_rate_pct / 100) - non_operating


def asp_shock_op(operating_profit: float, revenue: float, exposed_share_pct: float,
                 asp_change_pct: float) -> float:
    """Operating profit after an average-selling-price change on the part of revenue that
    reprices (volumes and costs held): OP + revenue x exposed share x ASP change. Because costs
    do not move with price, the whole revenue change falls to operating profit (operating leverage)."""
    if not 0 <= exposed_share_pct <= 100:
        raise ValueError("the exposed share must lie in [0, 100] per cent")
    return operating_profit + revenue * exposed_share_pct / 100 * asp_change_pct / 100


def growth_multiple_readings(low_multiple: float) -> dict[str, float]:
    """Two readings of Chinese 'N倍多/N倍以上' growth: 'to' (at least N x the base) and 'by'
    (at least N + 1 x the base, i.e. growth of N x 100%)."""
    if low_multiple <= 0:
        raise ValueError("the multiple must be positive")
    return {"to": low_multiple, "by": low_multiple + 1}


# --- HBM's share of sales from the bottom up (CoWoS chain, supercycle.chapters.hbm_tam) --------

def implied_hbm_sales_share_pct(market_usd_bn: float, value_share_pct: float, total_revenue_krw_trn: float,
                                krw_per_usd: float) -> float:
    """A vendor's HBM share of its own sales (per cent) implied by an HBM market, its value share of
    that market and its total revenue: market x share (USD bn) x won per dollar / 1000 (trn won),
    over total revenue (trn won). All inputs should be one year's."""
    if market_usd_bn < 0:
        raise ValueError("market size must be non-negative")
    if not 0 <= value_share_pct <= 100:
        raise ValueError("the value share must lie in [0, 100] per cent")
    if krw_per_usd <= 0:
        raise ValueError("the exchange rate must be positive")
    if total_revenue_krw_trn <= 0:
        raise ValueError("total revenue must be positive")
    hbm_krw_trn = market_usd_bn * value_share_pct / 100 * krw_per_usd / BN_PER_TRN
    return float(arith.share_pct(hbm_krw_trn, total_revenue_krw_trn))


def market_for_sales_share_usd_bn(sales_share_pct: float, total_revenue_krw_trn: float, value_share_pct: float,
                                  krw_per_usd: float) -> float:
    """The HBM market (USD bn) at which a vendor's HBM sales are `sales_share_pct` of its total revenue,
    given its value share: the inverse of `implied_hbm_sales_share_pct` in the market."""
    if not 0 <= sales_share_pct <= 100:
        raise ValueError("the sales share must lie in [0, 100] per cent")
    return market_from_vendor_revenue_usd_bn(total_revenue_krw_trn * sales_share_pct / 100, value_share_pct, krw_per_usd)


def end_capacity_for_market(start_k_per_month: float, market_per_k_usd_bn: float, market_usd_bn: float) -> float:
    """The year-end capacity (thousand wafers a month) that carries `market_usd_bn` in a year that starts
    at `start_k_per_month`, when the market is `market_per_k_usd_bn` per thousand wafers a month of
    average capacity and the year's average capacity is the mean of its start and end (as in
    hbm_tam.year_average_k): end = 2 x market / market_per_k - start."""
    if market_per_k_usd_bn <= 0:
        raise ValueError("the market per thousand wafers a month must be positive")
    if start_k_per_month < 0 or market_usd_bn < 0:
        raise ValueError("capacity and market cannot be negative")
    return 2 * market_usd_bn / market_per_k_usd_bn - start_k_per_month

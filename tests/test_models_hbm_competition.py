"""Unit tests for supercycle/chapters/hbm_competition.py, with hand arithmetic in comments, and
checks that the chapter's data-backed parameter defaults equal the data they cite."""
import json
import math
import re
from datetime import date

import pandas as pd
import pytest

from supercycle import ROOT, data
from supercycle.chapters import hbm_competition as m
from supercycle.build.params import defaults, load_scenario

KEY = "hbm_competition"


# --- interface arithmetic ----------------------------------------------------------------------

def test_stack_bandwidth_hbm3():
    # 1024 bits x 6.4 Gb/s = 6553.6 Gb/s; / 8 = 819.2 GB/s = 0.8192 TB/s
    assert m.stack_bandwidth_tb_s(1024, 6.4) == pytest.approx(0.8192)


def test_stack_bandwidth_hbm4_doubles_with_width():
    # 2048 bits x 8 Gb/s / 8 = 2048 GB/s = 2.048 TB/s, twice 1024 bits at the same rate
    assert m.stack_bandwidth_tb_s(2048, 8.0) == pytest.approx(2.048)
    assert m.stack_bandwidth_tb_s(2048, 8.0) == pytest.approx(2 * m.stack_bandwidth_tb_s(1024, 8.0))


def test_stack_bandwidth_rejects_zero():
    with pytest.raises(ValueError):
        m.stack_bandwidth_tb_s(0, 8.0)


def test_implied_pin_rate():
    # 22 TB/s over 8 stacks of 2048 bits: 22000 GB/s x 8 / (8 x 2048) = 176000 / 16384 = 10.742 Gb/s
    assert m.implied_pin_rate_gbps(22, 8, 2048) == pytest.approx(10.7421875)
    # inverse of stack_bandwidth: one 1024-bit stack at 0.8192 TB/s runs at 6.4 Gb/s
    assert m.implied_pin_rate_gbps(0.8192, 1, 1024) == pytest.approx(6.4)


def test_bandwidth_values_add_the_conflicting_value_only_where_given():
    # Rubin: 22 TB/s as the reference value, 13 TB/s from the earlier (GTC 2025) announcement
    assert m.bandwidth_values({"bandwidth_tb_s": "22", "bandwidth_tb_s_other": "13"}) == [
        ("reference value", 22.0), ("conflicting value", 13.0)]
    assert m.bandwidth_values({"bandwidth_tb_s": 3.35, "bandwidth_tb_s_other": float("nan")}) == [("reference value", 3.35)]
    assert m.bandwidth_values({"bandwidth_tb_s": "8.0", "bandwidth_tb_s_other": ""}) == [("reference value", 8.0)]


def test_vendor_shares_read_the_share_columns():
    row = {"share_samsung_pct": "36.0", "share_sk_hynix_pct": "32.1", "share_micron_pct": "22.4", "share_sk_group_pct": ""}
    assert m.vendor_shares(row) == {"Samsung": 36.0, "SK hynix": 32.1, "Micron": 22.4}
    assert m.vendor_shares({"share_sk_group_pct": 22.1, "note": "Samsung 99% in prose is not read"}) == {"SK Group": 22.1}
    assert m.vendor_shares({}) == {}


# --- SK hynix economics --------------------------------------------------------------------------

def test_revenue_from_capex_both_readings():
    # paired: 36 / 0.20 = 180; 48 / 0.23 = 208.70
    # bounds: 36 / 0.23 = 156.52; 48 / 0.20 = 240
    r = m.revenue_from_capex(36, 48, 20, 23)
    assert r["paired_low"] == pytest.approx(180)
    assert r["paired_high"] == pytest.approx(208.6957, rel=1e-5)
    assert r["bound_low"] == pytest.approx(156.5217, rel=1e-5)
    assert r["bound_high"] == pytest.approx(240)
    assert r["bound_low"] <= r["paired_low"] <= r["paired_high"] <= r["bound_high"]


def test_revenue_from_capex_refuses_inverted_ranges():
    with pytest.raises(ValueError):
        m.revenue_from_capex(48, 36, 20, 23)
    with pytest.raises(ValueError):
        m.revenue_from_capex(36, 48, 23, 20)


def test_capex_at_intensity():
    # 200 trn revenue at 33% = 66 trn capex
    assert m.capex_at_intensity(200, 33) == pytest.approx(66)


def test_hbm_revenue():
    # 50 bn market, +10% price -> 55 bn; 40% share -> 22 bn; x 1400 won = 30,800 bn won = 30.8 trn
    r = m.hbm_revenue(50, 40, 10, 1400)
    assert r["market_usd_bn"] == pytest.approx(55)
    assert r["usd_bn"] == pytest.approx(22)
    assert r["krw_trn"] == pytest.approx(30.8)


def test_hbm_revenue_is_linear_in_share():
    a = m.hbm_revenue(60, 25, 0, 1000)["usd_bn"]
    b = m.hbm_revenue(60, 50, 0, 1000)["usd_bn"]
    assert a == pytest.approx(15) and b == pytest.approx(30)  # 60 x 0.25, 60 x 0.5


@pytest.mark.parametrize("args", [(-1, 50, 0, 1300), (50, 120, 0, 1300), (50, 50, -100, 1300), (50, 50, 0, 0)])
def test_hbm_revenue_refuses_bad_inputs(args):
    with pytest.raises(ValueError):
        m.hbm_revenue(*args)


# --- valuation -----------------------------------------------------------------------------------

def test_implied_upside():
    # 1,000,000 / 800,000 - 1 = 25%
    assert m.implied_upside_pct(1_000_000, 800_000) == pytest.approx(25)
    # 1,000,000 / 765,500 = 1.30634 -> 30.63%
    assert m.implied_upside_pct(1_000_000, 765_500) == pytest.approx(30.634, rel=1e-4)


def test_peak_pb():
    # 2.7 is 30% above the peak: peak = 2.7 / 1.3 = 2.0769
    assert m.peak_pb(2.7, 30) == pytest.approx(2.076923, rel=1e-6)
    assert m.peak_pb(2.0, 0) == 2.0


def test_book_value_per_share():
    # 1,000,000 / 2.5 = 400,000
    assert m.book_value_per_share(1_000_000, 2.5) == pytest.approx(400_000)


def test_share_count():
    # 17.4 million shares are 2.4% of the total: 17.4 / 0.024 = 725 million
    assert m.share_count_m(17.4, 2.4) == pytest.approx(725)


def test_share_count_band_brackets_the_point():
    # rounding: 17.35 / 0.0245 = 708.16; 17.45 / 0.0235 = 742.55
    lo, hi = m.share_count_band_m(17.4, 2.4)
    assert lo == pytest.approx(708.163, rel=1e-5)
    assert hi == pytest.approx(742.553, rel=1e-5)
    assert lo < m.share_count_m(17.4, 2.4) < hi


# --- timeline ------------------------------------------------------------------------------------



def test_timeline_dates_by_period_or_value_and_filters_years():
    nan = float("nan")
    frame = pd.DataFrame([
        {"id": "a", "source_id": "s", "entity": "e", "metric": "m", "kind": "plan", "unit": "date", "period": "2026Q2", "value": nan},
        {"id": "b", "source_id": "s", "entity": "e", "metric": "m", "kind": "plan", "unit": "year", "period": "2026", "value": 2028.0},
        {"id": "c", "source_id": "s", "entity": "e", "metric": "m", "kind": "actual", "unit": "year", "period": "2026", "value": 2015.0},
        {"id": "d", "source_id": "s", "entity": "e", "metric": "m", "kind": "plan", "unit": "pct", "period": "2026", "value": 5.0},
        {"id": "e", "source_id": "s", "entity": "e", "metric": "m", "kind": "plan", "unit": "date", "period": "late 2026", "value": nan},
        {"id": "f", "source_id": "s", "entity": "e", "metric": "m", "kind": "plan", "unit": "date", "period": "2027-2028", "value": nan},
    ])
    t = m.timeline(frame)
    assert list(t["id"]) == ["a", "f", "b"]      # c is before 2025, d is no date, e cannot be placed
    assert t.loc[0, "start"] == pd.Timestamp("2026-04-01") and t.loc[0, "precision"] == "quarter"
    assert t.loc[1, "start"] == pd.Timestamp("2027-01-01") and t.loc[1, "precision"] == "span"
    assert t.loc[2, "start"] == pd.Timestamp("2028-01-01") and t.loc[2, "precision"] == "year"


# --- parameters: data-backed defaults, scenarios, notebook -------------------------------------

def _ref_value(name, column, match, value_col="value"):
    df = data.reference(name)
    row = df[df[column] == match]
    assert len(row) == 1, f"{name}: expected one row where {column} == {match!r}"
    return float(row.iloc[0][value_col])


@pytest.mark.parametrize("scenario", ["bull", "bear"])
def test_scenarios_are_valid_and_keep_ranges_ordered(scenario):
    values = {**defaults(KEY), **load_scenario(scenario).get(KEY, {})}
    assert values["capex_low_krw_trn"] <= values["capex_high_krw_trn"]
    assert values["capital_intensity_low_pct"] <= values["capital_intensity_high_pct"]
    m.hbm_revenue(values["hbm_market_usd_bn"], values["skhynix_hbm_share_pct"],
                  values["hbm_price_change_pct"], values["krw_per_usd"])


def test_bull_above_bear():
    bull = {**defaults(KEY), **load_scenario("bull").get(KEY, {})}
    bear = {**defaults(KEY), **load_scenario("bear").get(KEY, {})}
    rev = lambda v: m.hbm_revenue(v["hbm_market_usd_bn"], v["skhynix_hbm_share_pct"],
                                  v["hbm_price_change_pct"], v["krw_per_usd"])["krw_trn"]
    assert rev(bull) > rev(defaults(KEY)) > rev(bear)


# --- HBM share of a vendor's sales -------------------------------------------------------------

def test_hbm_share_next_review_case():
    # 38 x 1.58 / 1.51 = 60.04 / 1.51 = 39.762
    assert m.hbm_share_next(38, 58, 51) == pytest.approx(39.7616, rel=1e-5)


def test_hbm_share_next_equal_growth_keeps_share():
    assert m.hbm_share_next(38, 20, 20) == pytest.approx(38)


def test_hbm_share_next_with_vendor_share_loss():
    # 40 x 1.5 x 0.9 / 1.35 = 54 / 1.35 = 40
    assert m.hbm_share_next(40, 50, 35, vendor_share_change_pct=-10) == pytest.approx(40)
    # 50 x 2 / 4 = 25: HBM doubles, total quadruples
    assert m.hbm_share_next(50, 100, 300) == pytest.approx(25)


def test_hbm_share_next_refuses_impossible_inputs():
    with pytest.raises(ValueError):
        m.hbm_share_next(38, -100, 10)
    with pytest.raises(ValueError):
        m.hbm_share_next(120, 0, 0)
    with pytest.raises(ValueError):
        m.hbm_share_next(60, 100, 0)      # 120% of sales


def test_total_growth_for_share_inverts_hbm_share_next():
    # from 38% to 30% with HBM +58%: 38 x 1.58 / 30 = 2.00133 -> +100.13%
    g = m.total_growth_for_share(38, 30, 58)
    assert g == pytest.approx(100.1333, rel=1e-5)
    assert m.hbm_share_next(38, 58, g) == pytest.approx(30)


def test_non_hbm_growth():
    # 40% HBM grows 50%, total grows 20%: non-HBM goes from 60 to 120 - 60 = 60 -> 0%
    assert m.non_hbm_growth_pct(40, 50, 20) == pytest.approx(0)
    # 50% HBM flat, total +50%: non-HBM 50 -> 100 -> +100%
    assert m.non_hbm_growth_pct(50, 0, 50) == pytest.approx(100)


def test_capex_revenue_by_year_uses_each_years_share():
    # 2026: 36 / 0.20 = 180, HBM 30% = 54; 2027: 48 / 0.23 = 208.70, HBM 39% = 81.39
    y1, y2 = m.capex_revenue_by_year(36, 48, 20, 23, 30, 39)
    assert y1["revenue"] == pytest.approx(180) and y1["hbm_revenue"] == pytest.approx(54)
    assert y2["revenue"] == pytest.approx(208.6957, rel=1e-5)
    assert y2["hbm_revenue"] == pytest.approx(81.3913, rel=1e-5)


# --- from operating profit to valuation -----------------------------------------------------------

def test_net_income():
    # (100 + 10) x (1 - 0.25) = 82.5
    assert m.net_income(100, 25, 10) == pytest.approx(82.5)
    assert m.net_income(80, 0) == pytest.approx(80)
    with pytest.raises(ValueError):
        m.net_income(100, 100)


def test_eps_and_pe_skhynix_case():
    # 93.843 trn OP, 25% tax, nothing else: net 70.38225 trn; on 725 m shares EPS = 70.38225e12 / 725e6
    # = 97,079.0 won; at 765,500 won P/E = 7.885
    net = m.net_income(93.843, 25)
    assert net == pytest.approx(70.38225)
    eps = m.eps_krw(net, 725)
    assert eps == pytest.approx(97079.0, rel=1e-5)
    assert m.pe_ratio(765_500, eps) == pytest.approx(7.8853, rel=1e-4)


def test_pe_refuses_losses():
    with pytest.raises(ValueError):
        m.pe_ratio(100, 0)
    with pytest.raises(ValueError):
        m.eps_krw(10, 0)


def test_op_for_pe_inverts_the_chain():
    # P/E 10 at 100,000 won on 500 m shares: net = 10,000 x 500e6 = 5e12 = 5 trn; at 20% tax OP = 6.25
    assert m.op_for_pe(100_000, 10, 500, 20) == pytest.approx(6.25)
    op = m.op_for_pe(765_500, 7, 690.41, 25, 2)
    assert m.pe_ratio(765_500, m.eps_krw(m.net_income(op, 25, 2), 690.41)) == pytest.approx(7)


def test_asp_shock_op():
    # 100 revenue, 40% reprices, +10%: +4 on OP 50 -> 54; -10% -> 46
    assert m.asp_shock_op(50, 100, 40, 10) == pytest.approx(54)
    assert m.asp_shock_op(50, 100, 40, -10) == pytest.approx(46)


def test_growth_multiple_readings():
    assert m.growth_multiple_readings(2) == {"to": 2, "by": 3}


def _fin(item, period):
    return _ref_value("hbm_competition_financials", "item", item) if period is None else float(
        data.reference("hbm_competition_financials").query("item == @item and period == @period")["value"].iloc[0])


def test_derived_default_equals_the_data_it_is_computed_from():
    d = defaults(KEY)
    # 16.14 / 22.23 = 0.72605 -> 72.6%
    dram = _fin("SK hynix DRAM revenue", "2025Q2") / _fin("SK hynix revenue", "2025Q2") * 100
    assert d["dram_share_of_revenue_pct"] == pytest.approx(dram, abs=0.05)


# --- cross-checks added after the cold read ---------------------------------------------------




def test_market_from_vendor_revenue_inverts_hbm_revenue():
    # 38% x 97.1467 = 36.9157 trn won; / 1,470 = USD 25.113 bn; / 57% = USD 44.06 bn
    assert m.market_from_vendor_revenue_usd_bn(36.9157, 57, 1470) == pytest.approx(44.057, abs=0.01)
    # round trip with hbm_revenue: 54.6 bn x 50% x 1,470 = 40.131 trn won -> back to 54.6
    krw = m.hbm_revenue(54.6, 50, 0, 1470)["krw_trn"]
    assert krw == pytest.approx(40.131, abs=0.001)
    assert m.market_from_vendor_revenue_usd_bn(krw, 50, 1470) == pytest.approx(54.6)
    for bad in ((10, 0, 1470), (10, 120, 1470), (10, 50, 0)):
        with pytest.raises(ValueError):
            m.market_from_vendor_revenue_usd_bn(*bad)


def test_net_income_at_ratio():
    # Samsung 2025: net 45.2 / OP 43.6 = 1.0367; x 107.612 = 111.56
    assert m.net_income_at_ratio(107.612, 45.2, 43.6) == pytest.approx(111.561, abs=0.001)
    with pytest.raises(ValueError):
        m.net_income_at_ratio(100, 10, 0)


def test_hbm_growth_default_is_the_newsroom_figure():
    # the 58% and its 2025 base (USD 34.6 bn) come from one source, and 34.6 x 1.58 = 54.67 ~ 54.6
    d = defaults(KEY)
    base = _fin("HBM market size (SK hynix Newsroom, BofA basis)", "2025")
    assert base * (1 + d["hbm_market_growth_2026_pct"] / 100) == pytest.approx(d["hbm_market_usd_bn"], abs=0.1)


# --- HBM's share of sales from the bottom up -----------------------------------------------------

def test_implied_hbm_sales_share():
    # USD 40 bn market x 50% = USD 20 bn; x 1,500 won = 30,000 bn won = 30 trn won; / 100 trn = 30%
    assert m.implied_hbm_sales_share_pct(40, 50, 100, 1500) == pytest.approx(30.0)
    # twice the revenue halves the share
    assert m.implied_hbm_sales_share_pct(40, 50, 200, 1500) == pytest.approx(15.0)
    with pytest.raises(ValueError):
        m.implied_hbm_sales_share_pct(40, 50, 0, 1500)
    with pytest.raises(ValueError):
        m.implied_hbm_sales_share_pct(40, 120, 100, 1500)


def test_market_for_sales_share_inverts_the_implied_share():
    # 30% of 100 trn won = 30 trn won; / 1,500 won = USD 20 bn; / 50% = USD 40 bn
    assert m.market_for_sales_share_usd_bn(30, 100, 50, 1500) == pytest.approx(40.0)
    mkt = m.market_for_sales_share_usd_bn(39, 208.7, 49, 1470)
    assert m.implied_hbm_sales_share_pct(mkt, 49, 208.7, 1470) == pytest.approx(39.0)


def test_end_capacity_for_market():
    # USD 0.5 bn per thousand wafers a month: USD 100 bn needs 200k average; from 100k at the start
    # the year must end at 300k, since (100 + 300) / 2 = 200
    assert m.end_capacity_for_market(100, 0.5, 100) == pytest.approx(300.0)
    # a market the start capacity alone more than carries needs an end below the start
    assert m.end_capacity_for_market(100, 0.5, 40) == pytest.approx(60.0)
    with pytest.raises(ValueError):
        m.end_capacity_for_market(100, 0, 100)


def test_article_share_row():
    # JPMorgan's "less than 70%" value share (an upper bound) as a row of the market-structure table
    from types import SimpleNamespace
    c = SimpleNamespace(id="x.share", source_id="korea_chips", attributed_to="JPMorgan", period="2026",
                        kind="forecast", value=70.0, low=math.nan, high=70.0, quote="低於70%", is_range=False, unit="pct",
                        text=lambda fmt: "under 70")
    row = m.article_share_row("HBM", "SK hynix (value share)", c)
    assert row == {"market": "HBM", "measure": "SK hynix (value share)", "source": "korea_chips (JPMorgan)",
                   "origin": "article", "period": "2026", "kind": "forecast", "share_pct": 70.0,
                   "bound": "less than", "stated": "under 70%", "id": "x.share"}

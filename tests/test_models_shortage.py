"""Unit tests for supercycle/chapters/shortage.py. Every expected value is worked out by hand in the
comment beside it, never copied from the code's output."""
from __future__ import annotations

import numpy as np
import pytest

from supercycle import data
from supercycle.build.registry import chapter
from supercycle.chapters.shortage import PLAUSIBLE

PARAMS = chapter("shortage").params
from supercycle.chapters import shortage as sm

DEFAULTS = {p.name: p.default for p in PARAMS}


# --- bits from wafers -------------------------------------------------------------------------------

def test_the_brief_example_100_wafers_10pct_more_bits_20pct_hbm_at_3_to_1():
    # 100 wafers x 1.1 x (0.8 + 0.2 / 3) = 110 x 0.866667 = 95.3333
    assert sm.dram_bit_supply(100, 1.1, 20, 3) == pytest.approx(95.3333, abs=1e-4)


@pytest.mark.parametrize("share, ratio, expected", [
    (0, 3, 1.0),          # no HBM: every wafer is commodity
    (100, 4, 0.25),       # all HBM at 4 to 1: a quarter of the bits
    (20, 3, 0.866667),    # 0.8 + 0.0667
    (20, 1, 1.0),         # a ratio of 1 costs nothing
])
def test_hbm_bit_factor(share, ratio, expected):
    assert sm.hbm_bit_factor(share, ratio) == pytest.approx(expected, abs=1e-6)


def test_the_trade_ratio_implied_by_hbm_shares_of_wafers_and_bits():
    # TrendForce's 18 % of wafers and 8 % of bits: 0.18 x 0.92 / (0.08 x 0.82) = 0.1656 / 0.0656 = 2.524
    assert sm.implied_trade_ratio(18, 8) == pytest.approx(2.524, abs=1e-3)
    # 20 % of wafers at 3:1 give (0.2/3) / (0.8 + 0.2/3) = 1/13 of bits; back again: 0.2 x (12/13) / ((1/13) x 0.8) = 3
    assert sm.implied_trade_ratio(20, 100 / 13) == pytest.approx(3.0)


# --- demand from the fill rate -------------------------------------------------------------------------

def test_demand_multiple_from_the_fill_rate():
    assert sm.demand_multiple(60) == pytest.approx(1.6667, abs=1e-4)          # 1 / 0.6
    assert sm.demand_multiple(60, 20) == pytest.approx(1.3333, abs=1e-4)      # 0.8 / 0.6
    assert sm.demand_multiple(100) == pytest.approx(1.0)
    # supply / demand at the anchor is the fill rate itself: 1 / 1.6667 = 60 %
    assert sm.sufficiency_pct(1.0, sm.demand_multiple(60)) == pytest.approx(60.0)


# --- ramps and wafer additions ----------------------------------------------------------------------------

@pytest.mark.parametrize("year, expected", [
    (2025, 0.0),      # before first output
    (2026, 0.0625),   # integral of (t - 2026.5)/2 over [2026.5, 2027] = 0.5^2 / 4
    (2027, 0.5),      # (1.5^2 - 0.5^2) / 4 = 2 / 4
    (2028, 0.9375),   # F(2029) - F(2028): F(2029) = 1 + 0.5 = 1.5, F(2028) = 2.25 / 4 = 0.5625 -> 0.9375
    (2029, 1.0),      # at full capacity all year
])
def test_ramp_share_two_year_linear_ramp_from_mid_2026(year, expected):
    assert float(sm.ramp_share(year, 2026.5, 2.0)) == pytest.approx(expected)


def test_fab_wafers_and_additions_over_2026():
    m15x = sm.Fab("M15X", 50, 2026.5, in_base_2026=True)
    # 50 k wpm = 0.6 m wafers a year at full; 2027 at half: 0.3
    assert float(sm.fab_wafers(m15x, 2027, 2.0)) == pytest.approx(0.3)
    adds = sm.wafer_additions([m15x], [2026, 2027, 2029], 2.0)["M15X"]
    # 2026: none (in the base figure); 2027: 0.3 - 0.6 x 0.0625 = 0.2625; 2029: 0.6 - 0.0375 = 0.5625
    assert adds == pytest.approx([0.0, 0.2625, 0.5625])


def test_delay_moves_only_projects_not_yet_producing():
    new = sm.Fab("new", 100, 2027.0)
    # on time: 2027 at (1^2 / 2) / 1 = 0.5 of 1.2 m = 0.6; a year late: nothing in 2027
    assert float(sm.fab_wafers(new, 2027, 1.0)) == pytest.approx(0.6)
    assert float(sm.fab_wafers(new, 2027, 1.0, delay_years=1.0)) == 0.0
    old = sm.Fab("old", 100, 2026.0, in_base_2026=True)
    assert float(sm.fab_wafers(old, 2027, 1.0, delay_years=1.0)) == pytest.approx(1.2)  # not delayed


def test_a_foundry_fab_adds_no_dram():
    taylor = sm.Fab("Taylor", 50, 2026.25, dram_share_pct=0.0)
    assert float(sm.fab_wafers(taylor, 2028, 1.0)) == 0.0


def test_cost_per_wafer_start():
    # USD 1.8 bn / 30,000 wafer starts a month = USD 60,000 each
    assert float(sm.cost_per_wafer_start(1.8, 30)) == pytest.approx(60_000)


# --- the path ---------------------------------------------------------------------------------------------------

def _path(**over):
    args = dict(wafers_2025=100.0, wafers_2026=100.0, fabs=[], bpw_growth_2026_pct=10.0, bpw_growth_later_pct=0.0,
                hbm_share_2025_pct=0.0, hbm_share_2026_pct=0.0, hbm_share_later_pct=0.0, trade_ratio=3.0,
                trade_ratio_later=3.0, fill_rate_pct=50.0, double_order_pct=0.0, demand_growth_2026_pct=10.0,
                demand_growth_2027_pct=0.0, demand_growth_later_pct=0.0, ramp_years=2.0, fab_delay_years=0.0,
                years=(2025, 2026, 2027, 2028))
    args.update(over)
    return sm.dram_path(**args)


def test_path_anchors_demand_on_the_fill_rate():
    p = _path()
    # supply 100, 110 (bits +10 %), then flat; demand 2026 = 110 / 0.5 = 220, 2025 = 220 / 1.1 = 200
    assert p["supply"] == pytest.approx([100, 110, 110, 110])
    assert p["demand"] == pytest.approx([200, 220, 220, 220])
    assert p["sufficiency_pct"] == pytest.approx([50, 50, 50, 50])
    assert sm.shortage_end_year(p) is None


def test_path_anchored_on_2025_instead():
    p = _path(anchor_year=2025, demand_growth_2026_pct=21.0)
    # demand 2025 = 100 / 0.5 = 200; 2026 = 200 x 1.21 = 242; supply 2026 = 110 -> 110 / 242 = 45.45 %
    assert p["demand"][:2] == pytest.approx([200, 242])
    assert p["sufficiency_pct"][1] == pytest.approx(45.4545, abs=1e-4)
    # anchored on 2026 the same inputs give 50 % in 2026 and 2025 = 100 / (220 / 1.21) = 55 %
    q = _path(demand_growth_2026_pct=21.0)
    assert q["sufficiency_pct"][:2] == pytest.approx([55.0, 50.0])


def test_path_ends_the_shortage_when_bits_double():
    p = _path(bpw_growth_later_pct=100.0)
    # 2027: supply 220 against demand 220 -> 100 %; supply grows 100 % against 0 %
    assert p["sufficiency_pct"][2] == pytest.approx(100.0)
    assert sm.shortage_end_year(p) == 2027
    assert sm.growth_crossover_year(p) == 2027


def test_path_rising_hbm_share_costs_bits():
    p = _path(hbm_share_later_pct=30.0)
    # 2027: 110 x (0.7 + 0.3 / 3) = 110 x 0.8 = 88; demand 220 -> 40 %
    assert p["supply"][2] == pytest.approx(88.0)
    assert p["sufficiency_pct"][2] == pytest.approx(40.0)


def test_path_adds_fab_wafers_after_2026():
    fab = sm.Fab("new", 1000, 2027.0)   # 12 m wafers a year at full
    p = _path(fabs=[fab], ramp_years=1.0)
    # 2027 at half: +6 m wafers -> 106 x 1.1 = 116.6; 2028 full: 112 x 1.1 = 123.2
    assert p["wafers"] == pytest.approx([100, 100, 106, 112])
    assert p["supply"][3] == pytest.approx(123.2)


def test_nand_path():
    p = sm.nand_path(wafer_growth_2026_pct=0, wafer_growth_later_pct=0, qlc_share_2025_pct=0, qlc_share_2026_pct=0,
                     qlc_share_step_pp=0, density_gain_pct=10, sufficiency_2025_pct=100, demand_growth_2026_pct=10,
                     demand_growth_later_pct=21, years=(2025, 2026, 2027))
    # supply 1, 1.1, 1.21; demand 1, 1.1, 1.331 -> 100, 100, 1.21 / 1.331 = 90.909 %
    assert p["sufficiency_pct"] == pytest.approx([100, 100, 90.909], abs=1e-3)
    # all-TLC to one-third QLC at 3 and 4 bits: 1 + (1/3)/3 = 1.1111 more bits per wafer
    q = sm.nand_path(wafer_growth_2026_pct=0, wafer_growth_later_pct=0, qlc_share_2025_pct=0, qlc_share_2026_pct=100 / 3,
                     qlc_share_step_pp=0, density_gain_pct=0, sufficiency_2025_pct=100, demand_growth_2026_pct=0,
                     demand_growth_later_pct=0, years=(2025, 2026))
    assert q["supply"][1] == pytest.approx(1.1111, abs=1e-4)


# --- defaults that are data -----------------------------------------------------------------------------------------

def test_fab_capacities_follow_the_rows_they_are_read_from(monkeypatch):
    """Moving a row of shortage_supply.csv (or the claim) moves the default worked out from it."""
    ref = data.reference("shortage_supply").copy()
    for key, value in (("m15x.capacity.added", "40000"), ("yongin.fab1.capacity", "150000"), ("tongluo.share", "20")):
        ref.loc[ref["key"] == key, "value"] = value
    claims = data.claims().frame.copy()
    claims.loc[claims["id"] == "dram.wafers.micron.2026", "value"] = 4.8
    real = data.reference
    monkeypatch.setattr(data, "reference", lambda name: ref if name == "shortage_supply" else real(name))
    monkeypatch.setattr(data, "claims", lambda: type("C", (), {"frame": claims})())
    d = sm.Params.defaults()
    assert d["m15x_k_wpm"] == 40.0 and d["yongin_k_wpm"] == 150.0   # wafers a month / 1,000
    # 20 % of 4.8 m wafers a year = 0.96 m a year = 960 k / 12 months = 80 k a month
    assert d["tongluo_k_wpm"] == pytest.approx(80.0)
    assert DEFAULTS["taylor_dram_share_pct"] == 0.0


def test_plausible_ranges_are_inside_the_declared_bounds():
    declared = {p.name: p for p in PARAMS}
    for name, (lo, hi, why) in PLAUSIBLE.items():
        p = declared[name]
        assert p.min <= lo < hi <= p.max and why, name
        assert lo <= p.default <= hi, name


def test_capacity_conflict_is_kept_in_the_reference_file():
    ref = data.reference("shortage_supply").set_index("key")
    assert "CONFLICT" in ref.loc["m15x.capacity.planned", "note"]
    assert "CONFLICT" in ref.loc["p4.full_operation", "note"]
    assert np.isclose(float(ref.loc["m15x.capacity.planned", "value"]), 32000)


# --- honest end labels and the strongest alternative anchor ---------------------------------------------------

def test_steady_supply_growth_after_the_named_fabs():
    # 1.02 x 1.12 = 1.1424 -> 14.24 %; no other wafers, 10 % bits: 10 %
    assert float(sm.steady_supply_growth_pct(2, 12)) == pytest.approx(14.24)
    assert float(sm.steady_supply_growth_pct(0, 10)) == pytest.approx(10.0)


def test_end_label_says_never_when_steady_supply_growth_trails_demand():
    assert sm.end_label(2028, 14.24, 15) == "2028"                  # reached: the year
    assert sm.end_label(None, 14.24, 15) == sm.NEVER                # 14.24 % < 15 %: the gap never closes
    assert sm.end_label(None, 14.24, 10) == "after 2030"            # 14.24 % > 10 %: closes after the horizon
    labels = ["after 2030", sm.NEVER, "2027"]
    assert sorted(labels, key=sm.label_order) == ["2027", "after 2030", sm.NEVER]


def test_path_anchored_on_a_balanced_2025():
    # supply 100, 110; 2025 balanced: demand 100, then x 1.10 (2026) -> 110: 100 % both years, fill rate unused
    p = _path(sufficiency_2025_pct=100.0)
    assert p["demand"][:2] == pytest.approx([100, 110])
    assert p["sufficiency_pct"][:2] == pytest.approx([100, 100])
    # 2025 at 80 %: demand 2025 = 125; 2026 = 137.5; 110 / 137.5 = 80 %
    q = _path(sufficiency_2025_pct=80.0, fill_rate_pct=10.0)
    assert q["demand"][:2] == pytest.approx([125, 137.5])


def test_double_ordering_consistent_with_a_balanced_2025():
    # s26 = 1.153 / 1.30 = 0.886923; d = 1 - 0.6 / 0.886923 = 0.323503 -> 32.35 %
    assert float(sm.consistent_double_order_pct(60, 100, 15.3, 30)) == pytest.approx(32.35, abs=0.01)
    # supply and demand growing alike, 2025 balanced: s26 = 1, d = 1 - 0.6 = 40 %
    assert float(sm.consistent_double_order_pct(60, 100, 20, 20)) == pytest.approx(40.0)
    # a fill rate equal to the balance implies no padding
    assert float(sm.consistent_double_order_pct(60, 60, 10, 10)) == pytest.approx(0.0, abs=1e-9)

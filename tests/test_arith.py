"""Unit tests for supercycle.arith: every expected value is worked out by hand in a comment."""
import math

import numpy as np
import pytest

from supercycle import arith
from supercycle.arith import Interval


# --- growth: start, then end -------------------------------------------------------------------

def test_growth_pct_runs_from_start_to_end():
    # 100 -> 110: 110 / 100 - 1 = +10 %; 100 -> 90: -10 %
    assert arith.growth_pct(100, 110) == pytest.approx(10.0)
    assert arith.growth_pct(100, 90) == pytest.approx(-10.0)
    # 759 -> 793: 34 / 759 = 4.4796 %
    assert arith.growth_pct(759, 793) == pytest.approx(4.4796, abs=1e-4)
    # 34.6 -> 54.6: 20 / 34.6 = 57.80 %
    assert arith.growth_pct(34.6, 54.6) == pytest.approx(57.80, abs=0.01)
    assert arith.growth_pct(10, 10) == 0


def test_growth_pct_refuses_a_base_that_is_not_positive():
    with pytest.raises(ValueError, match="positive"):
        arith.growth_pct(0, 1)
    with pytest.raises(ValueError, match="positive"):
        arith.growth_pct(-5, 1)
    with pytest.raises(ValueError, match="positive"):
        arith.growth_pct(Interval(-1, 1, 2), 3)


def test_growth_pct_broadcasts():
    # a series 100, 110, 121: each year +10 %
    s = np.array([100.0, 110.0, 121.0])
    assert arith.growth_pct(s[:-1], s[1:]).tolist() == pytest.approx([10.0, 10.0])


def test_multiple():
    # 2 -> 7 is 3.5 times; 15-20 -> 115-130 at the midpoints: 122.5 / 17.5 = 7
    assert arith.multiple(2, 7) == pytest.approx(3.5)
    assert arith.multiple(17.5, 122.5) == pytest.approx(7.0)
    with pytest.raises(ValueError):
        arith.multiple(0, 1)
    with pytest.raises(ValueError):
        arith.multiple(1, -1)


def test_cagr_pct_by_hand():
    # 100 -> 121 over 2 years: 1.1 x 1.1 = 1.21, so 10 % a year
    assert arith.cagr_pct(100, 121, 2) == pytest.approx(10.0)
    # 1 -> 8 in 3 years: 8 ** (1/3) = 2, so 100 % a year
    assert arith.cagr_pct(1, 8, 3) == pytest.approx(100.0)
    # a fall: 100 -> 81 over 2 years: 0.9 x 0.9 = 0.81, so -10 % a year
    assert arith.cagr_pct(100, 81, 2) == pytest.approx(-10.0)
    # one year: CAGR = growth, 50 -> 100 is +100 %
    assert arith.cagr_pct(50, 100, 1) == pytest.approx(arith.growth_pct(50, 100))
    # doubling over 2 years: sqrt(2) - 1 = 41.42 %
    assert arith.cagr_pct(1, 2, 2) == pytest.approx(100 * (math.sqrt(2) - 1))


def test_cagr_pct_refuses_nonsense():
    with pytest.raises(ValueError):
        arith.cagr_pct(0, 10, 2)
    with pytest.raises(ValueError):
        arith.cagr_pct(10, 0, 2)
    with pytest.raises(ValueError):
        arith.cagr_pct(10, 20, 0)


def test_compound_inverts_cagr():
    # 100 at 10 % a year for 2 years = 121
    assert arith.compound(100, 10, 2) == pytest.approx(121)
    # 17.5 grown at its own CAGR to 122.5 over 3 years gives 122.5 back
    assert arith.compound(17.5, arith.cagr_pct(17.5, 122.5, 3), 3) == pytest.approx(122.5)


def test_compound_pct():
    # 1.10 x 1.20 - 1 = 0.32 -> 32 %, not 30 %
    assert arith.compound_pct(10, 20) == pytest.approx(32.0)
    # a single factor passes through; three factors 1.1 ** 3 - 1 = 33.1 %
    assert arith.compound_pct(7) == pytest.approx(7.0)
    assert arith.compound_pct(10, 10, 10) == pytest.approx(33.1)


def test_implied_volume_growth():
    # DRAM (BofA): revenue +51 %, price +33 %: 1.51 / 1.33 - 1 = 13.534 % more bits, not 18 %
    assert arith.implied_volume_growth_pct(51, 33) == pytest.approx(13.534, abs=1e-3)
    # NAND: 1.45 / 1.26 - 1 = 15.079 %
    assert arith.implied_volume_growth_pct(45, 26) == pytest.approx(15.079, abs=1e-3)
    assert arith.implied_volume_growth_pct(20, 20) == pytest.approx(0.0)
    # it inverts compound_pct: 1.2 x 1.5 = 1.8 -> 80 %, and 1.8 / 1.2 - 1 = 50 %
    assert arith.implied_volume_growth_pct(80, 20) == pytest.approx(50.0)


def test_implied_volume_growth_broadcasts():
    out = arith.implied_volume_growth_pct(np.array([[51.0], [45.0]]), np.array([33.0, 26.0]))
    assert out.shape == (2, 2)
    # [1][1]: 1.45 / 1.26 - 1 = 15.08 %
    assert out[1, 1] == pytest.approx(15.079, abs=1e-3)


# --- totals and rates --------------------------------------------------------------------------

def test_implied_total():
    # 34.56 m TB is 2.8 % of a total: 34.56 / 0.028 = 1,234.29 m TB
    assert arith.implied_total(34.56, 2.8) == pytest.approx(1234.2857, abs=1e-4)
    # 115.2 at 9.3 %: 115.2 / 0.093 = 1,238.71
    assert arith.implied_total(115.2, 9.3) == pytest.approx(1238.7097, abs=1e-4)
    with pytest.raises(ValueError):
        arith.implied_total(1, 0)


def test_share_pct():
    # 30 of 120 is 25 %; 25 of 200 is 12.5 %
    assert arith.share_pct(30, 120) == pytest.approx(25.0)
    assert arith.share_pct(25, 200) == pytest.approx(12.5)
    with pytest.raises(ValueError, match="whole"):
        arith.share_pct(1, 0)


def test_implied_rate():
    # 12.9 bn dollars stated as 19,000 bn won: 19,000 / 12.9 = 1,472.868 won per dollar
    assert arith.implied_rate(12.9, 19000) == pytest.approx(1472.868, abs=1e-3)
    with pytest.raises(ValueError):
        arith.implied_rate(0, 1)


def test_implied_fx_reads_the_units_table():
    # 19 krw_trn = KRW 19,000 bn stated as 12.9 usd_bn: 19,000 / 12.9 = 1,472.87 won a dollar
    ccy_a, ccy_b, r = arith.implied_fx(19, "krw_trn", 12.9, "usd_bn")
    assert (ccy_a, ccy_b) == ("KRW", "USD") and r == pytest.approx(1472.868, abs=1e-3)
    # 254 trn won for 188 bn dollars: 254,000 / 188 = 1,351.06
    assert arith.implied_fx(254, "krw_trn", 188, "usd_bn")[2] == pytest.approx(1351.0638, rel=1e-6)
    # 17.14 bn TWD stated as 3.7 bn CNY: 4.632 TWD per CNY
    assert arith.implied_fx(17.14, "twd_bn", 3.7, "cny_bn")[2] == pytest.approx(4.6324, abs=1e-4)
    # 1,700 usd_m is USD 1.7 bn: against KRW 2,380 bn, 1,400 won a dollar
    assert arith.implied_fx(2.38, "krw_trn", 1700, "usd_m")[2] == pytest.approx(1400.0)
    # intervals carry through: 19-20 krw_trn against 12.9 usd_bn is 1,472.9 to 1,550.4
    iv = arith.implied_fx(Interval.span(19, 20), "krw_trn", 12.9, "usd_bn")[2]
    assert (iv.low, iv.high) == pytest.approx((19000 / 12.9, 20000 / 12.9))
    with pytest.raises(ValueError, match="same currency"):
        arith.implied_fx(1, "usd_bn", 2, "usd_m")
    with pytest.raises(ValueError, match="not a money unit"):
        arith.implied_fx(1, "pct", 2, "usd_bn")


# --- intervals ---------------------------------------------------------------------------------

def test_interval_arithmetic_keeps_midpoint_and_ends():
    a = Interval(4.5, 4.75, 5.0)
    b = Interval(1.5, 1.75, 2.0)
    q = a / b
    # mid 4.75 / 1.75 = 2.714...; ends 4.5 / 2 = 2.25 and 5 / 1.5 = 3.333...
    assert q.mid == pytest.approx(4.75 / 1.75)
    assert (q.low, q.high) == pytest.approx((2.25, 10 / 3))
    s = a - b  # 4.5 - 2 = 2.5 ... 5 - 1.5 = 3.5, mid 3
    assert (s.low, s.mid, s.high) == pytest.approx((2.5, 3.0, 3.5))
    assert (2 * a).high == 10 and (a + 1).low == 5.5 and (10 - a).low == 5.0
    assert (-a).low == -5.0 and (a ** 2).high == 25.0
    with pytest.raises(ZeroDivisionError):
        a / Interval(-1, 0, 1)
    with pytest.raises(ValueError):
        Interval(2, 1, 3)
    with pytest.raises(ValueError):
        Interval(math.nan, 1, 2)


def test_interval_span_and_point():
    # 55-60: midpoint 57.5
    assert Interval.span(55, 60) == Interval(55, 57.5, 60)
    assert Interval.point(3) == Interval(3, 3, 3)
    assert Interval.of(Interval.point(1)) == Interval.point(1)


def test_functions_carry_intervals():
    # 759 -> 793 as points: 34 / 759 = 4.4796 %
    g = arith.growth_pct(759, Interval.point(793))
    assert isinstance(g, Interval) and g.mid == pytest.approx(100 * 34 / 759)
    # 15-20 -> 115-130 over 3 years: mid (122.5 / 17.5) ** (1/3) - 1 = 7 ** (1/3) - 1 = 91.29 %;
    # lowest 115 / 20 = 5.75 -> 79.19 %; highest 130 / 15 = 8.667 -> 105.43 %
    c = arith.cagr_pct(Interval.span(15, 20), Interval.span(115, 130), 3)
    assert c.mid == pytest.approx(100 * (7 ** (1 / 3) - 1))
    assert (c.low, c.high) == pytest.approx((100 * (5.75 ** (1 / 3) - 1), 100 * ((130 / 15) ** (1 / 3) - 1)))
    # a revenue range 45-51 on a price of 33: 1.45 / 1.33 - 1 = 9.02 % to 13.53 %
    v = arith.implied_volume_growth_pct(Interval.span(45, 51), 33)
    assert (v.low, v.high) == pytest.approx((100 * (1.45 / 1.33 - 1), 100 * (1.51 / 1.33 - 1)))
    # 2.8 % of a total is 34.56: 1,234.29; a 2-4 % share of 10: 250 to 500
    assert arith.implied_total(Interval.point(34.56), 2.8).mid == pytest.approx(34.56 / 0.028)
    t = arith.implied_total(10, Interval.span(2, 4))
    assert (t.low, t.high) == pytest.approx((250.0, 500.0))
    assert arith.implied_rate(Interval.point(12.9), 19000).mid == pytest.approx(1472.868, abs=1e-3)
    # compound_pct of intervals: 1.1 x 1.2 - 1 = 32 %
    assert arith.compound_pct(Interval.point(10), 20).mid == pytest.approx(32.0)

"""Unit tests for supercycle.chapters.hbm_tam: every expected value is worked out in the comment."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from supercycle import arith
from supercycle.data import claims
from supercycle.chapters import hbm_tam as m


def test_market_by_hand():
    # 100k wafers/month x 12 = 1.2m wafers; x 10 packages = 12m; x 8 stacks = 96m;
    # x 30 GB = 2,880m GB; x USD 10 = USD 28.8 bn
    assert m.market_usd_bn(100, 10, 8, 30, 10) == pytest.approx(28.8)
    # utilisation scales linearly: 28.8 x 0.5 = 14.4
    assert m.market_usd_bn(100, 10, 8, 30, 10, utilisation=0.5) == pytest.approx(14.4)
    # nothing packaged, no market
    assert m.market_usd_bn(0, 10, 8, 30, 10) == 0


def test_market_is_linear_in_each_link():
    base = m.market_usd_bn(101.25, 14, 8, 30, 12, utilisation=0.85)
    # +8% on capacity or on packages per wafer gives +8% on the market, nothing else
    assert m.market_usd_bn(101.25 * 1.08, 14, 8, 30, 12, utilisation=0.85) == pytest.approx(base * 1.08)
    assert m.market_usd_bn(101.25, 14 * 1.08, 8, 30, 12, utilisation=0.85) == pytest.approx(base * 1.08)


def test_market_refuses_nonsense():
    with pytest.raises(ValueError):
        m.market_usd_bn(-1, 10, 8, 30, 10)
    with pytest.raises(ValueError):
        m.market_usd_bn(100, 10, 8, 30, 10, utilisation=1.2)
    with pytest.raises(ValueError):
        m.market_usd_bn(100, 10, 8, 30, 10, utilisation=0)


def test_year_average_on_each_end():
    r = {2025: (70, 90), 2026: (115, 130)}
    assert m.year_average_k(r, 2026, "mid") == pytest.approx((80 + 122.5) / 2)  # 101.25
    assert m.year_average_k(r, 2026, "low") == pytest.approx((70 + 115) / 2)    # 92.5
    assert m.year_average_k(r, 2026, "high") == pytest.approx((90 + 130) / 2)   # 110
    with pytest.raises(KeyError):
        m.year_average_k(r, 2025)   # needs end-2024
    with pytest.raises(ValueError):
        m.pick(1, 2, "middle")


def test_capacity_ranges_read_the_claims_once():
    caps = m.capacity_ranges(claims().get)
    # the article: 1.5-2, 4.5-5, 7-9 and 11.5-13 萬片 a month
    assert caps == {2023: (15, 20), 2024: (45, 50), 2025: (70, 90), 2026: (115, 130)}


def test_capacity_ranges_from_any_getter():
    fake = {"a": SimpleNamespace(range=(1.0, 3.0)), "b": SimpleNamespace(range=(4.0, 4.0))}
    assert m.capacity_ranges(fake.__getitem__, {2001: "a", 2002: "b"}) == {2001: (1.0, 3.0), 2002: (4.0, 4.0)}


A = m.Product("A", 0.5, 16, 8, 24, 10)
B = m.Product("B", 0.5, 6, 8, 36, 15)


def test_chain_by_hand():
    t = m.chain(100, [A, B]).set_index("product")
    # 1,200k wafers a year; A and B take 600k each
    assert t.loc["A", "wafers_k"] == pytest.approx(600)
    # A: 600k x 16 = 9.6m packages; x 8 = 76.8m stacks; x 24 GB = 1,843.2m GB; x USD 10 = USD 18.432 bn
    assert t.loc["A", "packages_m"] == pytest.approx(9.6)
    assert t.loc["A", "stacks_m"] == pytest.approx(76.8)
    assert t.loc["A", "hbm_gb_m"] == pytest.approx(1843.2)
    assert t.loc["A", "market_usd_bn"] == pytest.approx(18.432)
    # B: 600k x 6 = 3.6m; x 8 = 28.8m; x 36 = 1,036.8m GB; x 15 = USD 15.552 bn
    assert t.loc["B", "market_usd_bn"] == pytest.approx(15.552)
    assert t.loc["total", "market_usd_bn"] == pytest.approx(33.984)
    # blended price: 33,984 / (1,843.2 + 1,036.8) = 11.8 USD per GB
    assert t.loc["total", "usd_per_gb"] == pytest.approx(33984 / 2880)
    assert m.market_mix(100, [A, B]) == pytest.approx(33.984)


def test_mix_must_sum_to_one():
    with pytest.raises(ValueError):
        m.chain(100, [A])   # 0.5 only
    with pytest.raises(ValueError):
        m.market_mix(100, [])


def test_two_class_mix():
    old = {"packages_per_wafer": 16, "stacks_per_package": 8, "gb_per_stack": 24, "usd_per_gb": 10}
    new = {"packages_per_wafer": 6, "stacks_per_package": 8, "gb_per_stack": 36, "usd_per_gb": 15}
    mix = m.two_class_mix(0.5, old, new, "A", "B")
    assert mix == (A, B)
    # no wafers on the new class, all on A: 1,200k x 16 = 19.2m packages; x 8 x 24 GB = 3,686.4m GB; x USD 10 = USD 36.864 bn
    assert m.market_mix(100, m.two_class_mix(0.0, old, new, "A", "B")) == pytest.approx(36.864)
    with pytest.raises(ValueError):
        m.two_class_mix(1.5, old, new)


def test_vendor_split():
    assert m.vendor_split(50, {"SK hynix": 60}) == pytest.approx({"SK hynix": 30, "others / not given": 20})
    s = m.vendor_split(100, {"SK hynix": 57, "Samsung": 22, "Micron": 21})
    assert s == pytest.approx({"SK hynix": 57, "Samsung": 22, "Micron": 21})


def test_tornado_by_hand():
    model = lambda p: p["a"] * p["b"]          # noqa: E731
    t = m.tornado(model, {"a": 2, "b": 10}, {"a": (1, 3), "b": (9, 11)}).set_index("param")
    # a: 1 x 10 = 10 and 3 x 10 = 30, swing 20; b: 2 x 9 = 18 and 2 x 11 = 22, swing 4
    assert (t.loc["a", "at_low"], t.loc["a", "at_high"], t.loc["a", "swing"]) == (10, 30, 20)
    assert t.loc["b", "swing"] == 4
    assert list(t.index) == ["a", "b"]          # widest first
    assert (t["base"] == 20).all()
    with pytest.raises(KeyError):
        m.tornado(model, {"a": 2, "b": 10}, {"c": (0, 1)})


def test_end_capacity_for_uplift():
    # 2026 on midpoints: start 80, end 122.5, average 101.25. +8% of the average is 8.1 a month,
    # which the end alone must supply twice over (it enters the average at half weight): 16.2
    assert m.end_capacity_for_uplift(80, 122.5, 8) == pytest.approx(122.5 + 16.2)
    new_end = m.end_capacity_for_uplift(80, 122.5, 8)
    assert arith.growth_pct((80 + 122.5) / 2, (80 + new_end) / 2) == pytest.approx(8)


def test_mix_from_params_and_market_for_year_by_hand():
    p = {"cowos_utilisation_pct": 100.0, "ppw_blackwell": 16, "ppw_rubin": 6, "rubin_wafer_share_pct": 50.0,
         "stacks_per_package": 8, "gb_per_stack_blackwell": 24, "gb_per_stack_rubin": 36,
         "usd_per_gb_hbm3e": 10, "usd_per_gb_hbm4": 15}
    assert m.mix_from_params(p) == (m.Product("Blackwell class", 0.5, 16, 8, 24, 10),
                                    m.Product("Rubin class", 0.5, 6, 8, 36, 15))
    # capacity averaging 100k a month in 2026 ((80 + 120) / 2): the A/B case above, USD 33.984 bn
    assert m.market_for_year({2025: (80, 80), 2026: (120, 120)}, 2026, p) == pytest.approx(33.984)
    # at 85% utilisation: 33.984 x 0.85 = 28.8864
    assert m.market_for_year({2025: (80, 80), 2026: (120, 120)}, 2026, {**p, "cowos_utilisation_pct": 85.0}) == pytest.approx(28.8864)


def test_chain_params_are_declared_by_chapter_4():
    from supercycle.build.params import defaults
    d = defaults("packaging")
    assert set(m.CHAIN_PARAMS) <= set(d)
    # chapter 4's defaults give a market in the tens of billions (a sanity bound, not a target)
    assert 10 < m.market_for_year(m.capacity_ranges(claims().get), 2026, d) < 100

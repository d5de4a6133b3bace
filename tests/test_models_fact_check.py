"""Unit tests for supercycle.chapters.fact_check, with cases checkable by hand."""

import pytest

from supercycle.chapters import fact_check as fc
from supercycle.arith import Interval
from supercycle.chapters.fact_check import Stated

TOL = dict(consistent_rel_tol=0.001, rounding_rel_tol=0.05)


def test_months_between():
    assert fc.months_between("2023-08", "2025-12") == 28   # 2 years 4 months
    assert fc.months_between("2026-01", "2026-01") == 0
    with pytest.raises(ValueError):
        fc.months_between("2026-13", "2027-01")


def test_exact_and_small_gaps():
    # 1801 against a stated 1800: gap -1/1801 = -0.056% -> consistent
    assert fc.verdict(Stated(1800), 1801, **TOL).verdict == fc.CONSISTENT
    # 3456 against a stated 3460: gap +4/3456 = 0.116% -> rounding
    r = fc.verdict(Stated(3460), 3456, **TOL)
    assert r.verdict == fc.ROUNDING and r.gap == pytest.approx(4 / 3456)


def test_growth_rates_compare_as_factors():
    # 'about 5%' vs 4.48%: 1.05 / 1.0448 - 1 = 0.50% -> rounding (not the 12% of 5 / 4.48)
    r = fc.verdict(Stated(5), 4.48, compare="growth", **TOL)
    assert r.verdict == fc.ROUNDING and r.gap == pytest.approx(1.05 / 1.0448 - 1)
    # 30% vs 48%: 1.30 / 1.48 - 1 = -12.2% -> understated
    assert fc.verdict(Stated(30), 48, compare="growth", **TOL).verdict == fc.UNDERSTATED


def test_direction_of_large_gaps():
    assert fc.verdict(Stated(120), 100, **TOL).verdict == fc.OVERSTATED    # +20%
    assert fc.verdict(Stated(80), 100, **TOL).verdict == fc.UNDERSTATED    # -20%
    assert fc.verdict(Stated(120), 100, on_gap="conflict", **TOL).verdict == fc.CONFLICT
    assert fc.verdict(Stated(120), 100, on_gap="inconsistent", **TOL).verdict == fc.INCONSISTENT
    # the thresholds are parameters: with a 25% rounding tolerance 120 vs 100 is rounding
    assert fc.verdict(Stated(120), 100, consistent_rel_tol=0.001, rounding_rel_tol=0.25).verdict == fc.ROUNDING


def test_ranges_and_one_sided_bounds():
    # 'over 150%' is satisfied by 171%
    assert fc.verdict(Stated(150, low=150), 171, compare="growth", **TOL).verdict == fc.CONSISTENT
    # 'over 60' is not satisfied by 50: gap (60 - 50) / 50 = +20% -> overstated
    r = fc.verdict(Stated(60, low=60), 50, **TOL)
    assert r.verdict == fc.OVERSTATED and r.gap == pytest.approx(0.2)
    # 'under 44' is satisfied by 31.7 ...
    assert fc.verdict(Stated(44, high=44), 31.7, **TOL).verdict == fc.CONSISTENT
    # a stated range 6-8 and a recomputed 7 agree
    assert fc.verdict(Stated(7, 6, 8), 7.0, **TOL).verdict == fc.CONSISTENT
    # a stated 2 against a recomputed range 2.06-2.34: nearest end 2.06, gap (2 - 2.06) / 2.06 = -2.9%
    r = fc.verdict(Stated(2), Interval(2.06, 2.2, 2.34), **TOL)
    assert r.verdict == fc.ROUNDING and r.gap == pytest.approx(2 / 2.06 - 1)
    # a stated 4 against 1.5-3.1: gap (4 - 3.1) / 3.1 = +29% -> overstated
    assert fc.verdict(Stated(4), Interval(1.5, 2.3, 3.1), **TOL).verdict == fc.OVERSTATED


def test_bounds_at_most_and_at_least():
    # Amdahl: a stated 7x under a 5x bound: (7 - 5) / 5 = +40% -> inconsistent
    r = fc.verdict(Stated(7), 5.0, compare="at_most", on_gap="inconsistent", **TOL)
    assert r.verdict == fc.INCONSISTENT and r.gap == pytest.approx(0.4)
    assert fc.verdict(Stated(4), 5.0, compare="at_most", **TOL).verdict == fc.CONSISTENT
    # a range must lie under the bound at both ends: 20-23 under 33 holds, 30-36 does not (36/33 - 1 = 9%)
    assert fc.verdict(Stated(21.5, 20, 23), 33, compare="at_most", **TOL).verdict == fc.CONSISTENT
    assert fc.verdict(Stated(33, 30, 36), 33, compare="at_most", **TOL).verdict == fc.OVERSTATED
    # a total of 1.1 must be at least the 1.055 of it that is funded
    assert fc.verdict(Stated(1.1), 1.055, compare="at_least", **TOL).verdict == fc.CONSISTENT
    assert fc.verdict(Stated(1.0), 1.2, compare="at_least", **TOL).verdict == fc.UNDERSTATED


def test_logical_and_uncheckable():
    assert fc.verdict(None, True, compare="logical", **TOL).verdict == fc.CONSISTENT
    assert fc.verdict(None, False, compare="logical", **TOL).verdict == fc.INCONSISTENT
    assert fc.verdict(Stated(1), None, **TOL).verdict == fc.UNCHECKABLE
    with pytest.raises(TypeError):
        fc.verdict(None, 1.0, compare="logical", **TOL)
    with pytest.raises(ValueError):
        fc.verdict(Stated(1), 1.0, compare="sideways", **TOL)
    with pytest.raises(ValueError):
        fc.verdict(Stated(1), 1.0, consistent_rel_tol=0.1, rounding_rel_tol=0.05)


def test_classify_by_hand():
    C = fc.classify
    assert C(fc.CONSISTENT) == fc.HOLDS and C(fc.ROUNDING) == fc.ROUNDS
    assert C(fc.UNCHECKABLE, "sources") == fc.CANNOT
    # a failure means what its basis says
    assert C(fc.OVERSTATED, "article") == fc.ARTICLE_ERROR
    assert C(fc.CONFLICT, "article") == fc.ARTICLE_ERROR
    assert C(fc.INCONSISTENT, "sources") == fc.SOURCES_DISAGREE
    assert C(fc.UNDERSTATED, "assumption") == fc.DEPENDS
    # holds under one plausible choice of ours, fails under another: depends, whatever the basis
    assert C(fc.OVERSTATED, "article", [fc.CONSISTENT]) == fc.DEPENDS
    assert C(fc.CONSISTENT, "article", [fc.UNDERSTATED, fc.CONSISTENT]) == fc.DEPENDS
    # fails (or holds) under every choice: the choice does not matter
    assert C(fc.OVERSTATED, "article", [fc.OVERSTATED, fc.UNDERSTATED]) == fc.ARTICLE_ERROR
    assert C(fc.ROUNDING, "article", [fc.CONSISTENT]) == fc.ROUNDS
    # alternatives that cannot be checked are no evidence either way
    assert C(fc.OVERSTATED, "article", [fc.UNCHECKABLE]) == fc.ARTICLE_ERROR
    with pytest.raises(ValueError):
        C("fine")
    with pytest.raises(ValueError):
        C(fc.CONSISTENT, "ours")


def test_count_errors_collapses_duplicates():
    rows = [(fc.ARTICLE_ERROR, "nand"), (fc.ARTICLE_ERROR, "nand"), (fc.ARTICLE_ERROR, "won"),
            (fc.SOURCES_DISAGREE, "wsts"), (fc.HOLDS, "x")]
    assert fc.count_errors(rows) == 2   # nand once, won once; the rest are not article errors
    t = fc.class_tally([r[0] for r in rows])
    assert list(t) == list(fc.CLASSES) and t[fc.ARTICLE_ERROR] == 3 and t[fc.DEPENDS] == 0
    with pytest.raises(ValueError):
        fc.class_tally(["wrong"])


def test_the_hbm_share_model_lives_in_chapter_2_only():
    # one function for one figure: the ledger uses supercycle.chapters.hbm_competition.hbm_share_next
    assert not hasattr(fc, "hbm_share_next")

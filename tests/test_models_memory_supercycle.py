"""Unit tests for supercycle/chapters/memory_supercycle.py: each case is checkable by hand."""
import math

import numpy as np
import pytest

from supercycle import arith
from supercycle.chapters import memory_supercycle as m
from supercycle.build.params import defaults


def test_required_per_wafer_growth():
    # 13.5 % more bits from 5 % more wafers: 1.135 / 1.05 - 1 = 8.095 %
    assert m.required_per_wafer_growth_pct(13.5, 5) == pytest.approx(8.095, abs=1e-3)
    # fewer wafers need more per wafer: 1.15 / 0.94 - 1 = 22.34 %
    assert m.required_per_wafer_growth_pct(15, -6) == pytest.approx(22.340, abs=1e-3)


def test_sum_check_articles_dram_total():
    # 7.93 + 6.48 + 3.6 = 18.01 against 18 stated: +0.01, 0.0556 % -> consistent within 1 %
    c = m.sum_check([7.93, 6.48, 3.6], 18)
    assert c.parts_sum == pytest.approx(18.01)
    assert c.difference == pytest.approx(0.01)
    assert c.difference_pct == pytest.approx(0.0556, abs=1e-4)
    assert c.consistent
    # 10 + 10 = 20 against 25: -20 % -> inconsistent
    bad = m.sum_check([10, 10], 25)
    assert bad.difference_pct == pytest.approx(-20.0)
    assert not bad.consistent
    assert bad.as_row("x")["consistent"] == "no"


def test_product_check_vera_rubin():
    # 30,000 x 1152 TB = 34,560,000 TB against 34,600,000 stated: -40,000 TB = -0.1156 %
    c = m.product_check(30000, 1152, 34_600_000)
    assert c.parts_sum == 34_560_000
    assert c.difference == pytest.approx(-40_000)
    assert c.difference_pct == pytest.approx(-0.1156, abs=1e-4)
    assert c.consistent
    # 100,000 x 1152 = 115,200,000 exactly
    assert m.product_check(100000, 1152, 115_200_000).difference == 0


def test_wafer_summary():
    w = {("A", 2025): 7.59, ("A", 2026): 7.93, ("B", 2025): 5.97, ("B", 2026): 6.48}
    rows = m.wafer_summary(w)
    assert [r["vendor"] for r in rows] == ["A", "B", "Total"]
    # A: 7.93 - 7.59 = 0.34; B: 6.48 - 5.97 = 0.51; total 0.85 (the article's 85萬片)
    assert rows[0]["increase"] == pytest.approx(0.34)
    assert rows[1]["increase"] == pytest.approx(0.51)
    assert rows[2]["increase"] == pytest.approx(0.85)
    # B growth: 6.48 / 5.97 - 1 = 8.54 %
    assert rows[1]["growth (%)"] == pytest.approx(8.543, abs=1e-3)
    # Total: 14.41 / 13.56 - 1 = 6.27 %
    assert rows[2]["2025"] == pytest.approx(13.56)
    assert rows[2]["growth (%)"] == pytest.approx(6.268, abs=1e-3)


def test_rack_ssd_demand_and_shares():
    # 30,000 systems x 1152 TB = 34.56 million TB
    assert m.rack_ssd_demand_tb(30000, 1152) == pytest.approx(34.56e6)
    # vectorised: units x TB as an outer product
    grid = m.rack_ssd_demand_tb(np.array([[1.0], [2.0]]), np.array([10.0, 20.0]))
    assert grid.tolist() == [[10.0, 20.0], [20.0, 40.0]]


def test_bits_per_wafer_factor():
    # all TLC: 1; all QLC: 4/3; half: 0.5 + 0.5 * 4/3 = 1.1667
    assert m.bits_per_wafer_factor(0) == pytest.approx(1.0)
    assert m.bits_per_wafer_factor(100) == pytest.approx(4 / 3)
    assert m.bits_per_wafer_factor(50) == pytest.approx(7 / 6)
    # with other cell types: MLC (2) to TLC (3) at 100 % -> 1.5
    assert m.bits_per_wafer_factor(100, tlc_bits=2, qlc_bits=3) == pytest.approx(1.5)


def test_qlc_bit_gain():
    # 20 % -> 30 % QLC: (1 + 0.3/3) / (1 + 0.2/3) - 1 = 1.1 / 1.06667 - 1 = 3.125 %
    assert m.qlc_bit_gain_pct(20, 30) == pytest.approx(3.125)
    # 0 -> 100 %: +33.33 %
    assert m.qlc_bit_gain_pct(0, 100) == pytest.approx(100 / 3)
    assert m.qlc_bit_gain_pct(40, 40) == pytest.approx(0.0)


def test_nand_bit_supply_growth():
    # wafers -6 %, density +12 %, QLC 20 -> 30 %: 0.94 * 1.12 = 1.0528; * 1.03125 = 1.0857 -> 8.57 %
    assert m.nand_bit_supply_growth_pct(-6, 20, 30, 12) == pytest.approx(8.57, abs=1e-6)
    # no change anywhere: 0
    assert m.nand_bit_supply_growth_pct(0, 25, 25, 0) == pytest.approx(0.0)


def _base():
    return dict(dram_asp_growth_pct=33.0, dram_wafer_growth_pct=5.0, dram_bits_per_wafer_growth_pct=8.0,
                nand_asp_growth_pct=26.0, nand_wafer_growth_pct=-6.0, qlc_share_2025_pct=20.0,
                qlc_share_2026_pct=30.0, nand_density_gain_pct=12.0, vr_units_2026=30000,
                vr_units_2027=100000, tb_per_system=1152.0, nand_demand_2026_tb=1.0e9,
                nand_demand_growth_2027_pct=20.0)


# a toy price path: DRAM flat through 2025Q3, +100 % in 2025Q4, flat in 2026Q1; NAND flat all 2025, +100 % in 2026Q1
_PATH = dict(dram_2025_q2_q4_qoq_pct=[0.0, 0.0, 100.0], dram_2026q1_qoq_pct=0.0, nand_2025_q2_q3_qoq_pct=0.0,
             nand_2025q4_qoq_pct=0.0, nand_2026q1_qoq_pct=100.0, asp_q2_q4_qoq_pct=0.0)


def test_price_path_scenario_by_hand():
    args = {k: v for k, v in {**_base(), **_PATH}.items() if k not in ("dram_asp_growth_pct", "nand_asp_growth_pct")}
    out = m.price_path_scenario(**args)
    # DRAM 2025 levels 1, 1, 1, 2 (average 1.25), 2026 all at 2: 2 / 1.25 - 1 = 60 %
    assert out["dram_asp_growth_pct"] == pytest.approx(60.0)
    # NAND 2025 all at 1, 2026 all at 2: +100 %
    assert out["nand_asp_growth_pct"] == pytest.approx(100.0)
    # revenue: DRAM 1.6 * 1.134 - 1 = 81.44 %; NAND 2 * 1.0857 - 1 = 117.14 %
    assert out["dram_revenue_growth_pct"] == pytest.approx(81.44)
    assert out["nand_revenue_growth_pct"] == pytest.approx(117.14, abs=1e-6)
    assert set(out) == set(m.PRICE_PATH_OUTPUTS)
    # NAND 2025Q2 and Q3 at -50 % each: 1, 0.5, 0.25, 0.25 (average 0.5); 2026 at 0.5: 0.5 / 0.5 - 1 = 0
    low = m.price_path_scenario(**{**args, "nand_2025_q2_q3_qoq_pct": -50.0, "nand_2026q1_qoq_pct": 100.0})
    assert low["nand_asp_growth_pct"] == pytest.approx(0.0)
    # Q2-Q4 at -50 % a quarter on the DRAM toy path: 2, 1, 0.5, 0.25 -> 0.9375 / 1.25 - 1 = -25 %
    down = m.price_path_scenario(**{**args, "asp_q2_q4_qoq_pct": -50.0})
    assert down["dram_asp_growth_pct"] == pytest.approx(-25.0)


def test_price_path_scenario_broadcasts():
    args = {k: v for k, v in {**_base(), **_PATH}.items() if k not in ("dram_asp_growth_pct", "nand_asp_growth_pct")}
    out = m.price_path_scenario(**{**args, "asp_q2_q4_qoq_pct": np.array([0.0, -50.0])[:, None],
                                   "nand_2025_q2_q3_qoq_pct": np.array([0.0, -50.0])[None, :]})
    assert out["nand_asp_growth_pct"].shape == (2, 2)
    assert out["dram_asp_growth_pct"].ravel().tolist() == pytest.approx([60.0, -25.0])


def test_scenario_by_hand():
    out = m.scenario(**_base())
    # DRAM bits: 1.05 * 1.08 - 1 = 13.4 %; revenue: 1.33 * 1.134 - 1 = 50.822 %
    assert out["dram_bit_growth_pct"] == pytest.approx(13.4)
    assert out["dram_revenue_growth_pct"] == pytest.approx(50.822)
    # NAND bits 8.57 % (above); revenue 1.26 * 1.0857 - 1 = 36.7982 %
    assert out["nand_bit_growth_pct"] == pytest.approx(8.57, abs=1e-6)
    assert out["nand_revenue_growth_pct"] == pytest.approx(36.7982, abs=1e-6)
    # ICMS: 34.56 M TB and 115.2 M TB; 2027 share 115.2e6 / (1e9 * 1.2) = 9.6 %
    assert out["icms_demand_2026_tb"] == pytest.approx(34.56e6)
    assert out["icms_demand_2027_tb"] == pytest.approx(115.2e6)
    assert out["icms_share_2027_pct"] == pytest.approx(9.6)
    assert set(out) == set(m.SCENARIO_OUTPUTS)


def test_scenario_broadcasts_over_a_grid():
    args = _base()
    args["dram_asp_growth_pct"] = np.array([0.0, 10.0])[:, None]
    args["dram_bits_per_wafer_growth_pct"] = np.array([0.0, 10.0, 20.0])[None, :]
    out = m.scenario(**args)["dram_revenue_growth_pct"]
    assert out.shape == (2, 3)
    # ASP +10 %, bits/wafer +20 %, wafers +5 %: 1.1 * 1.05 * 1.2 - 1 = 38.6 %
    assert out[1, 2] == pytest.approx(38.6)
    # ASP 0, bits/wafer 0: revenue grows with wafers only, 5 %
    assert out[0, 0] == pytest.approx(5.0)


def _toy(a, b, c=0.0):
    # output = 10 a + b, c has no effect
    return {"y": 10 * np.asarray(a) + np.asarray(b) + 0 * np.asarray(c)}


def test_sensitivity_ranks_inputs():
    rows = m.sensitivity(_toy, {"a": 0.0, "b": 0.0, "c": 0.0}, {"a": (0, 1), "b": (0, 1), "c": (0, 5)}, "y")
    assert [r["input"] for r in rows] == ["a", "b", "c"]
    # a from 0 to 1 moves y by 10; b by 1; c by 0; main effects are the same for a linear model
    assert rows[0]["high"] - rows[0]["low"] == pytest.approx(10)
    assert rows[0]["main_effect_swing"] == pytest.approx(10)
    assert rows[1]["main_effect_swing"] == pytest.approx(1)
    assert rows[2]["main_effect_swing"] == pytest.approx(0)
    assert rows[0]["base"] == 0


def test_sensitivity_on_scenario_revenue():
    base = _base()
    rows = m.sensitivity(m.scenario, base, {"dram_asp_growth_pct": (13, 53),
                                            "dram_bits_per_wafer_growth_pct": (4, 12)}, "dram_revenue_growth_pct")
    # ASP 13 -> 53 at bits 13.4 %: 1.134 * (1.53 - 1.13) = 45.36 pp; bits/wafer 4 -> 12 at ASP 33 %:
    # 1.33 * 1.05 * 0.08 = 11.172 pp, so ASP ranks first
    assert rows[0]["input"] == "dram_asp_growth_pct"
    assert rows[0]["high"] - rows[0]["low"] == pytest.approx(45.36)
    assert rows[1]["high"] - rows[1]["low"] == pytest.approx(11.172)


# --- defaults that are article figures must equal the data --------------------------------------

def test_nand_wafer_default_tracks_claims():
    from supercycle.data import claim
    old = claim("nand.wafers.samsung.2025").value + claim("nand.wafers.skhynix.2025").value
    new = claim("nand.wafers.samsung.2026").value + claim("nand.wafers.skhynix.2026").value
    # (4.68 + 1.7) / (4.9 + 1.9) - 1 = 6.38 / 6.8 - 1 = -6.18 %; the default is that, rounded
    assert defaults("memory_supercycle")["nand_wafer_growth_pct"] == pytest.approx(float(arith.growth_pct(old, new)), abs=0.5)


def test_scenarios_in_range_and_coherent():
    from supercycle.build.params import load_scenario
    bull = load_scenario("bull").get("memory_supercycle", {})
    bear = load_scenario("bear").get("memory_supercycle", {})
    assert bull and bear
    # the scenarios take ASP growth from the price path, so they carry no typed annual ASP figure
    assert "dram_asp_growth_pct" not in bull and "nand_asp_growth_pct" not in bull
    assert "dram_asp_growth_pct" not in bear and "nand_asp_growth_pct" not in bear
    args = {k: v for k, v in {**_base(), **_PATH}.items() if k not in ("dram_asp_growth_pct", "nand_asp_growth_pct")}
    up = m.price_path_scenario(**{**args, **{k: v for k, v in bull.items() if k in args}})
    down = m.price_path_scenario(**{**args, **{k: v for k, v in bear.items() if k in args}})
    # bull means higher revenue growth and more AI demand than bear
    assert up["dram_revenue_growth_pct"] > down["dram_revenue_growth_pct"]
    assert up["nand_revenue_growth_pct"] > down["nand_revenue_growth_pct"]
    assert up["icms_demand_2027_tb"] > down["icms_demand_2027_tb"]




# --- the price path ----------------------------------------------------------------------------

def test_quarter_levels():
    # +100 % then flat: 2, 2; -50 % then +100 %: 0.5, 1
    assert m.quarter_levels([100, 0]).tolist() == [2.0, 2.0]
    assert m.quarter_levels([-50, 100]).tolist() == [0.5, 1.0]


def test_price_path_flat_year_then_doubling():
    prev, nxt = m.price_path([0, 0, 0], 100, 0)
    assert prev.tolist() == [1, 1, 1, 1]
    assert nxt.tolist() == [2, 2, 2, 2]
    # Q2-Q4 +10 % each: 2, 2.2, 2.42, 2.662
    _, nxt = m.price_path([0, 0, 0], 100, 10)
    assert nxt == pytest.approx([2.0, 2.2, 2.42, 2.662])


def test_annual_average_growth_by_hand():
    # flat 2025, +100 % in Q1, flat after: average 2 against 1 -> +100 %
    assert m.annual_average_growth_pct([0, 0, 0], 100, 0) == pytest.approx(100.0)
    # 2025 rising 1, 1, 1, 2 (Q4 +100 %): average 1.25; Q1 2026 flat on Q4 -> 2 all year: 2 / 1.25 - 1 = 60 %
    assert m.annual_average_growth_pct([0, 0, 100], 0, 0) == pytest.approx(60.0)
    # flat 2025, Q1 +0 %, then -50 % a quarter: 1, 0.5, 0.25, 0.125 -> average 0.46875 -> -53.125 %
    assert m.annual_average_growth_pct([0, 0, 0], 0, -50) == pytest.approx(-53.125)


def test_annual_average_growth_broadcasts_and_rises_with_every_input():
    out = m.annual_average_growth_pct(np.array([[0, 0, 0], [0, 0, 100]]), np.array([100, 100]), 0)
    assert out.tolist() == pytest.approx([100.0, 220.0])  # second: 4 / 1.25 - 1
    base = float(m.annual_average_growth_pct([0, 10, 40], 50, 0))
    for bumped in ([5, 10, 40], [0, 15, 40], [0, 10, 45]):
        assert float(m.annual_average_growth_pct(bumped, 50, 0)) > base
    assert float(m.annual_average_growth_pct([0, 10, 40], 55, 0)) > base
    assert float(m.annual_average_growth_pct([0, 10, 40], 50, 5)) > base


def test_breakeven_rest_qoq():
    # flat 2025, Q1 +100 %: to average +100 % the later quarters must stay flat
    assert m.breakeven_rest_qoq_pct([0, 0, 0], 100, 100) == pytest.approx(0.0, abs=1e-6)
    # r = 0.5: 2 (1 + .5 + .25 + .125) / 4 = 0.9375 -> -6.25 %; so -6.25 % needs -50 % a quarter
    assert m.breakeven_rest_qoq_pct([0, 0, 0], 100, -6.25) == pytest.approx(-50.0, abs=1e-6)
    # out of reach: even -99 % a quarter leaves the average above a -80 % target
    assert np.isnan(m.breakeven_rest_qoq_pct([0, 0, 0], 100, -80))


def test_run_rate_growth():
    # 2025 quarters 10, 20, 30, 40 = 100; 2026 Q1 = 50, flat -> 200: +100 %
    assert m.run_rate_growth_pct([10, 20, 30, 40], 50) == pytest.approx(100.0)
    # with -50 % a quarter after Q1: 50 + 25 + 12.5 + 6.25 = 93.75 -> -6.25 %
    assert m.run_rate_growth_pct([10, 20, 30, 40], 50, -50) == pytest.approx(-6.25)


def test_cut_pct_nand_wafers():
    # SK hynix 1.9 -> 1.7 m: 0.2 / 1.9 = 10.53 %; Samsung 4.9 -> 4.68 m: 0.22 / 4.9 = 4.49 %
    assert m.cut_pct(1.9, 1.7) == pytest.approx(10.526, abs=1e-3)
    assert m.cut_pct(4.9, 4.68) == pytest.approx(4.490, abs=1e-3)
    assert m.cut_pct(10, 12) == pytest.approx(-20.0)


# --- the chapter's Chinese quotes are verbatim ----------------------------------------------------

def test_chapter_chinese_quotes_are_in_the_seed():
    """Every run of CJK text in the chapter's markdown is a substring of the seed (never retyped)."""
    import json
    import os
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    seed = Path(os.environ.get("SUPERCYCLE_SEED") or root.parent / "shared" / "seeds" / "000_2f3a88b6c6dd3952.txt")
    if not seed.exists():
        pytest.skip(f"seed not found at {seed}")
    text = seed.read_text(encoding="utf-8")
    nb = json.loads((root / "chapters" / "01_memory_supercycle.ipynb").read_text(encoding="utf-8"))
    quotes = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            quotes += re.findall(r"“([^”\n]*[\u4e00-\u9fff][^”\n]*)”|\"([^\"\n]*[\u4e00-\u9fff][^\"\n]*)\"", "".join(cell["source"]))
    quotes = [q for pair in quotes for q in pair if q]
    assert quotes, "expected some quoted Chinese in the chapter"
    missing = [q for q in quotes if q not in text]
    assert not missing, missing


def test_scenarios_order_the_q2_q4_price_assumption():
    from supercycle.build.params import load_scenario
    bull = load_scenario("bull")["memory_supercycle"]["asp_q2_q4_qoq_pct"]
    bear = load_scenario("bear")["memory_supercycle"]["asp_q2_q4_qoq_pct"]
    assert bear < defaults("memory_supercycle")["asp_q2_q4_qoq_pct"] < bull


def test_nand_wafer_growth_default_follows_the_wafer_claims(monkeypatch):
    """The default is worked out from the four claims nand.wafers.*: moving one moves it."""
    from supercycle import data
    from supercycle.chapters import memory_supercycle as ms
    claims = data.claims().frame.copy()
    claims.loc[claims["id"] == "nand.wafers.samsung.2026", "value"] = 5.1
    monkeypatch.setattr(data, "claims", lambda: type("C", (), {"frame": claims})())
    # Samsung 4.9 -> 5.1 and SK hynix 1.9 -> 1.7 m wafers: 6.8 -> 6.8, no growth
    assert ms.Params.defaults()["nand_wafer_growth_pct"] == 0.0

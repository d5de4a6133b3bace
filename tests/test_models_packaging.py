"""Unit tests for supercycle.chapters.packaging, with cases checkable by hand."""
from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from supercycle import arith, data
from supercycle.chapters import packaging as m

NAN = math.nan


def claim(cid="x", value=NAN, unit="usd_bn", low=NAN, high=NAN, period="", metric="m", quote=""):
    return SimpleNamespace(id=cid, value=value, unit=unit, low=low, high=high, period=period, metric=metric, quote=quote)


# --- compound growth ------------------------------------------------------------------------

def test_range_growth_pairs_the_ends():
    # start 15-20, end 115-130, 3 years (TSMC CoWoS end-2023 -> end-2026 shape)
    t = m.range_growth((15, 20), (115, 130), 3).set_index("pairing")
    assert t.loc["pessimistic", "multiple"] == pytest.approx(115 / 20)   # 5.75
    assert t.loc["optimistic", "multiple"] == pytest.approx(130 / 15)    # 8.667
    assert t.loc["low ends", "multiple"] == pytest.approx(115 / 15)      # 7.667
    assert t.loc["high ends", "multiple"] == pytest.approx(130 / 20)     # 6.5
    assert t.loc["midpoints", "multiple"] == pytest.approx(7.0)          # 122.5 / 17.5
    assert t.loc["midpoints", "growth_pct"] == pytest.approx(600.0)
    # 8x in 3 years is exactly 100% a year, so 8.667x must be a little more
    assert t.loc["optimistic", "cagr_pct"] > 100


def test_range_growth_one_year_growth_pct():
    # 10-20 -> 30-40 over 1 year: pessimistic 30/20 = 1.5 -> +50%; optimistic 40/10 = 4 -> +300%
    t = m.range_growth((10, 20), (30, 40), 1).set_index("pairing")
    assert t.loc["pessimistic", "growth_pct"] == pytest.approx(50)
    assert t.loc["optimistic", "growth_pct"] == pytest.approx(300)
    assert t.loc["optimistic", "cagr_pct"] == pytest.approx(300)  # one year: CAGR = growth


def test_meets_ranges_and_bounds():
    assert m.meets(7, 6, 8) and not m.meets(8.5, 6, 8)
    assert m.meets(61, 60, NAN) and not m.meets(59, 60, NAN)      # "超過60%"
    assert m.meets(2.0, NAN, 2.1) and not m.meets(2.2, NAN, 2.1)  # "不超過"


def test_check_statement_verdicts():
    t = m.range_growth((15, 20), (45, 50), 1)
    # growth: 45/20 -> +125%, 45/15 -> +200%, 47.5/17.5 -> +171%, 50/20 -> +150%, 50/15 -> +233%
    marked, v = m.check_statement(t, "growth_pct", 150, NAN)
    assert list(marked["meets"]) == [False, True, True, True, True]
    assert v == "holds at 4 of 5 pairings"
    _, v = m.check_statement(t, "growth_pct", 100, NAN)
    assert v == "holds at every pairing"
    _, v = m.check_statement(t, "growth_pct", 300, NAN)
    assert v == "does not hold at any pairing"


def test_capacity_path_and_extension():
    ranges = {2023: (15, 20), 2024: (45, 50)}
    assert m.capacity_path(ranges, "low") == {2023: 15, 2024: 45}
    assert m.capacity_path(ranges, "mid") == {2023: 17.5, 2024: 47.5}
    assert m.capacity_path(ranges, "high") == {2023: 20, 2024: 50}
    with pytest.raises(ValueError):
        m.capacity_path(ranges, "median")
    # 100 growing 10% a year: 110 then 121
    ext = m.extend_path({2026: 100.0}, 2028, 10)
    assert ext[2027] == pytest.approx(110) and ext[2028] == pytest.approx(121)
    assert m.extend_path({2026: 100.0}, 2026, 10) == {}


# --- currency -------------------------------------------------------------------------------

FX = m.FxTable.from_params(krw_per_usd=1500, twd_per_usd=30, cny_per_usd=7.5)


def test_conversion_to_usd_by_hand():
    # 15 trillion won at 1,500 won a dollar = 15,000 bn / 1,500 = 10 bn USD
    assert FX.to_usd_bn(15, "krw_trn") == pytest.approx(10)
    # 60 bn TWD at 30 = 2 bn USD; 7.5 bn CNY at 7.5 = 1 bn USD; 500 m USD = 0.5 bn USD
    assert FX.to_usd_bn(60, "twd_bn") == pytest.approx(2)
    assert FX.to_usd_bn(7.5, "cny_bn") == pytest.approx(1)
    assert FX.to_usd_bn(500, "usd_m") == pytest.approx(0.5)
    assert FX.to_usd_bn(3, "usd_bn") == 3


def test_cross_rates_and_convert():
    # TWD per CNY through the dollar: 30 / 7.5 = 4
    assert FX.rate("TWD", "CNY") == pytest.approx(4)
    assert FX.rate("USD", "KRW") == pytest.approx(1 / 1500)
    # 8 bn CNY -> TWD: 8 * 4 = 32 bn TWD
    assert FX.convert(8, "cny_bn", "twd_bn") == pytest.approx(32)
    # 3 bn USD -> won: 4,500 bn = 4.5 trillion
    assert FX.convert(3, "usd_bn", "krw_trn") == pytest.approx(4.5)
    with pytest.raises(ValueError):
        FX.convert(1, "usd_bn", "pct")


def test_table_refuses_bad_rates():
    with pytest.raises(ValueError):
        m.FxTable({"KRW": 0})
    with pytest.raises(ValueError):
        m.FxTable({"USD": 2})
    with pytest.raises(KeyError):
        m.FxTable({"KRW": 1400}).rate("JPY")
    with pytest.raises(ValueError):
        data.money(1, "pct")


def test_implied_rates_table_and_disagreement():
    fake = {
        "a1": claim("a1", 15, "krw_trn", period="2026"), "b1": claim("b1", 10, "usd_bn"),   # 1,500
        "a2": claim("a2", 12, "krw_trn", period="2025"), "b2": claim("b2", 10, "usd_bn"),   # 1,200
        "a3": claim("a3", 40, "twd_bn"), "b3": claim("b3", 10, "cny_bn"),                   # 4.0
    }
    pairs = [("one", "a1", "b1"), ("two", "a2", "b2"), ("three", "a3", "b3"), ("absent", "zz", "b1")]
    t = m.implied_rates(pairs, fake.__getitem__, FX, has=fake.__contains__)
    assert list(t["figure"]) == ["one", "two", "three"]          # the absent pair is skipped
    assert t["implied"].tolist() == pytest.approx([1500, 1200, 4.0])
    # 1,200 against the table's 1,500 is 20% lower
    assert t.loc[1, "diff_pct"] == pytest.approx(-20)
    d = m.rate_disagreements(t)
    assert list(d["pair"]) == ["KRW per USD"]                     # TWD/CNY has a single figure
    # spread: 1,500 / 1,200 - 1 = 25%
    assert d.loc[0, "spread_pct"] == pytest.approx(25)
    assert d.loc[0, "lowest_from"] == "two" and d.loc[0, "highest_from"] == "one"


# --- periods --------------------------------------------------------------------------------

def test_period_bounds_gives_timestamps_for_the_gantt_axis():
    # the grammar itself is tested with supercycle.data.period_bounds
    assert m.period_bounds("2026H2") == (pd.Timestamp("2026-07-01"), pd.Timestamp("2026-12-31"))


def test_claim_period_reads_year_and_date_claims():
    assert m.claim_period(claim(value=2028.0, unit="year")) == "2028"
    assert m.claim_period(claim(unit="date", period="2026H2")) == "2026H2"
    with pytest.raises(ValueError):
        m.claim_period(claim(value=5, unit="usd_bn"))


# --- the ledger -----------------------------------------------------------------------------

def test_ledger_row_by_hand():
    fake = {
        "amt": claim("amt", 15, "krw_trn"),
        "s": claim("s", unit="date", period="2026-04"),
        "c": claim("c", 2027.0, "year"),
        "cap": claim("cap", 20, "wafers_k_per_month"),
    }
    inv = m.Investment("Co", "Site", "Tech", "amt", "s", "c", capacity=("cap", "missing"))
    t = m.build_ledger([inv], fake.__getitem__, FX, has=fake.__contains__)
    r = t.iloc[0]
    assert r["amount_original"] == "KRW 15 trn"
    assert r["amount_usd_bn"] == pytest.approx(10)   # 15,000 / 1,500
    assert r["start"] == pd.Timestamp("2026-04-01") and r["completion"] == pd.Timestamp("2027-12-31")
    assert r["capacity"] == "20k wafers/month"
    assert r["claims"] == "amt, s, c, cap"


def test_ledger_bounds_and_missing_amounts():
    fake = {"lo": claim("lo", 5, "usd_bn", low=5), "hi": claim("hi", 2.1, "cny_bn", high=2.1)}
    t = m.build_ledger([m.Investment("A", "x", "y", "lo"), m.Investment("B", "x", "y", "hi"),
                        m.Investment("C", "x", "y")], fake.__getitem__, FX)
    assert list(t["amount_original"]) == ["over USD 5 bn", "up to CNY 2.1 bn", "not given"]
    assert list(t["bound"]) == ["lower", "upper", ""]
    assert t.loc[1, "amount_usd_bn"] == pytest.approx(0.28)   # 2.1 / 7.5
    assert math.isnan(t.loc[2, "amount_usd_bn"])


def test_amount_text_says_about_for_yue():
    # 約 (about) at the figure in the claim's quote: 'about TWD 4 bn'; a bound keeps its own word;
    # 約 at another figure (the dollar conversion) gives no 'about' to the won amount
    c = claim("k", 4, "twd_bn")
    c.quote = "追加約新台幣 40 億元投資"
    assert m.amount_text(c) == "about TWD 4 bn"
    capped = claim("f", 2.1, "cny_bn", high=2.1)
    capped.quote = "最多約 21 億元"
    assert m.amount_text(capped) == "up to CNY 2.1 bn"
    won = claim("s", 19, "krw_trn")
    won.quote = "將投資 19 兆韓元(約合 129 億美元)"
    assert m.amount_text(won) == "KRW 19 trn"


# --- the real data: defaults tied to their sources, every ledger id present -------------------

def test_fx_reference_table_is_per_us_dollar():
    assert float(data.reference("fx_rates").set_index("currency").loc["USD", "per_usd"]) == 1.0


def _table(name):
    return pd.read_csv(data.DATA_DIR / name, dtype=str, keep_default_na=False)


def test_ledger_and_tech_map_files_name_only_existing_claims():
    cl = data.claims()
    ledger = m.investments_from_table(_table("packaging_investments.csv"), has=cl.__contains__)
    techs = m.technologies_from_table(_table("packaging_technologies.csv"), has=cl.__contains__)
    assert len(ledger) == 21 and len(techs) == 12
    # a row naming a claim that does not exist is refused, with the row number
    bad = _table("packaging_investments.csv").head(1).assign(amount="pkg.no.such.claim")
    with pytest.raises(ValueError, match="row 1: no claim pkg.no.such.claim"):
        m.investments_from_table(bad, has=cl.__contains__)
    bad_note = _table("packaging_investments.csv").head(1).assign(note="from {pkg.nothing.here}")
    with pytest.raises(ValueError, match="pkg.nothing.here"):
        m.investments_from_table(bad_note, has=cl.__contains__)
    for _, a, b in m.TWO_CURRENCY_PAIRS:
        assert a in cl and b in cl


def test_no_figure_is_typed_into_a_note():
    # every digit in a ledger note comes from a {claim} placeholder
    import re
    for note in _table("packaging_investments.csv")["note"]:
        assert not re.search(r"\d", m.NOTE_FIELD.sub("", note)), note


def test_render_note_by_hand():
    fake = {"amt": claim("amt", 1.7, "usd_bn"), "d": claim("d", unit="date", period="end-2027"),
            "n": claim("n", 2, "count"), "k": claim("k", 5, "twd_bn", low=5, period="2024H2")}
    assert m.render_note("raised from {amt}; slipped from {d}", fake.__getitem__) == "raised from USD 1.7 bn; slipped from end-2027"
    assert m.render_note("{n} plants, spent in {k|period}", fake.__getitem__) == "2 plants, spent in 2024H2"
    assert m.render_note("", fake.__getitem__) == ""


def test_article_market_cagr_recomputes():
    # (79.85 / 50.38) ** (1/7) - 1 = 6.80%: the article's 6.8% holds to one decimal
    lo, hi = data.claim("pkg.market.advanced.2025"), data.claim("pkg.market.advanced.2032")
    assert arith.cagr_pct(lo.value, hi.value, 7) == pytest.approx(data.claim("pkg.market.advanced.cagr").value, abs=0.05)


def test_stated_bounds():
    # a range keeps its ends; 超過60% is a floor; 低於50% a ceiling; a single 2x is read as at least 2
    assert m.stated_bounds(claim(value=7, low=6, high=8)) == (6, 8)
    lo, hi = m.stated_bounds(claim(value=60, low=60))
    assert lo == 60 and math.isnan(hi)
    lo, hi = m.stated_bounds(claim(value=50, high=50))
    assert math.isnan(lo) and hi == 50
    lo, hi = m.stated_bounds(claim(value=2))
    assert lo == 2 and math.isnan(hi)


def test_judge_growth_by_hand():
    # 10-20 -> 30-40 in one year, stated "over 60%": pairings give 50% (pessimistic, 30/20),
    # 100% (low ends, 30/10), 133.3% (midpoints, 35/15), 100% (high ends, 40/20), 300% (optimistic, 40/10):
    # only the pessimistic pairing falls short, so 4 of 5 hold
    start = SimpleNamespace(range=(10, 20))
    end = SimpleNamespace(range=(30, 40))
    stated = SimpleNamespace(value=60, low=60, high=NAN, unit="pct", quote="超過60%", text=lambda fmt: "60")
    t, row = m.judge_growth("growth", start, end, 1, "growth_pct", stated)
    assert list(t["meets"]) == [False, True, True, True, True]
    assert set(t["statement"]) == {"growth"}
    assert row["verdict"] == "holds at 4 of 5 pairings"
    assert row["stated"] == "60%" and row["article"] == "超過60%"
    assert (row["computed min"], row["computed max"]) == pytest.approx((50, 300))

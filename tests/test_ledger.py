"""Tests for supercycle.chapters.ledger (the fact-check entries) and the glossary's Chinese terms."""
import dataclasses
import math
import re
from types import SimpleNamespace

import pandas as pd
import pytest

from supercycle import ROOT, data
from supercycle.chapters import ledger
from supercycle.build.registry import chapter
from supercycle.chapters import fact_check as fc
from supercycle.build.params import defaults

from supercycle.prose import SEED_PATH as SEED  # the one place that names the seed
DEFAULTS = SimpleNamespace(**defaults("fact_check"))


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def fake_claim(cid, value, low=math.nan, high=math.nan, source_id="dram_wafers", period="2026", quote="q"):
    return data.Claim(id=cid, source_id=source_id, topic="supercycle", entity="e", metric="m", period=period,
                      value=value, low=low, high=high, unit="pct", kind="actual", attributed_to="x",
                      quote=quote, note="", outlet="o", source_title="t", published="2026-01")


def fake_lookup(values: dict):
    def get(cid):
        v = values[cid]
        return fake_claim(cid, *v) if isinstance(v, tuple) else fake_claim(cid, v)
    return get


def no_reference(name):
    raise AssertionError(f"reference {name} not expected")


# --- the list itself ----------------------------------------------------------------------------

def test_entries_are_many_unique_and_well_formed():
    ids = [e.id for e in ledger.ENTRIES]
    assert len(ids) >= 25
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9\-]*", i) for i in ids)
    for e in ledger.ENTRIES:
        assert e.explain.strip().endswith("."), e.id
        assert e.stated or e.quote, f"{e.id}: judges neither a claim nor quoted words"


def test_numeric_entries_recompute_in_the_stated_unit():
    for e in ledger.ENTRIES:
        if e.stated and e.compare != "logical":
            assert e.unit == data.claim(e.stated).unit, e.id


def test_every_category_is_covered():
    assert {e.category for e in ledger.ENTRIES} == set(ledger.CATEGORIES)


def test_entries_name_existing_claims_and_tables():
    claims = data.claims()
    tables = {p.stem for p in (ROOT / "data" / "reference").glob("*.csv")}
    for e in ledger.ENTRIES:
        used, refs = ledger.claims_read(e, data.claim, DEFAULTS, data.reference)
        assert used, f"{e.id}: reads no claim"
        assert all(cid in claims for cid in used), e.id
        assert set(refs) <= tables, e.id


def test_inputs_are_derived_from_what_an_entry_reads():
    """The claims a row lists are those its relation, variants and explanation read, recorded while
    it runs: a claim read only by a variant still appears, and nothing is declared by hand."""
    df = ledger.run(DEFAULTS).set_index("id")
    for e in ledger.ENTRIES:
        used, refs = ledger.claims_read(e, data.claim, DEFAULTS, data.reference)
        assert set(df.loc[e.id, "claims_used"].split(", ")) == set(used), e.id
        assert set(filter(None, df.loc[e.id, "references_used"].split(", "))) == set(refs), e.id
    assert "jpm.skhynix.hbm_value_share" in df.loc["hbm-sales-share-2026", "claims_used"]
    assert "ledger_checks" in df.loc["exports-2025-growth", "references_used"]


def test_wording_quotes_are_verbatim_in_their_article():
    lines = seed_text().splitlines()
    srcs = data.sources()
    for e in ledger.ENTRIES:
        if not e.quote:
            continue
        judged = e.stated or ledger.claims_read(e, data.claim, DEFAULTS, data.reference)[0][0]
        assert data.claim(judged).source_id == e.quote_source, f"{e.id}: quote and claims from different articles"
        order = int(srcs.set_index("id").loc[e.quote_source, "order"])
        body = lines[2 * order]  # line 1 hashtag; article k: headline line 2k, body line 2k+1 (1-based)
        assert e.quote in body, e.id


def test_chinese_words_in_the_ledger_are_verbatim_from_the_articles():
    seed = seed_text()
    df = ledger.run(DEFAULTS)
    texts = list(df["explanation"]) + list(df["check"]) + list(df["quote"])
    runs = {m for t in texts for m in re.findall(r"[\u3400-\u9fff\uff00-\uffef]+", t)}
    assert runs, "expected some Chinese words (quotes) in the ledger"
    missing = sorted(r for r in runs if r not in seed)
    assert not missing, missing


def test_whole_ledger_runs_on_the_data():
    df = ledger.run(DEFAULTS)
    assert len(df) == len(ledger.ENTRIES)
    assert set(df["verdict"]) <= set(fc.VERDICTS)
    assert df["explanation"].str.len().min() > 20
    assert not df["explanation"].str.contains(r"\{|\}|nan").any()
    # a 'cannot be checked' entry must really have nothing to compare with
    for e, r in zip(ledger.ENTRIES, df.itertuples()):
        if r.verdict == fc.UNCHECKABLE:
            assert e.relation(ledger.Context(data.claim, DEFAULTS, data.reference)) is None


# --- relationships by hand, on invented figures -------------------------------------------------

def test_sum_of_parts_by_hand():
    e = ledger.entry("dram-total-2026")
    get = fake_lookup({"dram.wafers.samsung.2026": 8.0, "dram.wafers.skhynix.2026": 6.0,
                       "dram.wafers.micron.2026": 4.0, "dram.wafers.total.2026": 18.0})
    r = ledger.evaluate(e, get, DEFAULTS, no_reference)
    assert r["recomputed"] == pytest.approx(18.0) and r["verdict"] == fc.CONSISTENT  # 8 + 6 + 4
    get = fake_lookup({"dram.wafers.samsung.2026": 8.0, "dram.wafers.skhynix.2026": 6.0,
                       "dram.wafers.micron.2026": 1.0, "dram.wafers.total.2026": 18.0})
    r = ledger.evaluate(e, get, DEFAULTS, no_reference)
    # 15 against a stated 18: +20% -> overstated
    assert r["verdict"] == fc.OVERSTATED and r["gap_pct"] == pytest.approx(20.0)


def test_growth_entry_by_hand():
    e = ledger.entry("dram-samsung-growth")
    get = fake_lookup({"dram.wafers.samsung.2025": 100.0, "dram.wafers.samsung.2026": 110.0,
                       "dram.wafers.samsung.growth.2026": 10.0})
    r = ledger.evaluate(e, get, DEFAULTS, no_reference)
    assert r["recomputed"] == pytest.approx(10.0) and r["verdict"] == fc.CONSISTENT
    get = fake_lookup({"dram.wafers.samsung.2025": 100.0, "dram.wafers.samsung.2026": 120.0,
                       "dram.wafers.samsung.growth.2026": 10.0})
    # 1.10 / 1.20 - 1 = -8.3% -> understated
    assert ledger.evaluate(e, get, DEFAULTS, no_reference)["verdict"] == fc.UNDERSTATED


def test_range_entry_by_hand():
    e = ledger.entry("cowos-tsmc-multiple")
    get = fake_lookup({"pkg.cowos.tsmc.capacity.2023": (10.0, 5.0, 15.0),
                       "pkg.cowos.tsmc.capacity.2026.plan": (100.0, 90.0, 110.0),
                       "pkg.cowos.tsmc.growth.2023_2026": (7.0, 6.0, 8.0)})
    r = ledger.evaluate(e, get, DEFAULTS, no_reference)
    # mid 100 / 10 = 10; range 90 / 15 = 6 to 110 / 5 = 22: overlaps 6-8 -> consistent
    assert r["recomputed"] == pytest.approx(10.0)
    assert (r["recomputed_low"], r["recomputed_high"]) == pytest.approx((6.0, 22.0))
    assert r["verdict"] == fc.CONSISTENT


def test_amdahl_entry_by_hand():
    e = ledger.entry("streamdq-amdahl")
    get = fake_lookup({"streamdq.dequant.share_of_inference_time": (50.0, math.nan, 50.0),
                       "streamdq.speedup.bottleneck": 3.0})
    r = ledger.evaluate(e, get, DEFAULTS, no_reference)
    # 50% share: bound 1 / 0.5 = 2; a stated 3 exceeds it by 50%: overstated for an end-to-end reading,
    # which is our reading, not the article's: never an article error
    assert r["recomputed"] == pytest.approx(2.0) and r["verdict"] == fc.OVERSTATED
    assert r["classification"] == fc.DEPENDS
    get = fake_lookup({"streamdq.dequant.share_of_inference_time": (90.0, math.nan, 90.0),
                       "streamdq.speedup.bottleneck": 3.0})
    r = ledger.evaluate(e, get, DEFAULTS, no_reference)
    assert r["verdict"] == fc.CONSISTENT and r["classification"] == fc.HOLDS  # bound 10


def test_streamdq_on_the_articles_framing_by_hand():
    e = ledger.entry("streamdq-bottleneck")
    get = fake_lookup({"streamdq.dequant.share_of_inference_time": (80.0, math.nan, 80.0),
                       "streamdq.speedup.bottleneck": 7.0})
    r = ledger.evaluate(e, get, DEFAULTS, no_reference)
    # 1 / (0.2 + 0.8 / 7) = 3.18: the whole gets faster, as the article says
    assert r["values"]["a7"] == pytest.approx(1 / (0.2 + 0.8 / 7))
    assert r["classification"] == fc.HOLDS and e.trivial


def reference_of(tables: dict):
    def get(name):
        return tables[name]
    return get


def test_tongfu_uses_add_up_with_the_working_capital_tranche():
    e = ledger.entry("tongfu-placement")
    get = fake_lookup({"pkg.invest.tongfu.auto.proceeds": 1.0, "pkg.invest.tongfu.memory.proceeds": 1.0,
                       "pkg.invest.tongfu.wafer_level.proceeds": 1.0, "pkg.invest.tongfu.hpc.proceeds": 0.5,
                       "pkg.invest.tongfu.placement.cny": (5.0, math.nan, 5.0)})
    lc = pd.DataFrame([{"item": "Tongfu placement: working capital and bank-loan repayment", "period": "2026", "value": "1.5"}])
    r = ledger.evaluate(e, get, DEFAULTS, reference_of({"ledger_checks": lc}))
    # 1 + 1 + 1 + 0.5 + 1.5 = 5 = the amount raised; the tranche is 1.5 / 5 = 30%
    assert r["recomputed"] == pytest.approx(5.0) and r["classification"] == fc.HOLDS
    assert r["values"]["wc_pct"] == pytest.approx(30.0)
    lc.loc[0, "value"] = "0.5"   # 4 against 5: -20%: the uses no longer add up
    r = ledger.evaluate(e, get, DEFAULTS, reference_of({"ledger_checks": lc}))
    assert r["classification"] == fc.ARTICLE_ERROR


def test_exports_growth_by_hand_and_the_other_reading():
    e = ledger.entry("exports-2025-growth")
    get = fake_lookup({"exports.korea.semis.growth.2025": (30.0, 30.0, math.nan)})
    lc = pd.DataFrame([{"item": "Korea semiconductor exports", "period": "2024", "value": "100"},
                       {"item": "Korea semiconductor exports", "period": "2025", "value": "120"},
                       {"item": "Korea semiconductor exports growth (December only)", "period": "2025-12", "value": "40"}])
    r = ledger.evaluate(e, get, DEFAULTS, reference_of({"ledger_checks": lc}))
    # 120 / 100 = +20% against 'over 30%': 1.30 / 1.20 - 1 = 8.3% > 5% -> overstated, an article error;
    # December's +40% is another reading, shown but not deciding
    assert r["recomputed"] == pytest.approx(20.0) and r["verdict"] == fc.OVERSTATED
    assert r["classification"] == fc.ARTICLE_ERROR
    assert r["variants"][0]["verdict"] == fc.CONSISTENT and not r["variants"][0]["decides"]
    assert "overstates" in r["explanation"]
    lc.loc[1, "value"] = "135"   # +35%: holds, and the explanation says so
    r = ledger.evaluate(e, get, DEFAULTS, reference_of({"ledger_checks": lc}))
    assert r["classification"] == fc.HOLDS and r["explanation"].endswith(ledger.SAYS[fc.HOLDS])


def test_hbf_verdict_depends_on_the_baseline():
    e = ledger.entry("hbf-4tb")
    get = fake_lookup({"hbf.capacity.multiple_vs_hbm": (12.0, 8.0, 16.0), "hbf.capacity.gpu": 4.0})
    acc = pd.DataFrame([{"part": p, "hbm_capacity_gb": gb} for p, gb in
                        [("B200", "200"), ("B300", "300"), ("Rubin", "300"), ("MI355X", "300"), ("MI455X", "400")]])
    r = ledger.evaluate(e, get, DEFAULTS, reference_of({"accelerators": acc}))
    # binary units: 4 TB = 4,096 GB. B200: 8-16 x 200 GB = 1,600-3,200 GB = 1.56-3.13 TB < 4 (overstated);
    # 300 GB: 2.34-4.69 TB holds -> depends on the baseline. 4 TB needs 4096/200 = 20.48x and 4096/300 = 13.65x
    by = {v["label"]: v["verdict"] for v in r["variants"]}
    assert by["B200 baseline"] == fc.OVERSTATED and by["B300 baseline"] == fc.CONSISTENT
    assert r["classification"] == fc.DEPENDS
    assert r["values"]["need"] == pytest.approx(20.48) and r["values"]["need300"] == pytest.approx(4096 / 300)
    assert r["recomputed_low"] == pytest.approx(1600 / 1024) and r["recomputed_high"] == pytest.approx(3200 / 1024)
    acc["hbm_capacity_gb"] = "100"   # 0.8-1.6 TB on every baseline: fails everywhere -> still ours, not the article's
    r = ledger.evaluate(e, get, DEFAULTS, reference_of({"accelerators": acc}))
    assert r["classification"] == fc.DEPENDS


def test_hbf_multiple_is_chapter_3s_on_one_convention():
    # one function and one unit convention for both pages: chapter 3's multiple_by_baseline, 4 TB = 4,096 GB,
    # which is SanDisk's 8 stacks in data/reference/hbf.csv; a B200's 192 GB gives 4096 / 192 = 21.33x
    from supercycle.chapters import hbf as H
    hbf = data.reference("hbf")
    ref_gb = float(hbf[hbf["item"].str.startswith("GPU capacity with 8 HBF stacks")].iloc[0]["value"])
    assert data.claim("hbf.capacity.gpu").value * ledger.GB_PER_TB == ref_gb == 4096
    x = ledger.Context(data.claim, DEFAULTS, data.reference)
    assert ledger.hbf_needed(x, "B200") == pytest.approx(4096 / 192)
    assert ledger.hbf_needed(x, "B300") == pytest.approx(H.multiple_by_baseline(ref_gb, {"B300": 288.0})["B300"])


def test_hbm_share_readings_by_hand():
    e = ledger.entry("hbm-sales-share-2026")
    get = fake_lookup({"skhynix.hbm_sales_share.2025": 40.0, "bofa.dram.revenue.growth.2026": 100.0,
                       "jpm.skhynix.hbm_value_share": (50.0, math.nan, 50.0),
                       "jpm.skhynix.hbm_sales_share.2026": 27.0})
    fin = pd.DataFrame([{"item": i, "period": p, "value": v} for i, p, v in [
        ("HBM market growth (SK hynix Newsroom, BofA basis)", "2026", "50"),
        ("HBM market size (SK hynix Newsroom, BofA basis)", "2025", "30"),
        ("HBM vendor share SK hynix (Counterpoint)", "2025Q3", "62.5"),
        ("HBM vendor share SK hynix (Macquarie)", "2025", "60"),
        ("SK hynix revenue", "2025", "100"),
        ("HBM market size (BofA)", "2026", "60"),
        ("HBM market size (TrendForce)", "2025", "40")]])
    params = SimpleNamespace(**{**vars(DEFAULTS), "krw_per_usd": 1470.0})
    r = ledger.evaluate(e, get, params, reference_of({"hbm_competition_financials": fin}))
    # BofA basis, share held: 40 x 1.5 / 2 = 30; share 62.5 -> 50: 40 x 1.5 x 0.8 / 2 = 24; 60 -> 50: x 5/6 -> 25;
    # JPMorgan's basis: HBM 0.4 x 100 = 40 trn won in 2025, 60 bn x 50% x 1470 / 1000 = 44.1 trn in 2026 (+10.25%)
    # -> 40 x 1.1025 / 2 = 22.05; splice 40 -> 60 bn (+50%): 30 (another reading, not deciding).
    # Stated 27 fails on every deciding basis (30 vs 27 is 10% apart, 24 and 25 and 22.05 below) -> sources disagree
    assert r["recomputed"] == pytest.approx(30.0)
    v = r["values"]
    assert v["slip_lo"] == pytest.approx(24.0) and v["slip_hi"] == pytest.approx(25.0)
    assert v["jpm"] == pytest.approx(22.05) and v["splice"] == pytest.approx(30.0)
    assert [x["decides"] for x in r["variants"]] == [True, True, True, False]
    assert r["classification"] == fc.SOURCES_DISAGREE
    # if JPMorgan's figure were 30, it would hold on BofA's basis and fail on the others: the basis decides
    get = fake_lookup({"skhynix.hbm_sales_share.2025": 40.0, "bofa.dram.revenue.growth.2026": 100.0,
                       "jpm.skhynix.hbm_value_share": (50.0, math.nan, 50.0),
                       "jpm.skhynix.hbm_sales_share.2026": 30.0})
    assert ledger.evaluate(e, get, params, reference_of({"hbm_competition_financials": fin}))["classification"] == fc.DEPENDS


def test_hbm_share_matches_chapter_2():
    # the ledger's figures are chapter 2's (glue keys hbm_competition-share26-*): same function, same rows
    from supercycle.chapters import hbm_competition as m
    L = ledger.run().set_index("id")
    v = L.loc["hbm-sales-share-2026", "values"]
    assert v["r"] == pytest.approx(m.hbm_share_next(38, 58, 51))                 # 39.8
    assert v["slip_lo"] == pytest.approx(m.hbm_share_next(38, 58, 51, (50 / 61 - 1) * 100))   # 32.6
    assert v["slip_hi"] == pytest.approx(m.hbm_share_next(38, 58, 51, (50 / 57 - 1) * 100))   # 34.9
    assert round(v["jpm"], 1) == 27.4 and round(v["splice"], 1) == 29.4
    assert L.loc["hbm-sales-share-2026", "classification"] == fc.SOURCES_DISAGREE


def test_a_disagreement_between_forecasters_is_not_an_article_error():
    e = ledger.entry("memory-market-growth")
    get = fake_lookup({"bofa.dram.revenue.growth.2026": 50.0, "bofa.nand.revenue.growth.2026": 40.0,
                       "market.memory.global.growth.2026": 10.0})
    r = ledger.evaluate(e, get, DEFAULTS, no_reference)
    assert r["verdict"] == fc.INCONSISTENT and r["classification"] == fc.SOURCES_DISAGREE


def test_each_error_counts_once_in_the_summary():
    df = pd.DataFrame([
        {"classification": fc.ARTICLE_ERROR, "error_key": "nand-share", "trivial": False},
        {"classification": fc.ARTICLE_ERROR, "error_key": "nand-share", "trivial": False},
        {"classification": fc.ARTICLE_ERROR, "error_key": "won", "trivial": False},
        {"classification": fc.HOLDS, "error_key": "a", "trivial": True},
        {"classification": fc.HOLDS, "error_key": "b", "trivial": False},
        {"classification": fc.SOURCES_DISAGREE, "error_key": "c", "trivial": False},
    ])
    s = ledger.summary(df)
    assert s["article_errors"] == 2 and s["article_error_entries"] == 3
    assert s["by_class"][fc.HOLDS] == 2 and s["by_class_substantive"][fc.HOLDS] == 1
    assert s["substantive"] == 5 and s["trivial"] == 1


def test_the_ledgers_duplicates_share_an_error_key():
    keys = {e.id: (e.error_key or e.id) for e in ledger.ENTRIES}
    assert keys["nand-share-two-articles"] == keys["nand-share-reference"]
    assert keys["fx-exports-krw"] == keys["fx-krw-two-articles"]
    df = ledger.run(DEFAULTS)
    s = ledger.summary(df)
    assert s["article_errors"] < s["article_error_entries"]
    # verdicts from our own choices and disagreements between sources are never article errors
    for e, r in zip(ledger.ENTRIES, df.itertuples()):
        if e.basis != "article":
            assert r.classification != fc.ARTICLE_ERROR, e.id


def test_explanations_follow_the_computed_class():
    df = ledger.run(DEFAULTS)
    for e, r in zip(ledger.ENTRIES, df.itertuples()):
        sentence = e.says.get(r.classification, ledger.SAYS[r.classification]).format(**r.values)
        assert r.explanation.endswith(sentence), e.id
    # a threshold change that moves a verdict moves the sentence with it: at 0.1% rounding tolerance
    # Samsung's 4.48% against 'about 5%' is no longer rounding
    strict = SimpleNamespace(**{**vars(DEFAULTS), "rounding_rel_tol_pct": 0.2})
    r = ledger.evaluate(ledger.entry("dram-samsung-growth"), data.claim, strict, data.reference)
    assert r["classification"] == fc.ARTICLE_ERROR and r["explanation"].endswith(ledger.SAYS[fc.ARTICLE_ERROR])


def test_number_never_prints_scientific_notation():
    assert ledger.number(5.55e-16, "pct") == "0%"
    assert ledger.number(0.000123, "") == "0.000123"
    assert ledger.number(1234.5, "") == "1,234" or ledger.number(1234.5, "") == "1,235"
    assert ledger.number(2.304, "x") == "2.3x"


def test_currency_entry_uses_the_rate_parameter():
    e = ledger.entry("fx-exports-krw")
    units = {"exports.korea.semis.2026": "usd_bn", "exports.korea.semis.2026.krw": "krw_trn"}  # the implied rate reads them
    fake = fake_lookup({"exports.korea.semis.2026": 100.0, "exports.korea.semis.2026.krw": 130.0})
    get = lambda cid: dataclasses.replace(fake(cid), unit=units[cid])  # noqa: E731
    p = SimpleNamespace(**{**vars(DEFAULTS), "krw_per_usd": 1300.0})
    r = ledger.evaluate(e, get, p, no_reference)
    assert r["recomputed"] == pytest.approx(130.0) and r["verdict"] == fc.CONSISTENT  # 100 bn x 1300 = 130 trn
    p = SimpleNamespace(**{**vars(DEFAULTS), "krw_per_usd": 1000.0})
    assert ledger.evaluate(e, get, p, no_reference)["verdict"] == fc.OVERSTATED    # 130 vs 100: +30%


def test_icms_share_entry_by_hand():
    e = ledger.entry("icms-share-2027")
    get = fake_lookup({"nand.icms_demand.2026": 10.0, "nand.icms_demand.2027": 30.0,
                       "nand.icms_demand_share.2026": 2.0, "nand.icms_demand_share.2027": 5.0})
    p = SimpleNamespace(**{**vars(DEFAULTS), "nand_demand_growth_2027_pct": 20.0})
    r = ledger.evaluate(e, get, p, no_reference)
    # totals 10 / 2% = 500, then 600 after +20%; 30 / 600 = 5% -> consistent
    assert r["recomputed"] == pytest.approx(5.0) and r["verdict"] == fc.CONSISTENT


def test_wording_entry_is_logical():
    e = ledger.entry("qlc-tlc-wording")
    get = fake_lookup({"nand.tlc.bits_per_cell": 3.0, "nand.qlc.bits_per_cell": 4.0})
    assert ledger.evaluate(e, get, DEFAULTS, no_reference)["verdict"] == fc.INCONSISTENT


def test_display_frame_keeps_ranges_and_marks_uncheckable():
    df = pd.DataFrame([
        {"id": "a", "category": "growth rate", "check": "A", "stated_id": "x", "stated": "6–8", "recomputed": 7.0,
         "recomputed_low": 5.75, "recomputed_high": 8.5, "unit": "x", "gap_pct": 0.0, "verdict": fc.CONSISTENT,
         "classification": fc.HOLDS, "trivial": False,
         "variants": [{"label": "other base", "decides": True, "value": "6x", "verdict": fc.CONSISTENT}],
         "explanation": "e.", "quote": "q", "source_id": "s", "outlet": "o", "claims_used": "c1, c2"},
        {"id": "b", "category": "growth rate", "check": "B", "stated_id": "y", "stated": "30", "recomputed": math.nan,
         "recomputed_low": math.nan, "recomputed_high": math.nan, "unit": "pct", "gap_pct": math.nan,
         "verdict": fc.UNCHECKABLE, "classification": fc.CANNOT, "trivial": True, "variants": [],
         "explanation": "e.", "quote": "", "source_id": "s", "outlet": "o", "claims_used": "c3"},
    ])
    out = ledger.display_frame(df, "growth rate")
    assert out.loc[0, "Recomputed"] == "7x (5.75x to 8.5x)"
    assert out.loc[0, "Quote (source)"] == "“q” (o; s)"
    assert out.loc[1, "Quote (source)"] == "(o; s)" and out.loc[0, "Claims used"] == "c1, c2"
    assert out.loc[1, "Recomputed"] == "–" and out.loc[1, "Stated"] == "30%"
    assert out.loc[0, "Class"] == fc.HOLDS and out.loc[0, "Across the choices"] == "other base: 6x (consistent)"
    assert out.loc[1, "Check"] == "B (a simple check)"
    assert ledger.display_frame(df, "wording").empty


def test_period_years():
    assert ledger._year("end-2027") == 2027 and ledger._year("2026Q2") == 2026 and ledger._year("2016-2025") == 2016
    with pytest.raises(ValueError):
        ledger._year("soon")


def test_range_interval():
    iv = ledger.range_interval("55-60")
    assert (iv.low, iv.mid, iv.high) == (55.0, 57.5, 60.0)
    assert ledger.range_interval("975.5").mid == 975.5


# --- parameter defaults that are data ------------------------------------------------------------

def test_shares_in_issue_follow_the_market_cap_and_the_close(monkeypatch):
    """The share count is read from ledger_checks.csv's two rows of one day: moving them moves it."""
    lc = data.reference("ledger_checks").copy()
    day = lc["period"] == "2025-06-24"
    lc.loc[day & (lc["item"] == "SK hynix market capitalisation"), "value"] = "300"
    lc.loc[day & (lc["item"] == "SK hynix share price close"), "value"] = "400000"
    real = data.reference
    monkeypatch.setattr(data, "reference", lambda name: lc if name == "ledger_checks" else real(name))
    # 300 trn won / 400,000 won a share = 300e12 / 4e5 = 750e6 shares = 750.0 million
    assert defaults("fact_check")["skhynix_shares_issued_m"] == 750.0
    assert "ledger_checks.csv 'SK hynix share price close' 2025-06-24" in \
        fc.Params.model_fields["skhynix_shares_issued_m"].description


def test_the_default_gpu_is_the_one_sandisk_compares_with():
    p = {x.name: x for x in chapter("fact_check").params}
    # the default GPU is the one SanDisk compares its 4 TB with ("compared with 192 GB of HBM")
    hbf = data.reference("hbf")
    gb = float(hbf[hbf["item"].str.startswith("GPU capacity with 8 HBF stacks")].iloc[0]["compared_hbm_gb"])
    acc = data.reference("accelerators")
    row = acc[acc["part"].str.startswith(p["hbf_reference_gpu"].default)]
    assert len(row) == 1 and float(row.iloc[0]["hbm_capacity_gb"]) == gb
    for choice in p["hbf_reference_gpu"].choices:
        assert acc["part"].str.startswith(choice).sum() == 1, choice


# --- glossary ------------------------------------------------------------------------------------

def test_glossary_chinese_terms_are_verbatim_in_the_sources():
    text = (ROOT / "chapters" / "a2_glossary.md").read_text(encoding="utf-8")
    terms = re.findall(r"「([^」]+)」", text.split("```{glossary}", 1)[1])
    assert len(terms) >= 40
    seed = seed_text()
    missing = [t for t in terms if t not in seed]
    assert not missing, missing


def test_glossary_has_the_terms_the_report_needs():
    text = (ROOT / "chapters" / "a2_glossary.md").read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1]
    defined = set(re.findall(r"^([^\s:].*)$", body, flags=re.M)) - {"```"}
    for term in ("HBM", "HBF", "TSV", "CoWoS", "SoIC", "CoPoS", "FOPLP", "EMIB", "QLC", "TLC", "ASP", "LTA",
                 "ADR", "P/B", "DRAM", "NAND", "DDR5", "SSD", "ICMS", "UCIe", "PHY", "Base die", "PNM",
                 "Dequantization", "InFO", "WMCM", "FOCoS", "SiP", "OSAT", "CAGR", "P/E", "EPS", "TAM", "Capex",
                 "Capital intensity", "Wafer equivalent", "Contract price", "1c DRAM", "HBM3E", "HBM4", "HBM4E",
                 "ASIC", "TPU", "GEMM", "KV cache", "Roofline"):
        assert term in defined, term


def test_record_streak_by_hand():
    e = ledger.entry("exports-record-streak")
    get = fake_lookup({"exports.korea.semis.2026": 200.0, "exports.korea.semis.record_years": 2.0})
    lc = pd.DataFrame([{"item": "Korea semiconductor exports: consecutive record years", "period": "2025", "value": "2"},
                       {"item": "Korea semiconductor exports", "period": "2025", "value": "180"}])
    r = ledger.evaluate(e, get, DEFAULTS, reference_of({"ledger_checks": lc}))
    # records in the two years to 2025, and 200 > 180 in 2026: three in a row against a stated two
    assert r["recomputed"] == 3 and r["classification"] == fc.ARTICLE_ERROR
    # the run that 2025 completed is named as such ('the second record year'), not as a run that 'ended'
    assert "2025 was already the second record year in a row" in r["explanation"]
    lc.loc[0, "value"] = "1"     # only 2025 a record: 2026 is the second in a row, as stated
    r1 = ledger.evaluate(e, get, DEFAULTS, reference_of({"ledger_checks": lc}))
    assert r1["classification"] == fc.HOLDS and "2025 was already the first record year" in r1["explanation"]


def test_cowos_cagr_does_not_claim_every_base():
    # end-2024 to end-2026 over the range ends: (115/50)^0.5 - 1 = 51.7% < 60 < (130/45)^0.5 - 1 = 70.0%,
    # so 'over 60%' does not hold at every pairing on that base, and the text may not say it does
    r = ledger.run(DEFAULTS).set_index("id").loc["cowos-tsmc-cagr"]
    v = r["values"]
    assert v["b24_lo"] == pytest.approx(100 * ((115 / 50) ** 0.5 - 1), abs=0.05)
    assert v["b24_hi"] == pytest.approx(100 * ((130 / 45) ** 0.5 - 1), abs=0.05)
    assert "every base" not in r["explanation"] and "only just" in r["explanation"]


def test_ordinal_and_stated_with_unit():
    assert [ledger.ordinal(n) for n in (1, 2, 3, 10)] == ["first", "second", "third", "tenth"]
    assert ledger.ordinal(11) == "11th" and ledger.ordinal(22) == "22nd" and ledger.ordinal(13) == "13th"
    assert ledger.stated_with_unit("over 30", "pct") == "over 30%"
    assert ledger.stated_with_unit("254", "krw_trn") == "254 (trillions of Korean won)"
    assert ledger.stated_with_unit("2", "count") == "2" and ledger.stated_with_unit("7", "x") == "7"


def test_errors_frame_merges_entries_that_find_one_error():
    base = {"stated": "60", "unit": "pct", "outlet": "o", "explanation": "e.", "variants": [], "verdict": fc.OVERSTATED,
            "recomputed": 50.0, "trivial": False}
    df = pd.DataFrame([
        {**base, "check": "A two ways (1)", "classification": fc.ARTICLE_ERROR, "error_key": "k"},
        {**base, "check": "A two ways (2)", "classification": fc.ARTICLE_ERROR, "error_key": "k"},
        {**base, "check": "B", "classification": fc.ARTICLE_ERROR, "error_key": "b"},
        {**base, "check": "C", "classification": fc.DEPENDS, "error_key": "c",
         "variants": [{"label": "other", "decides": True, "value": "61%", "verdict": fc.CONSISTENT}]},
    ])
    errs = ledger.errors_frame(df)
    assert list(errs["Check(s)"]) == ["A two ways (1); A two ways (2)", "B"] and errs.loc[0, "Stated"] == "60%"
    dep = ledger.depends_frame(df)
    assert list(dep["Check"]) == ["C"] and dep.loc[0, "Main choice"] == "50% (overstated)"
    assert dep.loc[0, "Across the plausible choices"] == "other: 61% (consistent)"


def test_export_forecast_growth_on_a_later_base_is_a_disagreement_between_sources():
    e = ledger.entry("exports-2026-growth")
    get = fake_lookup({"exports.korea.semis.2026": 110.0, "exports.korea.semis.growth.2026": 10.0})
    lc = pd.DataFrame([{"item": "Korea semiconductor exports", "period": "2025", "value": "105"}])
    r = ledger.evaluate(e, get, DEFAULTS, reference_of({"ledger_checks": lc}))
    # 110 / 105 = +4.76% against the stated 10%: compared as rates 10 / 4.76 - 1 = +110% (as growth factors only
    # 1.10 / 1.0476 - 1 = +5.0%); the forecaster's base was 110 / 1.10 = 100 -> sources disagree, not rounding
    assert r["recomputed"] == pytest.approx(100 * (110 / 105 - 1))
    assert r["values"]["base"] == pytest.approx(100.0) and r["values"]["fgap"] == pytest.approx(100 * (1.10 / (110 / 105) - 1))
    assert r["verdict"] == fc.OVERSTATED and r["classification"] == fc.SOURCES_DISAGREE


def test_even_as_high_as_is_shown_under_both_readings():
    e = ledger.entry("cowos-2026-even-as-high")
    def get_for(some):
        return fake_lookup({"pkg.cowos.tsmc.capacity.2026.some": some, "pkg.cowos.tsmc.capacity.2026.plan": (122.5, 115.0, 130.0)})
    # 127 inside 115-130: beyond the plan? no (contradiction); above its 122.5 midpoint? yes -> depends on the reading
    r = ledger.evaluate(e, get_for(127.0), DEFAULTS, no_reference)
    assert r["verdict"] == fc.INCONSISTENT and r["variants"][0]["verdict"] == fc.CONSISTENT
    assert r["classification"] == fc.DEPENDS
    # 120, below the midpoint: 'even as high as' fails on both readings -> an article error
    assert ledger.evaluate(e, get_for(120.0), DEFAULTS, no_reference)["classification"] == fc.ARTICLE_ERROR
    # 135, beyond the plan: holds on both
    assert ledger.evaluate(e, get_for(135.0), DEFAULTS, no_reference)["classification"] == fc.HOLDS


def test_samsung_gain_is_settled_by_the_exchange_count():
    e = ledger.entry("samsung-price-2025")
    get = fake_lookup({"samsung.share_price.change.2025": (100.0, 100.0, math.nan)})
    lc = pd.DataFrame([{"item": "Samsung Electronics share price gain (KRX count)", "period": "2025", "value": "124.5-125.3"}])
    r = ledger.evaluate(e, get, DEFAULTS, reference_of({"ledger_checks": lc}))
    assert r["classification"] == fc.HOLDS and r["recomputed_low"] == pytest.approx(124.5)
    lc.loc[0, "value"] = "80"   # 'over 100%' against +80%: 2.00 / 1.80 - 1 = 11% -> overstated, the article's error
    assert ledger.evaluate(e, get, DEFAULTS, reference_of({"ledger_checks": lc}))["classification"] == fc.ARTICLE_ERROR

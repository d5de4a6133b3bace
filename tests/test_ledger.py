"""Tests for supercycle.ledger (the fact-check entries) and the glossary's Chinese terms."""
import math
import re
from types import SimpleNamespace

import pandas as pd
import pytest

from supercycle import ROOT, data, ledger
from supercycle.chapter_params.fact_check import PARAMS
from supercycle.models import fact_check as fc
from supercycle.params import defaults

SEED = ROOT.parent / "shared" / "seeds" / "000_2f3a88b6c6dd3952.txt"
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


def test_entries_name_existing_claims():
    claims = data.claims()
    for e in ledger.ENTRIES:
        for cid in e.inputs + ((e.stated,) if e.stated else ()):
            assert cid in claims, f"{e.id}: no claim {cid}"


def test_declared_inputs_are_exactly_what_the_relation_reads():
    for e in ledger.ENTRIES:
        x = ledger.Context(data.claim, DEFAULTS, data.reference)
        e.relation(x)
        if e.extra:
            e.extra(x)
        declared = set(e.inputs) | ({e.stated} if e.stated else set())
        read = set(x.used) | ({e.stated} if e.stated else set())
        assert read == declared, f"{e.id}: reads {sorted(read - declared)}, declares unused {sorted(declared - read)}"
        assert set(x.refs_used) <= set(e.references) | {"accelerators"}, e.id


def test_wording_quotes_are_verbatim_in_their_article():
    lines = seed_text().splitlines()
    srcs = data.sources()
    for e in ledger.ENTRIES:
        if not e.quote:
            continue
        judged = e.stated or e.inputs[0]
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
    # 50% share: bound 1 / 0.5 = 2; a stated 3 exceeds it by 50%: overstated for the whole
    # (the claim is worded as the bottleneck's speed-up, so not impossible)
    assert r["recomputed"] == pytest.approx(2.0) and r["verdict"] == fc.OVERSTATED
    get = fake_lookup({"streamdq.dequant.share_of_inference_time": (90.0, math.nan, 90.0),
                       "streamdq.speedup.bottleneck": 3.0})
    assert ledger.evaluate(e, get, DEFAULTS, no_reference)["verdict"] == fc.CONSISTENT  # bound 10


def test_currency_entry_uses_the_rate_parameter():
    e = ledger.entry("fx-exports-krw")
    get = fake_lookup({"exports.korea.semis.2026": 100.0, "exports.korea.semis.2026.krw": 130.0})
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
         "explanation": "e.", "quote": "q", "source_id": "s", "outlet": "o", "claims_used": "c1, c2"},
        {"id": "b", "category": "growth rate", "check": "B", "stated_id": "y", "stated": "30", "recomputed": math.nan,
         "recomputed_low": math.nan, "recomputed_high": math.nan, "unit": "pct", "gap_pct": math.nan,
         "verdict": fc.UNCHECKABLE, "explanation": "e.", "quote": "", "source_id": "s", "outlet": "o",
         "claims_used": "c3"},
    ])
    out = ledger.display_frame(df, "growth rate")
    assert out.loc[0, "Recomputed"] == "7x (5.75x to 8.5x)"
    assert out.loc[0, "Quote (source)"] == "“q” (o; s)"
    assert out.loc[1, "Quote (source)"] == "(o; s)" and out.loc[0, "Claims used"] == "c1, c2"
    assert out.loc[1, "Recomputed"] == "–" and out.loc[1, "Stated"] == "30%"
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

def test_defaults_that_are_data_equal_the_data():
    p = {x.name: x for x in PARAMS}
    assert p["nand_demand_growth_2027_pct"].default == data.claim("nand.bit_supply_growth.2026").value
    fx = data.reference("fx_rates").set_index("currency")["per_usd"].astype(float)
    assert p["krw_per_usd"].default == fx["KRW"]
    assert p["cny_per_usd"].default == fx["CNY"]
    assert p["twd_per_usd"].default == fx["TWD"]
    # the default GPU is the one SanDisk compares its 4 TB with ("compared with 192 GB of HBM")
    hbf = data.reference("hbf")
    note = hbf[hbf["item"].str.startswith("GPU capacity with 8 HBF stacks")].iloc[0]["note"]
    gb = float(re.search(r"(\d+) GB", note).group(1))
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

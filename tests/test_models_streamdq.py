"""Unit tests for supercycle.chapters.streamdq, with cases checkable by hand."""
import math

import numpy as np
import pytest

from supercycle import data
from supercycle.build.registry import chapter

PARAMS = chapter("streamdq").params
from supercycle.chapters import streamdq as sdq

# A toy decode whose arithmetic is easy: 1 billion weights, 1 TB/s, 4-bit with no group metadata.
# packed = 1e9 * 4 bits / 8 = 0.5 GB -> 0.5 ms at 1 TB/s; FP16 = 2 GB -> 2 ms.
# tensor: 2 FLOP x 1e9 x batch / 1000 TFLOP/s = 0.002 ms x batch.
# GPU dequant ALU: 1e9 x 2 ops / 10 TOPS = 0.2 ms. Base die: 1e9 / 10e12 per s = 0.1 ms.
TOY = sdq.Decode(n_b=1, weight_bits=4, group_size=128, group_meta_bits=0, ext_bw_tb_s=1,
                 int_bw_tb_s=1, tensor_tflops=1000, vector_tops=10, dq_ops_per_weight=2,
                 basedie_dq_tw_s=10, out_bits=16)


def test_bits_per_weight_includes_group_scale():
    # 4 bits + one 16-bit scale shared by 128 weights = 4 + 0.125
    assert sdq.bits_per_weight(4, 128, 16) == pytest.approx(4.125)
    assert sdq.bits_per_weight(3, 64, 32) == pytest.approx(3.5)
    with pytest.raises(ValueError):
        sdq.bits_per_weight(4, 0, 16)


def test_sizes_of_toy_model():
    assert sdq.packed_gb(TOY) == pytest.approx(0.5)
    assert sdq.fp16_gb(TOY) == pytest.approx(2.0)
    assert sdq.gpu_dq_ms(TOY) == pytest.approx(0.2)


def test_batch_one_all_cases_by_hand():
    t = sdq.step_times(TOY, [1])
    # (a) max(2 ms memory, 0.002 ms compute) = 2
    assert t["fp16"][0] == pytest.approx(2.0)
    assert t["fp16_dq"][0] == 0
    # (b) pass = max((0.5 + 2) GB / 1 TB/s, 0.2 ms ALU) = 2.5; plus the FP16 GEMM 2 -> 4.5
    assert t["separate"][0] == pytest.approx(4.5)
    assert t["separate_dq"][0] == pytest.approx(2.5)
    # (c) max(0.5 ms packed stream, 0.002 + 0.2 ms ALU) = 0.5; dequant fully hidden
    assert t["fused"][0] == pytest.approx(0.5)
    assert t["fused_dq"][0] == pytest.approx(0.0)
    # (d) stages: internal 0.5, base die 0.1, external 1e9 x 16 bits / 8 / 1 TB/s = 2 ms, GPU 0.002
    #     -> 2 ms: no faster than FP16, because FP16 values cross the external link
    assert t["basedie"][0] == pytest.approx(2.0)
    assert t["basedie_dq"][0] == pytest.approx(0.0)


def test_large_batch_compute_bound_by_hand():
    t = sdq.step_times(TOY, [1000])
    # tensor = 0.002 x 1000 = 2 ms
    assert t["fp16"][0] == pytest.approx(2.0)
    # (c) max(0.5, 2 + 0.2) = 2.2, of which 0.2 is exposed dequantization
    assert t["fused"][0] == pytest.approx(2.2)
    assert t["fused_dq"][0] == pytest.approx(0.2)
    # (b) 2.5 + max(2, 2) = 4.5
    assert t["separate"][0] == pytest.approx(4.5)


def test_wider_external_link_lets_basedie_match_fused():
    # external 4 TB/s, internal 1 TB/s. The conventional cases still get data at min(1, 4) = 1 TB/s:
    # fused = 0.5 GB / 1 = 0.5 ms, FP16 = 2 ms. Base die: internal 0.5 ms, external 2 GB / 4 = 0.5 ms.
    m = sdq.Decode(**{**TOY.__dict__, "ext_bw_tb_s": 4, "int_bw_tb_s": 1})
    t = sdq.step_times(m, [1])
    assert t["fused"][0] == pytest.approx(0.5)
    assert t["fp16"][0] == pytest.approx(2.0)
    assert t["basedie"][0] == pytest.approx(0.5)
    # parity external bandwidth: 1 TB/s internal x 16 / 4 bits = 4 TB/s
    assert sdq.ext_bw_for_parity(TOY) == pytest.approx(4.0)
    # with group metadata (4.125 bits): 1 x 16 / 4.125 = 3.879
    assert sdq.ext_bw_for_parity(sdq.Decode(**{**TOY.__dict__, "group_meta_bits": 16})) == pytest.approx(3.8788, rel=1e-4)


def test_slower_internal_path_limits_every_case():
    # internal 0.5 TB/s, external 1: FP16 2 GB / 0.5 = 4 ms; fused 0.5 / 0.5 = 1 ms; base die
    # max(internal 1 ms, external 2 ms) = 2 ms
    m = sdq.Decode(**{**TOY.__dict__, "int_bw_tb_s": 0.5})
    t = sdq.step_times(m, [1])
    assert t["fp16"][0] == pytest.approx(4.0)
    assert t["fused"][0] == pytest.approx(1.0)
    assert t["basedie"][0] == pytest.approx(2.0)


def test_slow_base_die_shows_as_exposed_dequantization():
    # base die at 0.25 T weights/s: 1e9 / 0.25e12 = 4 ms > external 2 ms -> 2 ms exposed
    m = sdq.Decode(**{**TOY.__dict__, "basedie_dq_tw_s": 0.25})
    t = sdq.step_times(m, [1])
    assert t["basedie"][0] == pytest.approx(4.0)
    assert t["basedie_dq"][0] == pytest.approx(2.0)


def test_stage_times_and_crossover():
    s = sdq.stage_times(TOY)
    assert s["external transfer of dequantized values"] == pytest.approx(2.0)
    assert s["internal read of packed weights"] == pytest.approx(0.5)
    # fused stops being memory-bound when 0.002 b + 0.2 = 0.5 -> b = 150
    assert sdq.crossover_batch(TOY) == pytest.approx(150)


def test_sweep_shares_and_throughput():
    df = sdq.sweep(TOY, [1, 1000])
    row = df[(df.batch == 1) & (df.case == "separate")].iloc[0]
    assert row.dq_share == pytest.approx(2.5 / 4.5)
    # 1 token per 4.5 ms = 222.2 tokens/s
    assert row.tokens_per_s == pytest.approx(1000 / 4.5)
    assert set(df.case) == set(sdq.CASES)
    assert ((df.dq_share >= 0) & (df.dq_share <= 1)).all()


def test_dq_ops_for_share_by_hand():
    # 80% share: the pass must last 0.8/0.2 x 2 ms GEMM = 8 ms; 8 ms x 10 TOPS / 1e9 weights = 80 ops
    assert sdq.dq_ops_for_share(TOY, 0.8) == pytest.approx(80)
    # check by running the model with 80 ops: pass = max(2.5, 1e9 x 80 / 10e12 s = 8) = 8 of 10 ms
    m = sdq.Decode(**{**TOY.__dict__, "dq_ops_per_weight": 80})
    t = sdq.step_times(m, [1])
    assert t["separate_dq"][0] / t["separate"][0] == pytest.approx(0.8)
    # 50% would need a 2 ms pass, but the memory traffic alone takes 2.5 ms: not attainable
    assert math.isnan(sdq.dq_ops_for_share(TOY, 0.5))
    with pytest.raises(ValueError):
        sdq.dq_ops_for_share(TOY, 1.0)


def test_batch_must_be_positive():
    with pytest.raises(ValueError):
        sdq.step_times(TOY, [0])


# --- Amdahl -----------------------------------------------------------------------------------

def test_amdahl_by_hand():
    # f = 0.8 removed entirely: 1 / 0.2 = 5
    assert sdq.amdahl_bound(0.8) == pytest.approx(5.0)
    # f = 0.8 sped up 7x: 1 / (0.2 + 0.8/7) = 1 / 0.3142857 = 3.1818
    assert sdq.amdahl(0.8, 7) == pytest.approx(3.181818, rel=1e-6)
    # nothing sped up: 1; everything sped up 7x: 7
    assert sdq.amdahl(0.0, 7) == pytest.approx(1.0)
    assert sdq.amdahl(1.0, 7) == pytest.approx(7.0)
    np.testing.assert_allclose(sdq.amdahl(np.array([0.5, 0.75]), math.inf), [2.0, 4.0])
    with pytest.raises(ValueError):
        sdq.amdahl(1.2, 2)


def test_share_required_by_hand():
    # 7x overall with the part removed: f = 1 - 1/7 = 6/7 = 0.857
    assert sdq.share_required(7) == pytest.approx(6 / 7)
    # 2x overall with the part sped up 4x: (1 - 1/2) / (1 - 1/4) = 2/3; check: 1/(1/3 + 2/3/4) = 2
    assert sdq.share_required(2, 4) == pytest.approx(2 / 3)
    assert sdq.amdahl(2 / 3, 4) == pytest.approx(2.0)
    # 7x overall from a 7x local speed-up needs f = 1; more is impossible
    assert sdq.share_required(7, 7) == pytest.approx(1.0)
    assert math.isnan(sdq.share_required(8, 7))


def test_readings_of_the_article():
    r = sdq.readings(0.8, 7)
    assert r[0]["consistent"] is False          # 7x end to end > 5x bound
    assert r[0]["share_needed"] == pytest.approx(6 / 7)
    assert r[1]["overall_speedup"] == pytest.approx(3.181818, rel=1e-6)
    assert r[2]["overall_speedup"] == pytest.approx(5.0)
    # at f = 0.9 the bound is 10x, so the end-to-end reading would be allowed
    assert sdq.readings(0.9, 7)[0]["consistent"] is True


# --- defaults agree with the data -------------------------------------------------------------

def _p(name):
    return next(p for p in PARAMS if p.name == name)


def test_article_claims_are_as_the_model_reads_them():
    share = data.claim("streamdq.dequant.share_of_inference_time")
    assert share.unit == "pct" and share.high == 80 and math.isnan(share.low)
    speed = data.claim("streamdq.speedup.bottleneck")
    assert speed.unit == "x" and speed.value == 7


def test_default_model_matches_marlin_ideal_at_batch_one():
    # FP16 / packed bytes = 16 / 4.125 = 3.879; Marlin reports 3.87x at small batch
    defaults = {p.name: p.default for p in PARAMS}
    m = sdq.Decode(n_b=defaults["model_params_b"], ext_bw_tb_s=defaults["hbm_bandwidth_tb_s"],
                   tensor_tflops=defaults["tensor_tflops"], vector_tops=defaults["vector_tops"],
                   dq_ops_per_weight=defaults["dq_ops_per_weight"])
    t = sdq.step_times(m, [1])
    assert t["fp16"][0] / t["fused"][0] == pytest.approx(16 / 4.125)


def test_literature_table_rows():
    import pandas as pd
    kernels = pd.DataFrame([
        {"work": "Marlin", "claim": "speed-up over FP16 GEMM", "value": "3.87", "unit": "x", "condition": "", "source": "s"},
        {"work": "Marlin", "claim": "end-to-end speed-up in vLLM", "value": "2.8", "unit": "x", "condition": "", "source": "s"},
        {"work": "X", "claim": "share of runtime spent on dequantization", "value": "20-90", "unit": "%", "condition": "", "source": "s"},
        {"work": "Y", "claim": "dequantization share of kernel energy", "value": "30-45", "unit": "%", "condition": "", "source": "s"},
    ])
    t = sdq.literature_table(kernels, TOY, small_batch=16, batches=(1, 1000))
    # TOY fused vs FP16 at batch 1: 2 / 0.5 = 4.00x
    assert "4.00x at batch 1" in t.model[0]
    # 2.8x overall from a 3.87x kernel: f = (1 - 1/2.8) / (1 - 1/3.87) = 0.6429 / 0.7416 = 0.867 -> 87%
    assert "87%" in t.model[1]
    # separate-pass share: 2.5/4.5 = 56% at both batch 1 and 1000 (GEMM 2 ms either way)
    assert t.model[2].startswith("56% (separate pass, batch 1–1000)")
    assert t.model[3] == "not modelled"


def test_verdict_on_the_articles_framing_by_hand():
    v = sdq.verdict(0.8, 7)
    # 1 / (0.2 + 0.8/7) = 1 / 0.3142857 = 3.1818
    assert v["end_to_end_at_share"] == pytest.approx(3.1818, abs=1e-4)
    assert v["amdahl_bound"] == pytest.approx(5.0)
    assert v["consistent_with_text"] is True
    assert v["end_to_end_reading_exceeds_bound"] is True
    assert v["share_needed_end_to_end"] == pytest.approx(6 / 7)  # 1 - 1/7
    # a 4x claim would sit inside the 5x bound
    assert sdq.verdict(0.8, 4)["end_to_end_reading_exceeds_bound"] is False


def test_article_context_quotes_are_verbatim_from_their_article():
    """data/article_context.csv (quotes without figures, used by chapters 3 and 5): each quote is a
    verbatim substring of its article's body line in the seed (article k is on line 2k+1)."""
    import csv
    import os
    from pathlib import Path
    from supercycle import ROOT
    from supercycle.prose import SEED_PATH as seed
    if not seed.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{seed} is missing")
        pytest.skip("seed not available")
    lines = seed.read_text(encoding="utf-8").splitlines()
    order = {r["id"]: int(r["order"]) for r in csv.DictReader(open(ROOT / "data" / "sources.csv", encoding="utf-8"))}
    rows = list(csv.DictReader(open(ROOT / "data" / "article_context.csv", encoding="utf-8")))
    assert rows and len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        body = lines[2 * order[r["source_id"]]]  # 0-based index of line 2k+1
        assert r["quote"] and r["quote"] in body, f"{r['id']}: not verbatim in {r['source_id']}"


def test_bei_read_as_raised_by_seven_times():
    # 提升7倍 read as "raised by 7 times" = 8 times as fast: 1 / (0.2 + 0.8/8) = 1 / 0.3 = 3.333
    assert sdq.amdahl(0.8, 8) == pytest.approx(10 / 3)
    # end to end it needs f = 1 - 1/8 = 87.5%
    assert sdq.share_required(8) == pytest.approx(0.875)
    # reading (A) is an upper bound: a smaller share gives less, 1 / (0.5 + 0.5/7) = 1.75
    assert sdq.amdahl(0.5, 7) == pytest.approx(1.75)
    assert sdq.amdahl(0.5, 7) < sdq.amdahl(0.8, 7)


def test_native_low_precision_tensor_cores_remove_the_fused_dequant_cost():
    # no ALU dequantization: at a compute-bound batch the fused case loses its dequantization part
    native = sdq.Decode(**{**TOY.__dict__, "dq_ops_per_weight": 0.0})
    t = sdq.step_times(native, [1, 1000])
    assert t["fused_dq"][0] == 0 and t["fused_dq"][1] == 0
    assert t["fused"][1] <= sdq.step_times(TOY, [1000])["fused"][0]

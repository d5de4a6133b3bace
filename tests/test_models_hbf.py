"""Unit tests for the HBF chapter's models (supercycle/chapters/hbf.py) and its parameter defaults.

Every expected value is worked out by hand in the comment beside it. Footprints: GB = 1e9 bytes;
capacities: 1 TB = 1,024 GB, as memory makers count (4 TB = 4,096 GB).
"""
import math
import re

import pytest

from supercycle import data
from supercycle.chapters import hbf as CP
from supercycle.chapters import hbf as H
from supercycle.build.params import defaults


# --- footprint ------------------------------------------------------------------------------

def test_weights_are_params_times_bits():
    # 70e9 parameters x 16 bits / 8 = 140e9 bytes = 140 GB
    assert H.weights_gb(70, 16) == pytest.approx(140.0)
    # 8e9 x 4 bits / 8 = 4e9 bytes = 4 GB
    assert H.weights_gb(8, 4) == pytest.approx(4.0)
    # 405e9 x 8 bits / 8 = 405 GB
    assert H.weights_gb(405, 8) == pytest.approx(405.0)


def test_kv_cache_per_token_and_total():
    # Llama-3.1-70B shape: K and V x 80 layers x 8 KV heads x 128 dims x 2 bytes = 327,680 bytes per token
    assert H.kv_bytes_per_token(80, 8, 128, 16) == 327_680
    # 1,000 tokens x 10 sequences x 327,680 B = 3.2768e9 B = 3.2768 GB
    assert H.kv_cache_gb(80, 8, 128, context=1000, batch=10, bits=16) == pytest.approx(3.2768)
    # 8-bit KV halves it: 1.6384 GB
    assert H.kv_cache_gb(80, 8, 128, context=1000, batch=10, bits=8) == pytest.approx(1.6384)
    # latent attention (one joint tensor): 61 layers x 1 x 576 x 2 bytes = 70,272 bytes per token
    assert H.kv_bytes_per_token(61, 1, 576, 16, kv_tensors=1) == 70_272


def test_activations_and_total_footprint():
    # 1,000 tokens x 8,192 hidden x 20 vectors x 2 bytes = 327,680,000 B = 0.32768 GB
    assert H.activations_gb(8192, 1000, 16, 20) == pytest.approx(0.32768)
    shape = H.Shape("t", 70, 70, 80, 8192, 64, 128, 8, 128, 2)
    fp = H.footprint(shape, context=1000, batch=10, weight_bits=16, kv_bits=16, act_tokens=1000, act_bits=16, act_factor=20)
    # 140 + 3.2768 + 0.32768 = 143.60448 GB
    assert fp["weights_gb"] == pytest.approx(140.0)
    assert fp["kv_gb"] == pytest.approx(3.2768)
    assert fp["total_gb"] == pytest.approx(143.60448)


def test_capacity_tiers_and_fit():
    tiers = H.capacity_tiers(192, 8, 16, 4096)
    # 192; 192 x (1 + 8) = 1,728; 192 x (1 + 16) = 3,264; 192 + 4,096 = 4,288 (ascending)
    assert list(tiers.values()) == pytest.approx([192, 1728, 3264, 4288])
    assert list(tiers)[0] == "HBM only"
    assert H.smallest_fit(192, tiers) == "HBM only"          # exactly full still fits
    assert H.smallest_fit(193, tiers) == "HBM + HBF at 8x"
    assert H.smallest_fit(2000, tiers) == "HBM + HBF at 16x"  # 1,728 < 2,000 <= 3,264
    assert H.smallest_fit(4000, tiers) == "HBM + HBF of 4,096 GB"
    assert H.smallest_fit(5000, tiers) == "does not fit"


def test_max_batch():
    shape = H.Shape("t", 70, 70, 80, 8192, 64, 128, 8, 128, 2)
    # (192 - 140) GB / 0.32768 GB per 1,000-token sequence = 158.7 -> 158 sequences
    assert H.max_batch(shape, 192, 1000, 16, 16, act_tokens=0) == 158
    # the weights alone (140 GB) do not fit in 80 GB -> 0
    assert H.max_batch(shape, 80, 1000, 16, 16, act_tokens=0) == 0


# --- placement and decode time ----------------------------------------------------------------

HBM = H.Tier("HBM", 100, 1.0, 1.0)       # 100 GB, 1 TB/s, 1 us
HBF = H.Tier("HBF", 1000, 1.0, 100.0)    # 1,000 GB, 1 TB/s, 100 us
HOST = H.Tier("host", 1e9, 0.01, 10.0)   # 10 GB/s, 10 us


def test_placement_policies_spill_in_order():
    w = H.place(150, 50, 0, HBM, HBF, "hbm_only")
    # HBM holds 100 of the 150 GB of weights; the other 50 and all 50 GB of KV go to the host
    assert (w["hbm"]["weights"], w["host"]["weights"], w["host"]["kv"], w["hbf"]["weights"]) == (100, 50, 50, 0)
    w = H.place(150, 50, 0, HBM, HBF, "weights_in_hbf")
    assert (w["hbf"]["weights"], w["hbm"]["kv"], w["host"]["kv"]) == (150, 50, 0)
    w = H.place(150, 50, 0, HBM, HBF, "kv_in_hbf")
    # weights fill HBM (100) and spill 50 to HBF; KV goes to HBF
    assert (w["hbm"]["weights"], w["hbf"]["weights"], w["hbf"]["kv"]) == (100, 50, 50)
    # activations take HBM first: 30 GB of activations leave 70 GB for weights
    w = H.place(150, 0, 30, HBM, HBF, "hbm_only")
    assert (w["hbm"]["weights"], w["host"]["weights"]) == (70, 80)
    with pytest.raises(ValueError):
        H.place(1, 1, 0, HBM, HBF, "everything_in_flash")


def test_moe_read_fraction():
    assert H.moe_read_fraction(70, 70, 8) == 1.0                  # dense reads everything
    assert H.moe_read_fraction(25, 100, 1) == pytest.approx(0.25)  # batch 1 reads the active share
    # two sequences, each touching 25% independently: 1 - 0.75^2 = 0.4375
    assert H.moe_read_fraction(25, 100, 2) == pytest.approx(0.4375)


# A small dense model: 1e9 params (2 GB at 16 bits), 10 layers, KV 2 x 10 x 1 x 100 x 2 B = 4,000 B per token.
SMALL = H.Shape("small", 1, 1, 10, 100, 1, 100, 1, 100, 2)


def _step(policy, context=0, hbm=HBM, **kw):
    args = dict(act_tokens=0, tflops=1000, utilization=1.0, dependent_reads_per_layer=1)
    args.update(kw)
    return H.step_time_ms(SMALL, context, 1, 16, 16, hbm, HBF, HOST, policy, **args)


def test_decode_time_from_hbm_by_hand():
    r = _step("hbm_only")
    # 2 GB / 1 TB/s = 2 ms, plus 10 layers x 1 read x 1 us = 0.01 ms -> 2.01 ms
    assert r["ms"] == pytest.approx(2.01)
    # one token per 2.01 ms = 497.5 tokens/s
    assert r["tokens_per_s"] == pytest.approx(1000 / 2.01)
    # compute: 2 x 1e9 FLOPs / 1e15 FLOP/s = 0.002 ms, well below the memory time
    assert r["compute_ms"] == pytest.approx(0.002)


def test_hbf_hurts_latency_bound_work():
    r = _step("weights_in_hbf")
    # same bandwidth (2 ms) but 10 layers x 100 us = 1 ms of latency -> 3 ms, slower than 2.01 ms
    assert r["ms"] == pytest.approx(3.0)
    assert r["ms"] > _step("hbm_only")["ms"]
    # with no dependent reads, latency is hidden: both take 2 ms
    assert _step("weights_in_hbf", dependent_reads_per_layer=0)["ms"] == pytest.approx(2.0)


def test_hbf_helps_capacity_bound_work():
    small_hbm = H.Tier("HBM", 1.0, 1.0, 1.0)  # 1 GB: half the weights spill
    r = _step("hbm_only", hbm=small_hbm)
    # host: 1 GB / 0.01 TB/s = 100 ms + 10 x 10 us = 0.1 ms -> 100.1 ms (HBM's 1.01 ms overlaps)
    assert r["ms"] == pytest.approx(100.1)
    assert r["spilled_to_host_gb"] == pytest.approx(1.0)
    f = _step("weights_in_hbf", hbm=small_hbm)
    # all 2 GB of weights from HBF: 2 ms + 1 ms latency = 3 ms, 33x faster
    assert f["ms"] == pytest.approx(3.0)


def test_tiers_concurrent_or_sequential():
    # 500,000 tokens x 4,000 B = 2 GB of KV, in HBF: HBF 2 + 1 = 3 ms, HBM (weights) 2 + 0.01 = 2.01 ms
    conc = _step("kv_in_hbf", context=500_000, tflops=1e6)
    seq = _step("kv_in_hbf", context=500_000, tflops=1e6, concurrent=False)
    assert conc["ms"] == pytest.approx(3.0)
    assert seq["ms"] == pytest.approx(5.01)


def test_compute_floor():
    # 2e9 FLOPs at 1e9 FLOP/s (0.001 TFLOPS) = 2,000 ms, above the 2.01 ms of memory time
    r = _step("hbm_only", tflops=0.001)
    assert r["ms"] == pytest.approx(2000.0)


# --- market -----------------------------------------------------------------------------------

def test_market_growth_and_crossover_by_hand():
    assert H.market_size(100, 2025, 10, 2027) == pytest.approx(121.0)   # 100 x 1.1^2
    # HBM flat at 100; HBF from 1 in 2028 must reach 100 by 2030: (100/1)^(1/2) - 1 = 9 = 900%
    assert H.required_cagr_pct(100, 2025, 0, 1, 2028, 2030) == pytest.approx(900.0)
    # HBM 100 growing 10% to 121 in 2027; HBF 1.21 in 2025: (121/1.21)^(1/2) - 1 = 900%
    assert H.required_cagr_pct(100, 2025, 10, 1.21, 2025, 2027) == pytest.approx(900.0)
    # HBF from 1 in 2020 at 900% (x10 a year) meets a flat 100 in 2022
    assert H.crossover_year(100, 2020, 0, 1, 2020, 900) == pytest.approx(2022.0)
    assert H.crossover_year(100, 2020, 20, 1, 2020, 10) == math.inf   # slower never catches up
    with pytest.raises(ValueError):
        H.required_cagr_pct(100, 2025, 0, 1, 2030, 2030)


# --- periods and capacity checks ----------------------------------------------------------------



def test_capacity_checks_by_hand():
    chk = H.capacity_checks(8, 16, 4, 4096, 192, 8, 512, 16, {"HBM4": 64, "HBM3": 24}, {"X": 288}).set_index("check")
    ok = chk["consistent"]
    assert chk.loc["GPU HBF capacity = stacks x capacity per stack", "computed"] == 4096   # 8 x 512
    # 4096 / 192 = 21.33x: outside 8-16x
    assert chk.loc["GPU multiple: HBF per GPU / the reference's HBM per GPU", "computed"] == pytest.approx(21.333, rel=1e-4)
    assert not ok["GPU multiple: HBF per GPU / the reference's HBM per GPU"]
    # 4 TB = 4 x 1,024 = 4,096 GB: exactly the reference's 8 x 512 GB
    assert chk.loc["4 TB per GPU (article) against the reference's GPU figure", "computed"] == 4096
    assert ok["4 TB per GPU (article) against the reference's GPU figure"]
    # a 3 TB claim (3,072 GB) is 25% short of 4,096 GB: outside the 5% rounding allowance
    assert not H.capacity_checks(8, 16, 3, 4096, 192, 8, 512, 16, {}, {}).set_index("check")["consistent"][
        "4 TB per GPU (article) against the reference's GPU figure"]
    # 512 GB / 16 dies = 32 GB = 256 Gb per die
    assert chk.loc["die capacity implied by a 16-layer stack", "computed"] == 256
    assert ok["stack multiple: one HBF stack / one HBM4 stack"]          # 512 / 64 = 8x
    assert not ok["stack multiple: one HBF stack / one HBM3 stack"]      # 512 / 24 = 21.3x
    assert ok["GPU multiple: 8 HBF stacks / X HBM"]                      # 4096 / 288 = 14.2x
    assert H.hbm_needed_for_multiple(4096, 16) == 256


# --- reference data and the parameter defaults that come from it ----------------------------------

@pytest.fixture(scope="module")
def shapes():
    return H.numeric_shapes(data.reference("model_shapes"))


def test_model_shapes_table(shapes):
    assert set(shapes["source_kind"]) == {"primary"}
    assert tuple(shapes["model"]) == CP.MODELS
    by = H.shapes_by_name(data.reference("model_shapes"))
    # Llama-3.1-70B from the table: 70.6e9 x 2 bytes = 141.2 GB of weights at 16 bits
    assert H.weights_gb(by["Llama-3.1-70B"].total_params_bn, 16) == pytest.approx(141.2)
    # its KV: 2 x 80 x 8 x 128 x 2 B = 327,680 B per token
    s = by["Llama-3.1-70B"]
    assert H.kv_bytes_per_token(s.layers, s.kv_heads, s.kv_head_dim, 16, s.kv_tensors) == 327_680
    for r in by.values():
        assert r.active_params_bn <= r.total_params_bn


def _ref(name, item):
    return data.reference(name).set_index("item").loc[item]


def test_the_data_behind_the_defaults_agrees():
    d = defaults("hbf")
    # the claim the multiples are read from agrees with the reference table's two rows
    m = data.claim("hbf.capacity.multiple_vs_hbm")
    assert m.low == float(_ref("hbf", "capacity multiple vs HBM (low)")["value"])
    assert m.high == float(_ref("hbf", "capacity multiple vs HBM (high)")["value"])
    # the row names the stack count, and its GB figure is that many stacks of the per-stack capacity
    [gpu_item] = [i for i in data.reference("hbf")["item"] if re.fullmatch(r"GPU capacity with \d+ HBF stacks", i)]
    assert d["hbf_stacks"] == int(re.search(r"(\d+) HBF stacks", gpu_item).group(1))
    # the HBM the reference compares with (192 GB) is the default accelerator's
    compared = float(_ref("hbf", "GPU capacity with 8 HBF stacks")["compared_hbm_gb"])
    acc = data.reference("accelerators").set_index("part")
    assert float(acc.loc[d["accelerator"], "hbm_capacity_gb"]) == compared
    assert data.claim("hbf.hbf1.layers").value == float(_ref("hbf", "core dies per stack (gen 1)")["value"])


def test_defaults_follow_the_data_they_are_read_from(monkeypatch):
    """Moving a figure in data/ moves the default worked out from it (no copy to keep in step)."""
    claims = data.claims().frame.copy()
    claims.loc[claims["id"] == "llm.context.length", "value"] = 256.0
    claims.loc[claims["id"] == "hbf.capacity.multiple_vs_hbm", "value"] = 10.0
    moved = {"hbf": ("capacity per stack (gen 1)", "value", "1024"),
             "hbf_alternatives": ("Grace LPDDR5X per Grace CPU (GB200)", "value", "960"),
             "market_crosschecks": ("HBM market size (TrendForce)", "period", "2026")}
    real = data.reference

    def reference(name):
        frame = real(name)
        if name in moved:
            item, column, value = moved[name]
            frame = frame.copy()
            frame.loc[frame["item"] == item, column] = value
        return frame
    monkeypatch.setattr(data, "claims", lambda: type("C", (), {"frame": claims})())
    monkeypatch.setattr(data, "reference", reference)
    d = defaults("hbf")
    assert d["context_tokens"] == 256 * 1024 == 262_144   # "256K" tokens
    assert d["hbf_capacity_per_cost"] == 10.0
    assert d["hbf_stacks"] == 4                           # 4,096 GB per GPU / 1,024 GB a stack
    assert d["grace_gb_per_gpu"] == 480.0                 # 960 GB per Grace CPU, two GPUs
    assert d["hbm_market_start_year"] == 2026


def test_accelerator_choices_have_the_figures_the_model_needs():
    acc = data.reference("accelerators").set_index("part")
    for part in CP.ACCELERATORS:
        for col in ("hbm_capacity_gb", "bandwidth_tb_s", "bf16_dense_tflops"):
            assert float(acc.loc[part, col]) > 0, (part, col)


# --- per-baseline multiples and the strongest alternative ------------------------------------

def test_multiple_by_baseline_by_hand():
    m = H.multiple_by_baseline(4096, {"B200": 192, "B300": 288, "MI455X": 432})
    assert m["B200"] == pytest.approx(21.333, abs=1e-3)   # 4096 / 192
    assert m["B300"] == pytest.approx(14.222, abs=1e-3)   # 4096 / 288: inside 8-16
    assert m["MI455X"] == pytest.approx(9.481, abs=1e-3)  # 4096 / 432
    t = H.multiple_by_baseline(4000, {"B200": 200}, total_reading=True)
    assert t["B200"] == pytest.approx(19.0)               # (4000 - 200) / 200
    # 4 TB read as the GPU's total at 1,024 GB per TB: (4 x 1,024 - 192) / 192 = 3,904 / 192 = 20.33x
    assert H.GB_PER_TB == 1024
    t = H.multiple_by_baseline(4 * H.GB_PER_TB, {"B200": 192}, total_reading=True)
    assert t["B200"] == pytest.approx(20.333, abs=1e-3)


def _opts():
    hbm = H.Option("HBM only", 192, 8, 0, 1, 30_000)
    hbf = H.Option("HBM + HBF", 192, 8, 4096, 8, 34_000)
    return hbm, hbf


def test_read_ms_by_hand():
    hbm, hbf = _opts()
    assert H.read_ms(hbm, 192, 1.0) == pytest.approx(24.0)        # 192 GB / 8 TB/s
    # 4288 GB held: 192 in HBM (24 ms), 4096 in HBF (512 ms), read concurrently -> 512 ms
    assert H.read_ms(hbf, 4288, 1.0) == pytest.approx(512.0)
    assert H.read_ms(hbf, 4288, 0.1) == pytest.approx(51.2)
    with pytest.raises(ValueError):
        H.read_ms(hbm, 200, 1.0)
    # the split follows the bandwidths: 100 GB over 3 TB/s (cap 100 GB) + 1 TB/s tiers ->
    # 75 GB fast, 25 GB slow, 25 ms each (filling the fast tier first would take 33.3 ms)
    two = H.Option("two", 100, 3, 1000, 1, 1)
    assert H.read_ms(two, 100, 1.0) == pytest.approx(25.0)
    # 200 GB: the ideal 150 GB fast is capped at 100 -> 100 GB slow at 1 TB/s = 100 ms
    assert H.read_ms(two, 200, 1.0) == pytest.approx(100.0)


def test_gpus_needed_capacity_then_bandwidth():
    hbm, hbf = _opts()
    # 4000 GB: HBM only needs ceil(4000/192) = 21 GPUs; each holds 190.5 GB -> 23.8 ms
    assert H.gpus_needed(hbm, 4000, 1.0, 1000) == 21
    # HBF: one GPU holds it; reading all of it takes (4000-192)/8 = 476 ms
    assert H.gpus_needed(hbf, 4000, 1.0, 1000) == 1
    # a 50 ms target: HBF GPUs must split the footprint until each reads its share in 50 ms:
    # n GPUs hold 4000/n each; HBF part (4000/n - 192)/8 <= 50 -> 4000/n <= 592 -> n = 7
    assert H.gpus_needed(hbf, 4000, 1.0, 50) == 7
    # reading 5% per step, HBF meets 50 ms on one GPU: 3808 x 0.05 / 8 = 23.8 ms
    assert H.gpus_needed(hbf, 4000, 0.05, 50) == 1
    # a 23.8 ms target: split half and half (8 + 8 TB/s), each GPU may hold 2 x 190.4 GB -> 11 GPUs
    assert H.gpus_needed(hbf, 4000, 1.0, 23.8) == 11


def test_compare_options_costs():
    hbm, hbf = _opts()
    df = H.compare_options([hbm, hbf], 4000, 1.0, 50).set_index("option")
    assert df.loc["HBM only", "gpus"] == 21 and df.loc["HBM only", "cost_usd"] == 21 * 30_000
    assert df.loc["HBM + HBF", "gpus"] == 7 and df.loc["HBM + HBF", "cost_usd"] == 7 * 34_000
    assert df.loc["HBM + HBF", "gpus_for_capacity"] == 1


def test_hbf_memory_usd_by_hand():
    assert H.hbf_memory_usd(4096, 12, 12) == pytest.approx(4096)
    assert H.hbf_memory_usd(4096, 8, 16, markup=2) == pytest.approx(4096)


def test_hbf_gpu_option_prices_the_swap_by_hand():
    # B200 at USD 35,000 gives up 96 GB of HBM at USD 12/GB for 2,048 GB of HBF at 12x capacity per dollar:
    # 35,000 + 2,048 x 12 / 12 - 96 x 12 = 35,000 + 2,048 - 1,152 = 35,896
    o = H.hbf_gpu_option("swap", 96, 4, 2048, 4, 35_000, 12, 12, markup=1, hbm_removed_gb=96)
    assert o.usd_per_gpu == pytest.approx(35_896)
    assert o.capacity_gb == pytest.approx(96 + 2048)
    # at a markup of 5 both the HBF added and the HBM removed scale: 35,000 + 5 x (2,048 - 1,152) = 39,480
    assert H.hbf_gpu_option("swap", 96, 4, 2048, 4, 35_000, 12, 12, markup=5, hbm_removed_gb=96).usd_per_gpu == pytest.approx(39_480)
    with pytest.raises(ValueError):
        H.hbf_gpu_option("bad", 96, 4, 2048, 4, 35_000, 12, 12, hbm_removed_gb=-1)


def test_swapping_half_the_stacks_halves_the_bandwidth_advantage():
    # 4 TB, read in full every 50 ms. Sharded 192 GB / 8 TB/s GPUs: 21 to hold it (4000/192 = 20.8),
    # each then reads 190 GB in 23.8 ms. A GPU with 96 GB HBM + 2,048 GB HBF, 4 + 4 TB/s, reads at most
    # 8 TB/s x 50 ms = 400 GB per step, so it needs 4000 / 400 = 10 GPUs (not the 5 that 16 TB/s would allow)
    sharded = H.Option("s", 192, 8, 0, 1, 1.0)
    swap = H.Option("h", 96, 4, 2048, 4, 1.0)
    both = H.Option("b", 192, 8, 4096, 8, 1.0)
    assert H.gpus_needed(sharded, 4000, 1.0, 50) == 21
    assert H.gpus_needed(swap, 4000, 1.0, 50) >= 10
    assert H.gpus_needed(both, 4000, 1.0, 50) < H.gpus_needed(swap, 4000, 1.0, 50)

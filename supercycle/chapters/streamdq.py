"""StreamDQ: a roofline model of LLM decode with weight-only quantization, and Amdahl's law.

Pure functions, no I/O. Units are chosen so the arithmetic can be checked by hand:

* model size in billions of weights (`n_b`), so bytes are in GB;
* bandwidth in TB/s, so GB / (TB/s) = milliseconds;
* compute in TFLOP/s (tensor) or TOPS (vector ALUs), so GFLOP / TFLOPS = milliseconds.

One decode step reads every weight once and does 2 FLOPs per weight per sequence in the batch
(a multiply and an add); the step's time is the time per generated token of each sequence. The KV
cache, activations and non-GEMM layers are left out (an assumption that flatters none of the
cases: they add the same time to each).

Every byte comes out of the DRAM dies through the base die, so the conventional cases (a)-(c) read
at the slower of the internal and the external bandwidth; only (d) changes the data between the two.

The four cases:

(a) ``fp16``: FP16 weights; time = max(memory, tensor compute).
(b) ``separate``: a dequantization pass reads the packed weights and writes FP16 weights back to
    HBM, then an FP16 GEMM reads them again. The pass is limited by its memory traffic or by the
    dequantization ALU work, whichever is slower; the GEMM as in (a).
(c) ``fused``: dequantization inside the GEMM kernel (Marlin-style). Only packed bytes are read;
    the dequantization ALU work and the tensor work share the SMs and are added, and the sum
    overlaps with the memory stream.
(d) ``basedie``: dequantization in the HBM base die as the data stream out (StreamDQ). The DRAM
    dies deliver packed bytes to the base die over the *internal* bandwidth; the base die
    dequantizes at its own rate; the dequantized values (``out_bits`` each, 16 for FP16) cross the
    HBM-to-GPU interface at the *external* bandwidth; the GPU only multiplies. The four stages are
    pipelined, so the slowest one sets the time.

"Share of time spent on dequantization" is defined per case as the time that would disappear if
dequantization were free: for (b) the whole pass (what a profiler attributes to the dequantization
kernel), for (c) the exposed ALU time, for (d) the exposed base-die time (zero on the GPU).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from supercycle.data import split_range


# --- parameters: declared once (type, default, range, unit, meaning) --------------------
# The accelerator defaults are the H100 SXM row of data/reference/accelerators.csv and the model size
# is the Llama-3.1-70B row of data/reference/model_shapes.csv (unit tests check they agree). Everything marked 'assumption' is a modelling choice, not a sourced figure.
from supercycle.declare import ChapterParams, from_reference, param

class Params(ChapterParams):
    model_params_b: float = param(from_reference("model_shapes", "Llama-3.1-70B", column="model", value="active_params_bn"), "billion weights",
        "Weights read per decode step; default: {source}, dense", ge=0.5, le=2000)
    weight_bits: int = param(4, "bits",
        "Assumption: bits per quantized weight (weight-only quantization, e.g. INT4/AWQ/GPTQ)", ge=2, le=8)
    group_size: int = param(128, "weights",
        "Assumption: weights sharing one scale/zero point (128 is the common choice in the kernel literature)", ge=16, le=4096)
    group_meta_bits: int = param(16, "bits",
        "Assumption: bits of scale (and zero point) stored per group; 16 = one FP16 scale", ge=0, le=64)
    batch: int = param(1, "sequences",
        "Assumption: batch size for the headline numbers (single-stream decode)", ge=1, le=1024)
    batch_max: int = param(1024, "sequences",
        "Assumption: largest batch size on the charts (powers of two from 1)", ge=2, le=4096)
    hbm_bandwidth_tb_s: float = param(from_reference("accelerators", "H100 SXM", column="part", value="bandwidth_tb_s"), "tb_per_s",
        "External HBM-to-GPU bandwidth; default: {source}", ge=0.1, le=100)
    tensor_tflops: float = param(from_reference("accelerators", "H100 SXM", column="part", value="bf16_dense_tflops"), "TFLOP/s",
        "GPU dense BF16/FP16 tensor rate; default: {source}", ge=1, le=100000)
    basedie_internal_bandwidth_tb_s: float = param(3.35, "tb_per_s",
        "Assumption: DRAM dies to base die bandwidth inside the stack; default equal to the external one, as in standard HBM", ge=0.1, le=400)
    vector_tops: float = param(60.0, "TOPS",
        "Assumption: GPU non-tensor ALU rate available to dequantization (order of an H100's CUDA-core FP32/INT rate)", ge=1, le=10000)
    dq_ops_per_weight: float = param(5.0, "ops per weight",
        "Assumption: ALU operations to dequantize one weight on the GPU (unpack, convert, subtract zero, scale)", ge=0.25, le=1000)
    basedie_dq_tweights_s: float = param(20.0, "trillion weights/s",
        "Assumption: dequantization rate of the logic in the HBM base die", ge=0.1, le=10000)
    basedie_out_bits: int = param(16, "bits",
        "Assumption: bits per dequantized value the base die sends to the GPU (16 = FP16, 8 = FP8)", ge=4, le=16)


CASES = ("fp16", "separate", "fused", "basedie")
CASE_LABELS = {
    "fp16": "(a) FP16 weights",
    "separate": "(b) dequantize pass, then FP16 GEMM",
    "fused": "(c) dequantize inside the GEMM (fused)",
    "basedie": "(d) dequantize in the HBM base die",
}


@dataclass(frozen=True)
class Decode:
    """Inputs of the roofline model (units in the field comments)."""
    n_b: float                 # weights, billions
    weight_bits: float = 4     # bits per quantized weight
    group_size: int = 128      # weights sharing one scale (and zero point)
    group_meta_bits: float = 16  # bits of scale/zero per group
    ext_bw_tb_s: float = 3.35  # HBM-to-GPU interface bandwidth, TB/s
    int_bw_tb_s: float = 3.35  # DRAM dies to base die bandwidth, TB/s (case d)
    tensor_tflops: float = 989  # GPU dense FP16/BF16 tensor rate, TFLOP/s
    vector_tops: float = 60    # GPU non-tensor ALU rate for dequantization, TOPS
    dq_ops_per_weight: float = 5  # ALU operations to dequantize one weight on the GPU
    basedie_dq_tw_s: float = 20  # base-die dequantization rate, trillions of weights/s
    out_bits: float = 16       # bits per dequantized value sent to the GPU (case d)


def bits_per_weight(weight_bits: float, group_size: int, group_meta_bits: float) -> float:
    """Stored bits per weight including the per-group scale/zero: 4 + 16/128 = 4.125."""
    if group_size <= 0:
        raise ValueError("group_size must be positive")
    return weight_bits + group_meta_bits / group_size


def packed_gb(m: Decode) -> float:
    """GB of packed weights (with group metadata)."""
    return m.n_b * bits_per_weight(m.weight_bits, m.group_size, m.group_meta_bits) / 8


def fp16_gb(m: Decode) -> float:
    return m.n_b * 2.0


def read_bw(m: Decode) -> float:
    """Bandwidth at which the GPU can read unmodified data: the slower of the two paths (TB/s)."""
    return min(m.ext_bw_tb_s, m.int_bw_tb_s)


def tensor_ms(m: Decode, batch) -> np.ndarray | float:
    """2 FLOPs per weight per sequence: 2 * n_b * batch GFLOP / TFLOPS = ms."""
    return 2.0 * m.n_b * np.asarray(batch, dtype=float) / m.tensor_tflops


def gpu_dq_ms(m: Decode) -> float:
    """ALU time to dequantize every weight once on the GPU: n_b * ops GOP / TOPS = ms."""
    return m.n_b * m.dq_ops_per_weight / m.vector_tops


def step_times(m: Decode, batch) -> dict[str, np.ndarray]:
    """Time of one decode step (ms) per case, and its dequantization part, for each batch size.

    Returns a dict with keys '<case>' (total ms) and '<case>_dq' (ms attributed to dequantization).
    """
    b = np.atleast_1d(np.asarray(batch, dtype=float))
    if np.any(b < 1):
        raise ValueError("batch sizes must be at least 1")
    t_tc = tensor_ms(m, b)
    t_mem16 = fp16_gb(m) / read_bw(m)
    t_memq = packed_gb(m) / read_bw(m)
    t_dq = gpu_dq_ms(m)
    out = {}
    # (a)
    gemm16 = np.maximum(t_mem16, t_tc)
    out["fp16"], out["fp16_dq"] = gemm16, np.zeros_like(b)
    # (b): the pass reads packed bytes and writes FP16 bytes, or is ALU-bound.
    t_pass = max((packed_gb(m) + fp16_gb(m)) / read_bw(m), t_dq)
    out["separate"] = t_pass + gemm16
    out["separate_dq"] = np.full_like(b, t_pass)
    # (c): ALU work (dequant + MMA) overlaps with the packed stream.
    fused = np.maximum(t_memq, t_tc + t_dq)
    out["fused"] = fused
    out["fused_dq"] = fused - np.maximum(t_memq, t_tc)
    # (d): pipelined stages; the GPU only multiplies.
    t_int = packed_gb(m) / m.int_bw_tb_s
    t_bd = m.n_b / m.basedie_dq_tw_s / 1.0  # billions / (trillions per s) = ms
    t_ext = m.n_b * m.out_bits / 8 / m.ext_bw_tb_s
    basedie = np.maximum.reduce([np.full_like(b, t_int), np.full_like(b, t_bd), np.full_like(b, t_ext), t_tc])
    out["basedie"] = basedie
    out["basedie_dq"] = basedie - np.maximum.reduce([np.full_like(b, t_int), np.full_like(b, t_ext), t_tc])
    return out


def stage_times(m: Decode) -> dict[str, float]:
    """The separate stage times of case (d) at batch 1 (ms), to show which one binds."""
    return {
        "internal read of packed weights": packed_gb(m) / m.int_bw_tb_s,
        "base-die dequantization": m.n_b / m.basedie_dq_tw_s,
        "external transfer of dequantized values": m.n_b * m.out_bits / 8 / m.ext_bw_tb_s,
        "GPU tensor compute (batch 1)": float(tensor_ms(m, 1)),
    }


def sweep(m: Decode, batches) -> "pd.DataFrame":
    """Long table: batch, case, label, ms per step, dequantization ms and share, tokens/s."""
    import pandas as pd
    t = step_times(m, batches)
    rows = []
    for i, b in enumerate(np.atleast_1d(batches)):
        for c in CASES:
            total, dq = float(t[c][i]), float(t[c + "_dq"][i])
            rows.append({"batch": int(b), "case": c, "label": CASE_LABELS[c], "ms_per_step": total,
                         "dq_ms": dq, "dq_share": dq / total, "tokens_per_s": 1000.0 * b / total})
    return pd.DataFrame(rows)


def crossover_batch(m: Decode) -> float:
    """Batch at which the fused kernel (c) stops being memory-bound: tensor + dq = packed stream."""
    t_memq = packed_gb(m) / read_bw(m)
    return max(1.0, (t_memq - gpu_dq_ms(m)) * m.tensor_tflops / (2.0 * m.n_b))


def ext_bw_for_parity(m: Decode, case: str = "fused") -> float:
    """External bandwidth (TB/s) at which the base die's transfer of dequantized values takes no
    longer than the fused kernel's packed stream, which the internal path limits:
    internal bandwidth x out_bits / stored bits per weight (16 / 4.125 = 3.88 times)."""
    if case != "fused":
        raise ValueError("only parity with the fused kernel is defined")
    return m.int_bw_tb_s * m.out_bits / bits_per_weight(m.weight_bits, m.group_size, m.group_meta_bits)


def dq_ops_for_share(m: Decode, share: float, batch: float = 1) -> float:
    """ALU operations per weight at which the separate dequantization pass (b) takes `share` of the
    step at `batch`: the pass must last share/(1-share) x the GEMM. Returns NaN when even a free
    (memory-bound) pass already takes a larger share."""
    if not 0 < share < 1:
        raise ValueError("share must be in (0, 1)")
    gemm = max(fp16_gb(m) / read_bw(m), float(tensor_ms(m, batch)))
    t_pass = share / (1 - share) * gemm
    mem_pass = (packed_gb(m) + fp16_gb(m)) / read_bw(m)
    if t_pass < mem_pass:
        return math.nan
    return t_pass * m.vector_tops / m.n_b


# --- Amdahl's law -----------------------------------------------------------------------------

def amdahl(f, s):
    """Overall speed-up when a share `f` of the time is sped up `s` times: 1 / ((1-f) + f/s).
    `s` may be math.inf (the part disappears)."""
    f = np.asarray(f, dtype=float)
    if np.any((f < 0) | (f > 1)):
        raise ValueError("f must be in [0, 1]")
    if s <= 0:
        raise ValueError("s must be positive")
    part = 0.0 if math.isinf(s) else f / s
    with np.errstate(divide="ignore"):
        out = 1.0 / ((1.0 - f) + part)
    return float(out) if out.ndim == 0 else out


def amdahl_bound(f: float) -> float:
    """The most any speed-up of a share f can give: 1/(1-f) (5x at f = 0.8)."""
    return amdahl(f, math.inf)


def share_required(overall: float, s: float = math.inf) -> float:
    """Share f needed for an overall speed-up `overall` when that share is sped up `s` times:
    f = (1 - 1/overall) / (1 - 1/s). NaN when impossible (overall >= s needs f > 1 unless s = inf)."""
    if overall < 1:
        raise ValueError("overall speed-up must be at least 1")
    denom = 1.0 if math.isinf(s) else 1.0 - 1.0 / s
    if denom <= 0:
        return math.nan
    f = (1.0 - 1.0 / overall) / denom
    return f if f <= 1.0 + 1e-12 else math.nan


def readings(f: float, s: float) -> list[dict]:
    """The readings of 'dequantization is up to f of the time; StreamDQ speeds up the bottleneck
    s times', each with the overall speed-up it implies and whether Amdahl's law allows it."""
    out = []
    out.append({"reading": f"the whole inference becomes {s:g}x faster, dequantization being {f:.0%} of it",
                "overall_speedup": s, "share_needed": share_required(s),
                "consistent": s <= amdahl_bound(f) + 1e-12})
    out.append({"reading": f"the dequantization part ({f:.0%}) becomes {s:g}x faster",
                "overall_speedup": amdahl(f, s), "share_needed": f, "consistent": True})
    out.append({"reading": f"the dequantization part ({f:.0%}) disappears entirely",
                "overall_speedup": amdahl_bound(f), "share_needed": f, "consistent": True})
    return out


def verdict(f: float, s: float) -> dict:
    """The article's two figures under the two readings of its speed-up sentence.

    The article says GPU dequantization, held back by the memory bottleneck, takes *up to* a share
    `f` of LLM inference time, and that StreamDQ makes "之前一直處於瓶頸的LLM推理處理" about `s`
    times faster. That phrase reads either as (A) the bottlenecked *part* of inference or as (B)
    LLM inference *as a whole*; the article does not settle which. Under (A) the figures are
    consistent and the whole runs at most `amdahl(f, s)` times faster (3.18x at f = 0.8, s = 7; "at
    most" because f is an upper bound). Under (B) `s` would exceed Amdahl's bound 1/(1-f) (5x at
    f = 0.8) and need a share of at least `share_required(s)` (85.7% for 7x): the two speakers'
    figures then cannot describe the same workload."""
    bound = amdahl_bound(f)
    return {"reading": "(A) the speed-up of the bottlenecked part; (B) the speed-up of the whole, kept apart",
            "consistent_with_text": True,
            "end_to_end_at_share": amdahl(f, s),
            "amdahl_bound": bound,
            "end_to_end_reading_exceeds_bound": s > bound + 1e-12,
            "share_needed_end_to_end": share_required(s)}


# --- the kernel literature ---------------------------------------------------------------------

def literature_table(kernels: "pd.DataFrame", m: Decode, small_batch: int = 16,
                     batches=tuple(2 ** k for k in range(11))) -> "pd.DataFrame":
    """Set each row of reference quantized_kernels.csv beside what this model says about it.

    Kernel speed-ups are compared with the model's FP16 / fused ratio at batch 1 and `small_batch`;
    end-to-end speed-ups with the share of decode time the quantized GEMMs must take for the
    reported kernel speed-up to give them (Amdahl); dequantization shares with the model's range
    of the separate-pass share over batch 1..256. Energy shares are not modelled."""
    import pandas as pd
    t = step_times(m, [1, small_batch])
    kernel = (t["fp16"] / t["fused"]).tolist()
    shares = sweep(m, list(batches))
    sep = shares[shares.case == "separate"].dq_share
    fused_max = shares[shares.case == "fused"].dq_share.max()
    span = f"{min(batches)}–{max(batches)}"
    rows = []
    marlin_kernel = None
    for r in kernels.to_dict("records"):
        lo, hi = split_range(r["value"])
        claim, work = r["claim"].lower(), r["work"]
        if "energy" in claim:
            model, note = "not modelled", "energy, not time"
        elif "share of runtime" in claim:
            lo_s, hi_s = f"{sep.min():.0%}", f"{sep.max():.0%}"
            model = ((lo_s if lo_s == hi_s else f"{lo_s}–{hi_s}") + f" (separate pass, batch {span}); fused: 0% while "
                     f"memory-bound, up to {fused_max:.0%} when compute-bound")
            note = ("a separate pass spends this share at any batch; a fused kernel exposes its ALU dequantization "
                    "only at batches large enough to make the GPU compute-bound")
        elif "end-to-end" in claim:
            local = marlin_kernel if work == "Marlin" and marlin_kernel else kernel[0]
            need = [share_required(x, local) for x in (lo, hi)]
            model = ("GEMMs must be " + "–".join(f"{x:.0%}" for x in sorted(set(need)) if x == x)
                     + f" of decode time for a {local:.2f}x kernel to give this")
            note = "Amdahl: the rest of decode (attention, KV cache, sampling) is not sped up"
        elif "vs optq" in claim:
            model, note = "not comparable", "the baseline is another quantized kernel, not FP16"
        elif "speed-up" in claim or "latency" in claim:
            model = f"{kernel[0]:.2f}x at batch 1, {kernel[1]:.2f}x at batch {small_batch} (FP16 / fused, bytes ratio)"
            note = "the model's ideal is the ratio of bytes read: 16 / bits per weight"
            if work == "Marlin":
                marlin_kernel = lo
        else:
            model, note = "not modelled", ""
        rows.append({"work": work, "reported": r["claim"], "value": r["value"], "unit": r["unit"],
                     "condition": r["condition"], "model": model, "comment": note, "source": r["source"]})
    return pd.DataFrame(rows)

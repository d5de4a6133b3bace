"""HBF (high-bandwidth flash) models for chapter 3: pure functions, no I/O, no plotting.

Units: capacities in GB as memory makers count them, with 1 TB = GB_PER_TB = 1,024 GB (so the
article's "4 TB" is 4,096 GB = 8 HBF stacks x 512 GB). Footprints count bytes from parameter counts
and divide by GB = 1e9 (a 70e9-parameter 16-bit model = 140 GB); a maker's GB is 2**30 bytes, so
capacities set against footprints are understated by about 7% (stated in chapter 3's unit note).
Bandwidth in TB/s = 1e12 bytes/s (decimal, as vendors quote it); latency in microseconds; time in
milliseconds unless a name says otherwise.

Four models:

1. **Memory footprint** of LLM inference: weights (parameters x bits), KV cache (kv_tensors x
   layers x KV heads x head dimension x context x batch x bits) and activations (a prefill chunk's
   working set, a multiple of the hidden size per token).
2. **Capacity tiers** of one accelerator: HBM only, and HBM plus HBF at a capacity multiple (8x,
   16x of the HBM) or at a stated size (4 TB per GPU); which tier a footprint fits in.
3. **Two-tier decode time**: the time per decode step (one generated token per sequence) when
   weights and KV cache are placed in HBM, HBF or host memory. Each tier is read at its bandwidth;
   each data-dependent round trip (per layer) costs that tier's latency; tiers are read concurrently
   (or in sequence, a parameter); compute sets a floor.
4. **Market crossover**: the growth an HBF market needs to overtake an HBM market in a given year.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from supercycle import arith
from supercycle.data import UNIT_TABLE


# --- parameters: declared once (type, default, range, unit, meaning) --------------------
# Defaults that are article or reference figures are read from data/ (`from_claim`, `from_reference`,
# `derived` for one worked out from them), named in the meaning through `{source}`. The rest are
# assumptions and say so.
# GB = 1e9 bytes and TB = 1e12 bytes throughout.
from typing import Literal

from supercycle.declare import ChapterParams, derived, from_claim, from_reference, param

MODELS = ("Llama-3.1-8B", "Llama-3.1-70B", "Llama-3.1-405B", "DeepSeek-V3", "Kimi-K2")
ACCELERATORS = ("H100 SXM", "H200 SXM", "B200", "TPU7x Ironwood")
TOKENS_PER_K = 1024   # a context length of "128K" is 128 x 1,024 tokens, as models count their context
GPUS_PER_GRACE = 2    # a GB200 superchip is one Grace CPU and two Blackwell GPUs (72 GPUs, 36 Grace CPUs a rack)


class Params(ChapterParams):
    # --- the workload -----------------------------------------------------------------------
    model: Literal[MODELS] = param("Llama-3.1-70B", "",
        "model shape for the decode-time charts (a row of data/reference/model_shapes.csv); assumption")
    weight_bits: int = param(16, "bits",
        "bits per weight; assumption (16 = BF16)", ge=2, le=32)
    kv_bits: int = param(16, "bits",
        "bits per KV-cache element; assumption (16 = BF16)", ge=2, le=32)
    act_bits: int = param(16, "bits",
        "bits per activation element; assumption", ge=4, le=32)
    activation_factor: float = param(20.0, "x hidden size",
        "activation working set per token in flight, in hidden-size vectors; assumption", ge=1, le=200)
    prefill_chunk_tokens: int = param(8192, "tokens",
        "tokens in flight at once (a prefill chunk), for activations; assumption", ge=1, le=1_000_000)
    context_tokens: int = param(derived(lambda k: k * TOKENS_PER_K, from_claim("llm.context.length")), "tokens",
        "context length per sequence: {source} ('over' that many K) x 1,024 tokens", ge=1024, le=100_000_000)
    batch: int = param(8, "sequences",
        "sequences decoded together; assumption", ge=1, le=4096)
    # --- the accelerator --------------------------------------------------------------------
    accelerator: Literal[ACCELERATORS] = param("B200", "",
        "accelerator (row of data/reference/accelerators.csv): B200's 192 GB is the HBM the reference hbf.csv compares with")
    hbm_latency_us: float = param(0.1, "us",
        "HBM latency per dependent read; assumption (reference hbf.csv note: HBM is tens of ns)", ge=0.01, le=10)
    compute_utilization: float = param(0.5, "fraction",
        "share of dense BF16 peak reached in decode; assumption", ge=0.05, le=1)
    # --- HBF --------------------------------------------------------------------------------
    hbf_multiple_low: float = param(from_claim("hbf.capacity.multiple_vs_hbm", "low"), "x",
        "HBF capacity over HBM, low end: {source} (low) = reference hbf.csv 'capacity multiple vs HBM (low)'", ge=1, le=64)
    hbf_multiple_high: float = param(from_claim("hbf.capacity.multiple_vs_hbm", "high"), "x",
        "HBF capacity over HBM, high end: {source} (high) = reference hbf.csv 'capacity multiple vs HBM (high)'", ge=1, le=64)
    hbf_stacks: int = param(derived(lambda gpu_gb, stack_gb: gpu_gb / stack_gb,
            from_reference("hbf", "GPU capacity with 8 HBF stacks"), from_reference("hbf", "capacity per stack (gen 1)")), "stacks",
        "HBF stacks per GPU: GPU capacity over capacity per stack, {source}", ge=1, le=16)
    hbf_stack_capacity_gb: float = param(from_reference("hbf", "capacity per stack (gen 1)"), "GB",
        "capacity per HBF stack: {source} (secondary)", ge=16, le=4096)
    hbf_bandwidth: Literal[("same_as_hbm", "per_stack")] = param("same_as_hbm", "",
        "HBF read bandwidth per GPU: same_as_hbm (SanDisk, primary: 'the same read bandwidth') or per_stack (stacks x hbf_stack_read_tb_s)")
    hbf_stack_read_tb_s: float = param(from_reference("hbf", "read bandwidth per stack (gen 1)"), "TB/s",
        "read bandwidth per HBF stack, used with per_stack: {source} (secondary)", ge=0.1, le=10)
    hbf_latency_us: float = param(from_reference("hbf", "read latency (order of magnitude)"), "us",
        "HBF read latency per dependent read: midpoint of {source}, 10-20 us (secondary, no vendor figure)", ge=0.1, le=1000)
    dependent_reads_per_layer: float = param(1.0, "round trips",
        "data-dependent reads per layer per step that prefetch cannot hide (router-chosen experts, sparse-attention pages); assumption", ge=0, le=64)
    tiers_concurrent: bool = param(True, "",
        "HBM, HBF and host are read at the same time (true) or one after another; assumption")
    host_link_tb_s: float = param(0.064, "TB/s",
        "bandwidth to host memory for what HBM cannot hold without HBF; assumption (about PCIe 5.0 x16)", ge=0.001, le=2)
    host_latency_us: float = param(2.0, "us",
        "host-memory latency per dependent read; assumption", ge=0.1, le=100)
    # --- the strongest alternative (per GPU of a GB200 NVL72-class NVLink domain) ------------------
    alt_footprint_tb: float = param(from_claim("hbf.capacity.gpu"), "TB",
        "memory the buyer needs to hold: {source} (GF Securities' 4 TB per GPU)", ge=0.1, le=1000)
    alt_read_share_pct: float = param(100.0, "%",
        "share of the held bytes read per decode step (100 = dense decode over all of it; less for MoE experts, idle or sparse KV cache); assumption", ge=0.1, le=100)
    alt_target_step_ms: float = param(50.0, "ms",
        "decode step time the configuration must meet (50 ms = 20 tokens/s per sequence); assumption", ge=1, le=100_000)
    nvl72_rack_usd_m: float = param(from_reference("hbf_alternatives", "GB200 NVL72 rack price"), "USD m",
        "price of a GB200 NVL72 rack (72 GPUs, 36 Grace CPUs): {source}, the midpoint of its range (secondary estimates)", ge=1.0, le=6.0)
    hbm_usd_per_gb: float = param(from_reference("hbf_alternatives", "HBM3E price per GB"), "USD/GB",
        "HBM3E price per GB: {source}, the midpoint of its range (secondary estimates; no public price)", ge=2, le=40)
    hbf_capacity_per_cost: float = param(from_claim("hbf.capacity.multiple_vs_hbm"), "x",
        "HBF capacity per dollar over HBM's: {source} (the midpoint of its range), the multiple SanDisk gives “at similar cost” (reference hbf.csv, primary)", ge=1, le=32)
    hbf_markup: float = param(1.0, "x",
        "price the buyer pays over the HBF memory's cost (1 = at cost, favourable to HBF; a B200 sells at about 5.5x its modelled cost, reference hbf_alternatives.csv, shown beside); assumption", ge=1, le=10)
    grace_gb_per_gpu: float = param(derived(lambda gb: gb / GPUS_PER_GRACE,
            from_reference("hbf_alternatives", "Grace LPDDR5X per Grace CPU (GB200)")), "GB",
        "Grace LPDDR5X per GPU: {source} (secondary), one Grace CPU's memory shared by its two GPUs", ge=0, le=1000)
    c2c_tb_s_per_gpu: float = param(derived(lambda tb_s: tb_s / GPUS_PER_GRACE,
            from_reference("hbf_alternatives", "NVLink-C2C bandwidth (Grace to GPUs)")), "TB/s",
        "read bandwidth per GPU from Grace memory: {source} (bidirectional), shared by the two GPUs; "
          "assumption that each reads half of it", ge=0.05, le=2)
    # --- the market crossover ---------------------------------------------------------------
    hbm_market_start_usd_bn: float = param(from_reference("market_crosschecks", "HBM market size (TrendForce)"), "USD bn",
        "HBM market in the start year: {source}", ge=1, le=1000)
    hbm_market_start_year: int = param(from_reference("market_crosschecks", "HBM market size (TrendForce)", value="period"), "year",
        "year of the HBM starting size: {source}", ge=2020, le=2035)
    hbm_market_cagr_pct: float = param(15.0, "% a year",
        "HBM market growth after the start year; assumption", ge=-20, le=100)
    hbf_market_start_usd_bn: float = param(0.5, "USD bn",
        "HBF market in its first year of product sales; assumption (no source gives one)", ge=0.001, le=100)
    hbf_market_start_year: int = param(2028, "year",
        "first full year of HBF product sales; assumption after claim hbf.products.first (end-2027 or early 2028)", ge=2026, le=2037)
    crossover_year: int = param(from_claim("hbf.market.overtakes_hbm"), "year",
        "year HBF overtakes HBM: {source} (about 2038)", ge=2030, le=2060)

    # Rules between parameters, checked before anything runs (every X_low/X_high pair is also held
    # to low <= high without being listed here).
    RULES = (
        ("hbf_market_start_year", "<", "crossover_year"),  # HBF must be on sale before it can overtake HBM
    )


# Bytes per unit from the one units table (data/units.csv, `base_factor` in `byte`: decimal, as
# vendors quote bandwidth). Capacity is counted the makers' way instead, 1 TB = 1,024 GB: a
# convention of this chapter (and of the ledger's HBF checks), kept apart on purpose (see the unit
# note above).
GB = UNIT_TABLE["gb"].base_factor        # bytes per GB of footprint: 1e9
TB = UNIT_TABLE["tb_per_s"].base_factor  # bytes per second in 1 TB/s of bandwidth: 1e12
GB_PER_TB = 1024                   # capacity: 1 TB = 1,024 GB, as memory makers count (4 TB = 4,096 GB)
SHAPE_NUMERIC = ["total_params_bn", "active_params_bn", "layers", "hidden_size", "attention_heads",
                 "head_dim", "kv_heads", "kv_head_dim", "kv_tensors", "native_context_tokens"]


# --- model shapes ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Shape:
    """The shape of a transformer for footprint and decode-time purposes."""
    name: str
    total_params_bn: float
    active_params_bn: float
    layers: int
    hidden_size: int
    attention_heads: int
    head_dim: int
    kv_heads: int
    kv_head_dim: int
    kv_tensors: int = 2

    @classmethod
    def from_row(cls, row) -> "Shape":
        return cls(name=str(row["model"]), total_params_bn=float(row["total_params_bn"]),
                   active_params_bn=float(row["active_params_bn"]), layers=int(row["layers"]),
                   hidden_size=int(row["hidden_size"]), attention_heads=int(row["attention_heads"]),
                   head_dim=int(row["head_dim"]), kv_heads=int(row["kv_heads"]),
                   kv_head_dim=int(row["kv_head_dim"]), kv_tensors=int(row["kv_tensors"]))


def numeric_shapes(frame: pd.DataFrame) -> pd.DataFrame:
    """The reference table `model_shapes` with its numeric columns parsed (it is read as text)."""
    out = frame.copy()
    for c in SHAPE_NUMERIC:
        out[c] = pd.to_numeric(out[c], errors="raise")
    return out


def shapes_by_name(frame: pd.DataFrame) -> dict[str, Shape]:
    return {r["model"]: Shape.from_row(r) for r in numeric_shapes(frame).to_dict("records")}


# --- 1. footprint ---------------------------------------------------------------------------

def weights_gb(params_bn: float, bits: float) -> float:
    """Weight bytes in GB: parameters x bits / 8. 70e9 params at 16 bits = 140 GB."""
    return params_bn * 1e9 * bits / 8 / GB


def kv_bytes_per_token(layers: int, kv_heads: int, head_dim: int, bits: float, kv_tensors: int = 2) -> float:
    """KV-cache bytes per token of one sequence: kv_tensors x layers x kv_heads x head_dim x bits/8."""
    return kv_tensors * layers * kv_heads * head_dim * bits / 8


def kv_cache_gb(layers: int, kv_heads: int, head_dim: int, context: float, batch: float, bits: float,
                kv_tensors: int = 2) -> float:
    """KV cache in GB for `batch` sequences of `context` tokens each."""
    return kv_bytes_per_token(layers, kv_heads, head_dim, bits, kv_tensors) * context * batch / GB


def activations_gb(hidden_size: int, tokens: float, bits: float, factor: float) -> float:
    """Activation working set in GB: `tokens` in flight x hidden size x `factor` x bits/8.

    `factor` is the peak number of hidden-size vectors alive per token (residual, attention
    projections, the MLP's wider intermediate): an assumption, set as a chapter parameter."""
    return tokens * hidden_size * factor * bits / 8 / GB


def footprint(shape: Shape, context: float, batch: float, weight_bits: float, kv_bits: float,
              act_tokens: float, act_bits: float = 16, act_factor: float = 20) -> dict[str, float]:
    """GB of weights, KV cache and activations, and their total."""
    w = weights_gb(shape.total_params_bn, weight_bits)
    kv = kv_cache_gb(shape.layers, shape.kv_heads, shape.kv_head_dim, context, batch, kv_bits, shape.kv_tensors)
    act = activations_gb(shape.hidden_size, act_tokens, act_bits, act_factor)
    return {"weights_gb": w, "kv_gb": kv, "activations_gb": act, "total_gb": w + kv + act}


# --- 2. capacity tiers ----------------------------------------------------------------------

def capacity_tiers(hbm_gb: float, multiple_low: float, multiple_high: float, hbf_gpu_gb: float) -> dict[str, float]:
    """Per-accelerator memory, GB, in increasing order: HBM only; HBM plus HBF at the low and high
    capacity multiples (HBF = multiple x HBM, kept alongside the HBM as in SK hynix's H3 design);
    HBM plus a stated HBF size per GPU (e.g. 4096 GB from 8 stacks)."""
    tiers = {
        "HBM only": hbm_gb,
        f"HBM + HBF at {multiple_low:g}x": hbm_gb * (1 + multiple_low),
        f"HBM + HBF at {multiple_high:g}x": hbm_gb * (1 + multiple_high),
        f"HBM + HBF of {hbf_gpu_gb:,.0f} GB": hbm_gb + hbf_gpu_gb,
    }
    return dict(sorted(tiers.items(), key=lambda kv: kv[1]))


def smallest_fit(total_gb: float, tiers: dict[str, float]) -> str:
    """The first (smallest) tier whose capacity holds `total_gb`, or 'does not fit'."""
    for name, cap in sorted(tiers.items(), key=lambda kv: kv[1]):
        if total_gb <= cap:
            return name
    return "does not fit"


def max_batch(shape: Shape, capacity_gb: float, context: float, weight_bits: float, kv_bits: float,
              act_tokens: float, act_bits: float = 16, act_factor: float = 20) -> int:
    """Largest whole number of sequences of `context` tokens that fit with the weights (0 if none)."""
    fixed = (weights_gb(shape.total_params_bn, weight_bits)
             + activations_gb(shape.hidden_size, act_tokens, act_bits, act_factor))
    per_seq = kv_cache_gb(shape.layers, shape.kv_heads, shape.kv_head_dim, context, 1, kv_bits, shape.kv_tensors)
    if capacity_gb < fixed or per_seq <= 0:
        return 0
    return int(math.floor((capacity_gb - fixed) / per_seq + 1e-9))


# --- 3. two-tier decode time ----------------------------------------------------------------

@dataclass(frozen=True)
class Tier:
    name: str
    capacity_gb: float
    read_tb_s: float
    latency_us: float


PLACEMENTS = ("hbm_only", "weights_in_hbf", "kv_in_hbf")
PLACEMENT_LABELS = {
    "hbm_only": "HBM only (overflow to host memory)",
    "weights_in_hbf": "HBM + HBF: weights in HBF, KV cache in HBM",
    "kv_in_hbf": "HBM + HBF: weights in HBM, KV cache in HBF",
}


def place(weights: float, kv: float, act: float, hbm: Tier, hbf: Tier | None, policy: str) -> dict[str, dict[str, float]]:
    """GB of weights and KV cache in each tier ('hbm', 'hbf', 'host'). Activations always take HBM
    first. Each policy names where an object goes first; what does not fit spills to the next
    tier (HBM, then HBF, then host memory)."""
    if policy not in PLACEMENTS:
        raise ValueError(f"placement '{policy}' not one of {PLACEMENTS}")
    free = {"hbm": max(hbm.capacity_gb - act, 0.0), "hbf": hbf.capacity_gb if (hbf and policy != "hbm_only") else 0.0,
            "host": math.inf}
    out = {t: {"weights": 0.0, "kv": 0.0} for t in free}

    def put(obj: str, amount: float, order: list[str]):
        for t in order:
            take = min(amount, free[t])
            out[t][obj] += take
            free[t] -= take
            amount -= take
            if amount <= 1e-12:
                return

    if policy == "hbm_only":
        put("weights", weights, ["hbm", "host"])
        put("kv", kv, ["hbm", "host"])
    elif policy == "weights_in_hbf":
        put("weights", weights, ["hbf", "hbm", "host"])
        put("kv", kv, ["hbm", "hbf", "host"])
    else:  # kv_in_hbf
        put("weights", weights, ["hbm", "hbf", "host"])
        put("kv", kv, ["hbf", "hbm", "host"])
    return out


def moe_read_fraction(active_params_bn: float, total_params_bn: float, batch: float) -> float:
    """Share of the weights read in one decode step. Dense: 1. MoE: assume each sequence picks its
    experts independently and uniformly, so the share touched is 1 - (1 - a)^batch, a = active/total
    (batch 1 reads exactly the active parameters)."""
    a = min(active_params_bn / total_params_bn, 1.0)
    return 1.0 - (1.0 - a) ** max(batch, 1)


def decode_flops(shape: Shape, context: float, batch: float) -> float:
    """FLOPs for one decode step: 2 x active params per token, plus attention 4 x layers x heads x
    head_dim x context per token (QK and AV)."""
    per_token = 2 * shape.active_params_bn * 1e9 + 4 * shape.layers * shape.attention_heads * shape.head_dim * context
    return per_token * batch


def step_time_ms(shape: Shape, context: float, batch: float, weight_bits: float, kv_bits: float,
                 hbm: Tier, hbf: Tier | None, host: Tier, policy: str, *, act_tokens: float,
                 act_bits: float = 16, act_factor: float = 20, tflops: float = 2250,
                 utilization: float = 0.5, dependent_reads_per_layer: float = 1,
                 concurrent: bool = True) -> dict[str, float]:
    """Time for one decode step (one new token for each of `batch` sequences), in ms.

    Reads: the weights (the MoE share touched, see `moe_read_fraction`) and the whole KV cache,
    each split over the tiers in proportion to where it lives. A tier's time is bytes / bandwidth
    plus layers x dependent_reads_per_layer x its latency (round trips that cannot be prefetched,
    e.g. experts chosen by a router, pages chosen by sparse attention). Tier times are overlapped
    (max) when `concurrent`, else added. The step takes the larger of memory time and compute time.
    Returns the parts and `ms` (the step) and `tokens_per_s` (batch / step)."""
    fp = footprint(shape, context, batch, weight_bits, kv_bits, act_tokens, act_bits, act_factor)
    where = place(fp["weights_gb"], fp["kv_gb"], fp["activations_gb"], hbm, hbf, policy)
    frac = moe_read_fraction(shape.active_params_bn, shape.total_params_bn, batch)
    tiers = {"hbm": hbm, "hbf": hbf, "host": host}
    times = {}
    for t, held in where.items():
        read_gb = held["weights"] * frac + held["kv"]
        if read_gb <= 0:
            times[t] = 0.0
            continue
        tier = tiers[t]
        bw_ms = read_gb * GB / (tier.read_tb_s * TB) * 1e3
        lat_ms = shape.layers * dependent_reads_per_layer * tier.latency_us * 1e-3
        times[t] = bw_ms + lat_ms
    memory_ms = max(times.values()) if concurrent else sum(times.values())
    compute_ms = decode_flops(shape, context, batch) / (tflops * 1e12 * utilization) * 1e3
    ms = max(memory_ms, compute_ms)
    return {"hbm_ms": times["hbm"], "hbf_ms": times["hbf"], "host_ms": times["host"],
            "memory_ms": memory_ms, "compute_ms": compute_ms, "ms": ms,
            "tokens_per_s": batch / ms * 1e3,
            "spilled_to_host_gb": where["host"]["weights"] + where["host"]["kv"]}


# --- 4. market crossover --------------------------------------------------------------------

def market_size(start_usd_bn: float, start_year: int, cagr_pct: float, year: float) -> float:
    """Size in a year, compounding at `cagr_pct` per cent a year from the start."""
    return float(arith.compound(start_usd_bn, cagr_pct, year - start_year))


def required_cagr_pct(hbm_start: float, hbm_year: int, hbm_cagr_pct: float,
                      hbf_start: float, hbf_year: int, crossover_year: int) -> float:
    """The yearly growth (per cent) HBF needs from (hbf_start in hbf_year) to equal the HBM market
    in `crossover_year`, with HBM growing `hbm_cagr_pct` from (hbm_start in hbm_year)."""
    if crossover_year <= hbf_year:
        raise ValueError("the crossover year must come after the HBF start year")
    target = market_size(hbm_start, hbm_year, hbm_cagr_pct, crossover_year)
    return float(arith.cagr_pct(hbf_start, target, crossover_year - hbf_year))


def crossover_year(hbm_start: float, hbm_year: int, hbm_cagr_pct: float,
                   hbf_start: float, hbf_year: int, hbf_cagr_pct: float) -> float:
    """The (fractional) year in which the HBF market equals the HBM market; inf if never."""
    gh, gf = math.log1p(hbm_cagr_pct / 100), math.log1p(hbf_cagr_pct / 100)
    if gf <= gh:
        return math.inf
    # log hbf_start + gf (t - hbf_year) = log hbm_start + gh (t - hbm_year)
    return (math.log(hbm_start) - math.log(hbf_start) - gh * hbm_year + gf * hbf_year) / (gf - gh)




# --- a whole set-up, and grids for the charts -----------------------------------------------

@dataclass(frozen=True)
class Setup:
    """Everything about the hardware and numerics that a decode-time evaluation needs."""
    hbm: Tier
    hbf: Tier
    host: Tier
    weight_bits: float = 16
    kv_bits: float = 16
    act_tokens: float = 8192
    act_bits: float = 16
    act_factor: float = 20
    tflops: float = 2250
    utilization: float = 0.5
    dependent_reads_per_layer: float = 1
    concurrent: bool = True

    def footprint(self, shape: Shape, context: float, batch: float) -> dict[str, float]:
        return footprint(shape, context, batch, self.weight_bits, self.kv_bits, self.act_tokens,
                         self.act_bits, self.act_factor)

    def step(self, shape: Shape, context: float, batch: float, policy: str, **changes) -> dict[str, float]:
        s = self if not changes else Setup(**{**self.__dict__, **changes})
        return step_time_ms(shape, context, batch, s.weight_bits, s.kv_bits, s.hbm, s.hbf, s.host, policy,
                            act_tokens=s.act_tokens, act_bits=s.act_bits, act_factor=s.act_factor,
                            tflops=s.tflops, utilization=s.utilization,
                            dependent_reads_per_layer=s.dependent_reads_per_layer, concurrent=s.concurrent)


def footprint_grid(shapes: dict[str, Shape], contexts, batch: float, setup: Setup, tiers: dict[str, float]) -> pd.DataFrame:
    """One row per (model, context): GB of each part, the smallest tier that holds it, and the
    accelerators needed with HBM only and with the largest HBM + HBF tier."""
    rows = []
    hbm_gb = min(tiers.values())
    top_gb = max(tiers.values())
    for name, sh in shapes.items():
        for ctx in contexts:
            fp = setup.footprint(sh, ctx, batch)
            rows.append({"model": name, "total_params_bn": sh.total_params_bn, "context_tokens": int(ctx),
                         "batch": batch, **fp, "fits_in": smallest_fit(fp["total_gb"], tiers),
                         "accelerators_hbm_only": math.ceil(fp["total_gb"] / hbm_gb),
                         "accelerators_with_hbf": math.ceil(fp["total_gb"] / top_gb)})
    return pd.DataFrame(rows)


def decode_grid(shape: Shape, contexts, batches, setup: Setup, policies=PLACEMENTS) -> pd.DataFrame:
    """Decode-step time and throughput for each (context, batch, placement)."""
    rows = []
    for ctx in contexts:
        for b in batches:
            for p in policies:
                r = setup.step(shape, ctx, b, p)
                rows.append({"model": shape.name, "context_tokens": int(ctx), "batch": int(b), "placement": p,
                             "placement_label": PLACEMENT_LABELS[p], **r})
    return pd.DataFrame(rows)


def latency_sensitivity(shapes: dict[str, Shape], context: float, dependent_reads, setup: Setup,
                        batch: float = 1) -> pd.DataFrame:
    """For each model and number of dependent reads per layer: decode time with the weights in HBF
    (KV cache in HBM) over the time with everything in HBM (overflow to host). Above 1, HBF hurts."""
    rows = []
    for name, sh in shapes.items():
        for d in dependent_reads:
            hbf_r = setup.step(sh, context, batch, "weights_in_hbf", dependent_reads_per_layer=d)
            hbm_r = setup.step(sh, context, batch, "hbm_only", dependent_reads_per_layer=d)
            rows.append({"model": name, "dependent_reads_per_layer": d, "context_tokens": int(context),
                         "batch": batch, "ms_weights_in_hbf": hbf_r["ms"], "ms_hbm_only": hbm_r["ms"],
                         "spilled_to_host_gb": hbm_r["spilled_to_host_gb"],
                         "slowdown": hbf_r["ms"] / hbm_r["ms"]})
    return pd.DataFrame(rows)


# --- the capacity claims against each other -------------------------------------------------

def capacity_checks(multiple_low: float, multiple_high: float, gpu_claim_tb: float, gpu_ref_gb: float,
                    ref_hbm_gb: float, stacks: int, stack_gb: float, dies_per_stack: int,
                    hbm_stacks_gb: dict[str, float], accel_hbm_gb: dict[str, float],
                    rounding_tol: float = 0.05) -> pd.DataFrame:
    """Check the capacity figures against each other. Each row: what is checked, the figure
    computed from the others, the stated figure (or range), and whether they agree. The article's
    '4 TB' is converted at 1 TB = 1,024 GB (4 TB = 4,096 GB); `rounding_tol` allows for a rounded
    stated figure."""
    rows = []

    def add(check, computed, stated_low, stated_high, unit, how, rel_tol=0.0):
        ok = stated_low * (1 - rel_tol) - 1e-9 <= computed <= stated_high * (1 + rel_tol) + 1e-9
        rows.append({"check": check, "computed": computed, "stated_low": stated_low, "stated_high": stated_high,
                     "unit": unit, "consistent": ok, "how": how})

    add("GPU HBF capacity = stacks x capacity per stack", stacks * stack_gb, gpu_ref_gb, gpu_ref_gb, "GB",
        f"{stacks} x {stack_gb:g} GB")
    add("4 TB per GPU (article) against the reference's GPU figure", gpu_claim_tb * GB_PER_TB, gpu_ref_gb, gpu_ref_gb, "GB",
        f"{gpu_claim_tb:g} TB = {gpu_claim_tb * GB_PER_TB:,.0f} GB (1 TB = 1,024 GB, as the makers count)",
        rel_tol=rounding_tol)
    add("GPU multiple: HBF per GPU / the reference's HBM per GPU", gpu_ref_gb / ref_hbm_gb, multiple_low, multiple_high, "x",
        f"{gpu_ref_gb:g} / {ref_hbm_gb:g} GB")
    add("die capacity implied by a 16-layer stack", stack_gb / dies_per_stack * 8, 256, 256, "Gb",
        f"{stack_gb:g} GB / {dies_per_stack} dies x 8 bits; the reference notes 256 Gb dies")
    for gen, gb in hbm_stacks_gb.items():
        add(f"stack multiple: one HBF stack / one {gen} stack", stack_gb / gb, multiple_low, multiple_high, "x",
            f"{stack_gb:g} / {gb:g} GB")
    for part, gb in accel_hbm_gb.items():
        add(f"GPU multiple: {stacks} HBF stacks / {part} HBM", stacks * stack_gb / gb, multiple_low, multiple_high, "x",
            f"{stacks * stack_gb:g} / {gb:g} GB")
    return pd.DataFrame(rows)


def hbm_needed_for_multiple(hbf_gb: float, multiple: float) -> float:
    """The HBM capacity against which `hbf_gb` is `multiple` times larger: 4096 GB at 16x → 256 GB."""
    return hbf_gb / multiple


# --- the strongest alternative: more GPUs in one NVLink domain, or Grace memory ----------------

def multiple_by_baseline(hbf_gb: float, hbm_gb_by_part: dict[str, float], total_reading: bool = False) -> dict[str, float]:
    """The capacity multiple that `hbf_gb` of HBF represents against each accelerator's HBM.

    With `total_reading`, `hbf_gb` is read as the GPU's *total* memory (HBM + HBF), as in
    "expand the GPU's memory to 4 TB", so the HBF part is hbf_gb - HBM:
    4096 GB against 192 GB gives 21.3x (HBF alone) or 20.3x (total)."""
    out = {}
    for part, hbm in hbm_gb_by_part.items():
        out[part] = ((hbf_gb - hbm) if total_reading else hbf_gb) / hbm
    return out


@dataclass(frozen=True)
class Option:
    """One way to give a model the memory it needs, per GPU of the configuration.

    `fast_gb` is read at `fast_tb_s` (HBM); `slow_gb` (HBF, Grace LPDDR5X, or nothing) at
    `slow_tb_s`, concurrently (see `read_ms` for how the data are split). `usd_per_gpu` is what a buyer pays per GPU, memory included."""
    name: str
    fast_gb: float
    fast_tb_s: float
    slow_gb: float
    slow_tb_s: float
    usd_per_gpu: float

    @property
    def capacity_gb(self) -> float:
        return self.fast_gb + self.slow_gb


def read_ms(opt: Option, held_gb: float, read_share: float) -> float:
    """ms for one GPU to read `read_share` of the `held_gb` it holds, with the two tiers read at
    the same time and the data split between them to finish soonest: in proportion to their
    bandwidths, as far as their capacities allow (each byte read in proportion to where it lives).
    GB / (TB/s) = ms: 192 GB at 8 TB/s = 24 ms; 100 GB over 3 + 1 TB/s tiers = 25 ms."""
    if held_gb > opt.capacity_gb * (1 + 1e-9):
        raise ValueError(f"{held_gb:g} GB does not fit in {opt.name} ({opt.capacity_gb:g} GB)")
    if opt.slow_gb <= 0:
        fast = held_gb
    else:
        ideal = held_gb * opt.fast_tb_s / (opt.fast_tb_s + opt.slow_tb_s)
        fast = min(max(ideal, held_gb - opt.slow_gb), opt.fast_gb, held_gb)
    slow = held_gb - fast
    t_fast = fast * read_share / opt.fast_tb_s
    t_slow = slow * read_share / opt.slow_tb_s if slow > 0 else 0.0
    return max(t_fast, t_slow)


def gpus_needed(opt: Option, footprint_gb: float, read_share: float, target_ms: float,
                max_gpus: int = 100_000) -> int:
    """Fewest GPUs of `opt` that hold `footprint_gb` (split evenly) and read `read_share` of it
    within `target_ms` per step. Capacity alone: ceil(footprint / capacity)."""
    n = max(1, math.ceil(footprint_gb / opt.capacity_gb - 1e-9))
    while n <= max_gpus:
        if read_ms(opt, footprint_gb / n, read_share) <= target_ms + 1e-12:
            return n
        n += 1
    raise ValueError("target not reachable")


def compare_options(options: list[Option], footprint_gb: float, read_share: float, target_ms: float) -> pd.DataFrame:
    """For each option: GPUs needed for capacity alone, GPUs needed to also meet the step-time
    target, the capital cost (USD) of that many GPUs, the step read time they achieve (ms) and
    USD per GB held."""
    rows = []
    for o in options:
        n_cap = max(1, math.ceil(footprint_gb / o.capacity_gb - 1e-9))
        n = gpus_needed(o, footprint_gb, read_share, target_ms)
        cost = n * o.usd_per_gpu
        rows.append({"option": o.name, "capacity_gb_per_gpu": o.capacity_gb, "gpus_for_capacity": n_cap,
                     "gpus": n, "cost_usd": cost, "read_ms": read_ms(o, footprint_gb / n, read_share),
                     "read_ms_at_capacity": read_ms(o, footprint_gb / n_cap, read_share),
                     "usd_per_gb_held": cost / footprint_gb})
    return pd.DataFrame(rows)


def hbf_memory_usd(hbf_gb: float, hbm_usd_per_gb: float, capacity_per_cost_vs_hbm: float, markup: float = 1.0) -> float:
    """What the HBF of one GPU adds to its price: HBF GB x HBM's price per GB / (how many times
    more capacity HBF gives for the same cost) x the seller's markup.
    4096 GB at USD 12/GB HBM, 12x the capacity per dollar, at cost: USD 4096."""
    return hbf_gb * hbm_usd_per_gb / capacity_per_cost_vs_hbm * markup


def hbf_gpu_option(name: str, hbm_gb: float, hbm_tb_s: float, hbf_gb: float, hbf_tb_s: float, gpu_usd: float,
                   hbm_usd_per_gb: float, capacity_per_cost_vs_hbm: float, markup: float = 1.0,
                   hbm_removed_gb: float = 0.0) -> Option:
    """A GPU with HBF, priced as the base GPU + its HBF (at `markup` over cost) − the HBM it gave up
    for the HBF (at the same markup), for designs that keep the GPU's memory shoreline by swapping
    some HBM stacks for HBF stacks. `hbm_gb` / `hbm_tb_s` are what is left on the GPU.
    A B200 at USD 35,000 giving up 96 GB of HBM (USD 12/GB) for 2,048 GB of HBF (12x the capacity per
    dollar), at cost: 35,000 + 2,048 - 1,152 = USD 35,896."""
    if hbm_removed_gb < 0 or markup <= 0:
        raise ValueError("hbm_removed_gb must be >= 0 and markup > 0")
    price = (gpu_usd + hbf_memory_usd(hbf_gb, hbm_usd_per_gb, capacity_per_cost_vs_hbm, markup)
             - hbm_removed_gb * hbm_usd_per_gb * markup)
    return Option(name, hbm_gb, hbm_tb_s, hbf_gb, hbf_tb_s, price)

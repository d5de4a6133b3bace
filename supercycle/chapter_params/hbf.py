"""Parameters of the chapter 'hbf' (see supercycle/params.py for the rules).

Defaults that are article or reference figures name their claim id / reference row in `meaning`;
tests/test_models_hbf.py checks they equal the data. The rest are assumptions and say so.
GB = 1e9 bytes and TB = 1e12 bytes throughout.
"""
from supercycle.params import Param

MODELS = ("Llama-3.1-8B", "Llama-3.1-70B", "Llama-3.1-405B", "DeepSeek-V3", "Kimi-K2")
ACCELERATORS = ("H100 SXM", "H200 SXM", "B200", "TPU7x Ironwood")

PARAMS: tuple[Param, ...] = (
    # --- the workload -----------------------------------------------------------------------
    Param("model", "str", "Llama-3.1-70B", "",
          "model shape for the decode-time charts (a row of data/reference/model_shapes.csv); assumption",
          choices=MODELS),
    Param("weight_bits", "int", 16, "bits", "bits per weight; assumption (16 = BF16)", min=2, max=32),
    Param("kv_bits", "int", 16, "bits", "bits per KV-cache element; assumption (16 = BF16)", min=2, max=32),
    Param("act_bits", "int", 16, "bits", "bits per activation element; assumption", min=4, max=32),
    Param("activation_factor", "float", 20.0, "x hidden size",
          "activation working set per token in flight, in hidden-size vectors; assumption", min=1, max=200),
    Param("prefill_chunk_tokens", "int", 8192, "tokens",
          "tokens in flight at once (a prefill chunk), for activations; assumption", min=1, max=1_000_000),
    Param("context_tokens", "int", 131072, "tokens",
          "context length per sequence: 128K = 128 x 1024 tokens, after claim llm.context.length (over 128K)",
          min=1024, max=100_000_000),
    Param("batch", "int", 8, "sequences", "sequences decoded together; assumption", min=1, max=4096),
    # --- the accelerator --------------------------------------------------------------------
    Param("accelerator", "str", "B200", "",
          "accelerator (row of data/reference/accelerators.csv): B200's 192 GB is the HBM the reference hbf.csv compares with",
          choices=ACCELERATORS),
    Param("hbm_latency_us", "float", 0.1, "us",
          "HBM latency per dependent read; assumption (reference hbf.csv note: HBM is tens of ns)", min=0.01, max=10),
    Param("compute_utilization", "float", 0.5, "fraction",
          "share of dense BF16 peak reached in decode; assumption", min=0.05, max=1),
    # --- HBF --------------------------------------------------------------------------------
    Param("hbf_multiple_low", "float", 8.0, "x",
          "HBF capacity over HBM, low end: claim hbf.capacity.multiple_vs_hbm (low) = reference hbf.csv 'capacity multiple vs HBM (low)'",
          min=1, max=64),
    Param("hbf_multiple_high", "float", 16.0, "x",
          "HBF capacity over HBM, high end: claim hbf.capacity.multiple_vs_hbm (high) = reference hbf.csv 'capacity multiple vs HBM (high)'",
          min=1, max=64),
    Param("hbf_stacks", "int", 8, "stacks",
          "HBF stacks per GPU: reference hbf.csv 'GPU capacity with 8 HBF stacks'", min=1, max=16),
    Param("hbf_stack_capacity_gb", "float", 512.0, "GB",
          "capacity per HBF stack: reference hbf.csv 'capacity per stack (gen 1)' (secondary)", min=16, max=4096),
    Param("hbf_bandwidth", "str", "same_as_hbm", "",
          "HBF read bandwidth per GPU: same_as_hbm (SanDisk, primary: 'the same read bandwidth') or per_stack (stacks x hbf_stack_read_tb_s)",
          choices=("same_as_hbm", "per_stack")),
    Param("hbf_stack_read_tb_s", "float", 1.6, "TB/s",
          "read bandwidth per HBF stack, used with per_stack: reference hbf.csv 'read bandwidth per stack (gen 1)' (secondary)",
          min=0.1, max=10),
    Param("hbf_latency_us", "float", 15.0, "us",
          "HBF read latency per dependent read: midpoint of reference hbf.csv 'read latency' 10-20 us (secondary, no vendor figure)",
          min=0.1, max=1000),
    Param("dependent_reads_per_layer", "float", 1.0, "round trips",
          "data-dependent reads per layer per step that prefetch cannot hide (router-chosen experts, sparse-attention pages); assumption",
          min=0, max=64),
    Param("tiers_concurrent", "bool", True, "",
          "HBM, HBF and host are read at the same time (true) or one after another; assumption"),
    Param("host_link_tb_s", "float", 0.064, "TB/s",
          "bandwidth to host memory for what HBM cannot hold without HBF; assumption (about PCIe 5.0 x16)", min=0.001, max=2),
    Param("host_latency_us", "float", 2.0, "us", "host-memory latency per dependent read; assumption", min=0.1, max=100),
    # --- the strongest alternative (per GPU of a GB200 NVL72-class NVLink domain) ------------------
    Param("alt_footprint_tb", "float", 4.0, "TB",
          "memory the buyer needs to hold: claim hbf.capacity.gpu (GF Securities' 4 TB per GPU)", min=0.1, max=1000),
    Param("alt_read_share_pct", "float", 100.0, "%",
          "share of the held bytes read per decode step (100 = dense decode over all of it; less for MoE experts, idle or sparse KV cache); assumption",
          min=0.1, max=100),
    Param("alt_target_step_ms", "float", 50.0, "ms",
          "decode step time the configuration must meet (50 ms = 20 tokens/s per sequence); assumption", min=1, max=100_000),
    Param("nvl72_rack_usd_m", "float", 2.55, "USD m",
          "price of a GB200 NVL72 rack (72 GPUs, 36 Grace CPUs): midpoint of reference hbf_alternatives.csv 2.0-3.1 (secondary estimates)",
          min=1.0, max=6.0),
    Param("hbm_usd_per_gb", "float", 11.5, "USD/GB",
          "HBM3E price per GB: midpoint of reference hbf_alternatives.csv 8-15 (secondary estimates; no public price)", min=2, max=40),
    Param("hbf_capacity_per_cost", "float", 12.0, "x",
          "HBF capacity per dollar over HBM's: SanDisk's “8-16x the capacity of HBM at similar cost” (reference hbf.csv, primary), midpoint",
          min=1, max=32),
    Param("hbf_markup", "float", 1.0, "x",
          "price the buyer pays over the HBF memory's cost (1 = at cost, favourable to HBF; a B200 sells at about 5.5x its modelled cost, reference hbf_alternatives.csv, shown beside); assumption",
          min=1, max=10),
    Param("grace_gb_per_gpu", "float", 240.0, "GB",
          "Grace LPDDR5X per GPU: 480 GB per Grace CPU shared by two GPUs (reference hbf_alternatives.csv, secondary)", min=0, max=1000),
    Param("c2c_tb_s_per_gpu", "float", 0.45, "TB/s",
          "read bandwidth per GPU from Grace memory: NVLink-C2C 0.9 TB/s bidirectional shared by two GPUs (reference hbf_alternatives.csv); assumption within it",
          min=0.05, max=2),
    # --- the market crossover ---------------------------------------------------------------
    Param("hbm_market_start_usd_bn", "float", 46.7, "USD bn",
          "HBM market in the start year: reference market_crosschecks.csv 'HBM market size (TrendForce)' 2025", min=1, max=1000),
    Param("hbm_market_start_year", "int", 2025, "year",
          "year of the HBM starting size: reference market_crosschecks.csv (TrendForce, 2025)", min=2020, max=2035),
    Param("hbm_market_cagr_pct", "float", 15.0, "% a year", "HBM market growth after the start year; assumption", min=-20, max=100),
    Param("hbf_market_start_usd_bn", "float", 0.5, "USD bn",
          "HBF market in its first year of product sales; assumption (no source gives one)", min=0.001, max=100),
    Param("hbf_market_start_year", "int", 2028, "year",
          "first full year of HBF product sales; assumption after claim hbf.products.first (end-2027 or early 2028)",
          min=2026, max=2037),
    Param("crossover_year", "int", 2038, "year",
          "year HBF overtakes HBM: claim hbf.market.overtakes_hbm (about 2038)", min=2030, max=2060),
)

# Rules between parameters, checked before anything runs (every X_low/X_high pair is also held to
# low <= high without being listed here).
RULES = (
    ("hbf_market_start_year", "<", "crossover_year"),  # HBF must be on sale before it can overtake HBM
)

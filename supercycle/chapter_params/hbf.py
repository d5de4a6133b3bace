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

"""Parameters of the chapter 'fact_check' (see supercycle/params.py for the rules).

The two verdict thresholds decide between consistent, rounding and a gap (see
`supercycle.models.fact_check.verdict`). The exchange rates (from data/reference/fx_rates.csv) and
SK hynix's share count (from its market cap, data/reference/ledger_checks.csv) are figures the
articles do not give, needed to check the figures they convert. HBF_BASELINES and
NAND_DEMAND_GROWTH_2027_CHOICES_PCT are the plausible choices two checks are shown across. Where a default is a data figure its meaning says which, and
tests/test_ledger.py proves the default equals it.
"""
from supercycle.params import Param

GPU_CHOICES = ("H100 SXM", "H200 SXM", "B200", "B300", "Rubin", "MI300X", "MI355X", "MI455X", "TPU7x")
# The plausible baselines for HBF's "8-16x HBM" when HBF reaches products (late 2027 / early 2028,
# per the article): the current and next accelerators of data/reference/accelerators.csv. B200 is
# SanDisk's own comparison; B300, Rubin, MI355X and MI455X are what a buyer would set HBF against.
HBF_BASELINES = ("B200", "B300", "Rubin", "MI355X", "MI455X")
# Plausible growth of total NAND bit demand in 2027 (per cent), to show the ICMS-share check across
# choices: flat (what Citi's two shares imply), 10, IDC's 2026 supply growth of about 17 (a proxy
# from another year), and 25 (a strong AI year). An assumption, not a forecast.
NAND_DEMAND_GROWTH_2027_CHOICES_PCT = (0.0, 10.0, 17.0, 25.0)

PARAMS: tuple[Param, ...] = (
    Param("consistent_rel_tol_pct", "float", 0.1, "pct",
          "verdict threshold: a stated figure within this relative gap of the recomputed one is 'consistent' "
          "(growth rates compared as factors 1 + r); an assumption",
          min=0.0, max=5.0),
    Param("rounding_rel_tol_pct", "float", 5.0, "pct",
          "verdict threshold: a relative gap up to this is 'rounding' (figures printed with few digits or "
          "'about'); beyond it a statement is over/understated, inconsistent or in conflict; an assumption",
          min=0.1, max=50.0),
    Param("krw_per_usd", "float", 1470.0, "krw per usd",
          "Korean won per US dollar used to check conversions; default = data/reference/fx_rates.csv row KRW "
          "(mid-January 2026, the project's common rate)",
          min=900.0, max=2000.0),
    Param("cny_per_usd", "float", 6.97, "cny per usd",
          "Chinese yuan per US dollar used to check conversions; default = data/reference/fx_rates.csv row CNY "
          "(mid-January 2026 spot)",
          min=5.0, max=9.0),
    Param("twd_per_usd", "float", 31.6, "twd per usd",
          "New Taiwan dollars per US dollar used to check conversions; default = data/reference/fx_rates.csv row TWD "
          "(mid-January 2026)",
          min=20.0, max=45.0),
    Param("skhynix_shares_m", "float", 728.0, "shares_m",
          "SK hynix common shares in issue, millions; default = data/reference/ledger_checks.csv: market cap "
          "202.7487 trn won at the 278,500 won close of 2025-06-24 (728.0 m shares)",
          min=500.0, max=1000.0),
    Param("nand_demand_growth_2027_pct", "float", 17.0, "pct",
          "growth of total NAND bit demand 2026 to 2027, used to test the 2.8% and 9.3% ICMS shares together; "
          "default = claim nand.bit_supply_growth.2026 (IDC's 2026 supply growth, as a proxy)",
          min=-20.0, max=60.0),
    Param("hbf_reference_gpu", "str", "B200", "",
          "accelerator whose HBM capacity (data/reference/accelerators.csv) the HBF ‘8–16×’ multiple applies to; "
          "default B200, the 192 GB SanDisk compares its 4 TB GPU with (data/reference/hbf.csv)",
          choices=GPU_CHOICES),
)

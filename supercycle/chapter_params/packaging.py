"""Parameters of the chapter 'packaging' (see supercycle/params.py for the rules).

The three exchange rates are the chapter's single exchange-rate table: every conversion in the
chapter goes through them (supercycle.models.packaging.FxTable). Their defaults are the rows of
data/reference/fx_rates.csv (a test checks they agree).

The HBM market chain (supercycle.models.hbm_tam) has one parameter per link. For the sourced
links, min and max are the range the public figures in data/reference/hbm_tam.csv span, and the
tornado chart varies each parameter over exactly that [min, max].
"""
from supercycle.params import Param

PARAMS: tuple[Param, ...] = (
    Param("usd_krw", "float", 1470.0, "KRW per USD",
          "Won per US dollar for every conversion; default = data/reference/fx_rates.csv row KRW (mid-January 2026 market level, rounded)",
          min=900.0, max=2000.0),
    Param("usd_twd", "float", 31.6, "TWD per USD",
          "New Taiwan dollars per US dollar; default = data/reference/fx_rates.csv row TWD (mid-January 2026, rounded)",
          min=20.0, max=45.0),
    Param("usd_cny", "float", 6.97, "CNY per USD",
          "Yuan per US dollar; default = data/reference/fx_rates.csv row CNY (mid-January 2026 spot, rounded)",
          min=5.0, max=9.0),
    Param("cowos_path", "str", "mid", "",
          "Which end of the article's CoWoS capacity ranges the scenario path follows (low end, midpoint, high end)",
          choices=("low", "mid", "high")),
    Param("cowos_growth_after_2026_pct", "float", 25.0, "pct per year",
          "Assumption (not an article figure): yearly growth of TSMC CoWoS capacity after end-2026, for the illustrative extension to end-2028",
          min=0.0, max=150.0),
    Param("hbm_tam_year", "int", 2026, "year",
          "Year whose HBM market the CoWoS chain builds: its output is the mean of the previous and its own year-end capacity (article ranges end-2023 to end-2026); set rubin_wafer_share_pct to 0 before 2026",
          min=2024, max=2026),
    Param("cowos_utilisation_pct", "float", 85.0, "pct",
          "Assumption (no public figure found): share of installed CoWoS capacity that becomes good, shipped packages in a year (ramp-up, yield, idle lines)",
          min=70.0, max=100.0),
    Param("ppw_blackwell", "float", 16.0, "packages per wafer",
          "Blackwell-class packages per 12-inch CoWoS wafer: B200 16 (weak source, at 100% yield); range from TheElec's 9 H100 interposers to ~29 H100/H200 packages (CONFLICT), data/reference/hbm_tam.csv",
          min=9.0, max=29.0),
    Param("ppw_rubin", "float", 5.5, "packages per wafer",
          "Rubin-class packages per 12-inch wafer: 4-7 if Rubin is a 5.5x-reticle CoWoS-L package (TrendForce via an aggregator; default the midpoint); CONFLICT: TrendForce also sizes Rubin at ~4x reticle (3,320 mm2), where B200's 16 scaled by area (2,739 mm2) gives ~13.2, the max",
          min=4.0, max=13.2),
    Param("rubin_wafer_share_pct", "float", 25.0, "pct",
          "Assumption: share of the year's CoWoS wafers on Rubin-class packages (Rubin ramps from 2026H2, so a minority of 2026 wafers)",
          min=0.0, max=50.0),
    Param("stacks_per_package", "float", 8.0, "stacks",
          "HBM stacks per accelerator package: 8 for B200, B300 and Rubin (data/reference/accelerators.csv, hbm_tam.csv); 6 for H200; Rubin Ultra's 12 ships after 2026, outside the chain's years",
          min=6.0, max=8.0),
    Param("gb_per_stack_blackwell", "float", 30.0, "GB per stack",
          "GB per HBM3E stack on Blackwell-class parts: B200 24 GB (192/8, 8-high), B300 36 GB (288/8, 12-high); default the midpoint of the two",
          min=24.0, max=36.0),
    Param("gb_per_stack_rubin", "float", 36.0, "GB per stack",
          "GB per HBM4 stack on Rubin: 288 GB / 8 stacks = 36 (12-high); 24 to 48 GB are the HBM4 parts in data/reference/hbm_generations.csv",
          min=24.0, max=48.0),
    Param("usd_per_gb_hbm3e", "float", 12.3, "USD per GB",
          "HBM3E price: USD ~370 a stack reported for SK hynix to NVIDIA, on the chain's 30 GB mid stack = 12.3 a GB (10.3 at 36 GB, 15.4 at 24 GB); min = USD 8 a GB (an explainer, weak); data/reference/hbm_tam.csv",
          min=8.0, max=15.4),
    Param("usd_per_gb_hbm4", "float", 15.6, "USD per GB",
          "HBM4 price: USD ~560 a stack reported for SK hynix to NVIDIA = 15.6 a GB at 36 GB (11.7 at 48 GB); high end +15% for later contract rises (assumption)",
          min=11.7, max=18.0),
)

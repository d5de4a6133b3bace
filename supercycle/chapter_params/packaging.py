"""Parameters of the chapter 'packaging' (see supercycle/params.py for the rules).

The three exchange rates are the chapter's single exchange-rate table: every conversion in the
chapter goes through them (supercycle.models.packaging.FxTable). Their defaults are the rows of
data/reference/fx_rates.csv (a test checks they agree).
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
)

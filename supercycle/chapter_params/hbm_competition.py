"""Parameters of the chapter 'hbm_competition' (see supercycle/params.py for the rules).

Defaults that are article or reference figures name their claim id / reference row in `meaning`;
tests/test_models_hbm_competition.py checks that they still equal the data.
"""
from supercycle.params import Param

PARAMS: tuple[Param, ...] = (
    Param("hbm_market_usd_bn", "float", 54.6, "usd_bn",
          "HBM market size in the modelled year (2026); default = reference market_crosschecks "
          "row 'HBM market size (BofA)' 2026", min=10, max=200),
    Param("skhynix_hbm_share_pct", "float", 50.0, "pct",
          "SK hynix HBM value share; default = claim jpm.skhynix.hbm_value_share (JPMorgan: "
          "slightly below 50%, so the default is the upper bound)", min=5, max=95),
    Param("hbm_price_change_pct", "float", 0.0, "pct",
          "assumption: change in the HBM average price against the price built into the market "
          "size, volume held (0 = the market estimate as given)", min=-60, max=100),
    Param("krw_per_usd", "float", 1470.0, "krw",
          "won per US dollar used to convert HBM revenue; default = reference fx_rates row KRW "
          "(mid-January 2026, the project's common rate)", min=900, max=2000),
    Param("capex_low_krw_trn", "float", 36.0, "krw_trn",
          "low end of SK hynix capex, FY2026-27; default = claim jpm.skhynix.capex (low)", min=5, max=150),
    Param("capex_high_krw_trn", "float", 48.0, "krw_trn",
          "high end of SK hynix capex, FY2026-27; default = claim jpm.skhynix.capex (high)", min=5, max=150),
    Param("capital_intensity_low_pct", "float", 20.0, "pct",
          "low end of implied capital intensity (capex / revenue); default = claim "
          "jpm.skhynix.capital_intensity (low)", min=5, max=60),
    Param("capital_intensity_high_pct", "float", 23.0, "pct",
          "high end of implied capital intensity; default = claim jpm.skhynix.capital_intensity (high)",
          min=5, max=60),
    Param("share_price_krw", "float", 765500.0, "krw_per_share",
          "SK hynix share price the valuation is measured from; default = claim skhynix.share_price",
          min=100000, max=5000000),
    Param("target_price_krw", "float", 1000000.0, "krw_per_share",
          "the target price being examined; default = claim jpm.skhynix.target_price (JPMorgan)",
          min=100000, max=5000000),
)

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
    # --- HBM share of SK hynix's sales, 2026 --------------------------------------------------
    Param("hbm_market_growth_2026_pct", "float", 58.0, "pct",
          "growth of the HBM market in 2026 on the basis of the USD 54.6 bn; default = reference "
          "hbm_competition_financials row 'HBM market growth (SK hynix Newsroom, BofA basis)' (+58% on "
          "USD 34.6 bn for 2025); the chapter shows the spliced BofA/TrendForce rate and JPMorgan's own "
          "2025 basis beside it", min=-50, max=300),
    Param("skhynix_total_sales_growth_2026_pct", "float", 51.0, "pct",
          "growth of SK hynix's total sales in 2026; default = claim bofa.dram.revenue.growth.2026 "
          "(BofA's +51% for global DRAM revenue, a proxy: SK hynix also sells NAND)", min=-50, max=300),
    Param("skhynix_hbm_value_share_2025_pct", "float", 57.0, "pct",
          "SK hynix's HBM value share in 2025, the start of JPMorgan's slip to just under 50%; "
          "default = reference hbm_competition_financials row Counterpoint 2025Q3 (revenue basis; "
          "Macquarie's 61% for 2025 is shown beside it)", min=20, max=95),
    # --- from operating profit to valuation ----------------------------------------------------
    Param("skhynix_op_2026_krw_trn", "float", 93.843, "krw_trn",
          "SK hynix 2026 operating profit; default = claim im.skhynix.opprofit.2026 (iM Securities' "
          "forecast, January 2026)", min=10, max=300),
    Param("samsung_op_2026_krw_trn", "float", 107.612, "krw_trn",
          "Samsung Electronics 2026 operating profit; default = claim kiwoom.samsung.opprofit.2026 "
          "(Kiwoom's forecast, January 2026)", min=10, max=400),
    Param("tax_rate_pct", "float", 25.0, "pct",
          "effective tax rate on 2026 pre-tax income, both companies; default = Korea's top "
          "corporate rate from 2026 (reference row, 25%, national rate only); SK hynix paid 14.9% "
          "in 2025 and the statutory rate with local tax is 27.5%", min=10, max=30),
    Param("skhynix_non_operating_krw_trn", "float", 0.0, "krw_trn",
          "SK hynix net non-operating items in 2026 (finance income, FX, equity-method); default 0 "
          "(neutral); 2025 actual = +3.26 trn won (reference row)", min=-10, max=15),
    Param("samsung_non_operating_krw_trn", "float", 0.0, "krw_trn",
          "Samsung net non-operating items in 2026; default 0 (neutral; Samsung's large cash pile "
          "and equity-method stakes put its 2025 net profit above its operating profit)", min=-10, max=30),
    Param("skhynix_shares_m", "float", 690.41, "shares_m",
          "SK hynix shares outstanding excluding treasury shares (the EPS denominator); default = "
          "reference row 'SK hynix shares outstanding' (690.41 m); the ADR figures imply ~725 m",
          min=600, max=800),
    Param("samsung_price_krw", "float", 119900.0, "krw_per_share",
          "Samsung Electronics share price for its P/E; the articles quote none, so the default is "
          "the end-2025 close (reference row, 2025-12-30), a proxy", min=30000, max=500000),
    Param("dram_share_of_revenue_pct", "float", 72.6, "pct",
          "DRAM (HBM included) as a share of SK hynix's revenue; default = 2025Q2 DRAM revenue / "
          "total revenue (16.14 / 22.23, reference rows)", min=40, max=95),
    Param("hbm_reprices_with_dram", "bool", False, "",
          "whether HBM revenue moves with the DRAM ASP shock; default false: HBM is usually sold on "
          "annual volume and price agreements, so a commodity price move reaches it late"),
    Param("dram_asp_shock_pct", "float", 10.0, "pct",
          "size of the DRAM ASP shock for the EPS sensitivity (applied as + and -)", min=1, max=50),
)

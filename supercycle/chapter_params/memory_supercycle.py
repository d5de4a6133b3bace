"""Parameters of the chapter 'memory_supercycle' (see supercycle/params.py for the rules)."""
from supercycle.params import Param

PARAMS: tuple[Param, ...] = (
    Param("dram_asp_growth_pct", "float", 33.0, "pct",
          "DRAM ASP growth 2026 yoy for the scenario model's 'annual ASP' column only (default = claim "
          "bofa.dram.asp.growth.2026: BofA's January view); the headline scenario takes ASP from the chained price path",
          min=-50.0, max=150.0),
    Param("dram_wafer_growth_pct", "float", 5.0, "pct",
          "DRAM wafer-output growth 2026 yoy, three makers; default = claim dram.wafers.total.growth.2026 (Omdia, about 5%)",
          min=-20.0, max=30.0),
    Param("dram_bits_per_wafer_growth_pct", "float", 8.0, "pct",
          "DRAM bits-per-wafer growth 2026 from node migration net of HBM's larger dies; an assumption, not an article figure",
          min=-10.0, max=30.0),
    Param("nand_asp_growth_pct", "float", 26.0, "pct",
          "NAND ASP growth 2026 yoy for the scenario model's 'annual ASP' column only (default = claim "
          "bofa.nand.asp.growth.2026: BofA's January view); the headline scenario takes ASP from the chained price path",
          min=-50.0, max=150.0),
    Param("nand_wafer_growth_pct", "float", -6.18, "pct",
          "NAND wafer-output growth 2026 yoy; default = Samsung + SK hynix (claims nand.wafers.*: 6.38/6.80 - 1 = -6.18%, the basis chapter 7 uses), others assumed alike",
          min=-30.0, max=30.0),
    Param("qlc_share_2025_pct", "float", 20.0, "pct",
          "QLC share of NAND wafer output in 2025; an assumption (the article gives no share)",
          min=0.0, max=100.0),
    Param("qlc_share_2026_pct", "float", 30.0, "pct",
          "QLC share of NAND wafer output in 2026; an assumption (the article gives no share)",
          min=0.0, max=100.0),
    Param("nand_density_gain_pct", "float", 12.0, "pct",
          "NAND bits-per-wafer growth 2026 from more layers at constant cell type; an assumption",
          min=0.0, max=40.0),
    Param("vr_units_2026", "int", 30000, "units",
          "Vera Rubin NVL144 systems shipped in 2026; default = claim nand.vera_rubin.units.2026 (Citi's assumption)",
          min=0, max=200000),
    Param("vr_units_2027", "int", 100000, "units",
          "Vera Rubin NVL144 systems shipped in 2027; default = claim nand.vera_rubin.units.2027 (Citi's assumption)",
          min=0, max=400000),
    Param("tb_per_system", "float", 1152.0, "tb",
          "Additional SSD capacity per Vera Rubin NVL144 system for ICMS; default = claim nand.vera_rubin.ssd_tb_per_system (Citi)",
          min=0.0, max=5000.0),
    Param("nand_demand_growth_2027_pct", "float", 17.0, "pct",
          "Growth of total NAND demand (bits) 2026 to 2027; default = claim nand.bit_supply_growth.2026 "
          "(IDC's 2026 supply growth, as a proxy; the article's two shares imply almost none), "
          "the same default as fact_check",
          min=-10.0, max=60.0),
    Param("asp_q2_q4_qoq_pct", "float", 0.0, "pct",
          "Contract-price change in each of 2026Q2, Q3 and Q4 (quarter on quarter), DRAM and NAND; "
          "an assumption (no public forecast beyond 2026Q1 was used); 0 = flat after Q1; "
          "sets the ASP growth of the headline (price-path) scenario",
          min=-20.0, max=30.0),
    Param("nand_2025_q2_q3_qoq_pct", "float", 0.0, "pct",
          "NAND contract-price change in each of 2025Q2 and 2025Q3 (quarter on quarter); an assumption: "
          "no TrendForce number for these quarters was found; 0 = flat, centred on TrendForce's words "
          "(2Q25 ASP 'slightly down', 3Q25 'slight recovery' expected: udn.com/news/story/7240/8969133, 2025-08-28)",
          min=-15.0, max=15.0),
)

"""Quantities several chapters use, declared once: each chapter that uses one declares a field of
its type (`krw_per_usd: KrwPerUsd`), and a build sets it once for all of them (a scenario's
`shared:` block, or `--set shared.krw_per_usd=VALUE`). `python -m supercycle params shared`
lists them."""
from __future__ import annotations

from typing import Annotated

from supercycle.declare import ChapterParams, from_claim, from_reference, param


def _per_usd(code: str, currency: str, low: float, high: float):
    return Annotated[float, param(
        from_reference("fx_rates", code, column="currency", value="per_usd"), f"{code} per USD",
        f"{currency} per US dollar, for every conversion and check; default = {{source}}, "
        "mid-January 2026 market level, rounded: the project's common rate", ge=low, le=high)]


KrwPerUsd = _per_usd("KRW", "Korean won", 900.0, 2000.0)
TwdPerUsd = _per_usd("TWD", "New Taiwan dollars", 20.0, 45.0)
CnyPerUsd = _per_usd("CNY", "Chinese yuan", 5.0, 9.0)
NandDemandGrowth2027Pct = Annotated[float, param(
    from_claim("nand.bit_supply_growth.2026"), "pct",
    "growth of total NAND demand (bits) 2026 to 2027; default = {source} (IDC's 2026 supply growth, "
    "as a proxy; the article's two ICMS shares imply almost none)", ge=-20.0, le=60.0)]

# The NAND supply model (chapter 1's 2026 growth, which chapter 7 runs for every year to 2030).
QlcShare2025Pct = Annotated[float, param(20.0, "pct",
    "QLC share of NAND wafer output in 2025; an assumption (the articles give no share)", ge=0.0, le=100.0)]
QlcShare2026Pct = Annotated[float, param(30.0, "pct",
    "QLC share of NAND wafer output in 2026; an assumption (the articles give no share)", ge=0.0, le=100.0)]
NandDensityGainPct = Annotated[float, param(12.0, "pct",
    "NAND bits-per-wafer growth a year from more layers at constant cell type (2026 in chapter 1, every year "
    "in chapter 7); an assumption", ge=0.0, le=40.0)]


class Params(ChapterParams):
    krw_per_usd: KrwPerUsd
    twd_per_usd: TwdPerUsd
    cny_per_usd: CnyPerUsd
    nand_demand_growth_2027_pct: NandDemandGrowth2027Pct
    qlc_share_2025_pct: QlcShare2025Pct
    qlc_share_2026_pct: QlcShare2026Pct
    nand_density_gain_pct: NandDensityGainPct

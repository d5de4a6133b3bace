"""HBM market size built up from TSMC's CoWoS capacity (issue 14, analysis 3).

The chain, one step per function so each can be checked by hand:

    CoWoS wafers a month (year-end capacity, thousand 12-inch wafer equivalents)
      -> wafers in a year    = mean(start-of-year, end-of-year capacity) x 12 x utilisation
      -> packages            = wafers x packages per wafer (blended over the product mix)
      -> HBM stacks          = packages x stacks per package
      -> HBM gigabytes       = stacks x GB per stack
      -> market (USD bn)     = gigabytes x USD per GB / 1e9

**Year-end capacity to a year's output.** The articles give capacity at each year end. A year's
output is taken as the average of the capacity at the start of the year (the previous year end)
and at its end (a straight-line ramp through the year), times 12 months, times a utilisation
(the share of installed capacity that turns out good, shipped packages). So 2026's output uses
end-2025 and end-2026.

**What it counts.** HBM that goes into TSMC CoWoS packages only: HBM packaged elsewhere (Samsung's
own 2.5D, Intel EMIB, ASE/SPIL's own CoW) is not counted, and neither are stacks bought in one year
and packaged in the next. Both leave the chain's figure below a market total.

The public entry point for other chapters is `market_usd_bn` (one product) and `market_mix`
(a product mix). Both are pure; the capacity figures come in as arguments: read them with
`capacity_ranges(get)` from the claims (`supercycle.data.claims().get`), which is the one place the
CoWoS capacity ids are listed, so the numbers exist once.

Example (chapter 2)::

    from supercycle.data import claims
    from supercycle.chapters import hbm_tam
    caps = hbm_tam.capacity_ranges(claims().get)          # {2023: (15, 20), ..., 2026: (115, 130)}
    k = hbm_tam.year_average_k(caps, 2026, "mid")          # (80 + 122.5) / 2 = 101.25
    hbm_tam.market_usd_bn(k, packages_per_wafer=16, stacks_per_package=8,
                          gb_per_stack=36, usd_per_gb=12, utilisation=0.85)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

import pandas as pd

from supercycle.data import UNIT_TABLE

# TSMC CoWoS year-end capacity in the packaging article (thousand 12-inch wafer equivalents a
# month). The one list of these ids: chapter 4 and chapter 2 both read capacity through it.
TSMC_CAPACITY_IDS: dict[int, str] = {
    2023: "pkg.cowos.tsmc.capacity.2023",
    2024: "pkg.cowos.tsmc.capacity.2024",
    2025: "pkg.cowos.tsmc.capacity.2025.target",
    2026: "pkg.cowos.tsmc.capacity.2026.plan",
}
# The two single estimates the article quotes above the ranges (法人 for 2025, 部分機構 for 2026).
TSMC_POINT_IDS: dict[int, str] = {
    2025: "pkg.cowos.tsmc.capacity.2025.analysts",
    2026: "pkg.cowos.tsmc.capacity.2026.some",
}

GB_PER_BN_USD = UNIT_TABLE["usd_bn"].scale  # USD per billion USD (1e9, data/units.csv): gigabytes x USD/GB / 1e9 = USD bn


def capacity_ranges(get: Callable[[str], Any], ids: Mapping[int, str] = TSMC_CAPACITY_IDS) -> dict[int, tuple[float, float]]:
    """{year end: (low, high)} in thousand wafers a month, read through `get(claim_id)`."""
    return {year: tuple(get(cid).range) for year, cid in sorted(ids.items())}


def pick(low: float, high: float, which: str) -> float:
    """The low end, midpoint or high end of a range."""
    if which == "low":
        return low
    if which == "high":
        return high
    if which == "mid":
        return (low + high) / 2
    raise ValueError(f"which must be low, mid or high, got {which!r}")


def year_average_k(ranges: Mapping[int, tuple[float, float]], year: int, which: str = "mid") -> float:
    """Average monthly capacity during `year` (thousand wafers a month): the mean of the capacity
    at the end of `year - 1` and at the end of `year`, each on the chosen end of its range."""
    if year - 1 not in ranges or year not in ranges:
        raise KeyError(f"need year-end capacity for {year - 1} and {year}; have {sorted(ranges)}")
    return (pick(*ranges[year - 1], which) + pick(*ranges[year], which)) / 2


def market_usd_bn(cowos_wafers_k_per_month: float, packages_per_wafer: float, stacks_per_package: float,
                  gb_per_stack: float, usd_per_gb: float, utilisation: float = 1.0) -> float:
    """HBM market (USD bn a year) carried by a CoWoS capacity of `cowos_wafers_k_per_month`
    thousand wafers a month held for a year, for one product:

        k wafers/month x 1000 x 12 x utilisation x packages/wafer x stacks/package x GB/stack x USD/GB / 1e9

    For a year whose capacity ramps, pass the year's average (`year_average_k`)."""
    for name, v in (("cowos_wafers_k_per_month", cowos_wafers_k_per_month), ("packages_per_wafer", packages_per_wafer),
                    ("stacks_per_package", stacks_per_package), ("gb_per_stack", gb_per_stack), ("usd_per_gb", usd_per_gb)):
        if v < 0:
            raise ValueError(f"{name} cannot be negative, got {v}")
    if not 0 < utilisation <= 1:
        raise ValueError(f"utilisation is a fraction in (0, 1], got {utilisation}")
    wafers = cowos_wafers_k_per_month * 1000 * 12 * utilisation
    return wafers * packages_per_wafer * stacks_per_package * gb_per_stack * usd_per_gb / GB_PER_BN_USD


@dataclass(frozen=True)
class Product:
    """One accelerator class in the mix: packages per CoWoS wafer, HBM stacks per package,
    GB per stack, USD per GB, and the share of CoWoS wafers it takes (a fraction)."""
    name: str
    wafer_share: float
    packages_per_wafer: float
    stacks_per_package: float
    gb_per_stack: float
    usd_per_gb: float


def check_mix(mix: Iterable[Product]) -> tuple[Product, ...]:
    mix = tuple(mix)
    if not mix:
        raise ValueError("the product mix is empty")
    total = sum(p.wafer_share for p in mix)
    if any(p.wafer_share < 0 for p in mix) or abs(total - 1) > 1e-9:
        raise ValueError(f"wafer shares must be non-negative and sum to 1, got {total}")
    return mix


def chain(wafers_k_per_month: float, mix: Iterable[Product], utilisation: float = 1.0) -> pd.DataFrame:
    """Every step of the chain for each product and in total: wafers (thousands a year), packages
    (millions), stacks (millions), HBM (million GB = petabytes) and market (USD bn)."""
    mix = check_mix(mix)
    wafers_total = wafers_k_per_month * 12 * utilisation
    rows = []
    for p in mix:
        wafers = wafers_total * p.wafer_share
        packages_m = wafers * p.packages_per_wafer / 1000
        stacks_m = packages_m * p.stacks_per_package
        gb_m = stacks_m * p.gb_per_stack
        rows.append({"product": p.name, "wafer_share": p.wafer_share, "wafers_k": wafers,
                     "packages_m": packages_m, "stacks_m": stacks_m, "hbm_gb_m": gb_m,
                     "usd_per_gb": p.usd_per_gb, "market_usd_bn": gb_m * p.usd_per_gb / 1000})
    t = pd.DataFrame(rows)
    total = {"product": "total", "wafer_share": t["wafer_share"].sum(), "wafers_k": t["wafers_k"].sum(),
             "packages_m": t["packages_m"].sum(), "stacks_m": t["stacks_m"].sum(), "hbm_gb_m": t["hbm_gb_m"].sum(),
             "market_usd_bn": t["market_usd_bn"].sum()}
    total["usd_per_gb"] = total["market_usd_bn"] * 1000 / total["hbm_gb_m"] if total["hbm_gb_m"] else float("nan")
    return pd.concat([t, pd.DataFrame([total])], ignore_index=True)


def market_mix(wafers_k_per_month: float, mix: Iterable[Product], utilisation: float = 1.0) -> float:
    """HBM market (USD bn) for a product mix: the sum of `market_usd_bn` over products, each on its
    share of the wafers."""
    return sum(market_usd_bn(wafers_k_per_month * p.wafer_share, p.packages_per_wafer, p.stacks_per_package,
                             p.gb_per_stack, p.usd_per_gb, utilisation) for p in check_mix(mix))


def two_class_mix(new_share: float, old: Mapping[str, float], new: Mapping[str, float],
                  old_name: str = "Blackwell class", new_name: str = "Rubin class") -> tuple[Product, Product]:
    """A two-product mix: `new_share` of the wafers on the new class, the rest on the old. `old`
    and `new` give packages_per_wafer, stacks_per_package, gb_per_stack and usd_per_gb."""
    if not 0 <= new_share <= 1:
        raise ValueError(f"new_share is a fraction in [0, 1], got {new_share}")
    keys = ("packages_per_wafer", "stacks_per_package", "gb_per_stack", "usd_per_gb")
    return (Product(old_name, 1 - new_share, *(old[k] for k in keys)),
            Product(new_name, new_share, *(new[k] for k in keys)))


def vendor_split(market_usd_bn_: float, shares_pct: Mapping[str, float]) -> dict[str, float]:
    """The market split by vendor share (per cent). Shares need not sum to 100 (a source that gives
    one vendor only); what is left is returned as 'others / not given'."""
    out = {v: market_usd_bn_ * s / 100 for v, s in shares_pct.items()}
    rest = 100 - sum(shares_pct.values())
    if rest > 1e-9:
        out["others / not given"] = market_usd_bn_ * rest / 100
    return out


def tornado(model: Callable[[Mapping[str, float]], float], base: Mapping[str, float],
            ranges: Mapping[str, tuple[float, float]]) -> pd.DataFrame:
    """One-at-a-time sensitivity: the model at `base`, then with each parameter set to its low and
    high end (others at base). Rows sorted by swing, widest first."""
    b = model(dict(base))
    rows = []
    for name, (lo, hi) in ranges.items():
        if name not in base:
            raise KeyError(f"{name} is not a base parameter")
        at_lo = model({**base, name: lo})
        at_hi = model({**base, name: hi})
        rows.append({"param": name, "low": lo, "base_value": base[name], "high": hi,
                     "at_low": at_lo, "at_high": at_hi, "base": b, "swing": abs(at_hi - at_lo)})
    return pd.DataFrame(rows).sort_values("swing", ascending=False, ignore_index=True)


def end_capacity_for_uplift(start_k: float, end_k: float, uplift_pct: float) -> float:
    """The end-of-year capacity (thousand a month) that raises the year's output, hence the
    market, by `uplift_pct` per cent with the start-of-year capacity unchanged.

    Output is proportional to (start + end) / 2, so the new end is end + uplift x (start + end)."""
    return end_k + uplift_pct / 100 * (start_k + end_k)


# The chain's parameters as chapter 4 declares them (supercycle/chapters/packaging.py).
CHAIN_PARAMS = ("cowos_utilisation_pct", "ppw_blackwell", "ppw_rubin", "rubin_wafer_share_pct", "stacks_per_package",
                "gb_per_stack_blackwell", "gb_per_stack_rubin", "usd_per_gb_hbm3e", "usd_per_gb_hbm4")


def mix_from_params(p: Mapping[str, float]) -> tuple[Product, Product]:
    """The Blackwell/Rubin mix from the chain's parameters (names in CHAIN_PARAMS; shares in per cent).
    Another chapter can pass `supercycle.build.params.defaults("packaging")` to use chapter 4's defaults."""
    return two_class_mix(p["rubin_wafer_share_pct"] / 100,
                         {"packages_per_wafer": p["ppw_blackwell"], "stacks_per_package": p["stacks_per_package"],
                          "gb_per_stack": p["gb_per_stack_blackwell"], "usd_per_gb": p["usd_per_gb_hbm3e"]},
                         {"packages_per_wafer": p["ppw_rubin"], "stacks_per_package": p["stacks_per_package"],
                          "gb_per_stack": p["gb_per_stack_rubin"], "usd_per_gb": p["usd_per_gb_hbm4"]})


def market_for_year(ranges: Mapping[int, tuple[float, float]], year: int, p: Mapping[str, float],
                    which: str = "mid") -> float:
    """HBM market (USD bn) in `year` from year-end capacity `ranges` (see `capacity_ranges`) and the
    chain's parameters `p`: the whole chain in one call.

        hbm_tam.market_for_year(hbm_tam.capacity_ranges(claims().get), 2026, defaults("packaging"))
    """
    return market_mix(year_average_k(ranges, year, which), mix_from_params(p), p["cowos_utilisation_pct"] / 100)

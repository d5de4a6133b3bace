"""The report's arithmetic, declared once: growth, compound growth, implied rates and totals, and
interval figures.

Every chapter calls these; no chapter writes its own copy. Conventions:

- Growth rates are in per cent (33 means +33 %). Arguments run **start, then end**:
  `growth_pct(start, end)`, `cagr_pct(start, end, years)`, `multiple(start, end)`.
- A function accepts numbers or numpy arrays (it broadcasts, so one call evaluates a grid of
  assumptions) or `Interval`s (a figure with its stated range). If any argument is an `Interval`,
  the others are taken as point intervals and the result is an `Interval`; otherwise the result is
  a numpy value.
- A base that growth is measured from (a start, a share) must be positive: ValueError otherwise.

An `Interval` (low, mid, high) carries a stated range through a computation: a single figure has
low = mid = high. `mid` is computed from the midpoints (the central reading), `low`/`high` from
interval arithmetic (every combination of the ends). So 4.5-5 over 1.5-2 gives mid 4.75/1.75 =
2.71 and the range 4.5/2 = 2.25 to 5/1.5 = 3.33.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Interval:
    """A figure with its stated range: low <= mid <= high (all equal for a single figure)."""
    low: float
    mid: float
    high: float

    def __post_init__(self):
        if any(math.isnan(x) for x in (self.low, self.mid, self.high)):
            raise ValueError(f"an interval needs three numbers, got {self}")
        if not (self.low <= self.mid <= self.high):
            raise ValueError(f"interval out of order: {self}")

    @classmethod
    def point(cls, x: float) -> "Interval":
        return cls(x, x, x)

    @classmethod
    def of(cls, x) -> "Interval":
        return x if isinstance(x, Interval) else cls.point(float(x))

    @classmethod
    def span(cls, low: float, high: float) -> "Interval":
        """A range with its midpoint: span(55, 60) = Interval(55, 57.5, 60)."""
        return cls(low, (low + high) / 2, high)

    def _combine(self, other, op) -> "Interval":
        o = Interval.of(other)
        corners = [op(a, b) for a in (self.low, self.high) for b in (o.low, o.high)]
        return Interval(min(corners), op(self.mid, o.mid), max(corners))

    def __add__(self, other):
        return self._combine(other, lambda a, b: a + b)

    __radd__ = __add__

    def __sub__(self, other):
        o = Interval.of(other)
        return Interval(self.low - o.high, self.mid - o.mid, self.high - o.low)

    def __rsub__(self, other):
        return Interval.of(other) - self

    def __mul__(self, other):
        return self._combine(other, lambda a, b: a * b)

    __rmul__ = __mul__

    def __truediv__(self, other):
        o = Interval.of(other)
        if o.low <= 0 <= o.high:
            raise ZeroDivisionError(f"division by an interval that contains zero: {o}")
        return self._combine(o, lambda a, b: a / b)

    def __rtruediv__(self, other):
        return Interval.of(other) / self

    def __pow__(self, exponent: float):
        if not isinstance(exponent, (int, float)):
            raise TypeError("only a numeric exponent is supported")
        if self.low < 0:
            raise ValueError("power of an interval with negative values")
        ends = sorted((self.low ** exponent, self.high ** exponent))
        return Interval(ends[0], self.mid ** exponent, ends[1])

    def __neg__(self):
        return Interval(-self.high, -self.mid, -self.low)


def _lift(*xs):
    """Intervals if any argument is one (the rest become points), else float numpy values."""
    if any(isinstance(x, Interval) for x in xs):
        return tuple(Interval.of(x) for x in xs)
    return tuple(np.asarray(x, dtype=float) for x in xs)


def _lowest(x) -> float:
    return x.low if isinstance(x, Interval) else float(np.min(x))


def _positive(name: str, x) -> None:
    if not _lowest(x) > 0:
        raise ValueError(f"{name} must be positive, got {x}")


# --- growth ----------------------------------------------------------------------------------

def growth_pct(start, end):
    """Growth from `start` to `end`, in per cent: (end / start - 1) x 100. 759 -> 793 is 4.48."""
    start, end = _lift(start, end)
    _positive("the start (the base of a growth rate)", start)
    return (end / start - 1) * 100


def multiple(start, end):
    """How many times `start` the `end` value is: end / start (2 -> 7 is 3.5)."""
    start, end = _lift(start, end)
    _positive("the start of a multiple", start)
    if _lowest(end) < 0:
        raise ValueError(f"the end of a multiple must not be negative, got {end}")
    return end / start


def cagr_pct(start, end, years):
    """Compound annual growth rate in per cent: ((end / start) ** (1 / years) - 1) x 100.
    100 -> 121 in 2 years is 10."""
    if not years > 0:
        raise ValueError(f"years must be positive, got {years}")
    start, end = _lift(start, end)
    _positive("the start of a compound growth rate", start)
    _positive("the end of a compound growth rate", end)
    return ((end / start) ** (1.0 / years) - 1) * 100


def compound(start, rate_pct, years):
    """`start` grown at `rate_pct` per cent a year for `years` years: start x (1 + rate/100) ** years."""
    start, rate_pct = _lift(start, rate_pct)
    return start * (1 + rate_pct / 100) ** years


def compound_pct(*growths_pct):
    """Growth of a product of factors: prod(1 + g/100) - 1, in per cent.

    Revenue = price x volume, so revenue growth = compound_pct(price growth, volume growth):
    +33 % price on +5 % volume is 1.33 x 1.05 - 1 = 39.65 %.
    """
    gs = _lift(*growths_pct)
    out = Interval.point(1.0) if gs and isinstance(gs[0], Interval) else np.asarray(1.0)
    for g in gs:
        out = out * (1.0 + g / 100.0)
    return (out - 1.0) * 100.0


def implied_volume_growth_pct(revenue_growth_pct, price_growth_pct):
    """Volume (bit) growth that revenue and price growth imply, in per cent.

    Revenue = price x volume, so volume growth = (1 + revenue growth) / (1 + price growth) - 1;
    not revenue growth minus price growth: 51 % revenue on 33 % price is 1.51 / 1.33 - 1 = 13.5 %,
    not 18 %. The same algebra gives the growth per wafer that wafer growth leaves to a bit growth.
    """
    r, p = _lift(revenue_growth_pct, price_growth_pct)
    return ((1 + r / 100) / (1 + p / 100) - 1) * 100


# --- shares, totals and rates ----------------------------------------------------------------

def implied_total(part, share_pct):
    """The total of which `part` is `share_pct` per cent: part / (share / 100). 3.5 at 2.8 % is 125."""
    part, share_pct = _lift(part, share_pct)
    _positive("the share", share_pct)
    return part / (share_pct / 100)


def share_pct(part, whole):
    """`part` as a per-cent share of `whole`: part / whole x 100. 30 of 120 is 25."""
    part, whole = _lift(part, whole)
    _positive("the whole", whole)
    return part / whole * 100


def implied_rate(amount_from, amount_to):
    """The exchange rate, in units of `to` per unit of `from`, that converting `amount_from` into
    `amount_to` used: amount_to / amount_from (12.9 bn USD stated as 19,000 bn KRW: 1,472.9 KRW per USD).
    Both amounts in the same scale (convert with `supercycle.data.money` first)."""
    amount_from, amount_to = _lift(amount_from, amount_to)
    _positive("the amount converted", amount_from)
    return amount_to / amount_from


def implied_fx(amount_a, unit_a: str, amount_b, unit_b: str) -> tuple[str, str, float]:
    """The exchange rate two amounts stated as equal imply, from their money units (data/units.csv):
    (currency of a, currency of b, units of a per one unit of b). 19 krw_trn stated as 12.9 usd_bn:
    ("KRW", "USD", 19,000 / 12.9 = 1,472.9). Amounts may be Intervals."""
    from supercycle.data import money

    ccy_a, a = money(amount_a, unit_a)
    ccy_b, b = money(amount_b, unit_b)
    if ccy_a == ccy_b:
        raise ValueError("both amounts are in the same currency")
    return ccy_a, ccy_b, implied_rate(b, a)

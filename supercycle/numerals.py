"""Numbers as the articles write them: Arabic and Chinese numerals, Chinese multipliers, ranges.

Used by the claims tests to check that the figure stored in a claim row agrees with its quote,
and by anyone who needs to read a figure out of Chinese text.

- `quantities(text)` finds every number or range in a text, with its multiplier applied:
  `"1.5-2 萬片"` → one range 15000..20000; `"19 兆韓元"` → 19e12; `"55%至60%"` → 55..60;
  `"1.152億TB"` → 115200000; `"三倍"` → 3; `"六成"` → 6 (and 60, since 成 is a tenth);
  `"20世紀90年代"` → 1990 (a decade names its first year).
- `magnitudes(text)` flattens that to the set of values a claim may match (both ends of ranges).
- `parse(text)` reads one quantity and fails unless the text holds exactly one.
- `SCALE` maps each canonical unit to the raw magnitude of one unit (`usd_bn` → 1e9, `krw_trn` →
  1e12, `wafers_k_per_month` → 1e3, `pct` → 1), read from the units table `data/units.csv`; units
  that cannot be compared with a number in the text (no scale there) are in `EXEMPT` (`date`).
- `agrees(x, unit, text)` says whether the stored number `x` in `unit` matches a number the text states.

Conventions: a percentage is kept in per cent (`30%` → 30, matching the `pct` unit), a multiple in
times (`2.7倍` → 2.7). Multipliers: 萬 = 1e4, 億 = 1e8, 兆 = 1e12 (the Taiwanese and Korean usage:
19兆韓元 = KRW 19 trillion), 百 = 1e2, 千 = 1e3 and their compounds (百萬 = 1e6, 千萬 = 1e7,
百億 = 1e10, 千億 = 1e11, 萬億 = 1e12). A range is written `X-Y`, `X–Y`, `X—Y`, `X~Y`, `X至Y`
or `X到Y`; when only its upper end carries a multiplier or a unit sign (`1.5-2 萬片`, `7-9%`), the
lower end shares it. Full-width digits, points and per cent signs are read like ASCII ones.
Thousands separators (`765,500`) are read both as one number and as separate numbers, since the
articles also use `,` between clauses. Signs are never read: `-` is a range or a hyphen, and a
fall is stated as a positive number with a verb (下降10%), so `agrees` compares absolute values.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from supercycle.data import UNIT_TABLE

# Raw magnitude of one canonical unit, from the one units table (data/units.csv, `scale`):
# 19兆韓元 → 19 krw_trn, scale 1e12; 490萬片 → 4.9 wafers_m_per_year, scale 1e6.
SCALE: dict[str, float] = {u: x.scale for u, x in UNIT_TABLE.items() if not math.isnan(x.scale)}
# Units whose rows hold no number to compare (the figure is the text in `period`): no scale.
EXEMPT: frozenset[str] = frozenset(u for u in UNIT_TABLE if u not in SCALE)

MULTIPLIERS: dict[str, int] = {
    "萬億": 10**12, "千億": 10**11, "百億": 10**10, "千萬": 10**7, "百萬": 10**6,
    "兆": 10**12, "億": 10**8, "萬": 10**4, "千": 10**3, "百": 10**2,
    # simplified forms, in case a quote uses them
    "万亿": 10**12, "亿": 10**8, "万": 10**4,
}
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"萬": 1e4, "万": 1e4, "億": 1e8, "亿": 1e8, "兆": 1e12}

_FULLWIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                            "％": "%", "．": ".", "～": "~", "﹪": "%"})

_MULT_RE = "|".join(sorted(map(re.escape, MULTIPLIERS), key=len, reverse=True))
# An Arabic number: digits with an optional decimal part; thousands groups handled separately.
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
# A sign that belongs to the number: a multiplier and/or %, 倍 (times), 成 (tenths).
_SUFFIX = rf"(?:\s*(?P<{{g}}m>{_MULT_RE}))?(?:\s*(?P<{{g}}s>[%倍成]|K(?![A-Za-z])))?"
_RANGE_SEP = r"\s*(?:-|–|—|~|至|到)\s*"
_ARABIC_RE = re.compile(
    rf"(?P<a>{_NUM}){_SUFFIX.format(g='a')}"
    rf"(?:{_RANGE_SEP}(?P<b>{_NUM}){_SUFFIX.format(g='b')})?")
_CHINESE_RE = re.compile(
    r"[零〇一二兩两三四五六七八九十百千萬万億亿兆]*[零〇一二兩两三四五六七八九十][零〇一二兩两三四五六七八九十百千萬万億亿兆]*"
    r"(?P<s>[%倍成])?")
# Words that state a number without a numeral: a half, a doubling.
# Each maps to (the number, its reading as per cent): a half is 0.5 or 50%; a doubling is 2 times
# or a rise of 100%.
WORDS: dict[str, tuple[float, float]] = {"一半": (0.5, 50.0), "減半": (0.5, 50.0),
                                         "翻倍": (2.0, 100.0), "翻番": (2.0, 100.0), "翻一番": (2.0, 100.0)}
# A decade by century: 20世紀90年代 (the 1990s) states the year 1990 = (20 - 1) × 100 + 90.
_DECADE_RE = re.compile(r"(\d{1,2})\s*世紀\s*(\d0)\s*年代")
_WORDS_RE = re.compile("|".join(sorted(map(re.escape, WORDS), key=len, reverse=True)))


@dataclass(frozen=True)
class Quantity:
    """A number or range found in a text, multiplier applied (per cent stays in per cent)."""
    low: float
    high: float          # equals low for a single number
    sign: str            # '%', '倍', '成', 'K' or ''
    text: str            # the matched text
    start: int
    extra: tuple[float, ...] = ()   # another reading of a word (翻倍: a rise of 100 per cent)
    alternate: bool = False         # a second reading of the same text (a range's end, '765' of '765,500')

    @property
    def is_range(self) -> bool:
        return self.low != self.high

    def values(self) -> list[float]:
        """The magnitudes this quantity states. Some signs state two readings:
        成 (a tenth) also counts as per cent (六成 → 6 and 60); X倍 as X times and as a rise of
        X×100 per cent (漲幅超一倍 → 1 and 100); X K as X and X thousand (128K → 128 and 128000);
        the words in WORDS as their number and its per-cent reading (一半 → 0.5 and 50)."""
        out = [self.low] if not self.is_range else [self.low, self.high]
        factor = {"成": 10, "倍": 100, "K": 1000}.get(self.sign)
        if factor:
            out += [float(Decimal(repr(v)) * factor) for v in out]
        return out + list(self.extra)


def normalise(text: str) -> str:
    """Full-width digits, points and per cent signs to ASCII (other characters unchanged)."""
    return text.translate(_FULLWIDTH)


def chinese_to_number(text: str) -> float:
    """Read a Chinese numeral: '三' → 3, '十五' → 15, '兩百' → 200, '一萬二千' → 12000.

    Raises ValueError for text that is not a numeral.
    """
    if not text or any(ch not in _DIGITS and ch not in _SMALL_UNITS and ch not in _BIG_UNITS for ch in text):
        raise ValueError(f"'{text}' is not a Chinese numeral")
    total, section, digit = 0.0, 0.0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch] if digit is None else digit * 10 + _DIGITS[ch]  # 二〇二六 style
        elif ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        else:  # 萬, 億, 兆 close a section
            section += digit or 0
            total += (section or 1) * _BIG_UNITS[ch]
            section, digit = 0.0, None
    return total + section + (digit or 0)


def _arabic(num: str, mult: int = 1) -> list[float]:
    """'765,500' → [765500, 765, 500]: as one number, and as the comma-separated parts.

    Decimal arithmetic keeps '1.152' × 億 exactly 115200000.0.
    """
    out = [float(Decimal(num.replace(",", "")) * mult)]
    if "," in num:
        out += [float(Decimal(p) * mult) for p in num.split(",")]
    return out


def quantities(text: str) -> list[Quantity]:
    """Every number and range in `text`, in order, with its multiplier applied."""
    text = normalise(text)
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for m in _ARABIC_RE.finditer(text):
        ma, sa, b = m.group("am"), m.group("as"), m.group("b")
        mb, sb = m.group("bm"), m.group("bs")
        if b is None:
            for j, x in enumerate(_arabic(m.group("a"), MULTIPLIERS[ma] if ma else 1)):
                found.append(Quantity(x, x, sa or "", m.group(0), m.start(), alternate=j > 0))
        else:
            # The lower end shares the upper end's multiplier and sign unless it has its own.
            own = ma is not None or sa is not None
            mult_a = MULTIPLIERS[ma] if ma else (1 if own else (MULTIPLIERS[mb] if mb else 1))
            mult_b = MULTIPLIERS[mb] if mb else 1
            a = _arabic(m.group("a"), mult_a)[0]
            bv = _arabic(b, mult_b)[0]
            sign = sb or sa or ""
            if a <= bv:
                found.append(Quantity(a, bv, sign, m.group(0), m.start()))
            # Each end also stands alone ('上漲1.26%至765500韓元' is a change and a level).
            found.append(Quantity(a, a, sa or ("" if own else sign), m.group(0), m.start(),
                                  alternate=a <= bv))
            found.append(Quantity(bv, bv, sb or "", m.group(0), m.start(), alternate=a <= bv))
        taken.append(m.span())
    for m in _CHINESE_RE.finditer(text):
        word = m.group(0)[: len(m.group(0)) - (1 if m.group("s") else 0)]
        try:
            x = chinese_to_number(word)
        except ValueError:  # pragma: no cover - the pattern only matches numerals
            continue
        found.append(Quantity(x, x, m.group("s") or "", m.group(0), m.start()))
    for m in _DECADE_RE.finditer(text):
        year = (int(m.group(1)) - 1) * 100 + int(m.group(2))
        found.append(Quantity(float(year), float(year), "", m.group(0), m.start()))
    for m in _WORDS_RE.finditer(text):
        x, pct = WORDS[m.group(0)]
        found.append(Quantity(x, x, "", m.group(0), m.start(), (pct,)))
    found.sort(key=lambda q: q.start)
    return found


def magnitudes(text: str) -> list[float]:
    """Every value `text` states (both ends of each range), multipliers applied, in order."""
    out: list[float] = []
    for q in quantities(text):
        for v in q.values():
            if v not in out:
                out.append(v)
    return out


def parse(text: str) -> tuple[float, float]:
    """Read exactly one quantity: '1.5-2 萬片' → (15000, 20000); '19 兆韓元' → (19e12, 19e12)."""
    primary = [q for q in quantities(text) if not q.alternate]
    ranges = [q for q in primary if q.is_range]
    if len(ranges) == 1:
        return ranges[0].low, ranges[0].high
    singles = {(q.low, q.high) for q in primary}
    if len(singles) != 1:
        raise ValueError(f"'{text}' does not hold exactly one quantity (found {sorted(singles)})")
    return singles.pop()


def same(a: float, b: float, rel_tol: float = 1e-6) -> bool:
    """Equal within a relative tolerance (or exactly, for integers and zero)."""
    return a == b or math.isclose(a, b, rel_tol=rel_tol, abs_tol=0.0)


def to_raw(x: float, unit: str) -> float:
    """A stored number in a canonical unit as a raw magnitude: (12.9, 'usd_bn') → 1.29e10."""
    if unit in EXEMPT:
        raise ValueError(f"unit '{unit}' holds no comparable number")
    try:
        return x * SCALE[unit]
    except KeyError:
        raise ValueError(f"unit '{unit}' has no scale in data/units.csv") from None


def agrees(x: float, unit: str, text: str) -> bool:
    """Whether `x` (in `unit`) equals, in absolute value, some number that `text` states."""
    raw = abs(to_raw(x, unit))
    return any(same(raw, v) for v in magnitudes(text))

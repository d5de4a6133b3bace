"""supercycle.numerals: reading numbers as the articles write them. Every expected value below is
worked by hand in its comment (萬 = 1e4, 億 = 1e8, 兆 = 1e12)."""
import math

import pytest

from supercycle import numerals as n


@pytest.mark.parametrize("text, expected", [
    ("19 兆韓元", (19e12, 19e12)),            # 19 × 1e12
    ("107.612兆韓元", (107.612e12, 107.612e12)),  # decimals with 兆
    ("1.152億TB", (115_200_000, 115_200_000)),  # 1.152 × 1e8 = 115,200,000
    ("3460萬TB", (34_600_000, 34_600_000)),     # 3460 × 1e4 = 34,600,000
    ("490萬片", (4_900_000, 4_900_000)),        # 490 × 1e4 = 4.9 million
    ("129 億美元", (12_900_000_000, 12_900_000_000)),  # 129 × 1e8 = 12.9 billion
    ("765500韓元", (765_500, 765_500)),         # no multiplier
    ("100萬韓元", (1_000_000, 1_000_000)),      # 100 × 1e4
    ("5 萬平方米", (50_000, 50_000)),           # 5 × 1e4
    ("30%", (30, 30)),                          # per cent stays in per cent
    ("2.7倍", (2.7, 2.7)),                      # a multiple in times
    ("1.5-2 萬片", (15_000, 20_000)),          # the lower end shares 萬: 1.5e4 .. 2e4
    ("3.2–3.5 萬片", (32_000, 35_000)),        # en dash
    ("11.5-13 萬片", (115_000, 130_000)),      # 11.5e4 .. 13e4
    ("55%至60%", (55, 60)),                     # 至, each end with its own %
    ("20-25%", (20, 25)),                       # the lower end shares %
    ("36-48兆韓元", (36e12, 48e12)),            # 36e12 .. 48e12
    ("8至16倍", (8, 16)),
    ("3到5年", (3, 5)),                         # 到
    ("１２％", (12, 12)),                       # full-width digits and per cent sign
    ("１．５-２萬片", (15_000, 20_000)),       # full-width point
    ("765,500韓元", (765_500, 765_500)),        # a thousands separator (the whole number is read)
])
def test_parse_hand_cases(text, expected):
    lo, hi = n.parse(text)
    assert lo == pytest.approx(expected[0], rel=1e-12)
    assert hi == pytest.approx(expected[1], rel=1e-12)


def test_decimal_multipliers_are_exact():
    # Decimal arithmetic: 1.152 × 1e8 is exactly 115200000, not 115199999.99999999.
    assert n.parse("1.152億TB") == (115_200_000.0, 115_200_000.0)
    assert n.parse("84.96 萬片") == (849_600.0, 849_600.0)
    assert n.parse("5.04 億塊") == (504_000_000.0, 504_000_000.0)


@pytest.mark.parametrize("text, expected", [
    ("三", 3), ("兩", 2), ("十", 10), ("十五", 15), ("三十", 30), ("兩百", 200),
    ("一萬二千", 12_000),       # 1 × 1e4 + 2 × 1e3
    ("三千五百", 3_500),
    ("二〇二六", 2026),          # digit by digit
])
def test_chinese_numerals(text, expected):
    assert n.chinese_to_number(text) == expected


def test_chinese_numeral_rejects_other_text():
    with pytest.raises(ValueError):
        n.chinese_to_number("三星")
    with pytest.raises(ValueError):
        n.chinese_to_number("")


@pytest.mark.parametrize("text, contains", [
    ("跑贏三倍", [3, 300]),                   # 三倍: 3 times, or a rise of 300%
    ("兩家企業", [2]),
    ("漲幅超一倍", [1, 100]),                 # a rise of over 100%
    ("佔比超過六成", [6, 60]),                # 六成 = six tenths = 60%
    ("一半左右", [0.5, 50]),                  # a half
    ("年產能實現翻倍增長", [2, 100]),         # a doubling: 2 times, a rise of 100%
    ("上下文長度普遍超過128K", [128, 128_000]),
    ("上漲1.26%至765500韓元", [1.26, 765_500]),  # a change and a level, not a range
    ("從2025年的490萬片降至2026年的468萬片", [2025, 4_900_000, 2026, 4_680_000]),
    ("2.8%和9.3%", [2.8, 9.3]),
    ("類似於20世紀90年代", [1990]),           # the 1990s: (20 - 1) × 100 + 90
    ("19世紀80年代", [1880]),                 # (19 - 1) × 100 + 80
])
def test_magnitudes_contain(text, contains):
    got = n.magnitudes(text)
    for x in contains:
        assert any(math.isclose(x, g, rel_tol=1e-12) for g in got), (x, got)


def test_magnitudes_of_text_without_numbers():
    assert n.magnitudes("日月光作為全球最大的專業封測代工廠") == []
    assert n.magnitudes("SK海力士") == []          # letters are not numbers


def test_range_lower_end_keeps_its_own_sign():
    # '1.26%至765500韓元': 1.26 has its own %, so it is not multiplied by anything.
    assert 1.26 in n.magnitudes("上漲1.26%至765500韓元")
    # '1.5-2 萬片': 1.5 has no sign of its own, so it shares 萬 → 15000, and is not read as 1.5.
    assert n.magnitudes("1.5-2 萬片") == [15_000.0, 20_000.0]


def test_parse_refuses_text_with_several_quantities():
    with pytest.raises(ValueError):
        n.parse("2025年的490萬片")
    with pytest.raises(ValueError):
        n.parse("沒有數字")


@pytest.mark.parametrize("x, unit, raw", [
    (12.9, "usd_bn", 12.9e9),           # 129億美元
    (19, "krw_trn", 19e12),             # 19兆韓元
    (4.9, "wafers_m_per_year", 4.9e6),  # 490萬片 a year
    (15, "wafers_k_per_month", 15e3),   # 1.5萬片 a month
    (17.4, "shares_m", 17.4e6),         # 1740萬股
    (55, "pct", 55),
    (2.7, "x", 2.7),
    (34_600_000, "tb", 34_600_000),
])
def test_to_raw(x, unit, raw):
    assert n.to_raw(x, unit) == pytest.approx(raw, rel=1e-12)


def test_to_raw_refuses_exempt_and_unknown_units():
    with pytest.raises(ValueError):
        n.to_raw(1, "date")
    with pytest.raises(ValueError):
        n.to_raw(1, "furlongs")


@pytest.mark.parametrize("x, unit, quote, ok", [
    (12.9, "usd_bn", "約合 129 億美元", True),        # 12.9e9 == 129e8
    (129, "usd_bn", "約合 129 億美元", False),        # a forgotten 億 conversion: 129e9 != 129e8
    (1.29, "usd_bn", "約合 129 億美元", False),       # off by ten
    (4.9, "wafers_m_per_year", "從2025年的490萬片", True),
    (49, "wafers_m_per_year", "從2025年的490萬片", False),
    (15, "wafers_k_per_month", "月產能約 1.5-2 萬片", True),
    (20, "wafers_k_per_month", "月產能約 1.5-2 萬片", True),
    (1.5, "wafers_k_per_month", "月產能約 1.5-2 萬片", False),
    (-10, "pct", "下降10%", True),                    # a fall may be stored negative
    (57.5, "pct", "上漲55%至60%", False),             # the midpoint is not stated
    (1.0000001e12, "count", "1兆", True),             # within the 1e-6 tolerance
    (1.00001, "krw_trn", "1兆韓元", False),           # outside it
])
def test_agrees(x, unit, quote, ok):
    assert n.agrees(x, unit, quote) is ok


def test_same_tolerance():
    assert n.same(1.0, 1.0 + 1e-7)
    assert not n.same(1.0, 1.0 + 1e-5)
    assert n.same(0.0, 0.0)
    assert not n.same(0.0, 1e-9)

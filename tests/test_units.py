"""The one units table, data/units.csv: loaded and validated once by supercycle.data; the vocabulary
(data.UNITS), the scales (numerals.SCALE), the money units and the byte sizes all come from it."""
import math

import pandas as pd
import pytest

from supercycle import data, numerals
from supercycle.data import DataError, UNIT_COLUMNS, validate_units


def test_the_derived_views_are_the_table():
    # every unit of the vocabulary has a scale or is exempt (date), and nothing else does
    assert set(numerals.SCALE) | set(numerals.EXEMPT) == set(data.UNITS) == set(data.UNIT_TABLE)
    assert numerals.EXEMPT == {"date"}
    assert set(data.MONEY_UNITS) == {"usd", "usd_m", "usd_bn", "krw", "krw_trn", "twd_bn", "cny_bn"}


@pytest.mark.parametrize("unit, scale", [
    ("krw_trn", 1e12),             # 兆 = 10^12: 19兆韓元 = 19 krw_trn
    ("usd_bn", 1e9),               # 129億美元 = 1.29e10 = 12.9 usd_bn
    ("wafers_k_per_month", 1e3),   # 1.5 萬片 = 15,000 = 15 thousand
    ("wafers_m_per_year", 1e6),    # 490萬片 = 4.9 million
    ("pct", 1.0),
])
def test_scales_by_hand(unit, scale):
    assert numerals.SCALE[unit] == scale


def test_every_example_in_the_table_reads_back():
    # "129億美元 → 12.9" (usd_bn): the text holds 129e8 = 12.9 x 1e9, so the example agrees with the scale
    checked = 0
    for u, x in data.UNIT_TABLE.items():
        if not x.example:
            continue
        text, _, stored = x.example.partition(" → ")
        stored = stored.split(" to ")[0]
        assert numerals.agrees(float(stored), u, text), f"{u}: {x.example}"
        checked += 1
    assert checked >= 15


def test_money_by_hand():
    # 19 krw_trn is KRW 19,000 bn; 12.9 usd_bn is USD 12.9 bn; 1,700 usd_m is USD 1.7 bn
    assert data.money(19, "krw_trn") == ("KRW", pytest.approx(19000))
    assert data.money(12.9, "usd_bn") == ("USD", pytest.approx(12.9))
    assert data.money(1700, "usd_m") == ("USD", pytest.approx(1.7))
    with pytest.raises(ValueError, match="not a money unit"):
        data.money(765500, "krw_per_share")   # a share price is not an amount


def test_symbols_by_hand():
    # 30 pct reads "30%", 2.7 x "2.7×", 4 tb "4 TB", 15 wafers_k_per_month "15k wafers/month"
    sym = {u: x.symbol for u, x in data.UNIT_TABLE.items()}
    assert ("30" + sym["pct"], "2.7" + sym["x"], "4" + sym["tb"]) == ("30%", "2.7×", "4 TB")
    assert "15" + sym["wafers_k_per_month"] == "15k wafers/month"
    assert "KRW 19" + sym["krw_trn"] == "KRW 19 trn"


def test_base_units_by_hand():
    # 1 GB = 10^9 bytes, 1 TB/s = 10^12 bytes a second (decimal, as vendors quote bandwidth)
    assert (data.UNIT_TABLE["gb"].base_unit, data.UNIT_TABLE["gb"].base_factor) == ("byte", 1e9)
    assert data.UNIT_TABLE["tb_per_s"].base_factor == 1e12
    # 1 畝 = 2000/3 m² exactly as a float (666.67); 1 acre = 4046.8564224 m²
    assert data.UNIT_TABLE["mu"].base_factor == 2000.0 / 3.0
    assert data.UNIT_TABLE["acres"].base_factor == pytest.approx(4046.86, abs=0.01)
    assert data.UNIT_TABLE["pct"].base_unit == "" and math.isnan(data.UNIT_TABLE["pct"].base_factor)


def test_chapter_constants_come_from_the_table():
    from supercycle.chapters import hbf, hbm_tam, ledger, shortage
    assert hbf.GB == 1e9 and hbf.TB == 1e12
    assert hbf.GB_PER_TB == ledger.GB_PER_TB == 1024       # the makers' capacity convention, one constant
    assert ledger.MU_SQM == pytest.approx(666.667, abs=1e-3)
    assert hbm_tam.GB_PER_BN_USD == 1e9
    # 1 k wafers a month = 12,000 a year = 0.012 million a year
    assert shortage.MILLION_WAFERS_PER_YEAR_PER_K_WPM == pytest.approx(0.012)


def _table(**change):
    row = {"unit": "usd_bn", "meaning": "billions of US dollars", "dimension": "money", "scale": "1e9",
           "currency": "USD", "symbol": " bn", "base_unit": "", "base_factor": "", "example": ""}
    row.update(change)
    return pd.DataFrame([row], columns=UNIT_COLUMNS, dtype=str)


@pytest.mark.parametrize("change, column", [
    (dict(dimension="weight"), "dimension"),
    (dict(scale="-1"), "scale"),
    (dict(scale="a lot"), "scale"),
    (dict(scale=""), "scale"),             # only a date may go without a scale
    (dict(currency=""), "currency"),       # money needs its currency
    (dict(currency="dollars"), "currency"),
    (dict(dimension="ratio"), "currency"),  # a ratio has no currency
    (dict(unit="USD bn"), "unit"),
    (dict(meaning=" "), "meaning"),
    (dict(symbol=" bn "), "symbol"),
    (dict(base_unit="byte"), "base_factor"),        # a base unit without its factor
    (dict(base_factor="1e9"), "base_factor"),       # a factor without its unit
    (dict(base_unit="byte", base_factor="0"), "base_factor"),
])
def test_bad_rows_fail_with_the_row_and_column(change, column):
    with pytest.raises(DataError, match=f"row 1, column '{column}'"):
        validate_units(_table(**change))


def test_a_unit_twice_fails():
    df = pd.concat([_table(), _table()], ignore_index=True)
    with pytest.raises(DataError, match="row 2, column 'unit': duplicate"):
        validate_units(df)

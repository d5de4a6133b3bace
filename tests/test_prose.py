"""Unit tests for supercycle.prose, the helpers the chapter notebooks share; checkable by hand."""
import math
from types import SimpleNamespace

import pandas as pd
import pytest

from supercycle import prose
from supercycle.data import claim

NAN = math.nan


def test_distinct_keeps_first_seen_order():
    assert prose.distinct(["a", "b", "a", "c", "b"]) == "a; b; c"
    assert prose.distinct([]) == ""


def test_cite_names_each_article_once():
    # two claims of one article give one citation; a claim of another article adds a second
    a, b = claim("dram.wafers.samsung.2026"), claim("dram.wafers.samsung.2025")
    assert a.citation == b.citation
    assert prose.cite(a.id, b.id) == a.citation
    other = claim("pkg.cowos.tsmc.capacity.2023")
    assert other.citation != a.citation
    assert prose.cite(a.id, other.id, b.id) == f"{a.citation}; {other.citation}"
    with pytest.raises(KeyError):
        prose.cite("no.such.claim")


def test_ref_cite():
    rows = pd.DataFrame({"source": ["u1", "u2", "u1"], "producer": ["P", "Q", "P"], "published": ["2026-01", "2025-12", "2026-01"]})
    assert prose.ref_cite("fx_rates", rows) == "reference/fx_rates.csv: u1; u2"
    assert prose.ref_cite(None, rows, "{producer} ({published}): {source}") == "P (2026-01): u1; Q (2025-12): u2"


def test_seed_quotes_are_verbatim_slices():
    text = prose.seed()
    q = prose.seed_quote("三星電子在推動10nm第6代DRAM", "最終的市場供應量增幅仍可能低於預期")
    assert q.startswith("三星電子在推動10nm第6代DRAM") and q.endswith("低於預期") and q in text
    s = prose.seed_sentence("雙方已簽署諒解備忘錄")
    assert s.startswith("雙方已簽署諒解備忘錄") and s.endswith("。") and s.count("。") == 1 and s in text
    with pytest.raises(ValueError, match="not in the seed"):
        prose.seed_quote("a sentence no article has", "。")


def _c(value=NAN, low=NAN, high=NAN, quote="", unit="pct"):
    return SimpleNamespace(value=value, low=low, high=high, quote=quote, unit=unit,
                           is_range=not (math.isnan(low) or math.isnan(high)))


def test_bound_words():
    assert prose.bound(_c(57.5, 55, 60)) == "range"
    assert prose.bound(_c(50, low=50)) == "more than"       # 超過50%
    assert prose.bound(_c(50, high=50)) == "less than"      # 低於50%
    assert prose.bound(_c(70, quote="約70%")) == "about"
    assert prose.bound(_c(70, quote="70%左右")) == "about"
    assert prose.bound(_c(70, quote="70%")) == "stated"


def test_about_is_read_at_the_claims_own_figure():
    # the articles' own wordings (data/claims.csv quotes)
    assert prose.about(_c(50, quote="兩家公司的市場份額合計約為50%"))
    assert prose.about(_c(1152, quote="每台伺服器系統大約需要額外1152TB的固態硬碟", unit="tb"))
    assert prose.about(_c(4, quote="追加約新台幣 40 億元投資", unit="twd_bn"))
    assert prose.about(_c(2038, quote="到2038年左右,HBF市場將超過HBM市場", unit="year"))
    assert prose.about(_c(50, quote="只能取得所需DRAM的一半左右"))
    # 約 belongs to the conversion, not to the won figure: 19 trn is stated, 12.9 bn is about
    quote = "將投資 19 兆韓元(約合 129 億美元)在韓國清州市建設"
    assert not prose.about(_c(19, quote=quote, unit="krw_trn"))
    assert prose.about(_c(12.9, quote=quote, unit="usd_bn"))
    # 約 before another figure of the sentence: 759 is stated, the 5% growth is about
    assert not prose.about(_c(7.59, quote="較2025年的759萬片增長約5%", unit="wafers_m_per_year"))
    assert prose.about(_c(5, quote="較2025年的759萬片增長約5%"))
    # no number equal to the figure in the quote: not 'about'
    assert not prose.about(_c(60, quote="約70%"))


def test_period_text():
    assert prose.period_text("2027Q4-2028Q1") == "end-2027 or early 2028"
    assert prose.period_text("2027Q3-2028Q1") == "2027Q3-2028Q1"
    assert prose.period_text("2027Q4") == "2027Q4"
    assert prose.period_text("2026-04") == "2026-04"
    with pytest.raises(ValueError):
        prose.period_text("soon")


def test_span():
    assert prose.span([3, 1, 2]) == (1, 3)
    # by a key: labels ordered by their year, not alphabetically
    order = {"2027": 0, "2030": 1, "after 2031": 2}
    assert prose.span(["after 2031", "2027", "2030"], key=order.__getitem__) == ("2027", "after 2031")


def test_context_quote():
    # data/article_context.csv's first row, in quotation marks
    q = prose.context_quote("hbf.faster_than_hbm")
    assert q.startswith("“") and q.endswith("”") and q[1:-1] in prose.seed()
    with pytest.raises(KeyError, match="article_context"):
        prose.context_quote("no.such.row")

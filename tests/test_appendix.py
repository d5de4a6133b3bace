"""supercycle.chapters.sources_and_data: the tables and the offline claims explorer of the "Sources and data" page."""
import math
import re

import pandas as pd
import pytest

from supercycle.chapters import sources_and_data as ap
from supercycle import data as sd

SOURCES = pd.DataFrame([
    {"id": "a_src", "order": 1, "title_original": "甲", "title_en": "A", "outlet": "X", "published": "2026-01",
     "published_precision": "month", "language": "zh-Hant", "note": ""},
    {"id": "b_src", "order": 2, "title_original": "乙", "title_en": "B", "outlet": "Y", "published": "2026-01-14",
     "published_precision": "day", "language": "zh-Hant", "note": ""},
    {"id": "c_src", "order": 3, "title_original": "丙", "title_en": "C", "outlet": "Z", "published": "2026",
     "published_precision": "year", "language": "zh-Hant", "note": ""},
])


def claim_row(cid, source_id, topic, kind, value=1.0, low=math.nan, high=math.nan, unit="pct",
              quote="上漲1%", note=""):
    return {"id": cid, "source_id": source_id, "topic": topic, "entity": "E", "metric": "m",
            "period": "2026", "value": value, "low": low, "high": high, "unit": unit, "kind": kind,
            "attributed_to": "the reporter", "quote": quote, "note": note}


CLAIMS = pd.DataFrame([
    claim_row("a.one", "a_src", "hbm", "actual"),
    claim_row("a.two", "a_src", "hbm", "forecast", 57.5, 55, 60, quote="上漲55%至60%"),
    claim_row("b.one", "b_src", "markets", "forecast", quote="<script>alert(1)</script> & 'x'"),
])


def test_articles_table_counts_figures_per_source():
    t = ap.articles_table(SOURCES, CLAIMS)
    # a_src has 2 rows, b_src 1, c_src none (kept, with 0)
    assert list(t["source id"]) == ["a_src", "b_src", "c_src"]
    assert list(t["figures"]) == [2, 1, 0]


def test_counts_keep_zeros_and_order():
    t = ap.counts(CLAIMS, "topic", sd.TOPICS)
    assert list(t["topic"]) == list(sd.TOPICS)
    by = dict(zip(t["topic"], t["figures"]))
    assert by["hbm"] == 2 and by["markets"] == 1 and by["hbf"] == 0
    # shares: 2 of 3 = 66.67 %, 1 of 3 = 33.33 %
    assert dict(zip(t["topic"], t["share (%)"]))["hbm"] == pytest.approx(200 / 3)
    assert t["share (%)"].sum() == pytest.approx(100)


def test_counts_of_no_claims_are_zero_not_error():
    empty = CLAIMS.iloc[0:0]
    assert ap.counts(empty, "kind", sd.KINDS)["figures"].sum() == 0
    assert list(ap.articles_table(SOURCES, empty)["figures"]) == [0, 0, 0]
    assert ap.crosstab(empty, SOURCES)["total"].iloc[-1] == 0
    assert "sc-claims-row-1" not in ap.explorer_html(empty, SOURCES)


def test_crosstab_rows_columns_and_totals():
    t = ap.crosstab(CLAIMS, SOURCES).set_index("source id")
    assert t.loc["a_src", "actual"] == 1 and t.loc["a_src", "forecast"] == 1
    assert t.loc["b_src", "forecast"] == 1 and t.loc["c_src", "total"] == 0
    assert t.loc["total", "forecast"] == 2 and t.loc["total", "total"] == 3


def test_count_chart_is_labelled_and_has_its_data():
    from supercycle import charts
    chart, frame = ap.counts_chart(CLAIMS, SOURCES)
    charts.check_labelled(chart)  # raises if the title or an axis title is missing
    assert frame["figures"].sum() == 3
    assert set(map(tuple, frame[["source", "kind"]].values)) == {("a_src", "actual"), ("a_src", "forecast"),
                                                                   ("b_src", "forecast")}


@pytest.mark.parametrize("value, low, high, unit, expected", [
    (57.5, 55.0, 60.0, "pct", "55–60 pct"),     # a range stays a range
    (30.0, 30.0, math.nan, "pct", "over 30 pct"),  # a lower bound (超過)
    (50.0, math.nan, 50.0, "pct", "under 50 pct"),  # an upper bound (低於)
    (12.9, math.nan, math.nan, "usd_bn", "12.9 usd_bn"),
    (765500.0, math.nan, math.nan, "krw_per_share", "765,500 krw_per_share"),
    (math.nan, math.nan, math.nan, "date", "date"),
])
def test_figure_text(value, low, high, unit, expected):
    assert ap.figure_text(value, low, high, unit) == expected


def test_units_table_covers_the_vocabulary():
    t = ap.units_table()
    assert list(t["unit"]) == list(sd.UNITS)
    by = dict(zip(t["unit"], t["one unit is"]))
    assert by["usd_bn"] == "1,000,000,000" and by["krw_trn"] == "1,000,000,000,000" and by["date"] == "—"


def test_explorer_html_is_self_contained_and_complete():
    page = ap.explorer_html(CLAIMS, SOURCES)
    for cid in CLAIMS["id"]:
        assert f"<code>{cid}</code>" in page
    # no script loaded from anywhere: only inline scripts
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"https?://", page)
    # the quote is escaped, so data cannot inject markup
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x27;x&#x27;" in page
    # deterministic ids; one row per claim; filters list what is there
    assert [m for m in re.findall(r'id="(sc-claims-row-\d+)"', page)] == [
        "sc-claims-row-1", "sc-claims-row-2", "sc-claims-row-3"]
    for eid in ("sc-claims-search", "sc-claims-topic", "sc-claims-source", "sc-claims-kind", "sc-claims-count"):
        assert f'id="{eid}"' in page
    assert '<option value="hbm">' in page and '<option value="hbf">' not in page
    assert 'data-source="b_src" data-kind="forecast"' in page
    assert page == ap.explorer_html(CLAIMS, SOURCES)


def test_explorer_on_the_real_claims_names_every_id():
    frame = sd.claims().frame
    page = ap.claims_explorer(frame, sd.sources())._repr_html_()
    missing = [cid for cid in frame["id"] if f"<code>{cid}</code>" not in page]
    assert not missing
    assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?https?:", page, re.I)
    assert page.count("<tr id=") == len(frame)


def test_counts_figure_shows_chart_or_says_none_yet():
    fig = ap.counts_figure(CLAIMS, SOURCES)
    html_text = fig._repr_html_()
    assert 'id="sc-fig-claims-per-source"' in html_text and "Source:" in html_text
    none = ap.counts_figure(CLAIMS.iloc[0:0], SOURCES)
    assert "No figures have been extracted yet" in none._repr_html_()
    assert repr(none) == "no figures yet" and repr(fig) == "<figure fig-claims-per-source>"


def test_explorer_filters_in_a_real_browser(tmp_path):
    """The inline JavaScript works: the dropdowns and the search box hide and show rows.
    Skips where Chromium or Playwright is missing (the site's browser tests cover CI)."""
    import os
    import shutil
    chromium = os.environ.get("SUPERCYCLE_CHROMIUM", "/usr/bin/chromium")
    if not shutil.which(chromium):
        pytest.skip("no Chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "explorer.html"
    page_file.write_text('<!doctype html><meta charset="utf-8"><body>' + ap.explorer_html(CLAIMS, SOURCES)
                         + "</body>", encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri())

            def visible():
                return page.eval_on_selector_all(
                    "#sc-claims tbody tr", "rs => rs.filter(r => r.offsetParent !== null).map(r => r.id)")

            assert visible() == ["sc-claims-row-1", "sc-claims-row-2", "sc-claims-row-3"]
            page.select_option("#sc-claims-topic", "hbm")          # a.one, a.two
            assert visible() == ["sc-claims-row-1", "sc-claims-row-2"]
            page.select_option("#sc-claims-kind", "forecast")      # a.two only
            assert visible() == ["sc-claims-row-2"]
            assert page.inner_text("#sc-claims-count") == "1 of 3 figures"
            page.select_option("#sc-claims-topic", "")
            page.select_option("#sc-claims-kind", "")
            page.fill("#sc-claims-search", "55%至60%")             # the quote of a.two
            assert visible() == ["sc-claims-row-2"]
            page.fill("#sc-claims-search", "b.one alert")          # all words must match
            assert visible() == ["sc-claims-row-3"]
            page.fill("#sc-claims-search", "nothing-matches-this")
            assert visible() == [] and page.inner_text("#sc-claims-count") == "0 of 3 figures"
            assert not errors
        finally:
            browser.close()

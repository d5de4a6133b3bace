"""The PDF edition (`make pdf`, `supercycle.build.pdf`) and the citation it carries (`supercycle.cite`).

The unit tests build a two-page fake site; `test_pdf_of_the_site` prints the real built site
(the same site the browser tests use; built first if missing) in Chromium and reads the PDF back
with PyMuPDF: every page of the book in the outline, every figure of the site with the same
number and with drawn vector content on its page, a Chinese quote in the text layer.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from supercycle import ROOT, cite
from supercycle.build import pdf
from supercycle.build.registry import CHAPTERS

from conftest import run

FAKE_PAGE = """<html><head><script src="../_static/vega-bundle.js"></script>
<link rel="stylesheet" href="../_static/custom.css"><script src="../_static/searchtools.js"></script></head>
<body><article class="bd-article"><section id="intro"><h1>Chapter one<a class="headerlink" href="#intro">#</a></h1>
<p><a href="#summary">same page</a> <a href="02_two.html#fig-x">other page</a> <a href="../index.html">home</a>
<a href="https://example.org/x">outside</a> <img src="../_images/a.png"></p>
<div id="altair-viz-one-1"></div><section id="summary"><h2>Summary</h2></section></section></article></body></html>"""


def _fake_site(tmp_path: Path, scenario_note: str = "Scenario <strong>base</strong>, every chapter at its declared defaults.") -> Path:
    site = tmp_path / "html"
    (site / "chapters").mkdir(parents=True)
    (site / "index.html").write_text(
        '<html><head></head><body><article class="bd-article"><section id="front"><h1>The book</h1>'
        '<div class="admonition note"><p class="admonition-title">How this site was built</p>'
        f'<p>{scenario_note}</p></div></section></article></body></html>')
    (site / "chapters" / "01_one.html").write_text(FAKE_PAGE)
    (site / "chapters" / "02_two.html").write_text(FAKE_PAGE.replace("Chapter one", "Chapter two")
                                                   .replace("altair-viz-one-1", "altair-viz-two-1"))
    return site


def test_book_pages_follow_the_toc_and_cover_every_chapter():
    pages = pdf.book_pages()
    assert pages[0] == "index"
    chapter_pages = [f"chapters/{ch.notebook.removesuffix('.ipynb')}" for ch in CHAPTERS]
    assert set(chapter_pages) <= set(pages)
    assert [p for p in pages if p in chapter_pages] == sorted(chapter_pages, key=pages.index)


def test_pages_are_combined_with_ids_and_links_made_internal(tmp_path):
    site = _fake_site(tmp_path)
    doc, titles = pdf.combined_html(site, ["index", "chapters/01_one", "chapters/02_two"], "2026-01-31")
    assert titles == ["The book", "Chapter one", "Chapter two"]
    soup = BeautifulSoup(doc, "html.parser")
    links = [a["href"] for a in soup.select("#p1 a")]
    # same-page and cross-page links point inside the document; the outside link is untouched
    assert links[1:5] == ["#p1-summary", "#p2-fig-x", "#p0", "https://example.org/x"]
    assert soup.select_one("#p1 img")["src"] == "_images/a.png"
    # ids are unique per page, chart ids are left alone for the chart scripts
    assert soup.find(id="p1-summary") and soup.find(id="p2-summary")
    assert soup.find(id="altair-viz-one-1") and soup.find(id="altair-viz-two-1")
    head = str(soup.head)
    assert "_static/vega-bundle.js" in head and "../_static" not in head
    assert "searchtools.js" not in head
    # the SVG/no-actions wrapper comes right after the Vega bundle
    assert head.index("vega-bundle.js") < head.index('renderer: "svg"')
    # a title page with the edition and a citation for the published (base) edition
    title = soup.select_one(".sc-title-page").get_text(" ", strip=True)
    assert "2026-01-31" in title and "How this site was built" in title
    assert cite.text("2026-01-31") in title


def test_a_scenario_site_says_so_on_its_title_page(tmp_path):
    site = _fake_site(tmp_path, "Scenario <strong>bull</strong> (folder <code>_build/scenarios/bull</code>). "
                                "Parameters that differ from the defaults: hbf batch 64")
    doc, _ = pdf.combined_html(site, ["index", "chapters/01_one"], "2026-01-31")
    title = BeautifulSoup(doc, "html.parser").select_one(".sc-title-page").get_text(" ", strip=True)
    assert "Scenario bull" in title
    assert "Edition of 2026-01-31 (Scenario bull" in title


def test_a_missing_page_or_site_is_a_clear_error(tmp_path):
    site = _fake_site(tmp_path)
    with pytest.raises(pdf.PdfError, match="02_missing.html is missing"):
        pdf.combined_html(site, ["index", "chapters/02_missing"], "2026-01-31")
    assert pdf.main(["--site", str(tmp_path / "nothing")]) == 2


def test_citation_forms():
    assert cite.TITLE and cite.AUTHOR  # read from _config.yml
    assert cite.scenario_note() == ""
    assert cite.scenario_note("bull", {"hbf": {"batch": 64}}) == "scenario bull; hbf.batch = 64"
    bib = cite.bibtex("2026-03-09", "scenario bear")
    assert bib.startswith("@report{supercycle-20260309,")
    assert "year = {2026}" in bib and "month = {3}" in bib
    assert "note = {Edition of 2026-03-09, scenario bear}" in bib
    assert bib.count("{") == bib.count("}")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", cite.edition_date())


# --- the real site, printed -----------------------------------------------------------------


def _site_figures(site: Path) -> dict[int, str]:
    """Figure number -> page, from the built site's captions."""
    found = {}
    for page in pdf.book_pages():
        soup = BeautifulSoup((site / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
        for num in soup.select("figcaption .caption-number"):
            found[int(re.search(r"\d+", num.get_text()).group())] = page
    return found


def _a_quote_on_the_site(site: Path) -> str:
    """A verbatim Chinese quote from data/claims.csv that the site shows in the text of a chapter."""
    import pandas as pd

    text = "".join(BeautifulSoup((site / f"{p}.html").read_text(encoding="utf-8"), "html.parser")
                   .select_one("article").get_text() for p in pdf.book_pages() if p.startswith("chapters/0"))
    quotes = pd.read_csv(ROOT / "data" / "claims.csv", dtype=str)["quote"]
    for q in quotes:
        if len(q) >= 8 and re.search(r"[\u4e00-\u9fff]{4}", q) and q in text:
            return q
    pytest.fail("no quote from data/claims.csv appears in a chapter's text")


@pytest.mark.skipif(not Path(pdf.CHROMIUM).exists(), reason="no Chromium (tools/ensure_browser.sh)")
def test_pdf_of_the_site(tmp_path, site):
    import pymupdf
    out = tmp_path / "report.pdf"
    # A process of its own: the browser tests keep a Playwright session (and its event loop) open
    # in this one, and this is how `make pdf` runs it anyway.
    proc = run([sys.executable, "-m", "supercycle", "pdf", "--site", str(site), "--out", str(out)], timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    _, titles = pdf.combined_html(site, pdf.book_pages(), "2026-01-31")
    doc = pymupdf.open(out)
    text = [page.get_text() for page in doc]
    # every page of the book is there, in order, and in the outline
    assert len(titles) == len(pdf.book_pages()) and len(doc) > len(titles)
    outline = " ".join(t for _, t, _ in doc.get_toc())
    for t in titles:
        assert t.split(":")[0][:20] in outline.replace("\n", " "), t
    # page numbers in the footer
    assert "page 2 of" in text[1]
    # every figure of the site, with the same number, and drawn content on its page
    figures = _site_figures(site)
    assert figures, "the site has no numbered figures"
    in_pdf = {}
    for i, t in enumerate(text):
        for m in re.findall(r"Fig\. (\d+)", t):
            in_pdf.setdefault(int(m), i)
    assert set(figures) <= set(in_pdf), sorted(set(figures) - set(in_pdf))
    for number, i in in_pdf.items():
        if number in figures:
            assert len(doc[i].get_drawings()) > 10, f"Fig. {number} on PDF page {i + 1}: nothing drawn"
    # the front page links the PDF where `make pdf` writes it
    index = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert index.select_one(f'a[href="{pdf.PDF_NAME}"]') is not None
    # the quotes stay verbatim and are text, not pictures
    quote = _a_quote_on_the_site(site)
    joined = "".join("".join(t.split()) for t in text)
    assert "".join(quote.split()) in joined, quote


def test_front_page_cites_and_previews(site):
    """The front page carries the citation for its edition, and every page link-preview metadata."""
    index = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    block = index.find(id="cite-this-report")
    assert block is not None, "no 'Cite this report' section on the front page"
    assert cite.text(cite.edition_date()) in block.get_text(" ", strip=True).replace("\n", " ")
    assert "@report{supercycle-" in block.get_text()
    for page in pdf.book_pages():
        soup = BeautifulSoup((site / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
        meta = {m.get("property"): m.get("content") for m in soup.find_all("meta", property=True)}
        assert meta.get("og:title") and meta.get("og:description"), page
        image = meta.get("og:image", "")
        assert image.endswith("_static/social-card.png"), page
    assert (site / "_static" / "social-card.png").stat().st_size > 10_000

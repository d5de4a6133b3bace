"""The PDF edition: the built site's pages, in the book's order, printed by Chromium as one document.

    python -m supercycle pdf                      # from _build/html, writes _build/html/supercycle-report.pdf
    python -m supercycle pdf --site _build/scenarios/<slug>/html

Why print the site rather than build LaTeX: the pages already hold the executed chapters, the
glued numbers, the figure numbers and the drawn charts, so the PDF cannot drift from the site;
Chromium (the browser the tests use) draws the Vega charts as vector SVG and embeds the CJK
font of the quotes. Jupyter Book's own `pdfhtml` builder downloads a browser through pyppeteer,
which cannot work offline.

How: the `<article>` of every page listed in `_toc.yml` is copied, in order, into one HTML file
in the site's root (so `_static/` resolves), after a title page (title, edition, the scenario the
site was built with, how to cite it) and a linked table of contents. Element ids are prefixed
per page (`p3-summary-of-findings`), and links between pages become links inside the document;
Altair's `altair-viz-*` ids stay as they are (the chart scripts look them up). Charts are drawn
with Vega's SVG renderer and without the action menu; code toggles and the action menus are
hidden. Every chart is checked to have drawn marks before printing; the file is then printed on
A4 with page numbers and a PDF outline. The temporary HTML file is removed afterwards.

Exit status: 0 written; 2 no site (build it first) or no Chromium; 1 a chart failed to draw.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import sys
import threading
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from supercycle import ROOT, cite
from .registry import toc_files as book_pages  # the book's pages in reading order

CHROMIUM = os.environ.get("SUPERCYCLE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PDF_NAME = "supercycle-report.pdf"
PRINT_NAME = "_print-edition.html"
CHART_TIMEOUT_MS = 60_000
# Head elements of a page that a printed document does not need (search, Thebe, page links).
DROP_HEAD = ("searchtools.js", "language_data.js", "searchindex.js", "sphinx-thebe", "THEBE_JS_URL")

PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 18mm 16mm; }
html, body { background: #fff !important; }
body { font-size: 10.5pt; }
.bd-article { max-width: none !important; padding: 0 !important; }
.sc-page { break-before: page; }
.sc-title-page { break-after: page; padding-top: 30mm; }
.sc-title-page h1 { font-size: 26pt; line-height: 1.2; margin-bottom: 8mm; }
.sc-title-page .sc-edition { font-size: 13pt; margin-bottom: 12mm; }
.sc-title-page pre { white-space: pre-wrap; font-size: 8.5pt; }
.sc-toc { break-after: page; }
.sc-toc ol { font-size: 12pt; line-height: 1.9; }
figure, .sc-figure, blockquote { break-inside: avoid; }
table, div.admonition, .sc-title-page .admonition { break-inside: auto !important; }
tr, .admonition-title { break-inside: avoid; }
.sc-title-page table { font-size: 7.5pt; }
.sc-title-page td, .sc-title-page th { padding: 1px 6px !important; }
h1, h2, h3 { break-after: avoid; }
details.above-input, details.hide, .cell_input, a.headerlink, .vega-embed details,
.vega-actions, .toggle-button, button.toggle-button { display: none !important; }
details.sc-params { display: block; }
table { font-size: 8.5pt; }
.sc-scroll, .table-wrapper, .output, .cell_output { overflow: visible !important; }
"""

# Draw every chart as SVG (vector in the PDF) without the action menu. Altair's inline scripts
# call the global vegaEmbed when they run, after this wrapper is in place.
EMBED_WRAPPER = """
(function () {
  const embed = window.vegaEmbed;
  if (!embed) { return; }
  window.vegaEmbed = function (el, spec, opt) {
    return embed(el, spec, Object.assign({}, opt || {}, {renderer: "svg", actions: false}));
  };
  Object.assign(window.vegaEmbed, embed);
})();
"""

CHARTS_STATE_JS = """() => [...document.querySelectorAll("div[id^='altair-viz-']")].map(el => {
  const svg = el.querySelector('svg.marks');
  const marks = svg ? svg.querySelectorAll('path, rect, line, circle, text').length : 0;
  return {id: el.id, drawn: !!svg && marks > 0 && !el.querySelector('.error'), marks: marks};
})"""

ALL_DRAWN_JS = """() => [...document.querySelectorAll("div[id^='altair-viz-']")]
  .every(el => el.querySelector('svg.marks') || el.querySelector('.error'))"""

# Shrink what is wider than the page (a wide table or chart) instead of cutting it off.
FIT_JS = """() => {
  const width = document.querySelector('.bd-article').clientWidth;
  for (const el of document.querySelectorAll('table, .vega-embed, .sc-figure > div')) {
    const w = el.scrollWidth;
    if (w > width + 1) { el.style.zoom = (width / w).toFixed(3); }
  }
}"""


class PdfError(RuntimeError):
    pass


def _soup(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _page_id(n: int) -> str:
    return f"p{n}"


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return bool(url) and not parts.scheme and not parts.netloc and not url.startswith(("/", "data:"))


def rewrite_page(article, page: str, n: int, page_numbers: dict[str, int]) -> None:
    """Make `article` (of `page`, e.g. 'chapters/03_hbf') work inside one root-level document."""
    prefix = _page_id(n) + "-"
    for el in article.find_all(id=True):
        if not el["id"].startswith("altair-viz-"):
            el["id"] = prefix + el["id"]
    here = page + ".html"
    for el in article.find_all(["a", "img", "script", "link", "source"]):
        attr = "href" if el.name in ("a", "link") else "src"
        url = el.get(attr)
        if not url or not isinstance(url, str):
            continue
        if url.startswith("#"):
            el[attr] = "#" + prefix + url[1:] if len(url) > 1 else "#" + _page_id(n)
            continue
        if not _is_local(url):
            continue
        target, frag = urldefrag(urljoin(here, url))
        target_page = target.removesuffix(".html")
        if el.name == "a" and target_page in page_numbers:
            m = page_numbers[target_page]
            el[attr] = f"#{_page_id(m)}-{frag}" if frag else f"#{_page_id(m)}"
        else:
            el[attr] = target + (f"#{frag}" if frag else "")


def _head(first_page_soup, page: str) -> str:
    """The head of a built page, with its links made root-relative and the unneeded scripts dropped."""
    parts = []
    for el in first_page_soup.head.find_all(["meta", "link", "script", "style"], recursive=False):
        text = str(el)
        if any(d in text for d in DROP_HEAD) or (el.name == "link" and el.get("rel") and
                                                  el["rel"][0] in ("index", "search", "next", "prev")):
            continue
        for attr in ("href", "src"):
            url = el.get(attr)
            if url and _is_local(url):
                el[attr] = urljoin(page + ".html", url)
        parts.append(str(el))
        if el.name == "script" and "vega-bundle.js" in (el.get("src") or ""):
            parts.append(f"<script>{EMBED_WRAPPER}</script>")
    return "\n".join(parts)


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def build_info(index_soup) -> tuple[str, str]:
    """(HTML of the front page's "How this site was built" note, its plain text), or ('', '')."""
    for adm in index_soup.select("div.admonition"):
        title = adm.select_one(".admonition-title")
        if title and "How this site was built" in title.get_text():
            text = " ".join(adm.get_text(" ", strip=True).split())
            return str(adm), re.sub(r"\s+([,.;:)])", r"\1", text)
    return "", ""


def scenario_of(info_text: str) -> str:
    """The cite note for a site: '' for the base edition, else the build note's scenario sentence."""
    if not info_text or "Scenario base, every chapter at its declared defaults" in info_text:  # build.build_info_markdown
        return ""
    body = info_text.split("How this site was built", 1)[-1].strip()
    return " ".join(body.split())[:400]


def combined_html(site: Path, pages: list[str], edition: str) -> tuple[str, list[str]]:
    """One HTML document of the whole book; also returns the chapter titles in order."""
    soups = {}
    for page in pages:
        path = site / f"{page}.html"
        if not path.exists():
            raise PdfError(f"{path} is missing: build the site first (make book)")
        soups[page] = _soup(path)
    numbers = {page: n for n, page in enumerate(pages)}
    title = soups[pages[0]].select_one("article h1")
    book_title = cite.TITLE
    info_html, info_text = build_info(soups[pages[0]])
    note = scenario_of(info_text)
    titles, bodies = [], []
    for page, n in numbers.items():
        article = soups[page].select_one("article.bd-article")
        if article is None:
            raise PdfError(f"{page}.html has no <article>: not a page of this book")
        h1 = article.find("h1")
        titles.append(" ".join(h1.get_text(" ", strip=True).replace("#", "").split()) if h1 else page)
        rewrite_page(article, page, n, numbers)
        bodies.append(f'<div class="sc-page" id="{_page_id(n)}">{article.decode_contents()}</div>')
    toc = "".join(f'<li><a href="#{_page_id(n)}">{_escape(t)}</a></li>' for n, t in enumerate(titles))
    cite_section = soups[pages[0]].find("section", id=f"{_page_id(0)}-cite-this-report")
    if cite_section is not None:  # the front page's own block (build.build_info_markdown)
        cite_html = cite_section.decode_contents()
    else:
        cite_html = (f'<h2>Cite this report</h2><p>{_escape(cite.text(edition, note))}</p>'
                     f'<pre>{_escape(cite.bibtex(edition, note))}</pre>')
    heading = title.get_text(" ", strip=True).replace("#", "").strip() if title else book_title
    title_page = (
        f'<section class="sc-title-page"><h1>{_escape(heading)}</h1>'
        f'<p class="sc-edition">PDF edition of {edition}. Every number is computed from the data and models '
        f'of the <code>supercycle</code> project when the book is built.</p>'
        f'{cite_html}{info_html}'
        f'<p>This report analyses published figures; nothing in it is investment advice.</p></section>')
    head_page = pages[-1]  # any page: all carry the same scripts and styles
    doc = (f'<!DOCTYPE html><html lang="en" data-theme="light" data-mode="light"><head><meta charset="utf-8">'
           f'<title>{_escape(book_title)}</title>{_head(soups[head_page], head_page)}'
           f'<style>{PRINT_CSS}</style></head><body><article class="bd-article">'
           f'{title_page}<nav class="sc-toc"><h2>Contents</h2><ol>{toc}</ol></nav>'
           f'{"".join(bodies)}</article></body></html>')
    return doc, titles


def headings(doc_html: str) -> list[str]:
    """The text of every heading of the combined document, in order."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(doc_html, "html.parser")
    for link in soup.select("a.headerlink"):
        link.decompose()
    return [" ".join(h.get_text(" ", strip=True).split()) for h in soup.find_all(re.compile(r"^h[1-6]$"))]


def tidy_outline(src: Path, dest: Path, names: list[str]) -> None:
    """Copy the PDF with its outline entries named by the document's own headings: Chromium's
    outline repeats the first line of a wrapped heading and drops the space at the wrap."""
    import pymupdf

    doc = pymupdf.open(src)
    toc = doc.get_toc(simple=True)
    if len(toc) == len(names):
        doc.set_toc([[level, name, page] for (level, _, page), name in zip(toc, names)])
    doc.save(dest, garbage=3, deflate=True)
    doc.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def print_pdf(site: Path, out: Path, edition: str | None = None, log=print) -> dict:
    """Write the PDF of the site at `site` to `out`. Returns {'pages': titles, 'charts': n}."""
    site = site.resolve()
    if not (site / "index.html").exists():
        raise PdfError(f"no built site at {site}: run `make book` first")
    if not Path(CHROMIUM).exists():
        raise PdfError(f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium)")
    edition = edition or cite.edition_date()
    doc, titles = combined_html(site, book_pages(), edition)
    source = site / PRINT_NAME
    source.write_text(doc, encoding="utf-8")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 794, "height": 1123})
            page.emulate_media(media="print", color_scheme="light")
            page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/{PRINT_NAME}", wait_until="load")
            page.wait_for_function(ALL_DRAWN_JS, timeout=CHART_TIMEOUT_MS)
            charts = page.evaluate(CHARTS_STATE_JS)
            blank = [c["id"] for c in charts if not c["drawn"]]
            if blank:
                raise PdfError(f"charts did not draw: {', '.join(blank)}")
            page.evaluate(FIT_JS)
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_name("." + out.name + ".tmp")
            page.pdf(path=str(tmp), format="A4", print_background=True, outline=True, tagged=True,
                     display_header_footer=True,
                     header_template="<span></span>",
                     footer_template=('<div style="font-size:8px;width:100%;text-align:center;color:#555;">'
                                      f'{_escape(cite.TITLE)} · edition {edition} · '
                                      'page <span class="pageNumber"></span> of <span class="totalPages"></span></div>'),
                     margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"})
            browser.close()
        tidy_outline(tmp, out, headings(doc))
        tmp.unlink(missing_ok=True)
    finally:
        httpd.shutdown()
        httpd.server_close()
        source.unlink(missing_ok=True)
    log(f"PDF written: {out} ({len(titles)} pages of the book, {len(charts)} charts)")
    return {"pages": titles, "charts": len(charts)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m supercycle pdf", description=__doc__.split("\n\n")[0])
    ap.add_argument("--site", type=Path, default=ROOT / "_build" / "html",
                    help="a built site (default _build/html; a scenario's is _build/scenarios/<slug>/html)")
    ap.add_argument("--out", type=Path, default=None, help=f"the PDF to write (default <site>/{PDF_NAME})")
    args = ap.parse_args(argv)
    try:
        print_pdf(args.site, args.out or args.site / PDF_NAME)
    except PdfError as exc:
        print(f"pdf: {exc}", file=sys.stderr)
        return 1 if "did not draw" in str(exc) else 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

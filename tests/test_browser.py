"""The built site, in a real browser (Chromium through Playwright), with no network.

For every page of the book: it loads (HTTP 200, every same-origin resource too); every chart
(`.sc-figure` blocks holding Altair's `altair-viz-*` divs, and any `.vega-embed`) draws SVG or
canvas marks; no request leaves 127.0.0.1; the console shows no error except known harmless
ones. A full-page screenshot of each page goes to `_build/screenshots/<page>.png`.
`test_internal_links` checks every same-origin link, fragments included.

The site is `$SUPERCYCLE_SITE` if set, else `<project root>/_build/html`; when the default site
is missing it is built first with `python -m supercycle build` (minutes). Deselect these tests
with `-k "not test_browser"`.

Chromium: `/usr/bin/chromium` (Debian's package; or `$SUPERCYCLE_CHROMIUM`). Never
`playwright install`: `apt-get install chromium` as root, or run `tools/ensure_browser.sh`.
Without it the page tests skip, and fail under CI=true.
"""
from __future__ import annotations

import functools
import html.parser
import http.server
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ["SUPERCYCLE_SITE"]).resolve() if os.environ.get("SUPERCYCLE_SITE") else ROOT / "_build" / "html"
SCREENSHOTS = Path(os.environ.get("SUPERCYCLE_SCREENSHOTS") or ROOT / "_build" / "screenshots").resolve()
CHROMIUM = os.environ.get("SUPERCYCLE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
INSTALL_HINT = ("Chromium is needed for the browser tests: install Debian's package as root "
                "(`apt-get install chromium`), or run `tools/ensure_browser.sh`; never `playwright install`.")
CHART_TIMEOUT_MS = 15_000
# Console errors that are known and harmless:
#  - sphinx-thebe declares THEBE_JS_URL in two scripts ("Identifier 'THEBE_JS_URL' has already
#    been declared"); Thebe is not used on a static site.
#  - pydata-sphinx-theme logs "Got invalid theme mode: . Resetting to auto." on a visitor's first
#    page (nothing in localStorage yet); it then picks the system's light/dark mode.
HARMLESS_CONSOLE = ("THEBE_JS_URL", "Got invalid theme mode: . Resetting to auto.")
# Generated pages that are not chapters of the book.
NOT_PAGES = {"genindex.html", "search.html", "py-modindex.html"}
# Every chart container; after embedding, Altair's div also carries the class vega-embed.
CHART_SELECTOR = ".sc-figure div[id^='altair-viz-'], .vega-embed"


# --- the pages ------------------------------------------------------------------------------

def _is_redirect(path: Path) -> bool:
    head = path.read_text(encoding="utf-8", errors="replace")[:2000].lower()
    return 'http-equiv="refresh"' in head


def site_pages(site: Path) -> list[str]:
    """Every page of the book in a built site, as paths relative to it (posix)."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site)
        if any(part.startswith("_") for part in rel.parts) or rel.name in NOT_PAGES:
            continue
        if _is_redirect(path):  # jupyter-book's index.html points at the root page
            continue
        pages.append(rel.as_posix())
    return pages


def toc_pages(root: Path = ROOT) -> list[str]:
    """The pages _toc.yml promises, for collection before the site is built."""
    import yaml

    toc_path = root / "_toc.yml"
    if not toc_path.exists():
        return []
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8")) or {}
    files: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("file"), str):
                files.append(node["file"])
            for key in ("parts", "chapters", "sections", "entries"):
                walk(node.get(key))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    if isinstance(toc.get("root"), str):
        files.append(toc["root"])
    walk(toc)
    out = []
    for f in files:
        stem = f.rsplit(".", 1)[0] if f.endswith((".md", ".ipynb", ".rst")) else f
        out.append(stem + ".html")
    return list(dict.fromkeys(out))


def collected_pages() -> list[str]:
    if SITE.is_dir() and any(SITE.glob("*.html")):
        return site_pages(SITE)
    return toc_pages() or ["index.html"]


PAGES = collected_pages()


# --- fixtures -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def site() -> Path:
    """The built site; builds it (default location only) when it is missing."""
    if not (SITE / "index.html").exists():
        if os.environ.get("SUPERCYCLE_SITE"):
            pytest.fail(f"SUPERCYCLE_SITE={SITE} holds no built site (no index.html)")
        proc = subprocess.run([sys.executable, "-m", "supercycle", "build"], cwd=ROOT,
                              capture_output=True, text=True)
        if proc.returncode != 0 or not (SITE / "index.html").exists():
            pytest.fail("`python -m supercycle build` did not produce the site "
                        f"(exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return SITE


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture(scope="session")
def server(site):
    """The site served on 127.0.0.1 (a free port), in a thread; yields the base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def _no_browser(why: str):
    message = f"{why}. {INSTALL_HINT}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _no_browser(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("the Python package playwright is not installed")
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # a broken install: say so rather than erroring obscurely
            _no_browser(f"Chromium at {CHROMIUM} did not start ({str(exc).splitlines()[0]})")
        yield b
        b.close()


# --- one test per page ----------------------------------------------------------------------

CHART_STATE_JS = """(sel) => {
  const els = [...new Set(document.querySelectorAll(sel))];
  return els.map((el, i) => {
    const svg = el.querySelector('svg.marks');
    const canvas = el.querySelector('canvas.marks');
    let drawn = false, marks = 0;
    if (svg) {
      marks = svg.querySelectorAll('path, rect, line, circle, text, image').length;
      drawn = parseFloat(svg.getAttribute('width') || '0') > 0 && marks > 0;
    } else if (canvas) {
      drawn = canvas.width > 0 && canvas.height > 0;
      marks = drawn ? 1 : 0;
    }
    const error = el.querySelector('.error');
    return {id: el.id || ('#' + i), drawn: drawn && !error, marks: marks,
            error: error ? error.textContent.slice(0, 300) : null};
  });
}"""

# Math that math-lite (supercycle.site_assets) could not turn into MathML shows its TeX source.
UNRENDERED_MATH_JS = """() => [...document.querySelectorAll('span.math, div.math')]
  .filter(m => !m.querySelector('math')).map(m => m.textContent.trim().slice(0, 80))"""

FIGURES_WITHOUT_CHART_JS = """() => [...document.querySelectorAll('.sc-figure')]
  .filter(f => !f.querySelector("div[id^='altair-viz-']")).map(f => f.id || '(no id)')"""


@pytest.mark.parametrize("page_path", PAGES)
def test_page(browser, server, page_path):
    origin = server.rstrip("/")
    external: list[str] = []
    console: list[str] = []
    failed: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(origin + "/") or url == origin:
            r.continue_()
        elif url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            external.append(url)
            r.abort()

    def on_console(msg):
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        if where and not where.startswith(origin) and msg.text.startswith("Failed to load resource"):
            return  # an aborted external request: reported in `external`
        console.append(msg.text)

    def on_response(resp):
        if resp.url.startswith(origin) and resp.status >= 400:
            failed.append(f"{resp.status} {resp.url}")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        context.route("**/*", route)
        page = context.new_page()
        page.on("console", on_console)
        page.on("pageerror", lambda exc: console.append(f"uncaught: {exc}"))
        page.on("response", on_response)

        response = page.goto(server + page_path, wait_until="load")
        assert response is not None and response.status == 200, \
            f"{page_path}: HTTP {response.status if response else 'no response'}"

        # Every chart draws its marks (give Vega a little time, then look at each one).
        try:
            page.wait_for_function(f"() => ({CHART_STATE_JS})({CHART_SELECTOR!r}).every(c => c.drawn || c.error)",
                                   timeout=CHART_TIMEOUT_MS)
        except Exception:
            pass  # reported below, chart by chart
        charts = page.evaluate(CHART_STATE_JS, CHART_SELECTOR)
        empty_figures = page.evaluate(FIGURES_WITHOUT_CHART_JS)
        unrendered_math = page.evaluate(UNRENDERED_MATH_JS)
        page.wait_for_timeout(100)  # let late console messages arrive
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / (page_path.removesuffix(".html") + ".png")
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
    finally:
        context.close()

    problems = []
    undrawn = [c for c in charts if not c["drawn"]]
    if undrawn:
        problems.append(f"{len(undrawn)} of {len(charts)} charts drew no marks within "
                        f"{CHART_TIMEOUT_MS / 1000:g}s: "
                        + "; ".join(f"{c['id']}" + (f" ({c['error']})" if c["error"] else "") for c in undrawn))
    if empty_figures:
        problems.append(f".sc-figure blocks with no Altair chart: {', '.join(empty_figures)}")
    if unrendered_math:
        problems.append("math not rendered (unsupported TeX, or no math renderer): " + " | ".join(unrendered_math))
    if external:
        problems.append("requests left 127.0.0.1 (blocked): " + ", ".join(sorted(set(external))))
    if failed:
        problems.append("same-origin resources failed: " + ", ".join(sorted(set(failed))))
    bad_console = [m for m in console if not any(h in m for h in HARMLESS_CONSOLE)]
    if bad_console:
        problems.append("console errors: " + " | ".join(bad_console))
    assert not problems, f"{page_path} (screenshot {shot}):\n  " + "\n  ".join(problems)


def test_math_lite_renders_the_tex_subset(browser):
    """math-lite (the offline MathJax stand-in) on a page of its own: MathML out, TeX kept when unsupported."""
    from supercycle.site_assets import MATH_JS

    body = ('<div class="math" id="d"><span class="eqno">(1)</span>\n'
            r'\[g = \frac{1 + r}{1 + p} - 1\]</div>'
            r'<p>a <span class="math" id="i">\(\text{two words}\ x_i^2 \le \alpha\)</span></p>'
            r'<p><span class="math" id="u">\(\begin{aligned} a \end{aligned}\)</span></p>')
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.set_content(f"<html><body>{body}<script>{MATH_JS}</script><script>{MATH_JS}</script></body></html>")
        d = page.evaluate("""() => { const m = document.querySelector('#d math');
            return m && [m.getAttribute('display'), m.querySelector('mfrac').children.length,
                         [...m.querySelector('mfrac').children].map(c => c.textContent),
                         document.querySelector('#d .eqno').textContent,
                         document.querySelectorAll('#d math').length] }""")
        i = page.evaluate("""() => { const m = document.querySelector('#i math');
            return m && [m.getAttribute('display'), m.querySelector('mtext').textContent,
                         m.querySelector('msubsup').children.length, m.textContent.includes('\u2264'),
                         m.textContent.includes('\u03b1')] }""")
        u = page.evaluate("() => [document.querySelector('#u math'), document.querySelector('#u code').textContent]")
    finally:
        page.close()
    # \frac{1 + r}{1 + p}: an mfrac of two rows, "1+r" over "1+p"; the equation number is kept;
    # the script included twice renders once.
    assert d == ["block", 2, ["1+r", "1+p"], "(1)", 1]
    # inline: \text keeps its space; x_i^2 is one msubsup (base, sub, sup); \le is ≤, \alpha is α.
    assert i == [None, "two words", 3, True, True]
    # unsupported (\begin): no MathML, the TeX source stays readable.
    assert u == [None, r"\begin{aligned} a \end{aligned}"]
    assert not errors


# --- links ----------------------------------------------------------------------------------

class _LinksAndIds(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a":
            if a.get("name"):
                self.ids.add(a["name"])
            if a.get("href") is not None:
                self.hrefs.append(a["href"])


def _fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read(), resp.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        return exc.code, b"", ""


def _parse(body: bytes) -> _LinksAndIds:
    p = _LinksAndIds()
    p.feed(body.decode("utf-8", errors="replace"))
    return p


def test_internal_links(server):
    """Every same-origin link on every page resolves, and its #fragment names an id there."""
    origin = urlsplit(server)
    cache: dict[str, tuple[int, _LinksAndIds | None]] = {}

    def get(url: str):
        if url not in cache:
            status, body, ctype = _fetch(url)
            cache[url] = (status, _parse(body) if status == 200 and ctype == "text/html" else None)
        return cache[url]

    broken = []
    checked = 0
    for page_path in PAGES:
        page_url = server + page_path
        status, parsed = get(page_url)
        if status != 200 or parsed is None:
            broken.append(f"{page_path}: the page itself: HTTP {status}")
            continue
        for href in parsed.hrefs:
            if not href or href.startswith(("mailto:", "javascript:", "data:", "tel:")):
                continue
            target = urljoin(page_url, href)
            parts = urlsplit(target)
            if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
                continue  # another site: not followed (and never requested by the page itself)
            doc, fragment = urldefrag(target)
            checked += 1
            t_status, t_parsed = get(doc)
            if t_status != 200:
                broken.append(f"{page_path}: {href} -> HTTP {t_status}")
                continue
            fragment = unquote(fragment)
            if fragment and t_parsed is not None and fragment not in t_parsed.ids:
                broken.append(f"{page_path}: {href} -> no element with id '{fragment}'")
    assert checked > 0 or not PAGES, "no internal links found at all: is the site built?"
    assert not broken, f"{len(broken)} broken internal links:\n  " + "\n  ".join(sorted(set(broken)))

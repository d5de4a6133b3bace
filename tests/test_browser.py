"""The built site, in a real browser (Chromium through Playwright), with no network: the gate
that a chart or table a reader cannot read fails the test suite (issue 16).

For every page of the book, at a 1280 px window (`test_page`), at a 390 px phone window
(`test_page_phone`), and with the reader's system set to dark (`test_page_dark`):
- it loads (HTTP 200, every same-origin resource too) and no request leaves 127.0.0.1;
- every chart draws marks; no bar or rect is under 1 px wide or tall where its datum is non-zero;
- no chart or table runs past the text column unless it sits in a scroll container that is
  keyboard-focusable and shows a visible hint (`.sc-scroll-hint`, see _static/supercycle.js);
- no two texts in a chart's SVG overlap (axis titles and labels, legend text, titles, headers);
- the console shows no error and Vega logs no warning;
- (1280 px) the page shows no Python repr or unformatted number (`np.float64(`, `'2027-2028'`,
  `2026.0`, `5.55e-16`, `2,026`), and axe-core finds no serious or critical violation;
- (dark) charts are drawn in the dark theme with readable text, and follow the theme toggle.
Screenshots of each page go to `_build/screenshots/<page>-{1280,390,1280-dark}.png`.
The detectors are themselves tested on deliberately broken fixture pages (`test_gate_*`), one of
them the chapter 1 wafer chart as it was (0.3 px bars), so the gate's ability to fail is checked
on every run. Links: the build runs Sphinx with `-n -W`, so every link Sphinx writes resolves;
`test_local_links_resolve` checks the rest (links in raw HTML, the PDF link, anchors in glued HTML).

The site is `$SUPERCYCLE_SITE` if set, else `<project root>/_build/html`; when the default site
is missing it is built first with `python -m supercycle build` (minutes). Deselect these tests
with `-k "not test_browser"`.

Chromium: `/usr/bin/chromium` (Debian's package; or `$SUPERCYCLE_CHROMIUM`). Never
`playwright install`: `apt-get install chromium` as root, or run `tools/ensure_browser.sh`.
Without it the page tests skip, and fail under CI=true. axe-core comes from the pinned PyPI
package axe-playwright-python (its bundled axe.min.js), so CI needs only the package registries.
"""
from __future__ import annotations

import functools
import http.server
import os
import posixpath
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import SITE  # the site fixture lives in conftest too (tests/test_pdf.py uses it)

from supercycle.build.pdf import CHROMIUM, CHROMIUM_ARGS, PDF_NAME

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = Path(os.environ.get("SUPERCYCLE_SCREENSHOTS") or ROOT / "_build" / "screenshots").resolve()
INSTALL_HINT = ("Chromium is needed for the browser tests: install Debian's package as root "
                "(`apt-get install chromium`), or run `tools/ensure_browser.sh`; never `playwright install`.")
CHART_TIMEOUT_MS = 15_000
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



# --- the gate: what a reader would see ------------------------------------------------------
# Each detector is a JavaScript function run in the page, returning a list of problems (strings
# or small records). They are tested on deliberately broken fixture pages below
# (test_gate_*), so that the gate's ability to fail is itself checked on every run.

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

# Maths is MathML in the page (supercycle.build.site renders it at build time): a math element
# without <math> would show its TeX source.
UNRENDERED_MATH_JS = """() => [...document.querySelectorAll('span.math, div.math')]
  .filter(m => !m.querySelector('math')).map(m => m.textContent.trim().slice(0, 80))"""

FIGURES_WITHOUT_CHART_JS = """() => [...document.querySelectorAll('.sc-figure')]
  .filter(f => !f.querySelector("div[id^='altair-viz-']")).map(f => f.id || '(no id)')"""

# A short name for an element, for messages: the chart's id and figure, or the table's caption.
_DESCRIBE_JS = """
  const describe = (el) => {
    const chart = el.closest('.vega-embed');
    const fig = el.closest('.sc-figure, figure');
    const figId = fig ? (fig.id || (fig.querySelector('[id]') || {}).id || '') : '';
    if (chart) return 'chart #' + chart.id + (figId ? ' (' + figId + ')' : '');
    if (el.closest('div.math')) return 'formula "' + el.textContent.trim().slice(0, 40) + '"';
    const t = el.closest('table') || el;
    const cap = t.querySelector('caption');
    const head = [...t.querySelectorAll('th')].slice(0, 3).map(h => h.textContent.trim()).join(' | ');
    return 'table' + (t.id ? ' #' + t.id : '') + (cap ? ' "' + cap.textContent.trim().slice(0, 50) + '"' : '')
      + (head ? ' [' + head.slice(0, 60) + ']' : '');
  };"""

# Bars and rects under 1 px wide or tall whose datum is not zero. A zero-valued bar is drawn
# 0 px long (allowed); anything between 0.05 and 1 px is a bar a reader cannot see.
THIN_MARKS_JS = """() => {
  const out = [];
  document.querySelectorAll('.vega-embed').forEach((emb, ci) => {
    const id = emb.id || ('chart ' + ci);
    emb.querySelectorAll('svg g.mark-rect.role-mark > path, svg g.mark-rect.role-mark > rect')
      .forEach(p => {
        const r = p.getBoundingClientRect();
        const w = r.width, h = r.height;
        if (w >= 1 && h >= 1) return;
        const item = p.__data__ || {};
        const d = item.datum || {};
        const vals = Object.entries(d).filter(([k, v]) => typeof v === 'number' && isFinite(v));
        const zeroValue = vals.some(([k, v]) => v === 0 && !/(_start|_end|index)$/.test(k))
          || vals.some(([k, v]) => k.endsWith('_start') && d[k.slice(0, -6) + '_end'] === v);
        if (Math.min(w, h) < 0.05 && zeroValue) return;
        out.push({chart: id, width: Math.round(w * 100) / 100, height: Math.round(h * 100) / 100,
                  datum: JSON.stringify(d).slice(0, 160)});
      });
  });
  return out;
}"""

# Charts (their SVG/canvas) and tables that run past the text column. One inside a scroll
# container is allowed only when that container is keyboard-focusable (tabindex) and shows a
# visible hint (`.sc-scroll-hint`, added by the site runtime _static/supercycle.js).
OVERFLOW_JS = """() => {""" + _DESCRIBE_JS + """
  const art = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  const acs = getComputedStyle(art), ar = art.getBoundingClientRect();
  const left = ar.left + parseFloat(acs.paddingLeft), right = ar.right - parseFloat(acs.paddingRight);
  const col = Math.round(right - left);
  const out = [];
  const visible = (el) => el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const items = [...art.querySelectorAll('.vega-embed svg.marks, .vega-embed canvas.marks, table, div.math > math')]
    .filter(el => !el.parentElement.closest('table'));
  for (const el of items) {
    if (!visible(el) || el.closest('details:not([open])')) continue;
    const r = el.getBoundingClientRect();
    if (r.right <= right + 1 && r.left >= left - 1) continue;
    const name = describe(el);
    let sc = el.parentElement, found = null;
    while (sc && sc !== art) {
      const s = getComputedStyle(sc);
      if (/(auto|scroll)/.test(s.overflowX) && sc.scrollWidth > sc.clientWidth + 1) { found = sc; break; }
      sc = sc.parentElement;
    }
    if (!found) {
      out.push(name + ': ' + Math.round(r.width) + ' px wide, runs past the ' + col +
               ' px text column with no scroll container (cut off)');
      continue;
    }
    const fr = found.getBoundingClientRect();
    const problems = [];
    if (fr.right > right + 1) problems.push('its scroll container is itself wider than the column');
    if (!found.hasAttribute('tabindex') || found.tabIndex < 0) problems.push('the scroll container is not keyboard-focusable (no tabindex)');
    const hint = [found.previousElementSibling, found.querySelector(':scope > .sc-scroll-hint')]
      .find(h => h && h.classList.contains('sc-scroll-hint') && visible(h) && h.getBoundingClientRect().height > 0);
    if (!hint) problems.push('no visible scroll hint');
    if (problems.length) out.push(name + ': ' + Math.round(r.width) + ' px wide in a ' + col +
                                  ' px column, scrolls but ' + problems.join('; '));
  }
  const page = document.documentElement;
  if (page.scrollWidth > window.innerWidth + 1)
    out.push('the page itself scrolls sideways (' + page.scrollWidth + ' px wide in a ' + window.innerWidth + ' px window)');
  return out;
}"""

# Overlapping text inside a chart's SVG: axis titles and labels, legend titles and labels, chart
# titles, facet headers. Boxes are inset by 15% of their height so touching lines do not count.
TEXT_OVERLAP_JS = """() => {
  const out = [];
  const opacity = (el, stop) => {
    let o = 1;
    for (let e = el; e && e !== stop; e = e.parentElement) {
      const s = getComputedStyle(e);
      o *= parseFloat(s.opacity || '1');
      if (s.display === 'none' || s.visibility === 'hidden') return 0;
    }
    return o * parseFloat(getComputedStyle(el).fillOpacity || '1');
  };
  document.querySelectorAll('.vega-embed svg.marks').forEach((svg, ci) => {
    const id = (svg.closest('.vega-embed') || {}).id || ('chart ' + ci);
    const boxes = [];
    svg.querySelectorAll('text').forEach(t => {
      const g = t.closest('g[class*="role-"]');
      const role = g ? ([...g.classList].find(c => c.startsWith('role-')) || '') : '';
      if (!/role-(axis|legend|title|column|row|facet|header)/.test(role) && !/role-.*(title|label|header)/.test(role)) return;
      const text = t.textContent.trim();
      if (!text || opacity(t, svg) < 0.05) return;
      const r = t.getBoundingClientRect();
      if (r.width < 0.5 || r.height < 0.5) return;
      const k = Math.min(r.width, r.height) * 0.15;
      boxes.push({text: text.slice(0, 40), role: role.slice(5), l: r.left + k, r: r.right - k, t: r.top + k, b: r.bottom - k});
    });
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      const ox = Math.min(a.r, b.r) - Math.max(a.l, b.l), oy = Math.min(a.b, b.b) - Math.max(a.t, b.t);
      if (ox > 1 && oy > 1)
        out.push('chart #' + id + ': ' + a.role + ' "' + a.text + '" overlaps ' + b.role + ' "' + b.text + '"');
    }
  });
  return out;
}"""

# Everything a reader can read on the page: the visible text of the article and the text drawn
# in charts (SVG <text> is not part of innerText).
PAGE_TEXT_JS = """() => {
  const main = document.querySelector('main') || document.body;
  const svgText = [...main.querySelectorAll('svg text')].map(t => t.textContent).join('\\n');
  return main.innerText + '\\n' + svgText;
}"""

# Python reprs and numbers not formatted for people (see issue 16).
REPR_PATTERNS: dict[str, str] = {
    "a numpy repr": r"\bnp\.(?:float|int|uint|bool|str)[a-z_]*\d*\(",
    "a Python object repr": r"<[\w.]+ object at 0x[0-9a-fA-F]+>",
    "a Python list or tuple repr": r"[\[(]'[^'\n]{1,60}',\s*'",
    "a quoted value (a str repr)": r"(?<![\w'’])'\d[^'\n]{0,40}'(?!\w)",
    "a year printed as a float": r"(?<![\d.,])(?:19|20)\d\d\.0(?![\d])",
    "e-notation": r"(?<![\w.])\d+(?:\.\d+)?[eE][-+]\d{1,3}(?![\w])",
    "a year with a thousands separator": r"(?<![\d,.])(?:1,9\d\d|2,0(?:0[1-9]|[1-3]\d|4[0-5]))(?![,\d])",
    "an unrounded float": r"(?<![\w.])\d+\.\d{7,}(?!\d)",
    "a NaN": r"(?<![\w])(?:nan|NaN)(?![\w])",
    "raw TeX (maths not rendered)": r"\\(?:[()\[\]]|frac|text|cdot|quad|[A-Za-z]+\{)|\$\$",
}


def repr_problems(text: str) -> list[str]:
    """Python reprs and unformatted numbers in `text`, each with its context."""
    import re

    found = []
    for what, pattern in REPR_PATTERNS.items():
        for m in re.finditer(pattern, text):
            a, b = max(0, m.start() - 30), min(len(text), m.end() + 30)
            context = " ".join(text[a:b].split())
            found.append(f"{what}: {m.group(0)!r} in “…{context}…”")
    return list(dict.fromkeys(found))


# Chart text must stay readable in the page's theme: the contrast of axis/legend/title text
# against the page background (WCAG ratio), measured in the page.
CHART_CONTRAST_JS = """() => {
  const rgb = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(',').map(parseFloat); return p.length > 3 && p[3] === 0 ? null : p.slice(0, 3); };
  const lum = (p) => { const [r, g, b] = p.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const bgOf = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c) return c; }
    return [255, 255, 255]; };
  const out = [];
  document.querySelectorAll('.vega-embed').forEach(emb => {
    const svg = emb.querySelector('svg.marks');
    if (!svg) return;
    const bgRect = svg.querySelector(':scope > g > path.background, :scope > rect.background');
    let bg = rgb(getComputedStyle(svg).backgroundColor);
    if (!bg && bgRect) { const f = bgRect.getAttribute('fill'); if (f && f !== 'none' && f !== 'transparent') {
      const probe = document.createElement('span'); probe.style.color = f; document.body.appendChild(probe);
      bg = rgb(getComputedStyle(probe).color); probe.remove(); } }
    if (!bg) bg = bgOf(emb);
    let worst = null;
    svg.querySelectorAll('g[class*="role-axis"] text, g[class*="role-legend"] text, g[class*="role-title"] text').forEach(t => {
      if (!t.textContent.trim()) return;
      const c = rgb(getComputedStyle(t).fill);
      if (!c) return;
      const r = ratio(c, bg);
      if (!worst || r < worst.r) worst = {r: r, text: t.textContent.trim().slice(0, 30)};
    });
    if (worst && worst.r < 4.5)
      out.push('chart #' + emb.id + ': text "' + worst.text + '" has contrast ' + worst.r.toFixed(2) +
               ':1 against its background (needs 4.5:1)');
  });
  return out;
}"""

# axe-core, from the pinned PyPI package axe-playwright-python (which ships axe.min.js).
AXE_IMPACTS = ("serious", "critical")
AXE_OPTIONS = {"resultTypes": ["violations"],
               # no CSSOM preload: it re-fetches stylesheets by a wrong relative path (a 404
               # for /basic.css), and only the css-orientation-lock rule uses it
               "preload": False,
               # an "experimental" rule that axe leaves off by default; issue 16 found it failing
               "rules": {"label-content-name-mismatch": {"enabled": True}}}


def axe_source() -> str:
    try:
        import axe_playwright_python
    except ImportError:  # pragma: no cover - it is pinned in requirements.txt
        pytest.fail("axe-playwright-python (pinned in requirements.txt) is not installed: run `make venv`")
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def axe_problems(page) -> list[str]:
    """Serious and critical axe-core violations on the page, one line per rule."""
    import json

    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate(f"async () => await axe.run(document, {json.dumps(AXE_OPTIONS)})")
    out = []
    for v in result["violations"]:
        if v.get("impact") in AXE_IMPACTS:
            targets = [", ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                       for n in v["nodes"]]
            out.append(f"axe {v['impact']} {v['id']} on {len(v['nodes'])} node(s): "
                       + "; ".join(t[:90] for t in targets[:4]) + (" …" if len(targets) > 4 else ""))
    return out


def is_vega_warning(text: str) -> bool:
    return text.startswith(("WARN", "ERROR")) or "vega" in text.lower()


class Watch:
    """Console errors and warnings, uncaught exceptions, failed same-origin requests and
    requests that try to leave 127.0.0.1, on one browser context."""

    def __init__(self, context, origin: str):
        self.origin = origin
        self.external: list[str] = []
        self.console: list[str] = []
        self.failed: list[str] = []
        context.route("**/*", self._route)

    def _route(self, r):
        url = r.request.url
        if url.startswith((self.origin + "/", "data:", "blob:")) or url == self.origin:
            r.continue_()
        else:
            self.external.append(url)
            r.abort()

    def attach(self, page):
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.console.append(f"uncaught: {exc}"))
        page.on("response", self._on_response)
        return page

    def _on_console(self, msg):
        if msg.type not in ("error", "warning"):
            return
        where = (msg.location or {}).get("url", "")
        if where and not where.startswith(self.origin) and msg.text.startswith("Failed to load resource"):
            return  # an aborted external request: reported in `external`
        if msg.type == "warning" and not is_vega_warning(msg.text):
            return
        self.console.append(f"{msg.type}: {msg.text[:300]}")

    def _on_response(self, resp):
        if resp.url.startswith(self.origin) and resp.status >= 400 and not resp.url.endswith("/favicon.ico"):
            self.failed.append(f"{resp.status} {resp.url}")

    def problems(self) -> list[str]:
        out = []
        if self.external:
            out.append("requests left 127.0.0.1 (blocked): " + ", ".join(sorted(set(self.external))))
        if self.failed:
            out.append("same-origin resources failed: " + ", ".join(sorted(set(self.failed))))
        if self.console:
            out.append("console errors or Vega warnings: " + " | ".join(dict.fromkeys(self.console)))
        return out


def wait_for_charts(page) -> list[dict]:
    try:
        page.wait_for_function(f"() => ({CHART_STATE_JS})({CHART_SELECTOR!r}).every(c => c.drawn || c.error)",
                               timeout=CHART_TIMEOUT_MS)
    except Exception:
        pass  # reported chart by chart
    page.wait_for_timeout(150)  # container-width charts settle after a resize observer tick
    return page.evaluate(CHART_STATE_JS, CHART_SELECTOR)


def layout_problems(page) -> list[str]:
    """What a reader sees wrong at this window size: thin bars, overflow, overlapping text."""
    out = []
    for m in page.evaluate(THIN_MARKS_JS):
        out.append(f"chart #{m['chart']}: a bar {m['width']} x {m['height']} px (under 1 px) "
                   f"for non-zero data {m['datum']}")
    out += page.evaluate(OVERFLOW_JS)
    out += page.evaluate(TEXT_OVERLAP_JS)
    return out


def chart_problems(charts: list[dict], page) -> list[str]:
    out = []
    undrawn = [c for c in charts if not c["drawn"]]
    if undrawn:
        out.append(f"{len(undrawn)} of {len(charts)} charts drew no marks within "
                   f"{CHART_TIMEOUT_MS / 1000:g}s: "
                   + "; ".join(f"{c['id']}" + (f" ({c['error']})" if c["error"] else "") for c in undrawn))
    empty = page.evaluate(FIGURES_WITHOUT_CHART_JS)
    if empty:
        out.append(f".sc-figure blocks with no Altair chart: {', '.join(empty)}")
    return out


def _shot(page, page_path: str, suffix: str) -> Path:
    shot = SCREENSHOTS / (page_path.removesuffix(".html") + f"-{suffix}.png")
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    return shot


def _open(browser, server, page_path, *, width: int, dark: bool = False):
    context = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block",
                                  color_scheme="dark" if dark else "light",
                                  device_scale_factor=1)
    watch = Watch(context, server.rstrip("/"))
    page = watch.attach(context.new_page())
    response = page.goto(server + page_path, wait_until="load")
    assert response is not None and response.status == 200, \
        f"{page_path}: HTTP {response.status if response else 'no response'}"
    return context, watch, page


def _report(page_path: str, shot: Path, problems: list[str]) -> None:
    assert not problems, (f"{page_path} (screenshot {shot}): {len(problems)} problem(s):\n  "
                          + "\n  ".join(problems))


# --- the pages: 1280 px (everything), 390 px (layout), dark mode (charts follow the theme) ---

@pytest.mark.parametrize("page_path", PAGES)
def test_page(browser, server, page_path):
    """At a 1280 px window, light theme: charts drawn and readable, no overflow without a scroll
    hint, no overlapping chart text, no console error or Vega warning, no Python repr or
    unformatted number, no serious or critical axe-core violation, math rendered, offline."""
    context, watch, page = _open(browser, server, page_path, width=1280)
    try:
        charts = wait_for_charts(page)
        problems = chart_problems(charts, page)
        unrendered_math = page.evaluate(UNRENDERED_MATH_JS)
        if unrendered_math:
            problems.append("math not rendered (unsupported TeX, or no math renderer): " + " | ".join(unrendered_math))
        problems += layout_problems(page)
        problems += repr_problems(page.evaluate(PAGE_TEXT_JS))
        problems += axe_problems(page)
        page.wait_for_timeout(100)  # let late console messages arrive
        shot = _shot(page, page_path, "1280")
        problems += watch.problems()
    finally:
        context.close()
    _report(page_path, shot, problems)


@pytest.mark.parametrize("page_path", PAGES)
def test_page_phone(browser, server, page_path):
    """At a 390 px window (a phone): the same layout checks; the page never scrolls sideways."""
    context, watch, page = _open(browser, server, page_path, width=390)
    try:
        charts = wait_for_charts(page)
        problems = chart_problems(charts, page) + layout_problems(page)
        shot = _shot(page, page_path, "390")
        problems += watch.problems()
    finally:
        context.close()
    _report(page_path, shot, problems)


SET_THEME_JS = """(mode) => { document.documentElement.dataset.mode = mode;
  document.documentElement.dataset.theme = mode; }"""
CHART_THEMES_JS = """() => [...document.querySelectorAll('.vega-embed')].map(e => e.dataset.scTheme || '')"""


@pytest.mark.parametrize("page_path", PAGES)
def test_page_dark(browser, server, page_path):
    """The reader's system setting is dark: the page and its charts are dark, chart text keeps its
    contrast, and switching the theme to light (as the theme button does) redraws the charts."""
    context, watch, page = _open(browser, server, page_path, width=1280, dark=True)
    try:
        charts = wait_for_charts(page)
        problems = chart_problems(charts, page)
        theme = page.evaluate("() => document.documentElement.dataset.theme")
        if theme != "dark":
            problems.append(f"the system setting is dark but the page's theme is {theme!r}")
        themes = page.evaluate(CHART_THEMES_JS)
        if any(t != "dark" for t in themes):
            problems.append(f"charts not drawn in the dark theme: {themes}")
        problems += [f"dark: {p}" for p in page.evaluate(CHART_CONTRAST_JS)]
        problems += [f"dark: {p}" for p in page.evaluate(TEXT_OVERLAP_JS)]
        shot = _shot(page, page_path, "1280-dark")
        if charts:  # the theme toggle, as a reader would use it: charts follow
            page.evaluate(SET_THEME_JS, "light")
            try:
                page.wait_for_function(f"() => ({CHART_THEMES_JS})().every(t => t === 'light')", timeout=10_000)
            except Exception:
                problems.append(f"after switching to light, charts stayed {page.evaluate(CHART_THEMES_JS)}")
            problems += [f"light: {p}" for p in page.evaluate(CHART_CONTRAST_JS)]
        page.wait_for_timeout(100)
        problems += watch.problems()
    finally:
        context.close()
    _report(page_path, shot, problems)


# --- the gate can fail: each detector on a deliberately broken fixture page ----------------

# Chapter 1's "DRAM wafers grow a little, NAND wafers shrink" as it was published before issue 16
# (its Vega-Lite spec without the theme): a faceted bar chart with a fixed width, an xOffset and
# an independent x scale, which Vega draws with bars 0.25 px wide ("WARN Infinite extent").
WAFER_CHART_AS_IT_WAS = {
    "data": {"values": [
        {"memory": m, "vendor": v, "year": y, "wafers (m/yr)": w, "kind": k}
        for m, v, y, w, k in [
            ("DRAM", "Samsung", "2025", 7.59, "estimate"), ("DRAM", "Samsung", "2026", 7.93, "plan"),
            ("DRAM", "SK hynix", "2025", 5.97, "estimate"), ("DRAM", "SK hynix", "2026", 6.48, "forecast"),
            ("DRAM", "Micron", "2025", 3.6, "estimate"), ("DRAM", "Micron", "2026", 3.6, "forecast"),
            ("NAND", "Samsung", "2025", 4.9, "estimate"), ("NAND", "Samsung", "2026", 4.68, "forecast"),
            ("NAND", "SK hynix", "2025", 1.9, "estimate"), ("NAND", "SK hynix", "2026", 1.7, "forecast")]]},
    "mark": {"type": "bar", "stroke": "#333", "strokeWidth": 1.5},
    "encoding": {
        "color": {"field": "year", "title": "Year", "type": "nominal"},
        "column": {"field": "memory", "title": "Memory", "type": "nominal"},
        "strokeDash": {"field": "kind", "title": "Kind", "type": "nominal",
                       "scale": {"domain": ["actual", "forecast", "estimate", "target", "plan", "claim"],
                                 "range": [[1, 0], [5, 3], [2, 2], [8, 2], [1, 3], [4, 1, 1, 1]]}},
        "x": {"axis": {"labelAngle": 0}, "field": "vendor", "sort": ["Samsung", "SK hynix", "Micron"],
              "title": "Vendor", "type": "nominal"},
        "xOffset": {"field": "year", "type": "nominal"},
        "y": {"field": "wafers (m/yr)", "title": "Wafer output (millions of wafers per year)",
              "type": "quantitative"}},
    "resolve": {"scale": {"x": "independent"}},
    "title": {"text": "DRAM wafers grow a little, NAND wafers shrink",
              "subtitle": "2025 estimates and 2026 forecasts and plans (outline style: see Kind), Omdia"},
    "width": 260,
}


@pytest.fixture(scope="module")
def fixture_page(browser):
    """open(body_html, width=1280, dark=False) -> (page, console): a page shaped like the site's
    (a 672 px text column in article.bd-article) with the site's own chart scripts and CSS."""
    from supercycle.build import site as site_assets

    bundle = site_assets.bundle_source()
    setup = site_assets.setup_source() + (ROOT / "_static" / "supercycle.js").read_text(encoding="utf-8")
    css = (ROOT / "_static" / "custom.css").read_text(encoding="utf-8")
    contexts = []

    def open_(body: str, width: int = 1280, dark: bool = False):
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      color_scheme="dark" if dark else "light")
        contexts.append(context)
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}")
                if m.type == "error" or (m.type == "warning" and is_vega_warning(m.text)) else None)
        page.on("pageerror", lambda exc: console.append(f"uncaught: {exc}"))
        theme = "dark" if dark else "light"
        column = min(672, width - 40)
        page.set_content(
            f'<!DOCTYPE html><html lang="en" data-theme="{theme}" data-mode="{theme}"><head>'
            f'<meta charset="utf-8"><title>gate fixture</title><style>{css}\n'
            f'html[data-theme=dark] {{ --pst-color-background: #14181e; --pst-color-text-muted: #9ca4af; }}'
            f'html[data-theme=dark] body {{ background: #14181e; color: #ced6dd; }}'
            f'html[data-theme=dark] a {{ color: #8ab4f8; }}</style>'
            f"<script>{bundle}</script><script>{setup}</script></head><body>"
            f'<main id="main-content"><article class="bd-article" role="main" '
            f'style="width:{column}px;padding:0;margin:0 20px"><h1>Gate fixture</h1>{body}</article>'
            f"</main></body></html>")
        wait_for_charts(page)
        return page, console

    yield open_
    for c in contexts:
        c.close()


def _chart_html(spec: dict) -> str:
    from supercycle import charts
    return charts.chart_html(spec)


def test_gate_catches_the_wafer_chart_as_it_was(fixture_page):
    """Issue 16's repro: the 0.25 px bars of chapter 1's wafer chart fail the gate."""
    page, console = fixture_page(_chart_html(WAFER_CHART_AS_IT_WAS))
    thin = page.evaluate(THIN_MARKS_JS)
    assert len(thin) == 10, thin
    assert all(m["width"] < 1 for m in thin)


def test_gate_passes_a_well_made_chart_in_both_themes(fixture_page):
    """The positive control: charts made the documented way pass every detector."""
    import altair as alt
    import pandas as pd
    from supercycle import charts

    df = pd.DataFrame({"year": [2024, 2025, 2026, 2027], "value": [0.0, 3.5, 7.25, 9.0],
                       "kind": ["actual", "actual", "forecast", "forecast"]})
    bars = alt.Chart(df, title="Bars").mark_bar().encode(
        x=alt.X("year:O", title="Year"), y=alt.Y("value:Q", title="Value (units)"),
        **charts.kind_encoding(df["kind"], mark="bar"))
    lines = alt.Chart(df, title="Lines").mark_line(point=True).encode(
        x=alt.X("year:O", title="Year"), y=alt.Y("value:Q", title="Value (units)"),
        **charts.kind_encoding(df["kind"]))
    body = "".join(charts.show(c, data=df, source="fixture", name=n)._repr_html_()
                   for c, n in ((bars, "fig-bars"), (lines, "fig-lines")))
    body += charts.show(bars, data=df, source="fixture", name="fig-narrow")._repr_html_()
    for width, dark in ((1280, False), (390, False), (1280, True)):
        page, console = fixture_page(body, width=width, dark=dark)
        where = f"{width} px, {'dark' if dark else 'light'}"
        assert layout_problems(page) == [], where
        assert page.evaluate(CHART_CONTRAST_JS) == [], where
        assert page.evaluate(CHART_THEMES_JS) == ["dark" if dark else "light"] * 3, where
        assert console == [], where
        # the zero bar (2024) is drawn 0 px tall and is not reported as a thin bar
        assert page.evaluate("() => document.querySelectorAll('g.mark-rect.role-mark > path').length") == 8
    assert axe_problems(page) == []


def test_gate_catches_charts_and_tables_past_the_column(fixture_page):
    import altair as alt
    import pandas as pd

    df = pd.DataFrame({"x": list("abcdefghij"), "y": range(10)})
    wide = alt.Chart(df, title="Too wide").mark_bar().encode(
        x=alt.X("x:N", title="x (letters)"), y=alt.Y("y:Q", title="y (count)")).properties(width=900)
    cells = "".join(f"<td>cell number {i} with some words</td>" for i in range(14))
    page, _ = fixture_page(_chart_html(wide.to_dict()))
    # Tables added after the site's script has run, so it does not wrap them: one in a plain
    # scrolling div (no tabindex, no hint), one bare (cut off at the column's edge... or beyond).
    page.evaluate('''(cells) => document.querySelector('article').insertAdjacentHTML('beforeend',
        '<div style="overflow-x:auto"><table id="t-plain"><tr>' + cells + '</tr></table></div>' +
        '<div style="overflow:hidden"><table id="t-bare"><tr>' + cells + '</tr></table></div>')''', cells)
    problems = page.evaluate(OVERFLOW_JS)
    text = "\n".join(problems)
    assert any(p.startswith("chart #altair-viz-") and "cut off" in p for p in problems), text
    assert any("#t-plain" in p and "not keyboard-focusable" in p and "no visible scroll hint" in p
               for p in problems), text
    assert any("#t-bare" in p and "cut off" in p for p in problems), text


def test_gate_catches_a_clipped_formula_and_passes_one_that_scrolls(fixture_page):
    from supercycle.build.site import mathml

    wide = mathml("x = " + " + ".join(f"a_{{{i}}}" for i in range(40)), True)
    page, _ = fixture_page(f'<div class="math">{wide}</div>', width=390)
    # the site's CSS and runtime: the formula scrolls in a focusable box with a hint
    assert layout_problems(page) == []
    assert page.evaluate("() => document.querySelector('div.math').tabIndex") == 0
    page.evaluate("() => { document.querySelector('div.math').style.overflowX = 'hidden'; }")
    problems = page.evaluate(OVERFLOW_JS)
    assert any(p.startswith('formula "x') and "cut off" in p for p in problems), problems


def test_gate_catches_overlapping_chart_text(fixture_page):
    import altair as alt
    import pandas as pd

    df = pd.DataFrame({"name": ["a long category label", "another long label"], "v": [1, 2]})
    chart = alt.Chart(df, title="Overlap").mark_bar().encode(
        y=alt.Y("name:N", title="Category", axis=alt.Axis(titlePadding=-60)),
        x=alt.X("v:Q", title="Value (count)")).properties(width=300)
    page, _ = fixture_page(_chart_html(chart.to_dict()))
    problems = page.evaluate(TEXT_OVERLAP_JS)
    assert any('"Category" overlaps' in p or 'overlaps axis-title "Category"' in p for p in problems), problems


def test_gate_catches_unreadable_chart_text_on_a_dark_page(fixture_page):
    import altair as alt
    import pandas as pd

    df = pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})
    # rgb() inks are not lightened by the site's dark theme (it only remaps hex greys).
    chart = alt.Chart(df, title="Dark on dark").mark_bar().encode(
        x=alt.X("x:N", title="x", axis=alt.Axis(labelColor="rgb(32,32,32)", titleColor="rgb(32,32,32)")),
        y=alt.Y("y:Q", title="y (count)")).configure(background="transparent")
    page, _ = fixture_page(_chart_html(chart.to_dict()), dark=True)
    assert any("contrast" in p for p in page.evaluate(CHART_CONTRAST_JS))


def test_gate_catches_axe_violations(fixture_page):
    body = ('<div id="region" style="overflow:auto;height:40px;width:120px">'
            + "<p>words " * 40 + "</p></div>"
            '<details><summary><svg width="10" height="10"></svg></summary><p>menu</p></details>')
    page, _ = fixture_page(body)
    found = "\n".join(axe_problems(page))
    assert "scrollable-region-focusable" in found and "summary-name" in found, found


def test_gate_catches_console_errors_and_vega_warnings(fixture_page):
    page, console = fixture_page('<script>console.error("boom"); console.warn("WARN Infinite extent for field \\"data\\"")</script>')
    assert any("boom" in m for m in console) and any("Infinite extent" in m for m in console)


@pytest.mark.parametrize("text", [
    "np.float64(6.97)", "['2027-2028', '2028']", "period '2027-2028' here", "range '115–130'",
    "in 2026.0 the", "residual 5.55e-16", "6.53e-14", "1e+06 wafers", "from 2,026 to 2,038",
    "0.30000000000000004", "value nan", "<supercycle.nb.Html object at 0x7f00aa>",
    r"\(1/(1-f)\)", r"\[g = \frac{1}{2}\]", r"g_\text{bits}", "$$x$$"])
def test_repr_patterns_catch(text):
    assert repr_problems(text), text


@pytest.mark.parametrize("text", [
    "2026 and 2038", "2,000 jobs", "2,048 bits", "12,026 units", "1,026,000 bits", "HBM3e-class", "the 'HBM4' push",
    "SK hynix's share", "about 7.5%", "6.97 and 2.0x", "KRW 19 trn (USD 12.9 bn)", "2026-2027"])
def test_repr_patterns_leave_formatted_text_alone(text):
    assert repr_problems(text) == [], text

# --- links ---------------------------------------------------------------------------------
# Sphinx checks every link it writes: the build runs it with `-n -W` (supercycle.build.run), so a
# missing document, cross-reference, figure, equation or glue target, a `{ref}` or a Markdown
# `[..](#anchor)` that resolves to nothing, fails the build. The resources pages load (scripts,
# styles, images, fonts) are checked by test_page (Watch: every same-origin request succeeds).
# What neither sees is checked here, on the built files: links in raw HTML (the notebooks' HTML
# outputs, such as the ledger's and the tables' anchors into glued HTML, and HTML written in
# Markdown), the front page's PDF link (the PDF is made by `make pdf`, checked by tests/test_pdf.py),
# and links to files Sphinx copies without reading.

def test_local_links_resolve(site):
    """Every link within the site names a file of the site, and its #fragment an id in it."""
    from bs4 import BeautifulSoup

    ids, links = {}, []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.startswith("_"):
            continue
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        ids[rel] = {t["id"] for t in soup.find_all(id=True)} | {t["name"] for t in soup.find_all("a", attrs={"name": True})}
        links += [(rel, a["href"]) for a in soup.find_all("a", href=True)]
    broken, checked = [], 0
    for page, href in links:
        url = urlsplit(href)
        if url.scheme or url.netloc:
            continue  # another site, a data: download or mailto:, never followed by the page
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(url.path))) if url.path else page
        target += "/index.html" if (site / target).is_dir() else ""
        checked += 1
        if target == PDF_NAME and not (site / PDF_NAME).exists():
            continue  # made by `make pdf` after `make book`
        if not (site / target).is_file():
            broken.append(f"{page}: {href} -> no file {target}")
        elif url.fragment and target in ids and unquote(url.fragment) not in ids[target]:
            broken.append(f"{page}: {href} -> no element with id '{unquote(url.fragment)}' in {target}")
    assert checked > 100, f"only {checked} links within the site: is it built?"
    assert not broken, f"{len(broken)} broken links:\n  " + "\n  ".join(sorted(set(broken)))

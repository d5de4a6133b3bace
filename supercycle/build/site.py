"""Static JavaScript that lets the built site draw its Altair charts with no network.

Altair's HTML output (the default renderer) loads Vega, Vega-Lite and Vega-Embed from a CDN,
unless the page has already declared them: before loading a library it compares
`VEGA_DEBUG["<lib>_version"]` (keys `vega_version`, `vegalite_version`, `vegaembed_version`)
with the version string it wants, using `==`, and skips the load when they agree. It then
calls the global `vegaEmbed`.

`write_static(static_dir)` therefore writes two files for Sphinx's `html_js_files`, in this
order:

1. `vega-bundle.js`: Vega, Vega-Lite and Vega-Embed bundled by vl-convert (no external
   dependencies), wrapped in a function scope so that its minified top-level names (`_`, `n`,
   `t`, ...) cannot clobber Sphinx's globals. The bundle itself assigns `window.vegaEmbed`,
   `window.vega` and `window.vegaLite`, so the three survive the wrapping.
2. `vega-setup.js`: sets `window.VEGA_DEBUG` to the exact version strings Altair's HTML asks
   for, so Altair's loader finds them "already loaded" and calls the bundled `vegaEmbed`.

It also writes `math-lite.js`, a stand-in for MathJax (which Sphinx would load from a CDN on
every page): set `mathjax_path: math-lite.js` in the Sphinx config. It turns the TeX Sphinx leaves
in `.math` elements into native MathML (a subset: fractions, roots, scripts, \\text, Greek, common
operators, arrows, spacing, \\left/\\right); anything else stays visible as its TeX source.

The output depends only on the installed altair and vl-convert versions (byte-identical
between runs). Bundling takes vl-convert about a second, so the bundle is kept in a cache folder
(default `_build/.cache/`), named by those versions, and reused by later builds.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from supercycle import ROOT

BUNDLE_NAME = "vega-bundle.js"
SETUP_NAME = "vega-setup.js"
MATH_NAME = "math-lite.js"  # for Sphinx's `mathjax_path` (not html_js_files)
# The globals the vl-convert bundle's default snippet assigns; checked, since the wrapping
# would hide them otherwise.
GLOBALS = ("window.vegaEmbed", "window.vega", "window.vegaLite")
DEFAULT_CACHE = ROOT / "_build" / ".cache"


class AssetError(RuntimeError):
    """The installed vl-convert cannot provide the libraries Altair's output asks for."""


def altair_versions() -> dict[str, str]:
    """The VEGA_DEBUG keys and the version strings Altair's HTML output compares them with."""
    import altair as alt

    return {
        "vega_version": alt.VEGA_VERSION,
        "vegalite_version": alt.VEGALITE_VERSION,
        "vegaembed_version": alt.VEGAEMBED_VERSION,
    }


def _major(version: str) -> str:
    return version.lstrip("v").split(".")[0]


def _major_minor(version: str) -> str:
    return ".".join(version.lstrip("v").split(".")[:2])


def bundle_source() -> str:
    """The vl-convert bundle for Altair's Vega-Lite version, wrapped in a function scope."""
    import vl_convert as vlc

    wanted = altair_versions()
    vl = _major_minor(wanted["vegalite_version"])
    if vl not in vlc.get_vegalite_versions():
        raise AssetError(f"vl-convert {vlc.__version__} has no Vega-Lite {vl} (Altair wants "
                         f"{wanted['vegalite_version']}); it offers {', '.join(vlc.get_vegalite_versions())}")
    if _major(vlc.get_vega_version()) != _major(wanted["vega_version"]):
        raise AssetError(f"vl-convert bundles Vega {vlc.get_vega_version()}; Altair wants Vega {wanted['vega_version']}")
    if _major(vlc.get_vega_embed_version()) != _major(wanted["vegaembed_version"]):
        raise AssetError(f"vl-convert bundles Vega-Embed {vlc.get_vega_embed_version()}; "
                         f"Altair wants Vega-Embed {wanted['vegaembed_version']}")
    bundle = vlc.javascript_bundle(vl_version=vl)
    missing = [g for g in GLOBALS if f"{g}=" not in bundle.replace(" = ", "=")]
    if missing:
        raise AssetError(f"the vl-convert bundle does not assign {', '.join(missing)}")
    header = (f"/* Vega {vlc.get_vega_version()}, Vega-Lite {vl}, Vega-Embed {vlc.get_vega_embed_version()}"
              f" bundled by vl-convert {vlc.__version__}; written by supercycle.build.site. */\n")
    return header + "(function () {\n" + bundle.rstrip() + "\n})();\n"


def setup_source() -> str:
    """The site's setup script: `window.VEGA_DEBUG` with the versions Altair's HTML checks for
    (merged into any existing), then the chart wrapper, the scroll hints and the name fixes
    (see SETUP_JS)."""
    from supercycle.charts import PALETTE

    versions = json.dumps(altair_versions(), sort_keys=True)
    return SETUP_JS.replace("__VERSIONS__", versions).replace("__PALETTE__", json.dumps(PALETTE))


def _cache_name() -> str:
    import altair as alt
    import vl_convert as vlc

    label = f"vlc{vlc.__version__}-alt{alt.__version__}-vl{alt.VEGALITE_VERSION}"
    return "vega-bundle-" + re.sub(r"[^A-Za-z0-9.\-]", "_", label) + ".js"


def cached_bundle_source(cache_dir: Path | None) -> str:
    """`bundle_source()`, read from / saved to `cache_dir` (None: no cache)."""
    if cache_dir is None:
        return bundle_source()
    cache_dir = Path(cache_dir)
    path = cache_dir / _cache_name()
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        if text.endswith("\n})();\n") and all(g in text for g in GLOBALS):
            return text
    text = bundle_source()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".vega-bundle-", dir=cache_dir)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)  # atomic: parallel builds never see half a file
    except OSError:
        pass  # a read-only cache is only slower
    return text


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    """Drop repeated <script> entries. sphinx-thebe (loaded by Jupyter Book) registers its inline
    configuration once per build phase, so pages declared `const THEBE_JS_URL` twice: a
    SyntaxError in every page's console."""
    seen, out = set(), []
    for js in context.get("script_files", []):
        attrs = getattr(js, "attributes", {}) or {}
        # an inline script has filename None or "": both mean the same
        key = (getattr(js, "filename", str(js)) or "", tuple(sorted((k, str(v)) for k, v in attrs.items())))
        if key in seen:
            continue
        seen.add(key)
        out.append(js)
    context["script_files"] = out


def setup(app):
    """A Sphinx extension (listed in _config.yml's `sphinx.extra_extensions`)."""
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def write_static(static_dir: Path, cache_dir: Path | None = DEFAULT_CACHE) -> list[str]:
    """Write the bundle and the setup script into `static_dir`; return their names in load order.

    The names go into Sphinx's `html_js_files` (both load in <head>, before any chart's inline
    script runs). `cache_dir` keeps the bundle between builds (None: bundle afresh). Also writes
    MATH_NAME, which is not in the list: it is Sphinx's `mathjax_path`.
    """
    static_dir = Path(static_dir)
    static_dir.mkdir(parents=True, exist_ok=True)
    files = {BUNDLE_NAME: cached_bundle_source(cache_dir), SETUP_NAME: setup_source(), MATH_NAME: MATH_JS}
    for name, text in files.items():
        path = static_dir / name
        data = text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:  # leave mtimes alone when unchanged
            path.write_bytes(data)
    return [BUNDLE_NAME, SETUP_NAME]


# The site setup script (vega-setup.js): see its header comment.
SETUP_JS = r'''/* supercycle site setup (written by supercycle.build.site; loaded after vega-bundle.js).
   1. Charts: every call to vegaEmbed (Altair's HTML calls the global) goes through `embed` below:
      - the action menu offers "Save as SVG", "Save as PNG" and "View source" (no "Open in Vega
        Editor", which would send the chart to an outside site; the CSV link sits under each chart),
        and its <summary> gets an accessible name;
      - charts follow the page's theme: in dark mode (html[data-theme=dark], or the reader's system
        setting before the theme has decided) they are drawn with a dark config and the same
        palette (black becomes light grey); a MutationObserver redraws them when the theme changes;
      - the element records its view (`el.__scView`) and the theme it was drawn in
        (`data-sc-theme`), which the browser tests read.
   2. Anything wider than the text column (a chart, a table) scrolls inside its own container,
      which becomes keyboard-focusable (tabindex=0, role=region, a label) and shows a visible
      hint (`.sc-scroll-hint`) above it, re-checked on resize.
   3. Accessible names that contradict the visible text (the theme's search and colour-mode
      buttons, the "Show code cell source" toggles) are corrected. */
window.VEGA_DEBUG = Object.assign(window.VEGA_DEBUG || {}, __VERSIONS__);
(function () {
  "use strict";
  if (window.supercycleSetup) return;
  var root = document.documentElement;
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var PALETTE = __PALETTE__;
  var DARK = { ink: "#e3e7eb", muted: "#b4bcc4", grid: "#39414a", domain: "#8c959f", bg: "#14181e" };

  function isDark() {
    var t = root.dataset.theme;
    if (t === "dark" || t === "light") return t === "dark";
    return !!(media && media.matches);
  }

  // --- 1. charts ---------------------------------------------------------------------------
  function clone(x) { return JSON.parse(JSON.stringify(x)); }
  function luminance(hex) {
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex || "");
    if (!m) return null;
    var h = m[1].length === 3 ? m[1].replace(/(.)/g, "$1$1") : m[1];
    var c = [0, 2, 4].map(function (i) { return parseInt(h.substr(i, 2), 16) / 255; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  var NAMED_DARK = { black: 1, "#000": 1, "#000000": 1 };
  // Near-black inks that chapters set by hand (outlines, rules, labels) become light grey.
  function lighten(v) {
    if (typeof v !== "string") return v;
    var l = NAMED_DARK[v.toLowerCase()] ? 0 : luminance(v);
    if (l === null || l > 0.3) return v;
    return l < 0.12 ? DARK.ink : DARK.muted;
  }
  var INK_KEYS = { color: 1, fill: 1, stroke: 1, labelColor: 1, titleColor: 1, domainColor: 1, tickColor: 1 };
  function remapInks(node) {
    if (Array.isArray(node)) { node.forEach(remapInks); return; }
    if (!node || typeof node !== "object") return;
    Object.keys(node).forEach(function (k) {
      var v = node[k];
      if (k === "datasets" || k === "data") return;
      if (INK_KEYS[k] && typeof v === "string") node[k] = lighten(v);
      else if (INK_KEYS[k] && v && typeof v === "object" && typeof v.value === "string") v.value = lighten(v.value);
      else remapInks(v);
    });
  }
  function merge(a, b) {
    var out = Object.assign({}, a);
    Object.keys(b).forEach(function (k) {
      out[k] = (b[k] && typeof b[k] === "object" && !Array.isArray(b[k]) && a && typeof a[k] === "object")
        ? merge(a[k] || {}, b[k]) : b[k];
    });
    return out;
  }
  function darkConfig() {
    var bg = getComputedStyle(root).getPropertyValue("--pst-color-background").trim() || DARK.bg;
    return {
      background: bg,
      title: { color: DARK.ink, subtitleColor: DARK.muted },
      axis: { labelColor: DARK.ink, titleColor: DARK.ink, gridColor: DARK.grid,
              domainColor: DARK.domain, tickColor: DARK.domain },
      // shape and size legends draw their symbols in these (black by default: unseen on a dark page)
      legend: { labelColor: DARK.ink, titleColor: DARK.ink, symbolBaseFillColor: DARK.ink, symbolBaseStrokeColor: DARK.ink },
      header: { labelColor: DARK.ink, titleColor: DARK.ink },
      text: { color: DARK.ink },
      range: { category: PALETTE.map(lighten) }
    };
  }
  function themed(spec) {
    if (!isDark()) return spec;
    var s = clone(spec);
    remapInks(s);
    s.config = merge(s.config || {}, darkConfig());
    return s;
  }

  var ACTIONS = { export: { svg: true, png: true }, source: true, compiled: false, editor: false };
  var MENU_LABEL = "Chart menu: save as SVG or PNG, or view the chart's source";
  var original = window.vegaEmbed;
  var charts = [];

  function afterDraw(rec, res, dark) {
    var el = rec.el;
    el.__scView = res.view;
    el.setAttribute("data-sc-theme", dark ? "dark" : "light");
    var s = el.querySelector("details > summary");
    if (s) s.setAttribute("aria-label", MENU_LABEL);
    var d = el.querySelector("details");
    if (d) d.removeAttribute("title");
    scheduleScrollCheck();
    return res;
  }
  // A chart that fills the column is not squeezed below MIN_FIT px (on a phone): it keeps that
  // width and scrolls sideways, with the hint, rather than overlap its labels.
  var MIN_FIT = 480;
  function sized(spec, el) {
    if (spec.width !== "container") return spec;
    var box = el.parentElement || el;
    if (box.clientWidth === 0 || box.clientWidth >= MIN_FIT) return spec;
    var s = Object.assign({}, spec, { width: MIN_FIT - 140, autosize: { type: "pad" } });
    return s;
  }
  function draw(rec) {
    var dark = isDark();
    rec.dark = dark;
    if (rec.result) { try { rec.result.finalize(); } catch (e) { /* already gone */ } rec.result = null; }
    var opts = Object.assign({}, rec.opts, { actions: ACTIONS });
    return original(rec.el, themed(sized(rec.spec, rec.el)), opts).then(function (res) {
      rec.result = res;
      return afterDraw(rec, res, dark);
    });
  }
  function embed(el, spec, opts) {
    var node = typeof el === "string" ? document.querySelector(el) : el;
    var rec = { el: node, spec: spec, opts: opts || {} };
    charts.push(rec);
    return draw(rec);
  }
  if (typeof original === "function") {
    Object.keys(original).forEach(function (k) { embed[k] = original[k]; });
    window.vegaEmbed = embed;
  }
  function redrawIfThemeChanged() {
    var dark = isDark();
    charts.forEach(function (rec) { if (rec.dark !== dark) draw(rec); });
  }

  // --- 2. scroll containers -----------------------------------------------------------------
  var HINT = "Scroll sideways to see all of it \u2192";
  function scrollBoxes() {
    var art = document.querySelector("article.bd-article") || document.querySelector("main");
    if (!art) return [];
    // Wrap tables that are not already in a scroll box, so that they scroll on their own.
    art.querySelectorAll("table").forEach(function (t) {
      if (t.parentElement.closest("table") || t.closest(".sc-scroll, .sc-claims-scroll, .sc-figure")) return;
      var box = document.createElement("div");
      box.className = "sc-scroll";
      t.parentNode.insertBefore(box, t);
      box.appendChild(t);
    });
    return art.querySelectorAll(".sc-scroll, .sc-figure, .sc-claims-scroll");
  }
  function labelFor(box) {
    var fig = box.closest("figure");
    var cap = (fig && fig.querySelector("figcaption")) || box.querySelector("caption");
    var text = cap ? cap.textContent.replace(/\s+/g, " ").trim() : "";
    return (box.querySelector("table") && !box.querySelector(".vega-embed") ? "Table" : "Chart")
      + (text ? ": " + text.slice(0, 120) : "") + " (scrolls sideways)";
  }
  function checkScroll() {
    scrollBoxes().forEach(function (box) {
      var wide = box.scrollWidth > box.clientWidth + 1;
      var scrolls = wide || box.scrollHeight > box.clientHeight + 1;
      var hint = box.previousElementSibling;
      var hasHint = hint && hint.classList && hint.classList.contains("sc-scroll-hint");
      box.classList.toggle("sc-overflowing", wide);
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", labelFor(box));
        box.setAttribute("data-sc-focusable", "1");
      } else if (!scrolls && box.getAttribute("data-sc-focusable")) {
        ["tabindex", "role", "aria-label", "data-sc-focusable"].forEach(function (a) { box.removeAttribute(a); });
      }
      if (wide) {
        if (!hasHint) {
          hint = document.createElement("p");
          hint.className = "sc-scroll-hint";
          hint.setAttribute("aria-hidden", "true");
          hint.textContent = HINT;
          box.parentNode.insertBefore(hint, box);
        }
      } else if (hasHint) {
        hint.parentNode.removeChild(hint);
      }
    });
  }
  var pending = null;
  function scheduleScrollCheck() {
    if (pending) return;
    pending = setTimeout(function () { pending = null; checkScroll(); }, 50);
  }

  // --- 3. accessible names -----------------------------------------------------------------
  function fixNames() {
    document.querySelectorAll("button[aria-label], summary[aria-label], a[aria-label]").forEach(function (el) {
      if (el.closest(".vega-embed")) return;
      var label = el.getAttribute("aria-label");
      if (el.classList.contains("theme-switch-button")) {
        var shown = [].filter.call(el.querySelectorAll(".theme-switch"), function (i) {
          return getComputedStyle(i).display !== "none";
        })[0];
        var t = shown && (shown.getAttribute("title") || (shown.querySelector("title") || {}).textContent);
        if (t) el.setAttribute("aria-label", "Color mode: " + t);
        return;
      }
      var text = (el.innerText || "").replace(/\s+/g, " ").trim();
      if (text && label.toLowerCase().indexOf(text.toLowerCase()) < 0) el.removeAttribute("aria-label");
    });
  }

  function onReady() { fixNames(); checkScroll(); }
  // Charts drawn while the page was still laying out may have fitted a wider column: redraw any
  // column-filling chart whose drawing is wider than its wrapper.
  function refit() {
    charts.forEach(function (rec) {
      if (rec.spec.width !== "container" || !rec.result) return;
      var svg = rec.el.querySelector("svg.marks, canvas.marks"), wrap = rec.el.querySelector(".chart-wrapper");
      if (svg && wrap && svg.getBoundingClientRect().width > wrap.getBoundingClientRect().width + 1) draw(rec);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onReady);
  else onReady();
  window.addEventListener("load", function () { setTimeout(function () { refit(); onReady(); }, 0); });
  window.addEventListener("resize", scheduleScrollCheck);
  new MutationObserver(function () { redrawIfThemeChanged(); setTimeout(fixNames, 0); })
    .observe(root, { attributes: true, attributeFilter: ["data-theme", "data-mode"] });
  if (media && media.addEventListener) media.addEventListener("change", redrawIfThemeChanged);
  window.supercycleSetup = { charts: charts, isDark: isDark, checkScroll: checkScroll };
})();
'''


# The MathJax stand-in (plain JavaScript, no dependencies). Keep it ES5-ish and self-contained.
MATH_JS = r'''/* math-lite: renders the TeX that Sphinx leaves in .math elements as native MathML, offline.
   A small TeX subset (fractions, roots, scripts, \text, Greek, common operators and arrows,
   spacing, \left/\right); anything else stays as the TeX source, in a monospace font.
   Written by supercycle.build.site; stands in for MathJax (no CDN). */
(function () {
  "use strict";
  if (window.mathLite) return;  // Sphinx may include the script twice
  var NS = "http://www.w3.org/1998/Math/MathML";
  var SYM = {
    cdot: "\u22C5", times: "\u00D7", div: "\u00F7", pm: "\u00B1", mp: "\u2213", le: "\u2264",
    leq: "\u2264", ge: "\u2265", geq: "\u2265", ne: "\u2260", neq: "\u2260", approx: "\u2248",
    sim: "\u223C", simeq: "\u2243", equiv: "\u2261", propto: "\u221D", to: "\u2192",
    rightarrow: "\u2192", Rightarrow: "\u21D2", leftarrow: "\u2190", Leftarrow: "\u21D0",
    leftrightarrow: "\u2194", Leftrightarrow: "\u21D4", iff: "\u27FA", implies: "\u27F9",
    mapsto: "\u21A6", uparrow: "\u2191", downarrow: "\u2193", ll: "\u226A", gg: "\u226B",
    sum: "\u2211", prod: "\u220F", int: "\u222B", partial: "\u2202", nabla: "\u2207",
    ldots: "\u2026", cdots: "\u22EF", dots: "\u2026", in: "\u2208", notin: "\u2209",
    subset: "\u2282", subseteq: "\u2286", cup: "\u222A", cap: "\u2229", forall: "\u2200",
    exists: "\u2203", neg: "\u00AC", land: "\u2227", lor: "\u2228", circ: "\u2218",
    mid: "|", lvert: "|", rvert: "|", vert: "|", lbrace: "{", rbrace: "}", langle: "\u27E8",
    rangle: "\u27E9", "%": "%", "$": "$", "{": "{", "}": "}", "#": "#", "&": "&", "_": "_",
    setminus: "\u2216", star: "\u22C6", ast: "\u2217", bullet: "\u2219", perp: "\u22A5",
    lfloor: "\u230A", rfloor: "\u230B", lceil: "\u2308", rceil: "\u2309"
  };
  var IDENT = {
    infty: "\u221E", prime: "\u2032", degree: "\u00B0", ell: "\u2113", hbar: "\u210F",
    emptyset: "\u2205"
  };
  var GREEK = "alpha:\u03B1 beta:\u03B2 gamma:\u03B3 delta:\u03B4 epsilon:\u03F5 varepsilon:\u03B5 " +
    "zeta:\u03B6 eta:\u03B7 theta:\u03B8 vartheta:\u03D1 iota:\u03B9 kappa:\u03BA lambda:\u03BB " +
    "mu:\u03BC nu:\u03BD xi:\u03BE pi:\u03C0 varpi:\u03D6 rho:\u03C1 varrho:\u03F1 sigma:\u03C3 " +
    "varsigma:\u03C2 tau:\u03C4 upsilon:\u03C5 phi:\u03D5 varphi:\u03C6 chi:\u03C7 psi:\u03C8 " +
    "omega:\u03C9 Gamma:\u0393 Delta:\u0394 Theta:\u0398 Lambda:\u039B Xi:\u039E Pi:\u03A0 " +
    "Sigma:\u03A3 Upsilon:\u03A5 Phi:\u03A6 Psi:\u03A8 Omega:\u03A9";
  GREEK.split(" ").forEach(function (p) { var kv = p.split(":"); IDENT[kv[0]] = kv[1]; });
  var FUNCS = "log ln exp max min sin cos tan lim sup inf det arg deg gcd Pr".split(" ");
  var SPACE = { quad: "1em", qquad: "2em", ",": "0.1667em", ";": "0.2778em", ":": "0.2222em",
                " ": "0.25em", "!": "0em", enspace: "0.5em", thinspace: "0.1667em" };
  var ACCENT = { hat: "^", bar: "\u00AF", overline: "\u00AF", tilde: "~", vec: "\u2192",
                 dot: "\u02D9", widehat: "^", widetilde: "~" };
  var TEXT = { text: 1, textrm: 1, mathrm: 1, operatorname: 1, textit: 1, mathit: 1,
               textbf: 1, mathbf: 1 };
  var OPS = "+-=()[]/,.<>|!:;'*";

  function el(tag, children, attrs) {
    var e = document.createElementNS(NS, tag);
    (children || []).forEach(function (c) { e.appendChild(c); });
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function leaf(tag, text, attrs) {
    var e = el(tag, [], attrs);
    e.textContent = text;
    return e;
  }
  function row(nodes) { return nodes.length === 1 ? nodes[0] : el("mrow", nodes); }

  function tokenize(s) {
    var out = [], i = 0, m;
    while (i < s.length) {
      var c = s[i];
      if (/\s/.test(c)) { i++; continue; }
      if (c === "\\") {
        m = /^\\([A-Za-z]+|.)/.exec(s.slice(i));
        if (!m) throw new Error("dangling backslash");
        out.push({ t: "cmd", v: m[1], p: i });
        i += m[0].length;
        continue;
      }
      m = /^[0-9]+(\.[0-9]+)?|^\.[0-9]+/.exec(s.slice(i));
      if (m) { out.push({ t: "num", v: m[0], p: i }); i += m[0].length; continue; }
      out.push({ t: "chr", v: c, p: i });
      i++;
    }
    return out;
  }

  function Parser(tokens, src) { this.k = tokens; this.i = 0; this.src = src; }
  Parser.prototype.peek = function () { return this.k[this.i]; };
  Parser.prototype.next = function () {
    var t = this.k[this.i++];
    if (!t) throw new Error("unexpected end");
    return t;
  };
  // A braced group, or a single token, as one node.
  Parser.prototype.arg = function () {
    var t = this.peek();
    if (t && t.t === "chr" && t.v === "{") {
      this.i++;
      var nodes = this.list("}");
      this.next();
      return row(nodes);
    }
    return this.atom(true);
  };
  // Raw source text of a braced group (for \text), escapes resolved, spaces kept.
  Parser.prototype.rawGroup = function () {
    var t = this.next();
    if (t.t !== "chr" || t.v !== "{") throw new Error("expected {");
    var s = this.src, j = t.p + 1, depth = 1, out = "";
    while (j < s.length) {
      var c = s[j];
      if (c === "\\" && j + 1 < s.length) {
        var n = s[j + 1];
        out += /[%${}&_# ]/.test(n) ? n : c + n;
        j += 2;
        continue;
      }
      if (c === "{") depth++;
      if (c === "}" && --depth === 0) break;
      out += c;
      j++;
    }
    if (depth) throw new Error("missing }");
    while (this.peek() && this.peek().p <= j) this.i++;
    return out;
  };
  Parser.prototype.list = function (stop) {
    var nodes = [];
    while (true) {
      var t = this.peek();
      if (!t) { if (stop) throw new Error("missing " + stop); break; }
      if (stop && t.t === "chr" && t.v === stop) break;
      if (stop === "\\right" && t.t === "cmd" && t.v === "right") break;
      if (t.t === "chr" && t.v === "}") throw new Error("unbalanced }");
      nodes.push(this.scripted());
    }
    return nodes;
  };
  Parser.prototype.scripted = function () {
    var base = this.atom(false), sub = null, sup = null, t;
    while ((t = this.peek()) && t.t === "chr" && (t.v === "_" || t.v === "^")) {
      this.i++;
      if (t.v === "_") sub = this.arg(); else sup = this.arg();
    }
    if (sub && sup) return el("msubsup", [base, sub, sup]);
    if (sub) return el("msub", [base, sub]);
    if (sup) return el("msup", [base, sup]);
    return base;
  };
  Parser.prototype.atom = function (single) {
    var t = this.next(), v = t.v;
    if (t.t === "num") return leaf("mn", v);
    if (t.t === "chr") {
      if (v === "{") { var nodes = this.list("}"); this.next(); return row(nodes); }
      if (/[A-Za-z]/.test(v)) return leaf("mi", v);
      if (v === "-") return leaf("mo", "\u2212");
      if (v === "'") return leaf("mo", "\u2032");
      if (v === "~") return el("mspace", [], { width: "0.25em" });
      if (OPS.indexOf(v) >= 0) return leaf("mo", v, /[()\[\]|]/.test(v) ? { stretchy: "false" } : {});
      if (v === "^" || v === "_" || v === "&" || v === "#" || v === "$") throw new Error("unexpected " + v);
      return leaf("mi", v);
    }
    // a command
    if (v === "frac" || v === "dfrac" || v === "tfrac") { var a = this.arg(); return el("mfrac", [a, this.arg()]); }
    if (v === "sqrt") {
      var p = this.peek();
      if (p && p.t === "chr" && p.v === "[") {
        this.i++;
        var idx = this.list("]"); this.next();
        var body = this.arg();
        return el("mroot", [body, row(idx)]);
      }
      return el("msqrt", [this.arg()]);
    }
    if (TEXT[v]) {
      var text = this.rawGroup();
      if (v === "text" || v === "textrm" || v === "textit" || v === "textbf")
        return leaf("mtext", text, v === "textbf" ? { mathvariant: "bold" } : (v === "textit" ? { mathvariant: "italic" } : {}));
      return leaf("mi", text, { mathvariant: v === "mathbf" ? "bold" : (v === "mathit" ? "italic" : "normal") });
    }
    if (ACCENT[v]) return el("mover", [this.arg(), leaf("mo", ACCENT[v], { stretchy: "true" })], { accent: "true" });
    if (v === "left" || v === "right") {
      var d = this.next(), delim = d.t === "cmd" ? (SYM[d.v] || "") : (d.v === "." ? "" : d.v);
      if (v === "right") throw new Error("unmatched \\right");
      var inner = this.list("\\right");
      this.next();
      var e = this.next(), close = e.t === "cmd" ? (SYM[e.v] || "") : (e.v === "." ? "" : e.v);
      return el("mrow", [leaf("mo", delim, { stretchy: "true" })].concat(inner, [leaf("mo", close, { stretchy: "true" })]));
    }
    if (SPACE[v] !== undefined) return el("mspace", [], { width: SPACE[v] });
    if (IDENT[v]) return leaf("mi", IDENT[v], v.length > 1 && /^[A-Z]/.test(v) ? { mathvariant: "normal" } : {});
    if (SYM[v]) return leaf("mo", SYM[v], v === "sum" || v === "prod" ? { largeop: "true" } : {});
    if (FUNCS.indexOf(v) >= 0) return leaf("mi", v, { mathvariant: "normal" });
    if (v === "\\") throw new Error("line breaks are not supported");
    throw new Error("unsupported command \\" + v);
  };

  function toMathML(tex, display) {
    var p = new Parser(tokenize(tex), tex);
    var nodes = p.list(null);
    var sem = el("semantics", [row(nodes), leaf("annotation", tex, { encoding: "application/x-tex" })]);
    return el("math", [sem], display ? { display: "block" } : {});
  }

  function render(node) {
    if (node.getAttribute("data-math-lite")) return;
    var texts = [], i, c;
    for (i = 0; i < node.childNodes.length; i++) {
      c = node.childNodes[i];
      if (c.nodeType === 3 && /\S/.test(c.nodeValue)) texts.push(c);
    }
    if (!texts.length) return;
    var src = texts.map(function (t) { return t.nodeValue; }).join("").trim();
    var m = /^\\\[([\s\S]*)\\\]$/.exec(src), display = true;
    if (!m) { m = /^\\\(([\s\S]*)\\\)$/.exec(src); display = false; }
    if (!m) return;
    node.setAttribute("data-math-lite", "1");
    var out;
    try {
      out = toMathML(m[1].trim(), display);
    } catch (err) {
      out = document.createElement("code");
      out.className = "math-lite-fallback";
      out.textContent = m[1].trim();
      out.title = "TeX source (math-lite: " + err.message + ")";
    }
    texts.forEach(function (t, k) { if (k) t.parentNode.removeChild(t); });
    node.replaceChild(out, texts[0]);
  }

  function run() {
    var nodes = document.querySelectorAll("span.math, div.math");
    for (var i = 0; i < nodes.length; i++) render(nodes[i]);
  }
  window.mathLite = { toMathML: toMathML, run: run };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
'''

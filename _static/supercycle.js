/* supercycle site runtime (_static/supercycle.js; loaded after vega-bundle.js and vega-setup.js,
   which supercycle.build.site writes: the bundled libraries, Altair's VEGA_DEBUG and the palette).
   1. Charts: every call to vegaEmbed (Altair's HTML calls the global) goes through `embed` below:
      - the action menu offers "Save as SVG", "Save as PNG" and "View source" (no "Open in Vega
        Editor", which would send the chart to an outside site; the CSV link sits under each chart),
        and its <summary> gets an accessible name;
      - charts follow the page's theme: in dark mode (html[data-theme=dark], or the reader's system
        setting before the theme has decided) they are drawn with a dark config and the same
        palette (black becomes light grey); a MutationObserver redraws them when the theme changes;
      - the element records its view (`el.__scView`) and the theme it was drawn in
        (`data-sc-theme`), which the browser tests read.
   2. Anything wider than the text column (a chart, a table, a displayed formula) scrolls inside its own container,
      which becomes keyboard-focusable (tabindex=0, role=region, a label) and shows a visible
      hint (`.sc-scroll-hint`) above it, re-checked on resize.
   3. Accessible names that contradict the visible text (the theme's search and colour-mode
      buttons, the "Show code cell source" toggles) are corrected. */
(function () {
  "use strict";
  if (window.supercycleSetup) return;
  var root = document.documentElement;
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var PALETTE = window.supercyclePalette || [];
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
    return art.querySelectorAll(".sc-scroll, .sc-figure, .sc-claims-scroll, div.math");
  }
  function labelFor(box) {
    if (box.matches("div.math")) return "Formula (scrolls sideways)";
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

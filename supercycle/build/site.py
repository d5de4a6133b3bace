"""What the built site needs beyond Jupyter Book: offline charts and maths, with no CDN.

Charts. Altair's HTML output loads Vega, Vega-Lite and Vega-Embed from a CDN unless
`window.VEGA_DEBUG["<lib>_version"]` already equals the version it wants; it then calls the global
`vegaEmbed`. `write_static(static_dir)` writes, for Sphinx's `html_js_files` (in this order, before
the site runtime `_static/supercycle.js`):
1. `vega-bundle.js`: the three libraries bundled by vl-convert, wrapped in a function scope so
   that its minified top-level names cannot clobber Sphinx's globals (the bundle assigns
   `window.vegaEmbed`, `window.vega` and `window.vegaLite` itself). Bundling takes a second, so
   the bundle is cached in `_build/.cache/`, named by the altair and vl-convert versions.
2. `vega-setup.js`: `window.VEGA_DEBUG` with the exact versions Altair's HTML asks for, and the
   chart palette for the runtime's dark theme.

Maths. As a Sphinx extension (`_config.yml`: `extra_extensions`, `html_math_renderer: mathml`),
this module renders the TeX of `$...$` and `$$...$$` as MathML when the site is built, with
latex2mathml; browsers draw MathML natively, so no script is needed. TeX that latex2mathml cannot
convert is a build warning, hence an error. It also drops the script tags sphinx-thebe repeats.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from docutils.nodes import SkipNode
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

from supercycle import ROOT

GLOBALS = ("window.vegaEmbed", "window.vega", "window.vegaLite")  # what the bundle must assign
DEFAULT_CACHE = ROOT / "_build" / ".cache"


class AssetError(RuntimeError):
    """The installed vl-convert cannot provide the libraries Altair's output asks for."""


def altair_versions() -> dict[str, str]:
    """The VEGA_DEBUG keys and the version strings Altair's HTML output compares them with."""
    import altair as alt
    return {"vega_version": alt.VEGA_VERSION, "vegalite_version": alt.VEGALITE_VERSION,
            "vegaembed_version": alt.VEGAEMBED_VERSION}


def bundle_source() -> str:
    """The vl-convert bundle for Altair's Vega-Lite version, wrapped in a function scope."""
    import vl_convert as vlc
    wanted = altair_versions()
    vl = ".".join(wanted["vegalite_version"].lstrip("v").split(".")[:2])
    if vl not in vlc.get_vegalite_versions():
        raise AssetError(f"vl-convert {vlc.__version__} has no Vega-Lite {vl}, which Altair's charts need")
    for lib, have in (("vega", vlc.get_vega_version()), ("vegaembed", vlc.get_vega_embed_version())):
        if have.lstrip("v").split(".")[0] != wanted[f"{lib}_version"].lstrip("v").split(".")[0]:
            raise AssetError(f"vl-convert bundles {lib} {have}; Altair wants {wanted[f'{lib}_version']}")
    bundle = vlc.javascript_bundle(vl_version=vl)
    missing = [g for g in GLOBALS if f"{g}=" not in bundle.replace(" = ", "=")]
    if missing:
        raise AssetError(f"the vl-convert bundle does not assign {', '.join(missing)}")
    return (f"/* Vega, Vega-Lite {vl} and Vega-Embed bundled by vl-convert {vlc.__version__}; "
            f"written by supercycle.build.site. */\n(function () {{\n{bundle.rstrip()}\n}})();\n")


def setup_source() -> str:
    """vega-setup.js: the versions Altair's loader checks (merged into any existing VEGA_DEBUG)."""
    from supercycle.charts import PALETTE
    return ("/* Written by supercycle.build.site: Altair's loader finds the bundled libraries; the site\n"
            "   runtime (supercycle.js) draws dark charts in this palette. */\n"
            f"window.VEGA_DEBUG = Object.assign(window.VEGA_DEBUG || {{}}, {json.dumps(altair_versions(), sort_keys=True)});\n"
            f"window.supercyclePalette = {json.dumps(PALETTE)};\n")


def cache_name() -> str:
    import altair as alt
    import vl_convert as vlc
    return f"vega-bundle-vlc{vlc.__version__}-alt{alt.__version__}.js"


def cached_bundle_source(cache_dir: Path | None) -> str:
    """`bundle_source()`, read from / saved to `cache_dir` (None: no cache)."""
    path = Path(cache_dir or ".") / cache_name()
    if cache_dir and path.is_file():
        text = path.read_text(encoding="utf-8")
        if text.endswith("\n})();\n") and all(g in text for g in GLOBALS):  # not a truncated file
            return text
    text = bundle_source()
    if cache_dir:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".vega-bundle-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)  # atomic: parallel builds never see half a file
    return text


def write_static(static_dir: Path, cache_dir: Path | None = DEFAULT_CACHE) -> list[str]:
    """Write the bundle and the setup script into `static_dir`; return their names in load order.
    Files whose content is unchanged are left alone (their mtimes too)."""
    static_dir = Path(static_dir)
    static_dir.mkdir(parents=True, exist_ok=True)
    files = {"vega-bundle.js": cached_bundle_source(cache_dir), "vega-setup.js": setup_source()}
    for name, text in files.items():
        path = static_dir / name
        if not path.exists() or path.read_bytes() != text.encode():
            path.write_bytes(text.encode())
    return list(files)


# --- the Sphinx extension ---------------------------------------------------------------------

def mathml(tex: str, display: bool) -> str:
    """TeX as a MathML <math> element. Raises on TeX latex2mathml cannot parse, and on commands it
    does not know (which it would pass through as text, `\\foo` on the page)."""
    from latex2mathml.converter import convert
    out = convert(tex.strip(), display="block" if display else "inline")
    unknown = re.findall(r">(\\[A-Za-z]+)<", out)
    if unknown:
        raise ValueError(f"unsupported TeX command {unknown[0]}")
    return out


def _render(self, node, tex: str, display: bool) -> str:
    try:
        return mathml(tex, display)
    except Exception as exc:  # latex2mathml raises its own errors, and IndexError etc. on bad TeX
        logging.getLogger(__name__).warning(f"cannot render {tex!r} as MathML: {exc}", location=node)
        return f"<code>{self.encode(tex)}</code>"


def _visit_math(self, node):
    self.body.append(f'<span class="math notranslate nohighlight">{_render(self, node, node.astext(), False)}</span>')
    raise SkipNode


def _visit_math_block(self, node):
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    self.body += [_render(self, node, part, True) for part in node.astext().split("\n\n") if part.strip()]
    if node["number"]:  # after the formula: _static/custom.css lays div.math out as a row
        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})</span>')
    self.body.append("</div>\n")
    raise SkipNode


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    """Drop repeated <script> entries: sphinx-thebe registers its inline configuration once per
    build phase, so pages declared `const THEBE_JS_URL` twice (a SyntaxError in every console)."""
    seen, out = set(), []
    for js in context.get("script_files", []):
        attrs = getattr(js, "attributes", {}) or {}
        key = (getattr(js, "filename", str(js)) or "", tuple(sorted((k, str(v)) for k, v in attrs.items())))
        if key not in seen:
            seen.add(key)
            out.append(js)
    context["script_files"] = out


def setup(app):
    app.add_html_math_renderer("mathml", (_visit_math, None), (_visit_math_block, None))
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

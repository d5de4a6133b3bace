"""What the built site needs beyond Jupyter Book: offline charts and maths, with no CDN.

Charts. Altair's HTML output loads Vega, Vega-Lite and Vega-Embed from a CDN unless
`window.VEGA_DEBUG["<lib>_version"]` already equals the version it wants; it then calls the global
`vegaEmbed`. The build writes two scripts into the book's `_static` for Sphinx's `html_js_files`
(in this order, before the site runtime `_static/supercycle.js`):
1. `vega-bundle.js` (`bundle_source`): the three libraries bundled by vl-convert, wrapped in a
   function scope so that its minified top-level names cannot clobber Sphinx's globals (the
   bundle assigns `window.vegaEmbed`, `window.vega` and `window.vegaLite` itself). Bundling takes
   seconds, so the build writes it only when it rebuilds the site; tests/test_site_assets.py
   checks that vl-convert's versions are the ones Altair asks for.
2. `vega-setup.js` (`setup_source`): `window.VEGA_DEBUG` with the exact versions Altair's HTML
   asks for, and the chart palette for the runtime's dark theme.

Maths. As a Sphinx extension (`_config.yml`: `extra_extensions`, `html_math_renderer: mathml`),
this module renders the TeX of `$...$` and `$$...$$` as MathML when the site is built, with
latex2mathml; browsers draw MathML natively, so no script is needed. TeX that latex2mathml cannot
convert is a build warning, hence an error. It also drops the script tags sphinx-thebe repeats.
"""
from __future__ import annotations

import json
import re

from docutils.nodes import SkipNode
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number


def altair_versions() -> dict[str, str]:
    """The VEGA_DEBUG keys and the version strings Altair's HTML output compares them with."""
    import altair as alt
    return {"vega_version": alt.VEGA_VERSION, "vegalite_version": alt.VEGALITE_VERSION,
            "vegaembed_version": alt.VEGAEMBED_VERSION}


def bundle_source() -> str:
    """The vl-convert bundle for Altair's Vega-Lite version (major.minor), in a function scope."""
    import vl_convert as vlc
    vl = ".".join(altair_versions()["vegalite_version"].lstrip("v").split(".")[:2])
    bundle = vlc.javascript_bundle(vl_version=vl).rstrip()
    return (f"/* Vega, Vega-Lite {vl} and Vega-Embed bundled by vl-convert {vlc.__version__}; "
            f"written by supercycle.build.site. */\n(function () {{\n{bundle}\n}})();\n")


def setup_source() -> str:
    """vega-setup.js: the versions Altair's loader checks (merged into any existing VEGA_DEBUG)."""
    from supercycle.charts import PALETTE
    return ("/* Written by supercycle.build.site: Altair's loader finds the bundled libraries; the site\n"
            "   runtime (supercycle.js) draws dark charts in this palette. */\n"
            f"window.VEGA_DEBUG = Object.assign(window.VEGA_DEBUG || {{}}, {json.dumps(altair_versions(), sort_keys=True)});\n"
            f"window.supercyclePalette = {json.dumps(PALETTE)};\n")


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

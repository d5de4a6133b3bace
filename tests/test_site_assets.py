"""supercycle.build.site: the offline Vega bundle and the VEGA_DEBUG setup the site loads, the
maths rendered as MathML at build time, and the site runtime's place in the Sphinx config.

The browser check that charts really draw from these files is tests/test_browser.py; here we
check the files against what Altair's own HTML output asks for.
"""
from __future__ import annotations

import json
import re

import altair as alt
import pandas as pd
import pytest

from supercycle.build import site as site_assets


@pytest.fixture(scope="module")
def static():
    """The two scripts the build writes into the book's _static, by name."""
    return {"vega-bundle.js": site_assets.bundle_source(), "vega-setup.js": site_assets.setup_source()}


def altair_html() -> str:
    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x:Q", y="y:Q")
    bundle = alt.renderers.get()(chart.to_dict())
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    return bundle["text/html"]


def test_vl_convert_bundles_the_versions_altair_asks_for():
    # The pins must agree: Altair's HTML asks for these majors, and vl-convert bundles its own
    # Vega and Vega-Embed (the build does not check this itself; a pin change runs this test).
    import vl_convert as vlc
    vl = ".".join(alt.VEGALITE_VERSION.lstrip("v").split(".")[:2])
    assert vl in vlc.get_vegalite_versions()
    for have, wanted in ((vlc.get_vega_version(), alt.VEGA_VERSION), (vlc.get_vega_embed_version(), alt.VEGAEMBED_VERSION)):
        assert have.lstrip("v").split(".")[0] == wanted.lstrip("v").split(".")[0], (have, wanted)


def test_setup_declares_exactly_the_versions_altair_html_checks(static):
    html = altair_html()
    # Altair's loader: key = `${lib.replace("-", "")}_version`, compared with == to the version
    # passed in maybeLoadScript("vega", "6"), ("vega-lite", "6.4.1"), ("vega-embed", "7").
    assert '`${lib.replace("-", "")}_version`' in html
    wanted = {lib.replace("-", "", 1) + "_version": version
              for lib, version in re.findall(r'maybeLoadScript\("([a-z\-]+)", "([^"]+)"\)', html)}
    assert set(wanted) == {"vega_version", "vegalite_version", "vegaembed_version"}
    text = static["vega-setup.js"]
    declared = json.loads(re.search(r"Object\.assign\(window\.VEGA_DEBUG \|\| \{\}, (\{.*\})\);", text).group(1))
    assert declared == wanted


def test_bundle_defines_globals_inside_a_function_scope(static):
    text = static["vega-bundle.js"]
    body = text.split("\n", 1)[1]  # after the one-line comment header
    assert body.startswith("(function () {\n") and body.endswith("\n})();\n")
    for name in ("window.vegaEmbed=", "window.vega=", "window.vegaLite="):
        assert name in text.replace(" = ", "=")
    # The bundle is Vega-Lite Altair's version (the string is compiled into vega-lite).
    assert f'"{alt.VEGALITE_VERSION}"' in text
    # Nothing loads from a CDN, and no ES module syntax that a classic <script> would reject.
    assert "https://cdn" not in text
    assert not re.search(r"^(import|export)\s", body, flags=re.M)


def test_output_is_deterministic(static):
    assert site_assets.bundle_source() == static["vega-bundle.js"]
    assert site_assets.setup_source() == static["vega-setup.js"]


def test_the_config_loads_the_scripts_in_order_and_renders_maths_as_mathml():
    import yaml
    from supercycle import ROOT
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]
    # the bundle, then the versions Altair checks, then the runtime that wraps vegaEmbed
    assert config["config"]["html_js_files"] == ["vega-bundle.js", "vega-setup.js", "supercycle.js"]
    assert (ROOT / "_static" / "supercycle.js").is_file()
    assert "supercycle.build.site" in config["extra_extensions"]
    assert config["config"]["html_math_renderer"] == "mathml" and "mathjax_path" not in config["config"]


@pytest.mark.parametrize("tex, display, parts", [
    # chapter 5's Amdahl bound, inline: 1 / ((1 - f) + f / s) as numbers, identifiers, operators
    (r"1/((1-f) + f/s)", False, ["<mn>1</mn>", "<mi>f</mi>", "<mi>s</mi>", "&#x02212;"]),
    # chapter 1's identity, displayed: a fraction, subscripts written with \text, an arrow
    (r"g_\text{bits} = \frac{1 + g_\text{revenue}}{1 + g_\text{ASP}} - 1 \quad\Rightarrow", True,
     ["<mfrac>", "<msub><mi>g</mi><mtext>bits</mtext></msub>", "&#x021D2;", 'display="block"']),
])
def test_mathml_of_the_sites_tex(tex, display, parts):
    out = site_assets.mathml(tex, display)
    assert out.startswith("<math") and out.endswith("</math>")
    for part in parts:
        assert part in out, (part, out)
    assert "\\" not in out  # no TeX left


@pytest.mark.parametrize("tex", [r"\unknowncommand x", r"\frac{1}{", "x^"])
def test_tex_that_cannot_be_rendered_raises(tex):
    # the Sphinx renderer turns this into a build warning, which -W makes an error
    with pytest.raises(Exception):
        site_assets.mathml(tex, False)


def test_every_formula_in_the_book_converts():
    """Every $...$ and $$...$$ in the chapters' markdown converts (the build would fail otherwise)."""
    import json
    from supercycle import ROOT
    found = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                text = "".join(cell["source"])
                found += re.findall(r"\$\$(.+?)\$\$", text, re.S)
                found += re.findall(r"(?<!\$)\$([^$\n]+)\$(?!\$)", re.sub(r"\$\$.+?\$\$", "", text, flags=re.S))
    assert len(found) >= 6, found  # chapter 1: a display and two inline; chapter 5: four inline
    for tex in found:
        assert site_assets.mathml(tex, False).startswith("<math")

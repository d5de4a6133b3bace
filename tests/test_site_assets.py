"""supercycle.build.site: the offline Vega bundle and the VEGA_DEBUG setup the site loads.

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
def static(tmp_path_factory):
    d = tmp_path_factory.mktemp("static")
    names = site_assets.write_static(d, cache_dir=None)
    return d, names


def altair_html() -> str:
    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x:Q", y="y:Q")
    bundle = alt.renderers.get()(chart.to_dict())
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    return bundle["text/html"]


def test_files_written_in_load_order(static):
    d, names = static
    # The bundle must load before the setup script claims the libraries are present.
    assert names == ["vega-bundle.js", "vega-setup.js"]
    for name in names:
        assert (d / name).is_file() and (d / name).stat().st_size > 0
    # The MathJax stand-in is written too, but it is Sphinx's `mathjax_path`, not an html_js_file.
    assert (d / site_assets.MATH_NAME).read_text() == site_assets.MATH_JS
    assert "https://" not in site_assets.MATH_JS.replace("http://www.w3.org/1998/Math/MathML", "")


def test_setup_declares_exactly_the_versions_altair_html_checks(static):
    d, _ = static
    html = altair_html()
    # Altair's loader: key = `${lib.replace("-", "")}_version`, compared with == to the version
    # passed in maybeLoadScript("vega", "6"), ("vega-lite", "6.4.1"), ("vega-embed", "7").
    assert '`${lib.replace("-", "")}_version`' in html
    wanted = {lib.replace("-", "", 1) + "_version": version
              for lib, version in re.findall(r'maybeLoadScript\("([a-z\-]+)", "([^"]+)"\)', html)}
    assert set(wanted) == {"vega_version", "vegalite_version", "vegaembed_version"}
    text = (d / "vega-setup.js").read_text()
    declared = json.loads(re.search(r"Object\.assign\(window\.VEGA_DEBUG \|\| \{\}, (\{.*\})\);", text).group(1))
    assert declared == wanted


def test_bundle_defines_globals_inside_a_function_scope(static):
    d, _ = static
    text = (d / "vega-bundle.js").read_text()
    body = text.split("\n", 1)[1]  # after the one-line comment header
    assert body.startswith("(function () {\n") and body.endswith("\n})();\n")
    for name in ("window.vegaEmbed=", "window.vegaLite="):
        assert name in text
    # The bundle is Vega-Lite Altair's version (the string is compiled into vega-lite).
    assert f'"{alt.VEGALITE_VERSION}"' in text
    # Nothing loads from a CDN, and no ES module syntax that a classic <script> would reject.
    assert "https://cdn" not in text
    assert not re.search(r"^(import|export)\s", body, flags=re.M)


def test_output_is_deterministic_and_the_cache_gives_the_same_bytes(static, tmp_path):
    d, _ = static
    cache = tmp_path / "cache"
    for run in ("fills the cache", "reads the cache"):
        out = tmp_path / run.replace(" ", "_")
        site_assets.write_static(out, cache_dir=cache)
        for name in ("vega-bundle.js", "vega-setup.js"):
            assert (out / name).read_bytes() == (d / name).read_bytes(), run
    assert [p.name for p in cache.iterdir()] == [site_assets._cache_name()]


def test_cache_is_reused_when_valid_and_ignored_when_truncated(static, tmp_path):
    d, _ = static
    cached = tmp_path / site_assets._cache_name()
    # A valid-looking cached bundle (ends the wrapper, assigns the globals) is used as is...
    fake = "/* cached */\n(function () {\nwindow.vegaEmbed=1;window.vega=2;window.vegaLite=3;\n})();\n"
    cached.write_text(fake)
    site_assets.write_static(tmp_path / "a", cache_dir=tmp_path)
    assert (tmp_path / "a" / "vega-bundle.js").read_text() == fake
    # ...a truncated one is replaced by a fresh bundle.
    cached.write_text(fake[:30])
    site_assets.write_static(tmp_path / "b", cache_dir=tmp_path)
    assert (tmp_path / "b" / "vega-bundle.js").read_bytes() == (d / "vega-bundle.js").read_bytes()
    assert cached.read_bytes() == (d / "vega-bundle.js").read_bytes()


def test_unchanged_files_are_not_rewritten(static):
    d, names = static
    before = {n: (d / n).stat().st_mtime_ns for n in names}
    site_assets.write_static(d, cache_dir=None)
    assert {n: (d / n).stat().st_mtime_ns for n in names} == before

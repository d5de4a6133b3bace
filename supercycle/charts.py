"""The one chart theme, and `show()`, which every chapter uses to display a chart.

`show(chart, data=..., source=..., name=...)` checks that the chart is labelled (a title, and a
title on every positional axis, with its unit in brackets), then displays one HTML block: the
Altair chart, a source line, and a link that downloads the chart's data as CSV (a data: URI, so
it works on the static site with no server and no network). Put the caption and figure name in
the cell's `mystnb: figure` metadata, so the page shows a numbered, captioned figure.

What chapter authors use (issue 16):

- **Width.** `show()` makes a single or layered chart fill the text column (`width="container"`,
  so it fits at 1280 px and on a phone); pass `fit=False` to keep a chart's own width. Faceted
  and concatenated charts keep theirs: keep them under `MAX_WIDTH` (620 px) in total, or the
  site shows them in a sideways-scrolling box with a "scroll" hint. Wide tables get the same box.
- **Kind** (actual, forecast, estimate, target, plan, claim): `**charts.kind_encoding(df["kind"])`
  in `.encode(...)` for lines, `charts.kind_encoding(df["kind"], mark="bar")` for bars: dash and
  opacity differ by kind, and the legend draws the difference (and lists only the kinds present).
- **Years on an axis:** encode them as ordinal (`"year:O"`), or give a quantitative year axis
  `charts.YEAR_AXIS` (`format="d"`), so a reader never sees "2,026".
- Each chart's menu offers SVG and PNG downloads (and its source); the CSV link sits below it.
  Charts follow the site's light/dark theme (_static/supercycle.js redraws them): keep colours
  to `PALETTE` and dark greys for ink, which the dark theme lightens.
"""
from __future__ import annotations

import base64
import html
import re

import altair as alt
import pandas as pd

from .nb import Html

# Colour-blind-safe categorical palette (Okabe & Ito), used in this order everywhere.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
# Forecasts are drawn with this dash; actuals solid (see `kind_dash`).
FORECAST_DASH = [5, 3]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK TC', sans-serif"
WIDTH, HEIGHT = 560, 300
# The widest a fixed-width chart should be: the text column is 672 px at a 1280 px window, less
# the chart menu's button.
MAX_WIDTH = 620
# A quantitative axis of years: no thousands separator.
YEAR_AXIS = {"format": "d"}


@alt.theme.register("supercycle", enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": WIDTH, "continuousHeight": HEIGHT, "stroke": None},
            "range": {"category": PALETTE},
            "title": {"anchor": "start", "fontSize": 15, "fontWeight": 600, "subtitleFontSize": 12,
                      "subtitleColor": "#555"},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": 500,
                     "gridColor": "#e6e6e6", "domainColor": "#888", "tickColor": "#888"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom", "labelLimit": 260},
            "bar": {"color": PALETTE[0]},
            "line": {"color": PALETTE[0], "strokeWidth": 2},
            "point": {"color": PALETTE[0], "filled": True, "size": 50},
        }
    }


class UnlabelledChart(ValueError):
    """A chart without a title, or with a positional axis that has no title naming its unit."""


KINDS = ("actual", "estimate", "forecast", "target", "plan", "claim")
KIND_DASH = {"actual": [1, 0], "estimate": [6, 2], "forecast": FORECAST_DASH, "target": [8, 2, 2, 2],
             "plan": [2, 2], "claim": [1, 3]}
KIND_OPACITY = {"actual": 1.0, "estimate": 0.8, "forecast": 0.55, "target": 0.55, "plan": 0.45,
                "claim": 0.7}


def _kinds_present(kinds) -> list[str]:
    if kinds is None:
        return list(KINDS)
    present = {str(k) for k in kinds}
    unknown = present - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kind(s) {sorted(unknown)}; kinds are {', '.join(KINDS)}")
    return [k for k in KINDS if k in present]


def kind_encoding(kinds=None, *, field: str = "kind", mark: str = "line", title: str = "Kind") -> dict:
    """Encodings that make a figure's kind visible, with a legend that draws the difference.

    One line in a chart:

        alt.Chart(df).mark_line().encode(x=..., y=..., **charts.kind_encoding(df["kind"]))
        alt.Chart(df).mark_bar().encode(x=..., y=..., **charts.kind_encoding(df["kind"], mark="bar"))

    `kinds`: the values present (e.g. the data's kind column), so the legend lists only those;
    None lists all six. Lines (and rules, points) get a dash per kind (actuals solid, forecasts
    dashed) and an opacity per kind (actuals opaque, forecasts and plans lighter); bars and areas
    get the opacity and a dashed outline. Both channels share the field and title, so Vega-Lite
    draws a single legend whose symbols are drawn with the dash and opacity they stand for.
    """
    domain = _kinds_present(kinds)
    dash = alt.StrokeDash(f"{field}:O", title=title, sort=domain,
                          scale=alt.Scale(domain=domain, range=[KIND_DASH[k] for k in domain]),
                          legend=alt.Legend(symbolType="stroke" if mark in ("line", "rule") else "square",
                                            symbolStrokeWidth=2, symbolSize=300,
                                            symbolStrokeColor="#333333"))
    opacity = alt.Opacity(f"{field}:O", title=title, sort=domain,
                          scale=alt.Scale(domain=domain, range=[KIND_OPACITY[k] for k in domain]),
                          legend=alt.Legend(symbolFillColor="#555555"))
    return {"strokeDash": dash, "opacity": opacity}


def kind_dash(field: str = "kind") -> alt.StrokeDash:
    """Deprecated: use `kind_encoding`, whose legend shows the difference. (Dashes only.)"""
    return kind_encoding(None, field=field)["strokeDash"]


def _walk_encodings(spec: dict):
    """Yield every encoding dict in a (possibly layered/concatenated) Vega-Lite spec."""
    if isinstance(spec, dict):
        if "encoding" in spec and isinstance(spec["encoding"], dict):
            yield spec["encoding"]
        for key in ("layer", "hconcat", "vconcat", "concat"):
            for sub in spec.get(key, []) or []:
                yield from _walk_encodings(sub)
        if "spec" in spec:
            yield from _walk_encodings(spec["spec"])


def check_labelled(chart: alt.TopLevelMixin) -> dict:
    """Return the chart's spec if it has a title and every x/y axis has a title; else raise."""
    spec = chart.to_dict()
    title = spec.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    if not text:
        raise UnlabelledChart("the chart has no title")
    for enc in _walk_encodings(spec):
        for channel in ("x", "y", "x2", "y2", "theta"):
            ch = enc.get(channel)
            if not isinstance(ch, dict) or channel in ("x2", "y2"):
                continue
            if "value" in ch or "datum" in ch and "title" not in ch:
                continue
            axis = ch.get("axis", {})
            if axis is None:  # axis deliberately hidden (e.g. a label layer)
                continue
            if not ch.get("title") and not (isinstance(axis, dict) and axis.get("title")):
                raise UnlabelledChart(f"the {channel} axis of '{text}' has no title")
    return spec


def csv_link(data: pd.DataFrame, filename: str) -> str:
    payload = base64.b64encode(data.to_csv(index=False).encode("utf-8")).decode("ascii")
    return (f'<a class="chart-csv" download="{html.escape(filename)}" '
            f'href="data:text/csv;charset=utf-8;base64,{payload}">Download the data (CSV)</a>')


def chart_html(spec: dict) -> str:
    """The HTML Altair's active renderer makes of a Vega-Lite `spec` (a validated `to_dict()`)."""
    bundle = alt.renderers.get()(spec)
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    return bundle["text/html"]


def fit_to_column(spec: dict) -> dict:
    """A single or layered chart drawn as wide as its container (the text column); faceted,
    concatenated and repeated charts, and charts whose width is a step per band, as they are."""
    if any(k in spec for k in ("facet", "hconcat", "vconcat", "concat", "repeat")):
        return spec
    if "column" in (spec.get("encoding") or {}) or "row" in (spec.get("encoding") or {}):
        return spec
    width = spec.get("width")
    if width is None or isinstance(width, (int, float)):
        spec = dict(spec, width="container")
        autosize = spec.get("autosize")
        if not isinstance(autosize, dict):
            spec["autosize"] = {"type": "fit-x", "contains": "padding"}
        height = discrete_height(spec)
        if height is not None:
            spec["height"] = height
    return spec


DISCRETE_TYPES = ("nominal", "ordinal")


def _units(spec: dict):
    """The single-view specs of a single or (nested) layered chart, each with its data."""
    for layer in spec.get("layer", []):
        yield from _units(dict(layer, data=layer.get("data", spec.get("data")),
                               encoding={**(spec.get("encoding") or {}), **(layer.get("encoding") or {})},
                               transform=(spec.get("transform") or []) + (layer.get("transform") or [])))
    if "mark" in spec:
        yield spec


def discrete_height(spec: dict) -> int | None:
    """The pixel height a chart whose y axis is discrete (a step per band) is drawn at, or None.

    Vega-Lite sizes such a chart by a step per category ("discrete height"); with the column-fitting
    autosize `fit-x` it then warns `Dropping "fit-y" because spec has discrete height` (a fit in y
    was never asked for, but the warning reaches the console on every page that has such a chart).
    A fixed height of categories × step draws the same chart (the default band and point paddings
    span exactly `n` steps) without the warning. None when the y axis is not discrete, the height
    is already fixed, or the categories cannot be counted from the spec's own data."""
    height = spec.get("height")
    if isinstance(height, (int, float)) or height == "container":
        return None
    view = (spec.get("config") or {}).get("view") or {}
    step = height.get("step") if isinstance(height, dict) else None
    if step is None:
        dh = view.get("discreteHeight")
        step = dh.get("step") if isinstance(dh, dict) else dh if isinstance(dh, (int, float)) else view.get("step", 20)
    datasets = spec.get("datasets") or {}
    values, discrete = set(), False
    for unit in _units(spec):
        y = (unit.get("encoding") or {}).get("y")
        if not isinstance(y, dict) or y.get("type") not in DISCRETE_TYPES:
            continue
        discrete = True
        domain = (y.get("scale") or {}).get("domain")
        if isinstance(domain, list):
            values.update(map(repr, domain))
            continue
        if unit.get("transform") or "field" not in y or y.get("aggregate") or y.get("timeUnit"):
            return None
        data = unit.get("data") or {}
        rows = datasets.get(data.get("name")) if "name" in data else data.get("values")
        if not isinstance(rows, list) or any(y["field"] not in r for r in rows):
            return None
        values.update(repr(r[y["field"]]) for r in rows if r[y["field"]] is not None)
    if not discrete or not values or not isinstance(step, (int, float)):
        return None
    return int(round(len(values) * step))


def show(chart: alt.TopLevelMixin, *, data: pd.DataFrame, source: str, name: str,
         fit: bool = True) -> Html:
    """Display a labelled chart with its source line and a CSV download of `data`.

    `source` is the source line (e.g. a `Claim.citation`, or several joined with "; ").
    `name` is the figure's name (letters, digits, hyphens); the CSV is `<name>.csv`.
    `fit` (default): a single or layered chart fills the text column (see `fit_to_column`);
    `fit=False` keeps the chart's own width (keep it under MAX_WIDTH).
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", name):
        raise ValueError(f"figure name '{name}' must be lower-case letters, digits and hyphens")
    if not source.strip():
        raise ValueError(f"figure '{name}' has no source line")
    if data is None or len(data) == 0:
        raise ValueError(f"figure '{name}' has no data to offer as CSV")
    spec = check_labelled(chart)  # validated once; converting a chart to a spec is the slow part
    if fit:
        spec = fit_to_column(spec)
    block = (f'<div class="sc-figure" id="sc-{name}">' + chart_html(spec)
             + f'<p class="chart-source"><strong>Source:</strong> {html.escape(source)}'
             + f' · {csv_link(data, name + ".csv")}</p></div>')
    return Html(block, f"<figure {name}>")  # plain text: no memory address

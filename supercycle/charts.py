"""The one chart theme, and `show()`, which every chapter uses to display a chart.

`show(chart, data=..., source=..., name=...)` checks that the chart is labelled (a title, and a
title on every positional axis, with its unit in brackets), then displays one HTML block: the
Altair chart, a source line, and a link that downloads the chart's data as CSV (a data: URI, so
it works on the static site with no server and no network). Put the caption and figure name in
the cell's `mystnb: figure` metadata, so the page shows a numbered, captioned figure.
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
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom"},
            "bar": {"color": PALETTE[0]},
            "line": {"color": PALETTE[0], "strokeWidth": 2},
            "point": {"color": PALETTE[0], "filled": True, "size": 50},
        }
    }


class UnlabelledChart(ValueError):
    """A chart without a title, or with a positional axis that has no title naming its unit."""


def kind_dash(field: str = "kind") -> alt.StrokeDash:
    """Dashed strokes for forecasts, solid for actuals: the legend says which is which."""
    return alt.StrokeDash(f"{field}:N", title="Kind",
                          scale=alt.Scale(domain=["actual", "forecast", "estimate", "target", "plan", "claim"],
                                          range=[[1, 0], FORECAST_DASH, [2, 2], [8, 2], [1, 3], [4, 1, 1, 1]]))


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


def show(chart: alt.TopLevelMixin, *, data: pd.DataFrame, source: str, name: str) -> Html:
    """Display a labelled chart with its source line and a CSV download of `data`.

    `source` is the source line (e.g. a `Claim.citation`, or several joined with "; ").
    `name` is the figure's name (letters, digits, hyphens); the CSV is `<name>.csv`.
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", name):
        raise ValueError(f"figure name '{name}' must be lower-case letters, digits and hyphens")
    if not source.strip():
        raise ValueError(f"figure '{name}' has no source line")
    if data is None or len(data) == 0:
        raise ValueError(f"figure '{name}' has no data to offer as CSV")
    spec = check_labelled(chart)  # validated once; converting a chart to a spec is the slow part
    block = (f'<div class="sc-figure" id="sc-{name}">' + chart_html(spec)
             + f'<p class="chart-source"><strong>Source:</strong> {html.escape(source)}'
             + f' · {csv_link(data, name + ".csv")}</p></div>')
    return Html(block, f"<figure {name}>")  # plain text: no memory address

"""`charts.fit_to_column`: column-wide charts, and discrete-height charts drawn at a fixed height.

A chart whose y axis is a band per category (nominal or ordinal y, height a step) used to reach the
browser with width "container" and autosize fit-x, and Vega-Lite then warned
`Dropping "fit-y" because spec has discrete height` on every page with such a chart (chapters 4, 6
and 7). `fit_to_column` now gives such charts a fixed height of categories x step."""
import altair as alt
import pandas as pd

from supercycle import charts

DF = pd.DataFrame({"cat": ["a", "b", "c", "a"], "sub": ["p", "q", "p", "q"], "v": [1.0, 2.0, 3.0, 4.0]})


def test_bar_chart_with_a_band_per_category_gets_categories_times_step():
    spec = charts.fit_to_column(alt.Chart(DF).mark_bar().encode(y="cat:N", x="v:Q").to_dict())
    assert spec["width"] == "container" and spec["autosize"]["type"] == "fit-x"
    assert spec["height"] == 3 * 20  # three categories, Vega-Lite's default step of 20 px


def test_declared_step_and_layers_are_counted_once_per_category():
    bar = alt.Chart(DF).mark_bar().encode(y="cat:N", x="v:Q", yOffset="sub:N")
    tick = alt.Chart(DF).mark_tick().encode(y="cat:N", x="v:Q")
    spec = charts.fit_to_column((bar + tick).properties(height=alt.Step(24)).to_dict())
    assert spec["height"] == 3 * 24


def test_explicit_domain_counts_its_categories():
    chart = alt.Chart(DF).mark_point().encode(y=alt.Y("cat:N", scale=alt.Scale(domain=["a", "b", "c", "d", "e"])), x="v:Q")
    assert charts.fit_to_column(chart.to_dict())["height"] == 5 * 20


def test_continuous_or_fixed_heights_are_left_alone():
    assert "height" not in charts.fit_to_column(alt.Chart(DF).mark_bar().encode(x="cat:N", y="v:Q").to_dict())
    fixed = alt.Chart(DF).mark_bar().encode(y="cat:N", x="v:Q").properties(height=150)
    assert charts.fit_to_column(fixed.to_dict())["height"] == 150


def test_categories_made_by_a_transform_are_not_guessed():
    chart = alt.Chart(DF).transform_calculate(k="datum.cat + '!'").mark_bar().encode(y="k:N", x="v:Q")
    assert "height" not in charts.fit_to_column(chart.to_dict())

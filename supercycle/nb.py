"""Helpers that chapter notebooks call: parameter validation and display, glue, tables.

A chapter's `parameters` cell holds no values (papermill injects its values after it); its next
code cell is:

    from supercycle import nb
    P = nb.use_params("memory_supercycle", globals())

which fills the chapter's `Params` model (supercycle/chapters/<key>.py) with the values papermill
injected (the declared defaults for the rest), validating them and the rules between them
(papermill checks no types), refuses a name papermill injected that the chapter does not declare,
raises `ParamError` with a one-line message (its traceback in the notebook is that one line) on a
bad value, and shows the values the chapter ran with as a compact table.
"""
from __future__ import annotations

import html
from types import SimpleNamespace
from typing import Any

import pandas as pd

from importlib import import_module

from .declare import ParamError, check, short, specs


class ParamTable:
    def __init__(self, rows: list[dict[str, Any]]):
        self.rows = rows

    def _repr_html_(self) -> str:
        head = "<tr><th>Parameter</th><th>Value</th><th>Unit</th><th>Meaning</th></tr>"
        body = "".join(
            f"<tr><td><code>{html.escape(r['name'])}</code></td>"
            f"<td>{html.escape(_fmt(r['value']))}{' <em>(changed; default ' + html.escape(_fmt(r['default'])) + ')</em>' if r['changed'] else ''}</td>"
            f"<td>{html.escape(r['unit'])}</td><td>{html.escape(r['meaning'])}</td></tr>"
            for r in self.rows)
        return (f'<details class="sc-params" open><summary>Parameters this chapter ran with</summary>'
                f'<table class="sc-params-table">{head}{body}</table></details>')

    def __repr__(self) -> str:
        return "\n".join(f"{r['name']} = {_fmt(r['value'])} {r['unit']}" for r in self.rows)


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        # thousands separators, no exponent for ordinary magnitudes (1,000,000 not 1e+06)
        return fmt_number(v, 6)
    return str(v)


def _injected_names(namespace: dict[str, Any]) -> list[str]:
    """Names assigned by papermill's injected cell (it starts '# Parameters'), from IPython's `In`."""
    import ast
    names = []
    for source in namespace.get("In", []) if isinstance(namespace.get("In"), list) else []:
        if isinstance(source, str) and source.startswith("# Parameters\n"):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            names += [t.id for node in tree.body if isinstance(node, ast.Assign)
                      for t in node.targets if isinstance(t, ast.Name)]
    return names


def _one_line_tracebacks() -> None:
    """In IPython, show a ParamError as its one line instead of a traceback."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        def handler(shell, etype, value, tb, tb_offset=None):
            shell._showtraceback(etype, value, shell.InteractiveTB.get_exception_only(etype, value))
            return []
        shell.set_custom_exc((ParamError,), handler)


def use_params(chapter_key: str, namespace: dict[str, Any], show: bool = True) -> SimpleNamespace:
    """Validate the chapter's parameters found in `namespace` (defaults for the others); display them."""
    _one_line_tracebacks()
    model = import_module(f"supercycle.chapters.{chapter_key}").Params  # not through the build layer
    allowed = set(model.model_fields) | ({"scenarios"} if model.SHOWS_SCENARIOS else set())
    unknown = [n for n in _injected_names(namespace) if n not in allowed and not n.startswith("PAPERMILL_")]
    if unknown:
        raise ParamError(f"{chapter_key}.{short(unknown[0])}: unknown parameter; allowed: "
                         f"{', '.join(model.model_fields) or 'none (this chapter takes no parameters)'}")
    values = check(model, {n: namespace[n] for n in model.model_fields if n in namespace}).model_dump()
    rows = [{"name": p.name, "value": values[p.name], "default": p.default, "changed": values[p.name] != p.default,
             "unit": p.unit, "meaning": p.meaning} for p in specs(model)]
    if show:
        from IPython.display import display
        display(ParamTable(rows))
    return SimpleNamespace(**values)


def scenarios(chapter_key: str, namespace: dict[str, Any]) -> dict[str, dict[str, dict]]:
    """{scenario: {chapter: the values its file sets}} for a chapter that shows scenarios: the
    `scenarios` the build injected, or (papermill run by hand without it) read from params/ by the
    build's own reader. That reader is looked up only then, by name: a chapter the build executes
    always gets `scenarios` injected, so the build tooling is not among the files a chapter reads
    (its cache key stays put when the build tooling changes)."""
    if "scenarios" in namespace:
        return namespace["scenarios"]
    return import_module("supercycle.build.params").shown_scenarios(chapter_key)


def glue(name: str, value: Any, fmt: str | None = None) -> Any:
    """Glue a computed value for the prose ({glue:text}`name`), without displaying it here.

    With `fmt` (e.g. "{:.0f}"), the formatted string is glued, so the page shows exactly that.
    """
    from myst_nb import glue as _glue
    _glue(name, fmt.format(value) if fmt else value, display=False)
    return value


class Html:
    """An HTML display with a fixed plain-text form (a table's data, a figure's name), so that
    outputs carry no object address and rebuilds are byte-identical. The one such class: tables,
    figures (`charts.show`) and the appendix's blocks all use it."""

    def __init__(self, html_text: str, text: str):
        self.html, self.text = html_text, text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


# --- formatting for people (issue 16): no reprs, no e-notation, years without separators ---

def _is_missing(x: Any) -> bool:
    try:
        return x is None or bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def fmt_number(x: Any, digits: int = 3, *, sep: bool = True) -> str:
    """A number as a reader should see it: `digits` significant figures (at least the whole
    part), thousands separators, never e-notation; values within 1e-9 of zero (float noise such as
    5.55e-16) are "0"; missing values are "–".

    >>> fmt_number(34560000.0), fmt_number(6.97123), fmt_number(0.0123), fmt_number(5.55e-16)
    ('34,560,000', '6.97', '0.0123', '0')
    """
    import math

    if _is_missing(x):
        return "–"
    if isinstance(x, str):
        return x
    v = float(x)
    if abs(v) < 1e-9:
        return "0"
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{v:,.0f}" if sep else f"{v:.0f}"
    decimals = max(0, min(9, digits - 1 - math.floor(math.log10(abs(v)))))
    text = f"{v:,.{decimals}f}" if sep else f"{v:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def fmt_year(x: Any) -> str:
    """A year or a span of years: 2026, 2026.0, "2026" -> "2026"; "2027-2028" -> "2027–2028"."""
    if _is_missing(x):
        return "–"
    if isinstance(x, str):
        return x.strip().replace("-", "–") if x.strip()[:4].isdigit() else x
    v = float(x)
    return f"{v:.0f}" if v.is_integer() else fmt_number(v, sep=False)


def _year_like(col: pd.Series) -> bool:
    """A numeric column of whole numbers all between 1900 and 2100: read as years."""
    if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        return False
    values = col.dropna()
    return len(values) > 0 and bool((values == values.round()).all()) and bool(values.between(1900, 2100).all())


def tidy(df: pd.DataFrame, digits: int = 3, years: list[str] | None = None) -> pd.DataFrame:
    """A copy of `df` with every value as display text: year columns (named in `years`, or whole
    numbers between 1900 and 2100) without separators, other numbers by `fmt_number`."""
    out = df.copy()
    for c in out.columns:
        col = out[c]
        if (years is not None and c in years) or (years is None and _year_like(col)):
            out[c] = [fmt_year(v) for v in col]
        elif pd.api.types.is_bool_dtype(col):
            out[c] = ["yes" if v else "no" for v in col]
        elif pd.api.types.is_numeric_dtype(col):
            out[c] = [fmt_number(v, digits) for v in col]
        else:
            out[c] = ["–" if _is_missing(v) else (fmt_number(v, digits) if isinstance(v, float) else str(v))
                      for v in col]
    return out


def table(df: pd.DataFrame, caption: str | None = None, floatfmt: str | None = None,
          digits: int = 3, years: list[str] | None = None) -> Html:
    """A tidy HTML table for prose-like display: numbers formatted for people (`tidy`: years
    without separators, `digits` significant figures, no e-notation), index hidden, in a box
    that scrolls sideways when the table is wider than the text column. `floatfmt` (e.g.
    "{:.1f}") overrides the format of float columns that are not years."""
    import hashlib
    # A fixed uuid (from the content) keeps the HTML byte-identical between runs.
    uuid = "t" + hashlib.sha256(df.to_csv().encode()).hexdigest()[:10]
    shown = tidy(df, digits, years)
    if floatfmt:
        for c in df.columns:
            if pd.api.types.is_float_dtype(df[c]) and not (years and c in years) and not (
                    years is None and _year_like(df[c])):
                shown[c] = ["–" if _is_missing(v) else floatfmt.format(v) for v in df[c]]
    styler = shown.style.set_uuid(uuid).hide(axis="index")
    if caption:
        styler = styler.set_caption(caption)
    return Html(f'<div class="sc-scroll">{styler.to_html()}</div>', shown.to_string(index=False))

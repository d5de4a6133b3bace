"""Helpers that chapter notebooks call: parameter validation and display, glue, tables.

A chapter's first code cell after its `parameters` cell is:

    from supercycle import nb
    P = nb.use_params("memory_supercycle", globals())

which validates every declared parameter as the notebook received it (papermill injects values
without checking types), and the rules between them, refuses a name papermill injected that the
chapter does not declare, raises `ParamError` with a one-line message (its traceback in the
notebook is that one line) on a bad value, and shows the values the chapter ran with as a
compact table (the raw parameter cells are hidden).
"""
from __future__ import annotations

import html
from types import SimpleNamespace
from typing import Any

import pandas as pd

from .params import ParamError, check_rules, params_of, short, validate_value


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
        return f"{v:,.0f}" if v.is_integer() and abs(v) < 1e15 else f"{v:,.6g}"
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
    """Validate the chapter's declared parameters found in `namespace`; display them as a table."""
    _one_line_tracebacks()
    declared = params_of(chapter_key)
    unknown = [n for n in _injected_names(namespace) if n not in declared and not n.startswith("PAPERMILL_")]
    if unknown:
        raise ParamError(f"{chapter_key}.{short(unknown[0])}: unknown parameter; allowed: "
                         f"{', '.join(declared) or 'none (this chapter takes no parameters)'}")
    values, rows = {}, []
    for name, p in declared.items():
        if name not in namespace:
            raise ParamError(f"{chapter_key}.{name}: declared but missing from the notebook's parameters cell")
        values[name] = validate_value(chapter_key, name, namespace[name])
        rows.append({"name": name, "value": values[name], "default": p.default,
                     "changed": values[name] != p.default, "unit": p.unit, "meaning": p.meaning})
    check_rules(chapter_key, values)
    if show:
        from IPython.display import display
        display(ParamTable(rows))
    return SimpleNamespace(**values)


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


def table(df: pd.DataFrame, caption: str | None = None, floatfmt: str = "{:,.4g}") -> Html:
    """A tidy HTML table for prose-like display (numbers formatted, index hidden)."""
    import hashlib
    # A fixed uuid (from the content) keeps the HTML byte-identical between runs.
    uuid = "t" + hashlib.sha256(df.to_csv().encode()).hexdigest()[:10]
    styler = df.style.set_uuid(uuid).hide(axis="index").format(
        {c: floatfmt for c in df.columns if pd.api.types.is_float_dtype(df[c])}, na_rep="–")
    if caption:
        styler = styler.set_caption(caption)
    return Html(styler.to_html(), df.to_string(index=False))

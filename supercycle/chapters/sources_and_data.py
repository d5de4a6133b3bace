"""Tables and the offline claims explorer for the appendix page "Sources and data".

Pure functions of the frames that `supercycle.data` loads (no file access here, so they are easy
to test on small frames):

- `articles_table(sources, claims)`: the eight articles with their number of figures.
- `counts(claims, by, order)`: figures per topic / source / kind, zeros kept.
- `crosstab(claims, sources)`: figures per source and kind.
- `counts_chart(claims, sources)`: a stacked bar chart of figures per source, coloured by kind.
- `units_table()`: the unit vocabulary with each unit's scale (the raw magnitude of one unit).
- `reference_table(tables)`: the reference files, their rows and source kinds.
- `claims_explorer(claims, sources)`: one self-contained HTML block (a table of every figure with
  its quote, a search box and dropdown filters, in inline vanilla JavaScript: no CDN, no network)
  with deterministic element ids.
"""
from __future__ import annotations

import html
import math

import altair as alt
import pandas as pd

from supercycle import charts
from supercycle.nb import Html, fmt_number, fmt_year
from supercycle.data import CLAIM_COLUMNS, KINDS, TOPICS, UNITS
from supercycle.numerals import EXEMPT, SCALE


# --- parameters: declared once (type, default, range, unit, meaning) --------------------
from supercycle.declare import ChapterParams


class Params(ChapterParams):
    """This chapter takes no parameters."""


EXPLORER_ID = "sc-claims"


def articles_table(sources: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """One row per article, in seed order, with the number of figures extracted from it."""
    n = claims["source_id"].value_counts() if len(claims) else pd.Series(dtype=int)
    out = sources[["order", "id", "title_original", "title_en", "outlet", "published",
                   "published_precision"]].copy()
    out["figures"] = [int(n.get(sid, 0)) for sid in out["id"]]
    return out.rename(columns={"order": "#", "id": "source id", "title_original": "title (original)",
                               "title_en": "title (English)", "published_precision": "precision"})


def counts(claims: pd.DataFrame, by: str, order: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """Figures per value of column `by`, in `order` (values with no figures are kept as 0;
    values not in `order` follow, alphabetically), with each one's share of the total in per cent."""
    n = claims[by].value_counts() if len(claims) else pd.Series(dtype=int)
    keys = list(order) + sorted(k for k in n.index if k not in order)
    total = int(n.sum())
    rows = [{by: k, "figures": int(n.get(k, 0)),
             "share (%)": (100.0 * n.get(k, 0) / total) if total else math.nan} for k in keys]
    return pd.DataFrame(rows, columns=[by, "figures", "share (%)"])


def crosstab(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Figures per source (rows, seed order) and kind (columns), with totals."""
    table = pd.DataFrame(0, index=list(sources["id"]), columns=list(KINDS), dtype=int)
    for sid, kind in zip(claims["source_id"], claims["kind"]):
        if sid in table.index and kind in table.columns:
            table.loc[sid, kind] += 1
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    return table.reset_index(names="source id")


def count_frame(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Long form of `crosstab` (source, kind, figures), without zero cells: the chart's data."""
    rows = []
    for sid in sources["id"]:
        for kind in KINDS:
            k = int(((claims["source_id"] == sid) & (claims["kind"] == kind)).sum()) if len(claims) else 0
            if k:
                rows.append({"source": sid, "kind": kind, "figures": k})
    return pd.DataFrame(rows, columns=["source", "kind", "figures"])


def counts_chart(claims: pd.DataFrame, sources: pd.DataFrame) -> tuple[alt.Chart, pd.DataFrame]:
    """Stacked horizontal bars: figures per article, coloured by kind. Returns (chart, data)."""
    frame = count_frame(claims, sources)
    chart = alt.Chart(frame, title=alt.Title(
        "Figures extracted per article, by kind",
        subtitle="Each figure is one row of data/claims.csv")).mark_bar().encode(
        y=alt.Y("source:N", sort=list(sources["id"]), title="Article (source id)"),
        x=alt.X("figures:Q", stack="zero", title="Figures (count)"),
        color=alt.Color("kind:N", scale=alt.Scale(domain=list(KINDS)), title="Kind"),
        order=alt.Order("kind:O", sort="ascending"),
        tooltip=["source:N", "kind:N", "figures:Q"],
    ).properties(height=24 * max(len(sources), 1))
    return chart, frame


def units_table() -> pd.DataFrame:
    """The unit vocabulary: unit, meaning, and the raw magnitude of one unit (blank if exempt)."""
    return pd.DataFrame([{"unit": u, "meaning": m,
                          "one unit is": "—" if u in EXEMPT else fmt_number(SCALE[u], 6)}
                         for u, m in UNITS.items()])


def reference_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Reference files: name, rows, and how many rows cite primary and secondary sources."""
    rows = []
    for name, df in sorted(tables.items()):
        kinds = df["source_kind"].value_counts()
        rows.append({"file": f"data/reference/{name}.csv", "rows": len(df),
                     "primary": int(kinds.get("primary", 0)), "secondary": int(kinds.get("secondary", 0))})
    return pd.DataFrame(rows, columns=["file", "rows", "primary", "secondary"])


# --- the claims explorer --------------------------------------------------------------------

def figure_text(value: float, low: float, high: float, unit: str) -> str:
    """A figure as the table shows it: a range stays a range ('55–60 pct'), a bound says so;
    numbers with separators and no e-notation ('34,600,000 tb'), years without ('2028 year')."""
    nan = lambda x: x is None or (isinstance(x, float) and math.isnan(x))  # noqa: E731
    _fmt = fmt_year if unit == "year" else (lambda x: fmt_number(x, 6))  # noqa: E731
    if not nan(low) and not nan(high):
        text = f"{_fmt(low)}–{_fmt(high)}"
    elif not nan(low):
        text = f"over {_fmt(low)}"
    elif not nan(high):
        text = f"under {_fmt(high)}"
    elif not nan(value):
        text = _fmt(value)
    else:
        text = ""
    return f"{text} {unit}".strip() if unit != "date" else (text or "date")


_COLUMNS = [("id", "Claim id"), ("source_id", "Source"), ("topic", "Topic"), ("kind", "Kind"),
            ("entity", "Entity"), ("metric", "Metric"), ("period", "Period"), ("figure", "Figure"),
            ("attributed_to", "According to"), ("quote", "Quote (verbatim)"), ("note", "Note")]

_CSS = """
#{id} .sc-claims-controls {{ display: flex; flex-wrap: wrap; gap: .5em 1em; align-items: center; margin: .5em 0; }}
#{id} .sc-claims-scroll {{ max-height: 36em; overflow: auto; border: 1px solid var(--pst-color-border, #ddd); }}
#{id} table {{ border-collapse: collapse; font-size: .85em; width: 100%; }}
#{id} th {{ position: sticky; top: 0; background: var(--pst-color-surface, #f5f5f5); text-align: left; }}
#{id} th, #{id} td {{ padding: .25em .5em; border-bottom: 1px solid var(--pst-color-border, #eee); vertical-align: top; }}
#{id} td.sc-quote {{ min-width: 14em; }}
#{id} tr.sc-hidden {{ display: none; }}
"""

# Vanilla JavaScript, inline: filter rows by a text search (all words, any column) and by the
# dropdowns; update the count. No library, no network.
_JS = """
(function () {{
  var root = document.getElementById("{id}");
  if (!root) return;
  var q = document.getElementById("{id}-search");
  var sels = ["topic", "source", "kind"].map(function (k) {{
    return [k, document.getElementById("{id}-" + k)];
  }});
  var rows = root.querySelectorAll("tbody tr");
  var count = document.getElementById("{id}-count");
  function update() {{
    var words = q.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {{
      var r = rows[i], ok = true;
      for (var j = 0; j < sels.length && ok; j++) {{
        var v = sels[j][1].value;
        if (v && r.getAttribute("data-" + sels[j][0]) !== v) ok = false;
      }}
      if (ok && words.length) {{
        var text = r.textContent.toLowerCase();
        for (var w = 0; w < words.length && ok; w++) if (text.indexOf(words[w]) < 0) ok = false;
      }}
      r.className = ok ? "" : "sc-hidden";
      if (ok) shown++;
    }}
    count.textContent = shown + " of " + rows.length + " figures";
  }}
  q.addEventListener("input", update);
  sels.forEach(function (s) {{ s[1].addEventListener("change", update); }});
  update();
}})();
"""


def _select(eid: str, key: str, label: str, options: list[str]) -> str:
    opts = "".join(f'<option value="{html.escape(o)}">{html.escape(o)}</option>' for o in options)
    return (f'<label for="{eid}-{key}">{label}</label> '
            f'<select id="{eid}-{key}"><option value="">all</option>{opts}</select>')


def explorer_html(claims: pd.DataFrame, sources: pd.DataFrame, element_id: str = EXPLORER_ID) -> str:
    """A self-contained HTML table of every claim, with a search box and topic/source/kind filters.

    Element ids are fixed (`<element_id>`, `-search`, `-topic`, `-source`, `-kind`, `-count`,
    `-table`, and `-row-<n>` numbered from 1 in file order), so the output is identical between runs.
    """
    eid = element_id
    order = list(sources["id"])
    src_opts = [s for s in order if s in set(claims["source_id"])] + \
        sorted(set(claims["source_id"]) - set(order))
    topic_opts = [t for t in TOPICS if t in set(claims["topic"])]
    kind_opts = [k for k in KINDS if k in set(claims["kind"])]
    head = "".join(f"<th>{label}</th>" for _, label in _COLUMNS)
    body = []
    for n, r in enumerate(claims.to_dict("records"), start=1):
        r = dict(r)
        r["figure"] = figure_text(r["value"], r["low"], r["high"], r["unit"])
        cells = []
        for col, _ in _COLUMNS:
            text = html.escape(str(r[col]))
            if col == "id":
                cells.append(f"<td><code>{text}</code></td>")
            elif col == "quote":
                cells.append(f'<td class="sc-quote" lang="zh-Hant">{text}</td>')
            else:
                cells.append(f"<td>{text}</td>")
        body.append(f'<tr id="{eid}-row-{n}" data-topic="{html.escape(r["topic"])}" '
                    f'data-source="{html.escape(r["source_id"])}" data-kind="{html.escape(r["kind"])}">'
                    + "".join(cells) + "</tr>")
    controls = (f'<div class="sc-claims-controls">'
                f'<label for="{eid}-search">Search</label> '
                f'<input type="search" id="{eid}-search" placeholder="id, entity, quote, ...">'
                + _select(eid, "topic", "Topic", topic_opts)
                + _select(eid, "source", "Source", src_opts)
                + _select(eid, "kind", "Kind", kind_opts)
                + f'<span id="{eid}-count">{len(claims)} of {len(claims)} figures</span>'
                + (" · " + charts.csv_link(claims[CLAIM_COLUMNS], "claims.csv") if len(claims) else "")
                + "</div>")
    return (f'<div class="sc-claims" id="{eid}">'
            f"<style>{_CSS.format(id=eid)}</style>"
            + controls
            + f'<div class="sc-claims-scroll" tabindex="0" role="region" '
            f'aria-label="Every figure in the articles: a table that scrolls">'
            f'<table id="{eid}-table"><thead><tr>{head}</tr></thead>'
            + f"<tbody>{''.join(body)}</tbody></table></div>"
            + f"<script>{_JS.format(id=eid)}</script></div>")


def claims_explorer(claims: pd.DataFrame, sources: pd.DataFrame,
                    element_id: str = EXPLORER_ID) -> Html:
    """The explorer as one displayable object (see `explorer_html`)."""
    return Html(explorer_html(claims, sources, element_id), "<claims explorer: open the HTML output>")


def counts_figure(claims: pd.DataFrame, sources: pd.DataFrame, name: str = "fig-claims-per-source"):
    """`counts_chart` shown through `charts.show` (source line, CSV link); while no figure has been
    extracted yet, a one-line note instead (charts.show refuses a chart without data)."""
    chart, frame = counts_chart(claims, sources)
    if len(frame) == 0:
        return Html("<p><em>No figures have been extracted yet.</em></p>", "no figures yet")
    return charts.show(chart, data=frame, name=name,
                       source="data/claims.csv, extracted from the articles of data/sources.csv")

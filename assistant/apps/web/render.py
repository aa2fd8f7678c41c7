"""Pure render helpers: a metric result as people read it (cells, table, CSV, cards, chart labels).

Nothing here touches the database or the session: values in, text, frames or figures out.
"""

from __future__ import annotations

import csv
import html
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from assistant.agent.graph import ToolStep
from assistant.metrics.catalog import MetricResult
from assistant.present import labels
from assistant.present.numbers import fmt
from assistant.prompts import load_yaml
from assistant.store.regions import countries

from .text import ui_label, ui_text

ROW_FORMATS = ("int", "float", "pct", "minutes", "usd", "ms")
# Averages of people counted per day or week: people are whole, so they read without decimals.
AVERAGE_COUNTS = frozenset({"avg_dau", "avg_wau"})
COUNT_MEASURES = frozenset({"average DAU"})  # the scorecard's row of the same figure
CSV_DECIMALS = {"int": 0, "pct": 1, "minutes": 1, "usd": 2, "ms": 0, "float": 2}


def show_value(value: Any, lang: str) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else ui_text("step_all", lang)
    return str(value)


def segment_name(value: Any, group_by: str | None, lang: str) -> str:
    """A segment as a table cell or legend shows it: the shared names, capitalised."""
    if value in (None, "all"):
        return labels.all_label(lang)
    if group_by is None and str(value) in countries():
        group_by = "country"
    name = labels.segment_name(value, group_by or "", lang)
    return name[:1].upper() + name[1:]


def kind_of(row: dict[str, Any], col: str, kind: str) -> str:
    """The format of one cell: a table mixing measures names each row's format in `unit`."""
    if kind == "float" and row.get("unit") in ROW_FORMATS:
        kind = row["unit"]
        if kind == "float" and row.get("measure") in COUNT_MEASURES:
            return "int"
    if col in AVERAGE_COUNTS:
        return "int"
    return kind


def cell(row: dict[str, Any], col: str, kind: str, lang: str, group_by: str | None) -> str:
    value = row.get(col)
    if col == "segment":
        return segment_name(value, group_by, lang)
    if col == "weekday" and isinstance(value, int) and 1 <= value <= 7:
        return labels.weekday_name(value, lang, short=True)
    if col in ("dimension", "verdict", "measure", "unit", "action", "quality", "bucket"):
        return ui_label(f"{col}_names", value, lang)
    return fmt(value, kind_of(row, col, kind), lang)


def shown_columns(result: MetricResult) -> list[str]:
    hidden = {"bucket_order"}
    return [c for c in result.columns if c in result.metric.columns and c not in hidden]


def result_frame(result: MetricResult, lang: str) -> pd.DataFrame:
    """The table as people read it: labels in `lang`, figures formatted, hidden groups as '—'."""
    spec = result.metric.columns
    cols = shown_columns(result)
    group_by = result.params.get("group_by")
    data = [[cell(row, c, spec[c].format, lang, group_by) for c in cols] for row in result.rows]
    return pd.DataFrame(data, columns=[getattr(spec[c], lang) for c in cols])


def csv_value(value: Any, kind: str) -> Any:
    """Rounded as the table shows it, but as a plain number (percentages as 37.1)."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if kind == "pct":
        value = value * 100
    digits = CSV_DECIMALS.get(kind)
    if digits is None:
        return value
    return int(round(value)) if digits == 0 else round(value, digits)


def write_csv(result: MetricResult, lang: str, path: Path) -> Path:
    """Labelled headers, rounded values, market names beside codes; BOM so Excel reads Chinese."""
    spec = result.metric.columns
    cols = shown_columns(result)
    group_by = result.params.get("group_by")
    named = group_by in ("country", "region", "platform", "channel")
    header = []
    for c in cols:
        label = getattr(spec[c], lang)
        header.append(label + (" (%)" if spec[c].format == "pct" else ""))
        if c == "segment" and named:
            header.append(ui_text("csv_name", lang))
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in result.rows:
            out = []
            for c in cols:
                kind = kind_of(row, c, spec[c].format)
                out.append(csv_value(row.get(c), kind))
                if c == "segment" and named:
                    out.append(segment_name(row.get(c), group_by, lang))
            writer.writerow(out)
    return path


def placeholder_figure(lang: str) -> go.Figure:
    """An empty chart with a hint; showing it on page load also loads plotly.js early."""
    fig = go.Figure()
    fig.update_layout(
        template="plotly_white", height=300, margin={"l": 20, "r": 20, "t": 20, "b": 20},
        xaxis={"visible": False}, yaxis={"visible": False},
        annotations=[{"text": ui_text("chart_placeholder", lang), "showarrow": False,
                      "font": {"size": 15, "color": "#64748b"}, "xref": "paper",
                      "yref": "paper", "x": 0.5, "y": 0.5}],
    )
    return fig


def localize_figure(fig: go.Figure, result: MetricResult, lang: str) -> go.Figure:
    """Segment codes on the axis and in the legend read as names in `lang`; room for the toolbar."""
    group_by = result.params.get("group_by")
    chart = getattr(result.metric, "chart", None) or {}  # a change's table has no chart spec
    x = chart.get("x")
    for trace in fig.data:
        if x == "segment" and getattr(trace, "x", None) is not None and trace.type != "heatmap":
            trace.x = [segment_name(v, group_by, lang) if group_by not in ("day", "week") else v
                       for v in trace.x]
        elif x in ("dimension", "action", "quality", "bucket") and trace.x is not None:
            trace.x = [ui_label(f"{x}_names", v, lang) for v in trace.x]
        if trace.name and group_by not in ("day", "week"):
            parts = str(trace.name).split(" · ")
            parts[0] = segment_name(parts[0], group_by, lang) if parts[0] not in (
                "All", "全部") else ui_text("segment_all", lang)
            trace.name = " · ".join(parts)
    # The mode bar sits above the plot, not on the title.
    height = fig.layout.height or 360
    fig.update_layout(margin={"t": 78}, modebar={"orientation": "h", "bgcolor": "rgba(0,0,0,0)"},
                      title={"yref": "container", "y": 1 - 40 / height, "yanchor": "top"})
    return fig


def headline_columns(result: MetricResult) -> list[str]:
    cols = [c for c in result.metric.headline if c in result.columns]
    return cols or [c for c in shown_columns(result) if c != "segment"][:1]


def change_text(current: Any, previous: Any, kind: str, lang: str) -> str:
    """'+1.2 pp' for rates, '+3.4%' for everything else; '' when either side is missing."""
    if not isinstance(current, (int, float)) or not isinstance(previous, (int, float)):
        return ""
    if kind == "pct":
        diff = (current - previous) * 100
        return ui_text("change_pp", lang, sign="+" if diff >= 0 else "−",
                       value=f"{abs(diff):.1f}")  # points: one decimal, as the reports write them
    if previous == 0:
        return ""
    rel = current / previous - 1
    return ui_text("change_rel", lang, sign="+" if rel >= 0 else "−",
                   value=fmt(abs(rel), "pct", lang))


def single_row(result: MetricResult) -> dict[str, Any] | None:
    """The one row of an unsplit answer (a single figure), else None."""
    rows = result.visible_rows
    if len(rows) == 1 and result.params.get("group_by", "none") == "none":
        return rows[0]
    return None


def _card(label: str, value: str, change: str, previous: str, lang: str) -> str:
    tone = "up" if change.startswith("+") else "down" if change.startswith("−") else ""
    sub = (f'<div class="bn-change {tone}">{html.escape(change)} '
           f'<span>{html.escape(ui_text("vs_previous", lang, value=previous))}</span></div>'
           if change else "")
    return (f'<div class="bn-card"><div class="bn-label">{html.escape(label)}</div>'
            f'<div class="bn-value">{html.escape(value)}</div>{sub}</div>')


def big_numbers_html(result: MetricResult, previous: MetricResult | None, lang: str) -> str:
    """Headline figures as big numbers, each with its change against the previous period."""
    row = single_row(result) or (result.visible_rows[:1] or [{}])[0]
    prev_row = single_row(previous) if previous is not None else None
    spec = result.metric.columns
    cards = []
    for c in headline_columns(result):
        kind = kind_of(row, c, spec[c].format)
        value = fmt(row.get(c), kind, lang)
        change = prev = ""
        if prev_row is not None:
            change = change_text(row.get(c), prev_row.get(c), spec[c].format, lang)
            prev = fmt(prev_row.get(c), kind, lang)
        cards.append(_card(getattr(spec[c], lang), value, change, prev, lang))
    title = html.escape(result.metric.title[lang])
    period = html.escape(ui_text("period_text", lang, start=result.params.get("start"),
                                 end=result.params.get("end")))
    return (f'<div class="bn"><div class="bn-title">{title} · {period}</div>'
            f'<div class="bn-row">{"".join(cards)}</div></div>')


def compare_html(result: MetricResult, previous: MetricResult, lang: str) -> str:
    """Both periods side by side, per segment, for the headline figures, with the change."""
    spec = result.metric.columns
    group_by = result.params.get("group_by")
    before = {r.get("segment"): r for r in previous.visible_rows}
    head = [ui_text("compare_segment", lang)]
    cols = headline_columns(result)
    for c in cols:
        head += [f"{getattr(spec[c], lang)} · {ui_text('compare_now', lang)}",
                 ui_text("compare_before", lang), ui_text("compare_change", lang)]
    lines = ["<table class='cmp'><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head)
             + "</tr>"]
    for row in result.visible_rows[:20]:
        old = before.get(row.get("segment"), {})
        cells = [segment_name(row.get("segment"), group_by, lang)]
        for c in cols:
            kind = kind_of(row, c, spec[c].format)
            cells += [fmt(row.get(c), kind, lang), fmt(old.get(c), kind, lang),
                      change_text(row.get(c), old.get(c), spec[c].format, lang) or "—"]
        lines.append("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in cells) + "</tr>")
    caption = ui_text("compare_caption", lang, start=previous.params.get("start"),
                      end=previous.params.get("end"))
    return f"<div class='cmp-box'><p>{html.escape(caption)}</p>{''.join(lines)}</table></div>"


def step_message(step: ToolStep, title: str, lang: str, n: int) -> dict[str, Any]:
    """A collapsible step: title and time; inside, the resolved parameters and the SQL."""
    args = ", ".join(f"{k} `{show_value(v, lang)}`" for k, v in step.args.items())
    body = f"**{ui_text('step_params', lang)}:** {args or '—'}"
    if step.result is not None:
        meta = {"title": ui_text("step_done", lang, title=title, ms=f"{step.ms:.0f}"),
                "status": "done"}
        body += f"\n\n**{ui_text('step_sql', lang)}:**\n\n```sql\n{step.result.sql.strip()}\n```"
    elif step.error is not None:
        meta = {"title": ui_text("step_failed", lang, title=title), "status": "done"}
        body = f"{step.error}\n\n{body}"
    else:
        meta = {"title": ui_text("step_running", lang, title=title), "status": "pending"}
    meta["id"] = f"step-{n}"
    return {"role": "assistant", "content": body, "metadata": meta}


def dimension_name(dimension: str, lang: str) -> str:
    names = load_yaml("framework.yaml").get("names", {})
    return names.get(dimension, {}).get(lang, dimension)

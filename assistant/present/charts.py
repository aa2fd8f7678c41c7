"""Plotly figures from a metric result and its chart hint; suppressed groups are left out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from assistant.present.labels import all_label, column_label, weekday_name

if TYPE_CHECKING:
    from assistant.metrics.catalog import MetricResult

PALETTE = ["#2563eb", "#f97316", "#16a34a", "#dc2626", "#9333ea", "#0891b2", "#ca8a04", "#64748b"]
TREND_GROUPS = ("day", "week")


def _hint(result: MetricResult) -> dict[str, Any]:
    hint = dict(result.metric.chart)
    trend = hint.pop("trend", None)
    if trend and result.params.get("group_by") in TREND_GROUPS:
        return trend
    return hint


def build_figure(result: MetricResult, lang: str = "en") -> go.Figure | None:
    """The figure a reader takes in fastest: bars, lines over time, or an hour x weekday map."""
    hint = _hint(result)
    rows = result.visible_rows
    if hint.get("type") == "table" or not rows:
        return None
    x, y, color = hint.get("x"), hint.get("y"), hint.get("color")
    ys = y if isinstance(y, list) else [y]
    fmt = result.metric.columns[ys[0]].format
    if hint["type"] == "heatmap":
        fig = _heatmap(result, rows, hint, lang)
    else:
        fig = go.Figure()
        series: dict[Any, list[dict[str, Any]]] = {}
        for row in rows:
            series.setdefault(row.get(color) if color else None, []).append(row)
        single = len(series) == 1 and len(ys) == 1
        for i, (key, part) in enumerate(series.items()):
            for j, col in enumerate(ys):
                points = [r for r in part if r.get(col) is not None]
                if not points:
                    continue  # e.g. a comparison row with no value of its own
                name = _series_name(result, key, col, ys, lang, hint.get("color_format"))
                trace = go.Scatter if hint["type"] == "line" else go.Bar
                kwargs: dict[str, Any] = {
                    "x": [_x_value(r.get(x), hint.get("x_format")) for r in points],
                    "y": [r.get(col) for r in points],
                    "name": name,
                    "marker_color": PALETTE[(i + j) % len(PALETTE)],
                }
                if trace is go.Scatter:
                    kwargs["mode"] = "lines+markers"
                fig.add_trace(trace(**kwargs))
        fig.update_layout(barmode="group", showlegend=not single)
        fig.update_xaxes(title_text=column_label(result.metric, x, lang), type="category")
        fig.update_yaxes(title_text=column_label(result.metric, ys[0], lang))
        if fmt == "pct":
            fig.update_yaxes(tickformat=".0%")
    fig.update_layout(
        title={"text": result.metric.title.get(lang, result.metric.name), "x": 0.01},
        template="plotly_white",
        margin={"l": 50, "r": 20, "t": 50, "b": 40},
        height=360,
        legend={"orientation": "h", "y": -0.2},
        font={"family": "Inter, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"},
    )
    return fig


def _x_value(value: Any, template: str | None = None) -> Any:
    if value is None:
        return ""
    return template.format(value) if template else str(value)


def _series_name(
    result: MetricResult, key: Any, col: str, ys: list[str], lang: str, template: str | None
) -> str:
    parts = []
    if key is not None:
        label = template.format(key) if template else str(key)
        parts.append(all_label(lang) if key == "all" else label)
    if len(ys) > 1 or not parts:
        parts.append(column_label(result.metric, col, lang))
    return " · ".join(parts)


def _heatmap(
    result: MetricResult, rows: list[dict[str, Any]], hint: dict[str, Any], lang: str
) -> go.Figure:
    """Hour (x) by weekday (y) for the first segment: the golden windows stand out."""
    x, y, z = hint["x"], hint["y"], hint.get("z") or hint.get("value")
    first = rows[0].get("segment")
    cells = {(r[y], r[x]): r[z] for r in rows if r.get("segment") == first}
    ys = sorted({k[0] for k in cells})
    xs = sorted({k[1] for k in cells})
    matrix = [[cells.get((wy, hx)) for hx in xs] for wy in ys]
    labels = [
        weekday_name(v, lang, short=True) if isinstance(v, int) and 1 <= v <= 7 else str(v)
        for v in ys
    ]
    fig = go.Figure(
        go.Heatmap(z=matrix, x=[str(h) for h in xs], y=labels, colorscale="YlOrRd",
                   hoverongaps=False, colorbar={"tickformat": ".1%"})
    )
    fig.update_xaxes(title_text=column_label(result.metric, x, lang))
    fig.update_yaxes(autorange="reversed")
    if first not in (None, "all"):
        fig.add_annotation(text=str(first), showarrow=False, xref="paper", yref="paper",
                           x=1, y=1.08)
    return fig

"""The chart of a change: a waterfall from the earlier value to the later one through the
segments' contributions, or — with nothing to split — the figure as a number with its change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from assistant.present.charts import PALETTE
from assistant.prompts import load_yaml

if TYPE_CHECKING:
    from assistant.metrics.change.result import ChangeResult

MAX_BARS = 8  # the largest parts; the rest of the breakdown is one bar


def _split(result: ChangeResult) -> str | None:
    """The breakdown to draw: the one of the segment that stands out most, else the first."""
    if result.top:
        return result.top[0].split
    return next((s for s, ps in result.parts.items() if ps), None)


def change_figure(result: ChangeResult, lang: str = "en") -> go.Figure | None:
    from assistant.present.change_narrative import figure_name, segment_name

    if result.value_a is None or result.value_b is None:
        return None
    name = figure_name(result.spec.name, lang)
    title = result.metric.title[lang]
    pct = result.spec.rate_like
    split = _split(result)
    a_label = result.label_a if result.versus == "segments" else result.a.label()
    b_label = result.label_b if result.versus == "segments" else result.b.label()
    if split is None:
        fig = go.Figure(go.Indicator(
            mode="number+delta", value=result.value_b,
            number={"valueformat": ".1%" if pct else ",.2f"},
            delta={"reference": result.value_a, "relative": not pct,
                   "valueformat": ".1%" if not pct else ".2%"},
            title={"text": f"{name}<br><sub>{b_label} vs {a_label}</sub>"},
        ))
    else:
        parts = sorted(result.parts[split], key=lambda p: -abs(p.contribution))
        shown, rest = parts[:MAX_BARS], parts[MAX_BARS:]
        labels = [segment_name(p, p.split, p.segment, lang) for p in shown]
        values = [p.contribution for p in shown]
        if rest:
            labels.append(load_yaml("change.yaml")["more"][lang])
            values.append(sum(p.contribution for p in rest))
        fig = go.Figure(go.Waterfall(
            x=[a_label, *labels, b_label],
            y=[result.value_a, *values, result.value_b],
            measure=["absolute", *["relative"] * len(values), "total"],
            increasing={"marker": {"color": PALETTE[2]}},
            decreasing={"marker": {"color": PALETTE[3]}},
            totals={"marker": {"color": PALETTE[0]}},
            connector={"line": {"color": "#94a3b8"}},
        ))
        lo = min(result.value_a, result.value_b)
        hi = max(result.value_a, result.value_b)
        running, low, high = result.value_a, lo, hi
        for v in values:
            running += v
            low, high = min(low, running), max(high, running)
        pad = (high - low) * 0.15 or abs(hi) * 0.05 or 1.0
        fig.update_yaxes(range=[low - pad, high + pad], tickformat=".1%" if pct else None)
        fig.update_xaxes(type="category")
    fig.update_layout(
        title={"text": title, "x": 0.01}, template="plotly_white", showlegend=False,
        margin={"l": 50, "r": 20, "t": 50, "b": 40}, height=360,
        font={"family": "Inter, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"},
    )
    return fig

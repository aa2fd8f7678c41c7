"""How figures read: one formatter for summaries, tables, narratives and reports."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

MINUTES = {"en": "min", "zh": "分钟"}


def fmt(value: Any, kind: str = "text", lang: str = "en") -> str:
    """Format one value by its column kind: pct 0.371 -> '37.1%', minutes 12.34 -> '12.3 min'."""
    if value is None:
        return "—"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "—"
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "int":
        return f"{int(round(value)):,}"
    if kind == "minutes":
        return f"{value:.1f} {MINUTES.get(lang, MINUTES['en'])}"
    if kind == "usd":
        return f"${value:,.2f}"
    if kind == "ms":
        return f"{value:,.0f} ms"
    if kind == "float":
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)

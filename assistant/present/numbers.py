"""How figures read: one formatter for summaries, tables, narratives, charts and reports.

Babel (CLDR) writes the numbers as people of each language write them: grouping, percent
signs, units (12.3 min / 12.3分钟), currency. Counts never show decimals; a change of a
rate is in percentage points, never a percentage of a percentage.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from babel.numbers import format_currency, format_decimal, format_percent
from babel.units import format_unit

MISSING = "—"
_PCT = "#,##0.0%"
_ONE = "#,##0.0"
_TWO = "#,##0.00"
_COUNT = "#,##0"


def fmt(value: Any, kind: str = "text", lang: str = "en") -> str:
    """Format one value by its column kind: pct 0.371 -> '37.1%', minutes 12.34 -> '12.3 min'."""
    if value is None:
        return MISSING
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return MISSING
    if kind == "pct":
        return format_percent(value, _PCT, locale=lang)
    if kind == "int":
        return format_decimal(round(value), _COUNT, locale=lang)
    if kind == "minutes":
        return format_unit(value, "duration-minute", length="short", format=_ONE, locale=lang)
    if kind == "usd":
        return format_currency(value, "USD", locale=lang)
    if kind == "ms":
        return format_unit(value, "duration-millisecond", length="short", format=_COUNT,
                           locale=lang)
    if kind == "float" or isinstance(value, float):
        return format_decimal(value, _TWO, locale=lang)
    return str(value)  # labels: hours, ranks, day numbers


def points(change: float, lang: str = "en") -> str:
    """The size of a change of a rate in percentage points: 0.029 -> '2.9' (no sign)."""
    return format_decimal(abs(change) * 100, _ONE, locale=lang)


def signed(value: float | None, unit: str, lang: str = "en") -> str:
    """A change with its sign: 'rel' 0.052 -> '+5.2%', 'pp' 0.012 -> '+1.2' (points)."""
    if value is None:
        return MISSING
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    if unit == "pp":
        return sign + points(value, lang)
    return sign + fmt(abs(value), "pct", lang)

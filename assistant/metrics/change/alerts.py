"""Daily alerts: each headline figure, each day, against the same weekday of recent weeks.

The baseline is robust: the median of the same weekday over the last WEEKS weeks, and
its spread the larger of the median absolute deviation (scaled by 1.4826 to read as a
standard deviation) and the day's own sampling error (binomial for a rate, Poisson for a
count), so four quiet weeks cannot make an ordinary small-sample wobble look alarming. A
day is flagged when it lies more than THRESHOLD spreads from the median and by more than a
floor (FLOORS): a figure that barely moves is not flagged for
a hair's change. Every value comes from the catalog's metrics.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from assistant.errors import DataError
from assistant.metrics.catalog import Catalog
from assistant.metrics.change.compare import Period
from assistant.metrics.change.fast import figures_catalog, reader_for
from assistant.metrics.change.figures import FIGURES, Cell, Figure, cell

WEEKS = 8  # same-weekday history looked at
MIN_WEEKS = 4  # fewer and the day is not judged
THRESHOLD = 4.0  # robust z beyond which a day is flagged
MAD_SCALE = 1.4826
# the least change worth an alert: a rate's in pp, else relative (means and indexes are
# noisier day to day than counts and rates, and have no sampling error of their own here)
FLOORS = {"count": 0.03, "proportion": 0.01, "mean": 0.05, "index": 0.05}


@dataclass
class Alert:
    figure: str
    day: date
    value: float
    baseline: float  # median of the same weekday
    low: float  # the normal range: baseline -/+ THRESHOLD spreads
    high: float
    z: float
    weeks: int

    @property
    def direction(self) -> str:
        return "up" if self.value > self.baseline else "down"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "day": self.day.isoformat(), "direction": self.direction}


def daily_values(catalog: Catalog, figure: Figure, period: Period) -> dict[date, Cell]:
    """The figure for each day of a range (days hidden for privacy are left out)."""
    reader = reader_for(catalog, figure, {})
    if figure.trends:
        rows = reader.rows(period, "day")
        cells = {date.fromisoformat(str(k)): cell(figure, r) for k, r in rows.items()}
        return {d: c for d, c in cells.items() if c.value is not None and not reader.small(c)}
    # the connect-time share has no day trend of its own: one figure query gives every day
    rows = figures_catalog(catalog).run("connect_days", {
        "start": period.start, "end": period.end,
        "threshold_ms": figure.args.get("threshold_ms", 600)}).rows
    out: dict[date, Cell] = {}
    for r in rows:
        c = Cell(r["share"], float(r["fast_calls"]), float(r["calls"]), r["callers"])
        if c.value is not None and not reader.small(c):
            out[date.fromisoformat(r["segment"])] = c
    return out


def sampling_error(figure: Figure, c: Cell) -> float:
    """The day's own standard error where the figure's kind gives one."""
    if figure.kind == "proportion" and c.den and c.value is not None:
        return math.sqrt(max(c.value * (1 - c.value), 0.0) / c.den)
    if figure.kind == "count" and c.value:
        return math.sqrt(abs(c.value))
    return 0.0


def judge_day(figure: Figure, value: float, history: list[float], se: float = 0.0
              ) -> Alert | None:
    """The day's alert when it lies beyond the same-weekday baseline; else None."""
    if len(history) < MIN_WEEKS:
        return None
    med = statistics.median(history)
    mad = statistics.median(abs(h - med) for h in history) * MAD_SCALE
    floor = FLOORS[figure.kind] * (1.0 if figure.rate_like else abs(med))
    spread = max(mad, se, 1e-12)
    z = (value - med) / spread
    low, high = med - THRESHOLD * spread, med + THRESHOLD * spread
    if figure.kind != "index":  # counts, rates and means are never below zero
        low = max(low, 0.0)
    if abs(z) <= THRESHOLD or abs(value - med) < floor:
        return None
    return Alert(figure.name, date.min, value, med, low, high, z, len(history))


def alerts(catalog: Catalog, since: date | None = None, figures: list[str] | None = None
           ) -> list[Alert]:
    """Flagged (figure, day) pairs from `since` (default: the last 7 days) to the latest day."""
    latest = catalog.latest_day()
    first = catalog.data_range.first_day or latest
    since = max(since or latest - timedelta(days=6), first)
    out: list[Alert] = []
    for figure in (FIGURES[n] for n in (figures or list(FIGURES))):
        if not figure.alert:
            continue
        end = latest - timedelta(days=figure.lag_days)
        if end < since:
            continue
        start = max(first, since - timedelta(days=7 * WEEKS))
        try:
            values = daily_values(catalog, figure, Period(start, end))
        except DataError:
            continue  # its source table is empty (no payments loaded): nothing to watch
        day = since
        while day <= end:
            if day in values:
                past = [values[d].value or 0.0 for k in range(1, WEEKS + 1)
                        if (d := day - timedelta(days=7 * k)) in values]
                today = values[day]
                alert = judge_day(figure, today.value or 0.0, past,
                                  sampling_error(figure, today))
                if alert is not None:
                    alert.day = day
                    out.append(alert)
            day += timedelta(days=1)
    return sorted(out, key=lambda a: (a.day, -abs(a.z)))

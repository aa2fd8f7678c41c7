"""The same rule between answers: two answers must not differ by a small group of people.

Each visible row of an answer is about a population: the people kept by its filters, its
segment (a country of a breakdown, a day of a trend) and its dates, counted by the
metric's size column. When one population lies inside another (Japan on iOS inside Japan;
Monday to Saturday inside the week), their difference is a group of people too, and it
must be empty or at least the minimum size. A conversation keeps the populations of its
answers and checks each new one against them (`check_follow_up`); a comparison of two
periods or two segments checks its two sides (`check_difference`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from assistant.metrics.privacy.rules import rules_for
from assistant.metrics.privacy.withheld import LIST_FILTERS, Withheld

# parameters that only pick which rows are shown, not who is counted
ROW_PICKERS = frozenset({"group_by", "days", "actions", "start", "end", *LIST_FILTERS})
SEGMENT_FILTER = {"country": "countries", "platform": "platforms", "channel": "channels"}


@dataclass(frozen=True)
class Population:
    """Who one figure counts, and how many they are (`size`, on the size column)."""

    family: str  # the metric, or the kind of population several metrics share
    label: tuple  # row labels that change who is counted (day N, a connect-time bucket)
    settings: tuple  # other parameters that change who is counted (a threshold)
    start: date
    end: date
    countries: frozenset[str] | None  # None: everyone
    platforms: frozenset[str] | None
    channels: frozenset[str] | None
    size: int
    shown: tuple = ()  # the filters as asked, (kind, values) pairs, to name it in words

    @classmethod
    def of(
        cls, metric: str, params: dict[str, Any], size: int, label: tuple = ()
    ) -> Population:
        """The population of a whole answer (no breakdown) with these parameters."""
        kind = rules_for(metric).population
        settings = tuple(sorted(
            (k, str(v)) for k, v in params.items() if k not in ROW_PICKERS and v is not None))
        return cls(
            family=kind or metric,
            label=() if kind in ("active", "local_active") else label,
            settings=settings,
            start=_day(params["start"]),
            end=_day(params["end"]),
            countries=_countries(params.get("countries"), params.get("regions")),
            platforms=frozenset(params["platforms"]) if params.get("platforms") else None,
            channels=frozenset(params["channels"]) if params.get("channels") else None,
            size=size,
            shown=tuple((f, tuple(params[f])) for f in LIST_FILTERS if params.get(f)),
        )

    def within(self, other: Population) -> bool:
        """Whether every person counted here is counted by `other` too."""
        if (self.family, self.label, self.settings) != (other.family, other.label,
                                                         other.settings):
            return False
        if not (other.start <= self.start and self.end <= other.end):
            return False
        return all(
            wide is None or (narrow is not None and narrow <= wide)
            for narrow, wide in ((self.countries, other.countries),
                                 (self.platforms, other.platforms),
                                 (self.channels, other.channels))
        )

    def describe(self) -> dict[str, Any]:
        return {"filters": dict(self.shown), "start": self.start.isoformat(),
                "end": self.end.isoformat()}


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _countries(countries: list[str] | None, regions: list[str] | None) -> frozenset | None:
    if not countries and not regions:
        return None
    from assistant.store.regions import countries as known

    kept = set(countries) if countries else set(known())
    if regions:
        kept &= {c.code for c in known().values() if c.region in regions}
    return frozenset(kept)


def _period(segment: str, start: date, end: date) -> tuple[date, date] | None:
    """The days of a trend row ("2026-11-20" or "2026-W47"), cut to the range."""
    try:
        if "-W" in segment:
            year, week = segment.split("-W")
            lo = date.fromisocalendar(int(year), int(week), 1)
            hi = lo + timedelta(days=6)
        else:
            lo = hi = date.fromisoformat(segment)
    except ValueError:
        return None
    return max(lo, start), min(hi, end)


def populations_of(result: Any) -> list[Population]:
    """The population of every visible row of a MetricResult."""
    metric = result.metric
    size_col = metric.size_column
    if not size_col:
        return []
    params = dict(result.params)
    group_by = params.get("group_by", "none")
    start, end = _day(params["start"]), _day(params["end"])
    labels = [c for c, col in metric.columns.items() if col.format == "label" and c != "segment"]
    out = []
    for row in result.visible_rows:
        size = row.get(size_col)
        if not isinstance(size, int):
            continue
        p = dict(params)
        seg = str(row.get("segment"))
        if group_by in ("day", "week"):
            period = _period(seg, start, end)
            if period is None:
                continue
            p["start"], p["end"] = period
        elif group_by == "region":
            p["regions"] = [r for r in (p.get("regions") or [seg]) if r == seg]
        elif group_by in SEGMENT_FILTER:
            f = SEGMENT_FILTER[group_by]
            p[f] = [v for v in (p.get(f) or [seg]) if v == seg]
        out.append(Population.of(metric.name, p, size, tuple(row.get(c) for c in labels)))
    return out


def check_difference(pop_a: Population, pop_b: Population, k: int) -> None:
    """Raise Withheld when one population lies inside the other and they differ by 1..k-1.

    For a comparison within one answer (two periods, two segments): call it on the two
    sides before showing them.
    """
    if _leaks(pop_a, pop_b, k):
        raise Withheld("difference", k)


def check_follow_up(new: Iterable[Population], earlier: Iterable[Population], k: int) -> None:
    """Raise Withheld when a new answer differs from an earlier one by a small group."""
    earlier = list(earlier)
    for p in new:
        for q in earlier:
            if _leaks(p, q, k):
                raise Withheld("follow_up", k, earlier=q.describe())


def _leaks(a: Population, b: Population, k: int) -> bool:
    if k <= 1 or not (a.within(b) or b.within(a)):
        return False
    return 0 < abs(a.size - b.size) < k

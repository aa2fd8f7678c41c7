"""Two values of one figure: the periods (or segments) compared, read through the catalog."""

from __future__ import annotations

import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from assistant.errors import ParameterError, UserError
from assistant.metrics.catalog import Catalog
from assistant.metrics.change.figures import Cell, Figure, cell, pick

FILTERS = ("countries", "regions", "platforms")
SPLIT_FILTER = {"country": "countries", "region": "regions", "platform": "platforms",
                "channel": "channels"}


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def shifted(self, periods: int) -> Period:
        """The period `periods` lengths earlier (negative: later)."""
        d = timedelta(days=self.days * periods)
        return Period(self.start - d, self.end - d)

    def label(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def last_complete_week(latest: date, lag_days: int = 0) -> Period:
    """The latest Monday-to-Sunday week complete in the data (and `lag_days` after it)."""
    day = latest - timedelta(days=lag_days)
    sunday = day - timedelta(days=day.isoweekday() % 7)
    return Period(sunday - timedelta(days=6), sunday)


def resolve_periods(
    figure: Figure, latest: date, first: date, start: date | None, end: date | None,
    compare_start: date | None, compare_end: date | None,
) -> tuple[Period, Period, list[str]]:
    """(compared-with A, looked-at B): B defaults to the last complete week, A to the range
    of equal length just before it."""
    notes: list[str] = []
    if start is None and end is None:
        b = last_complete_week(latest, figure.lag_days)
    else:
        if start is None:
            start = end - timedelta(days=6)  # type: ignore[operator]
        if end is None:
            end = min(start + timedelta(days=6), latest)
        b = Period(start, end)
    if b.start > b.end:
        raise ParameterError(f"The start date {b.start} is after the end date {b.end}.",
                             hint="Swap them or pick another range.")
    if b.end > latest:
        notes.append(f"end moved from {b.end} to {latest}, the latest complete day")
        b = Period(b.start, latest)
    if compare_start is None and compare_end is None:
        a = b.shifted(1)
    else:
        cs = compare_start or compare_end - timedelta(days=b.days - 1)  # type: ignore[operator]
        ce = compare_end or cs + timedelta(days=b.days - 1)
        a = Period(cs, ce)
        if a.start > a.end:
            raise ParameterError(f"The comparison start {a.start} is after its end {a.end}.",
                                 hint="Swap them or pick another range.")
    for p in (a, b):
        if p.end < first or p.start > latest:
            raise ParameterError(
                f"No data for {p.label()}; the data covers {first} to {latest}.",
                hint="Pick ranges inside the data, for example last week and the week before.",
            )
    if a.start < first:
        notes.append(f"the earlier range starts before the data ({first}): it is partial")
    return a, b, notes


_TWINS: weakref.WeakKeyDictionary[Catalog, Catalog] = weakref.WeakKeyDictionary()


def sizes_catalog(catalog: Catalog) -> Catalog:
    """The same database and metrics with every group's size kept (minimum size 1).

    Hiding is decided here, by the answer as a whole (guard.py), which needs the true size
    of every group: the catalog's own suppression blanks them. Nothing read through it is
    shown before that decision.
    """
    return companion(_TWINS, catalog, catalog.registry)


def companion(cache: weakref.WeakKeyDictionary, catalog: Catalog, registry) -> Catalog:
    """A catalog beside `catalog` (same file, zone and data version) with sizes kept."""
    catalog.engine.version  # noqa: B018 - opened, so its data version is known
    other = cache.get(catalog)
    if other is not None and other.version is not None and (
            other.db_path != catalog.db_path or other.version != catalog.version):
        other.close()  # the data changed under the app: read the new data
        other = None
    if other is None:
        settings = catalog.settings.model_copy(update={"min_group_size": 1})
        other = Catalog(catalog.db_path, settings=settings, registry=registry)
        cache[catalog] = other
        catalog.attach(other)  # a load closes the app's catalog: the file is then free
    return other


def release(catalog: Catalog) -> None:
    """Close the companions' connections too (a loader needs the file to itself)."""
    from assistant.metrics.change import fast

    for cache in (_TWINS, fast._CATALOGS):
        other = cache.pop(catalog, None)
        if other is not None:
            other.close()


class Reader:
    """Runs a figure's metric and reads the figure off its rows (sizes kept, see guard.py)."""

    def __init__(self, catalog: Catalog, figure: Figure, filters: dict[str, list[str]]) -> None:
        self.catalog = sizes_catalog(catalog)
        self.min_size = catalog.settings.min_group_size
        self.figure = figure
        self.filters = {k: v for k, v in filters.items() if k in FILTERS and v}
        self.calls = 0

    def small(self, c: Cell) -> bool:
        return c.size is not None and 0 < c.size < self.min_size

    def rows(self, period: Period, group_by: str = "none",
             extra: dict[str, list[str]] | None = None) -> dict[Any, dict[str, Any]]:
        """The figure's metric row of each segment (as the catalog returns it)."""
        args: dict[str, Any] = {**self.filters, **(extra or {}), **self.figure.args,
                                "start": period.start, "end": period.end}
        if group_by != "none":
            args["group_by"] = group_by
        self.calls += 1
        return pick(self.figure, self.catalog.run(self.figure.metric, args).rows)

    def prefetch(self, calls: list[tuple[Period, str]], workers: int = 4) -> None:
        """Run independent metric calls side by side; the catalog keeps their results, so
        the explanation's own calls then read them from its cache."""
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for future in [pool.submit(self.rows, p, g) for p, g in calls]:
                try:
                    future.result()
                except UserError:
                    pass  # asked again in order below, where the error is handled

    def total(self, period: Period, extra: dict[str, list[str]] | None = None) -> Cell:
        """The unsplit figure; hidden when too few people are in it."""
        c = cell(self.figure, self.rows(period, extra=extra).get("all"))
        return Cell(None, None, None, None, hidden=True) if self.small(c) else c

    def daily(self, period: Period, extra: dict[str, list[str]] | None = None
              ) -> list[Cell]:
        """The figure day by day (visible days only), for days-as-replicates intervals."""
        if not self.figure.trends:
            return []
        rows = self.rows(period, "day", extra)
        return [c for c in (cell(self.figure, r) for r in rows.values())
                if c.value is not None and c.den and not self.small(c)]

    def trend(self, period: Period, group_by: str) -> dict[str, float | None]:
        """The figure per day or ISO week of a range, keyed by its label."""
        rows = self.rows(period, group_by)
        cells = {str(k): cell(self.figure, r) for k, r in sorted(rows.items())}
        return {k: (None if self.small(c) else c.value) for k, c in cells.items()}


def values_of(cells: dict[Any, Cell], hidden: set[Any]) -> dict[Any, Cell]:
    """Cells with the hidden segments blanked (shown as hidden, never by their figures)."""
    return {s: (Cell(None, None, None, None, hidden=True) if s in hidden else c)
            for s, c in cells.items()}

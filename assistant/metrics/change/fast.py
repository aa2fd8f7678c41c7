"""A faster reader for the activity figures (DAU, minutes per user-day, core-action rate).

Their parts come from two reviewed figure queries in tools/figures/ (same YAML header and
review as the metrics, never offered as chat tools): one pass gives both periods, whole
and split four ways; another gives consecutive equal periods (history, days, alerts).
The rows are shaped like the metrics' own, so the rest of the explanation reads them alike.
"""

from __future__ import annotations

import weakref
from typing import Any

from assistant.config import TOOLS_DIR
from assistant.metrics.catalog import Catalog
from assistant.metrics.change.compare import Period, Reader, companion
from assistant.metrics.change.figures import Figure
from assistant.metrics.registry import Registry

FIGURES_DIR = TOOLS_DIR / "figures"
FAST = ("dau", "minutes_per_user_day", "core_action_rate")
_REGISTRY: Registry | None = None
_CATALOGS: weakref.WeakKeyDictionary[Catalog, Catalog] = weakref.WeakKeyDictionary()


def figures_catalog(catalog: Catalog) -> Catalog:
    """The figure queries on the same database, sizes kept (hiding is decided in guard.py)."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = Registry(FIGURES_DIR)
    return companion(_CATALOGS, catalog, _REGISTRY)


def _shape(figure: Figure, row: dict[str, Any], n_days: int) -> dict[str, Any]:
    """A figure-query row in the shape of the figure's metric row."""
    out = {"segment": row["segment"], "active_users": row["active_users"]}
    if figure.name == "dau":
        out["avg_dau"] = row["user_days"] / n_days
    elif figure.name == "minutes_per_user_day":
        out["user_days"] = row["user_days"]
        out["minutes_per_user_day"] = row["minutes"] / row["user_days"]
    else:
        out |= {"action": "any", "users_done": row["core_users"],
                "rate": row["core_users"] / row["active_users"]}
    return out


class FastReader(Reader):
    """Reads the activity figures from the figure queries; other calls as the base does."""

    def __init__(self, catalog: Catalog, figure: Figure, filters: dict[str, list[str]],
                 pair: tuple[Period, Period] | None = None) -> None:
        super().__init__(catalog, figure, filters)
        self.figures = figures_catalog(catalog)
        self.pair = pair

    def prefetch(self, calls: list[tuple[Period, str]], workers: int = 4) -> None:
        """One query answers every split of both periods: nothing to run side by side."""

    def _filters(self, extra: dict[str, list[str]] | None) -> dict[str, list[str]]:
        return {**self.filters, **(extra or {})}

    def rows(self, period: Period, group_by: str = "none",
             extra: dict[str, list[str]] | None = None) -> dict[Any, dict[str, Any]]:
        if group_by in ("day", "week"):
            return self.series(period, 1 if group_by == "day" else 7, extra)
        if self.pair is not None and period in self.pair:
            a, b = self.pair
            self.calls += 1
            res = self.figures.run("activity_parts", {
                **self._filters(extra), "start": b.start, "end": b.end,
                "compare_start": a.start, "compare_end": a.end})
            tag = "a" if period == a else "b"
            return {r["segment"]: _shape(self.figure, r, period.days) for r in res.rows
                    if r["period"] == tag and r["split"] == group_by}
        if group_by == "none":
            row = next(iter(self.series(period, period.days, extra).values()), None)
            return {} if row is None else {"all": row}
        return super().rows(period, group_by, extra)

    def series(self, span: Period, days: int, extra: dict[str, list[str]] | None = None
               ) -> dict[Any, dict[str, Any]]:
        """The figure for each period of `days` days from the span's start, by start day."""
        self.calls += 1
        res = self.figures.run("activity_periods", {
            **self._filters(extra), "start": span.start, "end": span.end, "days": days})
        return {r["segment"]: _shape(self.figure, r, r["n_days"]) for r in res.rows}


def reader_for(catalog: Catalog, figure: Figure, filters: dict[str, list[str]],
               pair: tuple[Period, Period] | None = None) -> Reader:
    """The fast reader for an activity figure, else the metric reader."""
    if figure.name in FAST:
        return FastReader(catalog, figure, filters, pair)
    return Reader(catalog, figure, filters)

"""The one privacy step of a metric run: withhold, hide small groups, hide small counts."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from assistant.metrics.privacy.complements import check_complements
from assistant.metrics.privacy.rules import rules_for
from assistant.metrics.privacy.suppression import complementary_suppression, withhold_counts
from assistant.metrics.privacy.withheld import LIST_FILTERS
from assistant.store import population

if TYPE_CHECKING:
    from assistant.metrics.catalog import Catalog
    from assistant.metrics.registry import Metric

# group_by values that split one total into parts, and those that split it over time
BREAKDOWNS = frozenset({"country", "region", "platform", "channel"})
TRENDS = frozenset({"day", "week"})
CACHE_SIZE = 512  # measured populations kept, least recently used dropped first

_cache: OrderedDict[tuple, Any] = OrderedDict()
_cache_lock = threading.Lock()


def protect(
    catalog: Catalog, metric: Metric, rows: list[dict[str, Any]], params: dict[str, Any],
    notes: list[str],
) -> int:
    """Everything a result goes through before anyone sees it; returns the rows hidden.

    1. Withheld (raises `Withheld`) when a filter or a filter value leaves out a small
       group (privacy/complements.py).
    2. Rows whose size is small are hidden; in a breakdown or trend, enough others too.
    3. People counts inside a row (payers, retained users ...) obey the same minimum: a
       row with a small count is hidden whole (privacy/rules.py).
    """
    size = metric.size_column
    k = catalog.settings.min_group_size
    if not size or k <= 1:
        return 0
    if params.get("group_by", "none") == "none":
        # the answer's own rows are the base the complements are measured against
        _cached(catalog, _run_key(metric, params), lambda: _sizes_of(metric, rows))
    check_complements(params, k, lambda p: sizes(catalog, metric, p))
    labels = [c for c, col in metric.columns.items() if col.format == "label"]
    # Only labels survive: a data-derived text (a verdict, say) could hint at the figure.
    keep = set(labels) | {"segment"}
    values = sorted({c for row in rows for c in row} - keep)
    group_by = params.get("group_by")
    parts = [c for c in labels if c != "segment"]
    original = [dict(r) for r in rows]
    if group_by in BREAKDOWNS or group_by in TRENDS:
        # Segments of one breakdown add up to the unsplit total, and the days of a trend to
        # the range's user-days: hiding only the small ones lets "total minus the visible
        # groups" reveal them. Each combination of the other labels (D1 and D7, one heatmap
        # cell) is its own split of that total.
        hidden = complementary_suppression(
            rows, size, k, values, parts, same_across="segment",
            overlapping=group_by in TRENDS,
        )
    else:
        hidden = 0
        for row in rows:
            n = row.get(size)
            if n is not None and 0 < n < k:
                for c in values:
                    row[c] = None
                row["suppressed"] = True
                hidden += 1
    grouped = group_by in BREAKDOWNS or group_by in TRENDS
    return hidden + withhold_counts(
        rows, original, rules_for(metric.name).counts, k, values,
        parts if grouped else None, overlapping=group_by in TRENDS,
    )


def sizes(catalog: Catalog, metric: Metric, params: dict[str, Any]) -> dict[tuple, int]:
    """The size column of the whole answer (no breakdown) per row label, for `params`."""
    kind = rules_for(metric.name).population
    if kind in population.SQL and catalog.engine.name == "duckdb":
        return _from_cells(catalog, metric, kind, params)
    values = _whole(metric, params)
    return _cached(catalog, _run_key(metric, params),
                   lambda: _sizes_of(metric, catalog.measure(metric, values)))


def _whole(metric: Metric, params: dict[str, Any]) -> dict[str, Any]:
    return {**params, "group_by": "none"} if "group_by" in metric.params else dict(params)


def _run_key(metric: Metric, params: dict[str, Any]) -> tuple:
    return ("run", metric.name, json.dumps(_whole(metric, params), sort_keys=True, default=str))


def _sizes_of(metric: Metric, rows: list[dict[str, Any]]) -> dict[tuple, int]:
    labels = [c for c, col in metric.columns.items() if col.format == "label" and c != "segment"]
    out: dict[tuple, int] = {}
    for row in rows:
        n = row.get(metric.size_column)
        if isinstance(n, int):
            out[tuple(row.get(c) for c in labels)] = n
    return out


def _from_cells(
    catalog: Catalog, metric: Metric, kind: str, params: dict[str, Any]
) -> dict[tuple, int]:
    start, end = params["start"], params["end"]
    key = ("cells", kind, start.isoformat(), end.isoformat())
    cells = _cached(catalog, key, lambda: catalog.query(
        population.SQL[kind], population.bound(start, end)))
    chosen = {f: set(params[f]) for f in LIST_FILTERS if params.get(f)}
    column = {"countries": "country", "regions": "region", "platforms": "platform",
              "channels": "channel"}
    kept = [c for c in cells if all(c[column[f]] in v for f, v in chosen.items())]
    if kind == "viewers":  # per quality, as live_quality's rows
        out: dict[tuple, int] = {}
        for c in kept:
            out[(c["quality"],)] = out.get((c["quality"],), 0) + c["n"]
        return out
    if kind != "cohort":
        return {(): sum(c["n"] for c in kept)}
    # retention: one cohort per day N, of the signup days whose day N is complete
    last = catalog.latest_day()
    return {
        (n,): sum(c["n"] for c in kept if (last - c["signup_day"]).days >= n)
        for n in params.get("days") or ()
    }


def _cached(catalog: Catalog, key: tuple, compute: Any) -> Any:
    full = (str(catalog.db_path), catalog.settings.report_timezone, catalog.version, *key)
    with _cache_lock:
        if full in _cache:
            _cache.move_to_end(full)
            return _cache[full]
    value = compute()
    with _cache_lock:
        _cache[full] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()

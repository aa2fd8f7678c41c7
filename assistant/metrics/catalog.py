"""Running vetted metrics: bound parameters on a locked-down connection, suppressed small groups."""

from __future__ import annotations

import copy
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from assistant.config import Settings, get_settings
from assistant.engines.base import Engine, open_engine
from assistant.errors import DataError
from assistant.metrics import privacy
from assistant.metrics.registry import Metric, Registry, get_registry, resolve_dates
from assistant.present.numbers import fmt
from assistant.prompts import text
from assistant.store import db

log = logging.getLogger(__name__)

SUMMARY_ROWS = 12  # what the model reads: enough for a breakdown, never a whole table
CACHE_SIZE = 256  # results kept per catalog, least recently used dropped first
# Source tables a dataset may leave empty (word in a metric's SQL -> table that feeds it):
# a metric reading one with no rows says there is no such data instead of answering 0%.
OPTIONAL_SOURCES = {"payments": "payments", "calls": "calls", "live_views": "live_views",
                    "live_day": "live_views"}


@dataclass
class MetricResult:
    """A metric's answer: the table for people, a compact summary for the model."""

    metric: Metric
    params: dict[str, Any]
    columns: list[str]
    rows: list[dict[str, Any]]
    sql: str
    elapsed_ms: float
    notes: list[str] = field(default_factory=list)
    suppressed: int = 0

    @property
    def visible_rows(self) -> list[dict[str, Any]]:
        return [r for r in self.rows if not r.get("suppressed")]

    def summary(self) -> str:
        """Headline numbers and the first rows, formatted, for the model to read."""
        p = self.params
        filters = [
            f"{k}={','.join(map(str, v))}" for k, v in p.items() if isinstance(v, list) and v
        ]
        if p.get("group_by", "none") != "none":
            filters.append(f"group_by={p['group_by']}")
        for k in ("threshold_ms", "window_days"):
            if k in p:
                filters.append(f"{k}={p[k]}")
        lines = [
            f"{self.metric.name}: {p.get('start')} to {p.get('end')}"
            + (f" ({'; '.join(filters)})" if filters else " (all users)")
        ]
        shown = self._summary_rows()
        for row in shown:
            if row.get("suppressed"):
                lines.append(
                    f"- {privacy.quote_label(row.get('segment', ''))}: suppressed "
                    "(privacy minimum: too few users, or hidden so a small group "
                    "cannot be worked out)"
                )
                continue
            lines.append("- " + ", ".join(
                f"{c}={self._cell(row, c)}"
                for c in self.columns
                if c in self.metric.columns and row.get(c) is not None
            ))
        if len(self.rows) > len(shown):
            lines.append(f"... {len(self.rows) - len(shown)} more rows")
        if not self.rows:
            lines.append("- no rows: nothing matched these filters in this range")
        lines += [f"note: {n}" for n in self.notes]
        lines.append(privacy.DATA_NOTE)
        return "\n".join(lines)

    def _cell(self, row: dict[str, Any], col: str) -> str:
        kind = self.metric.columns[col].format
        if kind in ("text", "label"):
            return privacy.quote_label(row[col])
        if kind == "float" and row.get("unit"):
            kind = row["unit"]  # mixed-unit tables (the scorecard) say per row
        return fmt(row[col], kind)

    def _summary_rows(self) -> list[dict[str, Any]]:
        """The first rows, shared fairly between segments so every segment is seen."""
        if len(self.rows) <= SUMMARY_ROWS:
            return self.rows
        by_segment: dict[Any, list[dict[str, Any]]] = {}
        for row in self.rows:
            by_segment.setdefault(row.get("segment"), []).append(row)
        quota = max(1, SUMMARY_ROWS // len(by_segment))
        return [r for rows in by_segment.values() for r in rows[:quota]][: SUMMARY_ROWS * 2]

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape of `assistant metric --json`."""
        return {
            "metric": self.metric.name,
            "params": self.params,
            "columns": self.columns,
            "rows": self.rows,
            "summary": self.summary(),
        }

    def figure(self, lang: str = "en"):
        from assistant.present.charts import build_figure

        return build_figure(self, lang)


class Catalog:
    """The metric catalog bound to one database: validates, runs, suppresses.

    The queries run on the engine the settings name (DuckDB, or Spark); everything here
    (parameters, privacy, suppression, caching, notes) is the same on every engine.
    """

    def __init__(
        self,
        db_path: Path | str | None = None,
        *,
        settings: Settings | None = None,
        registry: Registry | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.db_path = Path(db_path or self.settings.db_path)
        self.registry = registry or get_registry()
        self.engine: Engine = open_engine(self.settings, self.db_path, self.registry)
        self._range: db.DataRange | None = None
        self._lock = threading.Lock()
        # results by (metric, params, zone, data version); post-suppression, handed out as copies
        self._cache: OrderedDict[tuple, MetricResult] = OrderedDict()
        self.executions = 0  # metric queries actually run (cache misses)
        self._loaded: dict[tuple[str, str | None], bool] = {}  # optional source -> has rows
        self._companions: list[Catalog] = []  # catalogs on the same file, closed with this one

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection (the embedded engine only)."""
        con = getattr(self.engine, "con", None)
        if con is None:
            raise DataError(f"The {self.engine.name} engine has no DuckDB connection.")
        return con

    def close(self) -> None:
        """Release the file (a loader needs it), forgetting what was cached."""
        for other in self._companions:
            other.close()
        with self._lock:
            self.engine.close()
            self._range = None
            self._cache.clear()

    @property
    def data_range(self) -> db.DataRange:
        if self._range is None:
            self._range = self.engine.data_range(self.settings.report_timezone)
        return self._range

    def latest_day(self) -> date:
        rng = self.data_range
        if rng.latest_complete_day is None:
            raise DataError(
                "The database has no sessions yet.",
                hint="Run `assistant demo` or load your files with `assistant load`.",
            )
        return rng.latest_complete_day

    def resolve(self, name: str, args: dict[str, Any] | None = None) -> tuple[Metric, dict]:
        """Validated, fully resolved parameters (dates filled in) for a metric call."""
        metric = self.registry.get(name)
        values = metric.validate(args).model_dump()
        notes: list[str] = []
        if "start" in metric.params:
            privacy.check_date_reach(
                values.get("start"), values.get("end"),
                self.data_range.first_day, self.latest_day(),
            )
            values["start"], values["end"], notes = resolve_dates(
                metric, values.get("start"), values.get("end"),
                self.latest_day(), self.data_range.first_day,
            )
        values["_notes"] = notes
        return metric, values

    def _check_sources(self, metric: Metric) -> None:
        """A metric on a source table with no rows says so, rather than answering 0%."""
        for ref, table in OPTIONAL_SOURCES.items():
            if not re.search(rf"\b{ref}\b", metric.sql):
                continue
            key = (table, self.engine.version)
            if key not in self._loaded:
                self._loaded[key] = self.engine.has_rows(table)
            if not self._loaded[key]:
                msg = " ".join(text("no_source_data", lang, table=table, metric=metric.title[lang])
                               for lang in ("en", "zh"))
                raise DataError(msg)

    def run(self, name: str, args: dict[str, Any] | None = None) -> MetricResult:
        metric, values = self.resolve(name, args)
        self._check_sources(metric)
        notes = values.pop("_notes")
        bound = self._bind(metric, values)
        key = (name, json.dumps(bound, sort_keys=True, default=str),
               self.settings.report_timezone, self.engine.version)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
        if hit is not None:
            return _copy(hit)
        t0 = time.perf_counter()
        columns, raw = self.engine.run(metric, bound, max_rows=self.settings.max_result_rows)
        elapsed = (time.perf_counter() - t0) * 1000
        rows = [dict(zip(columns, r, strict=True)) for r in raw]
        # small groups: withheld answers (raises), hidden rows and people counts
        suppressed = privacy.protect(self, metric, rows, values, notes)
        params = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}
        log.info("%s %s: %d rows in %.0f ms", name, params, len(rows), elapsed)
        result = MetricResult(metric, params, columns, rows, metric.sql, elapsed, notes, suppressed)
        with self._lock:
            self.executions += 1
            self._cache[key] = _copy(result)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return result

    def _bind(self, metric: Metric, values: dict[str, Any]) -> dict[str, Any]:
        bound = {**values, "tz": self.settings.report_timezone}
        if "$last_day" in metric.sql:
            bound["last_day"] = self.latest_day()
        return {k: v for k, v in bound.items() if f"${k}" in metric.sql}

    def attach(self, other: Catalog) -> None:
        """Close `other` whenever this catalog is closed (it reads the same file)."""
        self._companions.append(other)

    @property
    def version(self) -> str | None:
        """The data version the engine sees (None before it is opened)."""
        return self.engine.opened_version

    def query(self, sql: str, bound: dict[str, Any]) -> list[dict[str, Any]]:
        """Rows of a vetted store query (DuckDB SQL) as they are, for privacy checks."""
        columns, raw = self.engine.run_sql(sql, bound, max_rows=self.settings.max_result_rows)
        return [dict(zip(columns, r, strict=True)) for r in raw]

    def measure(self, metric: Metric, values: dict[str, Any]) -> list[dict[str, Any]]:
        """A metric's rows for resolved parameters, unsuppressed and uncached: never shown."""
        columns, raw = self.engine.run(metric, self._bind(metric, values),
                                       max_rows=self.settings.max_result_rows)
        return [dict(zip(columns, r, strict=True)) for r in raw]


def _copy(result: MetricResult) -> MetricResult:
    """A copy whose rows, params and notes can be changed without touching the original."""
    return replace(
        result, params=copy.deepcopy(result.params), columns=list(result.columns),
        rows=copy.deepcopy(result.rows), notes=list(result.notes),
    )

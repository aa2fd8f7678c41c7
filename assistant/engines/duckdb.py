"""The embedded engine: the DuckDB file, read-only and locked down, with its rollups."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path
from typing import Any

import duckdb

from assistant.config import Settings
from assistant.metrics.registry import Metric
from assistant.store import db, rollups


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, settings: Settings, db_path: Path) -> None:
        self.settings = settings
        self.db_path = db_path
        self._con: duckdb.DuckDBPyConnection | None = None
        self._version: str | None = None
        self._temp_rollups = False
        self._lock = threading.Lock()
        self._run_lock = threading.Lock()

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if self._con is None:
                con = db.connect_read(self.db_path)
                # rollups built for another zone or data (or none): TEMP copies shadow them,
                # seen only by this connection itself, so queries then run on it in turn
                self._temp_rollups = not rollups.is_current(con, self.settings.report_timezone)
                if self._temp_rollups:
                    rollups.rebuild(con, self.settings.report_timezone, temp=True)
                # a read-only connection sees no later writes: one version per connection
                self._version = con.execute("SELECT data_version FROM rollup_info").fetchone()[0]
                self._con = con
            return self._con

    @property
    def version(self) -> str:
        self.con  # noqa: B018 - opening the connection reads the version
        assert self._version is not None
        return self._version

    def data_range(self, tz: str) -> db.DataRange:
        return db.data_range(self.con, tz)

    def run(
        self, metric: Metric, bound: dict[str, Any], *, max_rows: int
    ) -> tuple[list[str], list[tuple]]:
        return self.run_sql(metric.sql, bound, max_rows=max_rows)

    @property
    def opened_version(self) -> str | None:
        return self._version

    def has_rows(self, table: str) -> bool:
        """Whether a table of the contract holds any row (`table` is never user input)."""
        return bool(self.run_sql(f"SELECT 1 FROM {table} LIMIT 1", {}, max_rows=1)[1])

    def run_sql(
        self, sql: str, bound: dict[str, Any], *, max_rows: int
    ) -> tuple[list[str], list[tuple]]:
        """A vetted store query (the privacy checks' population counts)."""
        con = self.con
        with self._run_lock if self._temp_rollups else contextlib.nullcontext():
            return db.run_query(
                con, sql, bound, timeout_s=self.settings.query_timeout_s,
                max_rows=max_rows, own_cursor=not self._temp_rollups,
            )

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                try:
                    self._con.close()
                except duckdb.Error:  # busy with a query of another thread: stop it first
                    self._con.interrupt()
                    time.sleep(0.05)
                    self._con.close()
            self._con = None
            self._version = None

"""What the catalog needs from a query engine: run one vetted metric, describe the data.

Everything else (parameter checks, privacy, suppression, caching, notes) stays in the
catalog and is the same on every engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from assistant.config import Settings
from assistant.metrics.registry import Metric, Registry
from assistant.store.db import DataRange


class Engine(Protocol):
    name: str

    @property
    def version(self) -> str:
        """The data version: changes whenever the data does (results are cached on it)."""
        ...

    def data_range(self, tz: str) -> DataRange:
        """First and last activity day in zone `tz`, and the latest complete day."""
        ...

    def run(
        self, metric: Metric, bound: dict[str, Any], *, max_rows: int
    ) -> tuple[list[str], list[tuple]]:
        """Run the metric's SQL with its bound parameters, within the engine's time limit."""
        ...

    @property
    def opened_version(self) -> str | None:
        """The data version if the engine is open, else None (nothing is opened for it)."""
        ...

    def has_rows(self, table: str) -> bool:
        """Whether one of the contract's tables holds any row."""
        ...

    def run_sql(
        self, sql: str, bound: dict[str, Any], *, max_rows: int
    ) -> tuple[list[str], list[tuple]]:
        """A vetted store query (DuckDB SQL); engines that cannot take it raise DataError."""
        ...

    def close(self) -> None: ...


def open_engine(settings: Settings, db_path: Path, registry: Registry) -> Engine:
    """The engine the settings name, bound to the data they point at."""
    if settings.engine == "spark":
        from assistant.engines.spark import SparkEngine

        return SparkEngine(settings, db_path, registry)
    from assistant.engines.duckdb import DuckDBEngine

    return DuckDBEngine(settings, db_path)

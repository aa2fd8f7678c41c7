"""The distributed engine: the vetted catalog on Apache Spark (local, or a cluster).

A local Spark (`spark_master`, local[2] by default) runs in this process's JVM; with
`spark_remote` the queries go to a cluster through Spark Connect and only results come
back. Each engine has its own Spark session (its own temp views and settings), all
pinned to UTC: the raw tables hold UTC wall times, the reporting zone is applied by the
SQL itself. The same rules as on DuckDB hold: only the vetted, transpiled SELECTs run,
on read-only views of the tables, each within a time limit and a row cap.
"""

from __future__ import annotations

import logging
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from assistant.config import Settings
from assistant.engines import spark_tables
from assistant.engines.spark_sql import bind, to_spark
from assistant.errors import DataError, QueryTimeout
from assistant.metrics.registry import ALLOWED_TABLES, CONTEXT_PARAMS, Metric, Registry
from assistant.store.db import DataRange, range_from

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

log = logging.getLogger(__name__)

CONTEXT_TYPES = {"tz": "text", "last_day": "date"}
assert set(CONTEXT_TYPES) == CONTEXT_PARAMS
SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    # Parquet timestamps without a zone (as DuckDB writes them) stay wall times
    "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
}
LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",  # demo-sized data on a few cores
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
}

_base: SparkSession | None = None
_base_lock = threading.Lock()


def new_session(settings: Settings) -> SparkSession:
    """A Spark session of its own: a cluster's through Spark Connect, or a local one."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise DataError(
            "The Spark engine needs pyspark, which is not installed.",
            hint="Install it with: pip install 'activity-assistant[spark]'",
        ) from None
    global _base
    try:
        if settings.spark_remote:
            session = SparkSession.builder.remote(settings.spark_remote).create()
        else:
            with _base_lock:
                if _base is None:
                    builder = SparkSession.builder.master(settings.spark_master)
                    for key, value in {**LOCAL_CONF, **SESSION_CONF}.items():
                        builder = builder.config(key, value)
                    _base = builder.appName("activity-assistant").getOrCreate()
                    _base.sparkContext.setLogLevel("ERROR")
            session = _base.newSession()
    except Exception as exc:  # noqa: BLE001 - no Java, a refused connection, ...
        where = settings.spark_remote or settings.spark_master
        raise DataError(
            f"Spark could not start ({where}): {str(exc).splitlines()[0][:200]}",
            hint="A local Spark needs a Java 17+ runtime (JAVA_HOME); a cluster needs "
            "ASSISTANT_SPARK_REMOTE=sc://host:15002.",
        ) from None
    for key, value in SESSION_CONF.items():
        session.conf.set(key, value)
    return session


def stop_local() -> None:
    """Stop the local Spark of this process (tests and benchmarks end with it)."""
    global _base
    with _base_lock:
        if _base is not None:
            _base.stop()
        _base = None


class SparkQuery:
    """One metric transpiled once: its Spark tree with placeholders, checked read-only."""

    def __init__(self, metric: Metric) -> None:
        self.sql = metric.sql
        self.types = {**{n: p.type for n, p in metric.params.items()}, **CONTEXT_TYPES}
        self.tree = to_spark(metric.sql, self.types)
        _check_read_only(metric.name, self.tree)

    def bind(self, values: dict[str, Any]) -> str:
        return bind(self.tree, values, self.types)


def _check_read_only(name: str, tree: exp.Expression) -> None:
    """The transpiled text is still one SELECT over the contract's tables only."""
    if not isinstance(tree, exp.Query):
        raise DataError(f"{name}: the Spark query is not a SELECT.")
    ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
    for node in tree.walk():
        if isinstance(node, (exp.Insert, exp.Update, exp.Delete, exp.Create, exp.Drop,
                             exp.Command, exp.Set)):
            raise DataError(f"{name}: {node.key.upper()} is not allowed.")
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Identifier):
            if node.db or node.catalog or node.name not in ALLOWED_TABLES | ctes:
                raise DataError(f"{name}: reads {node.sql()!r}, not a table of the contract.")


class SparkEngine:
    name = "spark"

    def __init__(self, settings: Settings, db_path: Path, registry: Registry) -> None:
        self.settings = settings
        self.where = spark_tables.Locations.from_settings(settings, Path(db_path))
        # every metric transpiled when the catalog loads: a file Spark cannot take fails now
        self.queries = {m.name: SparkQuery(m) for m in registry}
        self._spark: SparkSession | None = None
        self._version: str | None = None
        self._lock = threading.Lock()

    @property
    def spark(self) -> SparkSession:
        with self._lock:
            if self._spark is None:
                spark = new_session(self.settings)
                tz = self.settings.report_timezone
                try:
                    spark_tables.register_raw(spark, self.where)
                    version = spark_tables.data_version(spark)
                except Exception as exc:  # noqa: BLE001 - a missing file, a missing table
                    raise DataError(
                        f"Spark cannot read the tables: {str(exc).splitlines()[0][:200]}",
                        hint="Export them with `assistant export-parquet`, or point "
                        "ASSISTANT_SPARK_DATA / ASSISTANT_SPARK_DATABASE at them.",
                    ) from None
                if not spark_tables.current_rollups(spark, self.where, tz, version):
                    log.warning("no current Spark rollups for %s: building them for this "
                                "session (`assistant rollups --engine spark` writes them)", tz)
                    spark_tables.build_rollups(spark, self.where, tz, version, write=False)
                self._version = version
                self._spark = spark
            return self._spark

    @property
    def version(self) -> str:
        self.spark  # noqa: B018 - opening the session reads the version
        assert self._version is not None
        return self._version

    def data_range(self, tz: str) -> DataRange:
        row = self.spark.sql(
            "SELECT min(started_at) AS lo, max(started_at) AS hi, count(*) AS n, "
            "(SELECT count(*) FROM users) AS users FROM sessions"
        ).collect()[0]
        return range_from(row["lo"], row["hi"], row["users"], row["n"], tz)

    def query(self, metric: Metric) -> SparkQuery:
        query = self.queries.get(metric.name)
        if query is None or query.sql != metric.sql:
            query = self.queries[metric.name] = SparkQuery(metric)
        return query

    def run(
        self, metric: Metric, bound: dict[str, Any], *, max_rows: int
    ) -> tuple[list[str], list[tuple]]:
        text = self.query(metric).bind(bound)
        spark = self.spark
        timeout_s = self.settings.spark_query_timeout_s
        tag = f"metric-{uuid.uuid4().hex}"
        fired = threading.Event()

        def stop() -> None:
            fired.set()
            spark.interruptTag(tag)

        timer = threading.Timer(timeout_s, stop)
        spark.addTag(tag)
        timer.start()
        late = QueryTimeout(
            f"The query took longer than {timeout_s:g} s and was stopped.",
            hint="Try a shorter date range or fewer breakdowns.",
        )
        try:
            df = spark.sql(text)
            rows = [tuple(r) for r in df.take(max_rows + 1)]
            columns = list(df.columns)
        except Exception as exc:  # noqa: BLE001 - Spark reports through many exception types
            if fired.is_set():
                raise late from None
            raise DataError(
                f"Spark could not run {metric.name}: {str(exc).splitlines()[0][:300]}"
            ) from exc
        finally:
            timer.cancel()
            spark.removeTag(tag)
        if fired.is_set():  # over the limit while still planning: no job to cancel then
            raise late
        if len(rows) > max_rows:
            log.warning("result cut to %d rows", max_rows)
            rows = rows[:max_rows]
        return columns, rows

    @property
    def opened_version(self) -> str | None:
        return self._version

    def has_rows(self, table: str) -> bool:
        """Whether a table of the contract holds any row (`table` is never user input)."""
        return bool(self.spark.sql(f"SELECT 1 FROM {table} LIMIT 1").take(1))

    def run_sql(
        self, sql: str, bound: dict[str, Any], *, max_rows: int
    ) -> tuple[list[str], list[tuple]]:
        """Store queries are DuckDB SQL: the privacy checks measure by the metric instead."""
        raise DataError("The Spark engine runs only the vetted metric queries.")

    def close(self) -> None:
        with self._lock:
            if self._spark is not None and self.settings.spark_remote:
                self._spark.stop()
            self._spark = None
            self._version = None


def build_and_write(settings: Settings, db_path: Path, tz: str) -> tuple[float, str]:
    """The rollup batch job: build every rollup for `tz` on Spark and write it as Parquet."""
    where = spark_tables.Locations.from_settings(settings, Path(db_path))
    spark = new_session(settings)
    try:
        spark_tables.register_raw(spark, where)
        version = spark_tables.data_version(spark)
        seconds = spark_tables.build_rollups(spark, where, tz, version, write=True)
    finally:
        if settings.spark_remote:
            spark.stop()
    return seconds, f"{where.rollups.rstrip('/')}/{spark_tables.zone_key(tz)}"

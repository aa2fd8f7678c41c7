"""Where Spark finds the tables, and the rollup build as a Spark batch job.

Raw tables are read from one `<table>.parquet` (a file or a folder) per table in a folder
or URL, or from a catalog database. The rollups are the DuckDB build of
`assistant.store.rollups`, transpiled, each table written as Parquet under
`<rollups>/<zone>/` (CREATE TABLE AS would need a table catalog such as Delta or Iceberg).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import sqlglot
from sqlglot import exp

from assistant.config import Settings
from assistant.engines.spark_sql import bind, to_spark
from assistant.errors import DataError
from assistant.store import db, rollups

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

log = logging.getLogger(__name__)

RAW_TABLES = (*db.TABLES, "regions")
BUILDING = "building"  # rollup_info's data version while a build runs


@dataclass(frozen=True)
class Locations:
    """Where the raw tables are read and the rollups written."""

    data: str | None  # folder or URL holding <table>.parquet
    database: str | None  # or: catalog database with the raw tables
    rollups: str

    @classmethod
    def from_settings(cls, settings: Settings, db_path: Path) -> Locations:
        data = settings.spark_data
        if data is None and settings.spark_database is None:
            data = str(default_parquet_dir(db_path))
        roll = settings.spark_rollups or (f"{data.rstrip('/')}/rollups" if data else None)
        if roll is None:
            raise DataError(
                "Spark needs a folder for its rollups.",
                hint="Set ASSISTANT_SPARK_ROLLUPS to a folder or URL Spark can write to.",
            )
        return cls(data, settings.spark_database, roll)

    def raw(self, table: str) -> str:
        return f"{self.data.rstrip('/')}/{table}.parquet" if self.data else ""

    def rollup(self, tz: str, table: str) -> str:
        return f"{self.rollups.rstrip('/')}/{zone_key(tz)}/{table}.parquet"


def default_parquet_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.stem + "_parquet")


def zone_key(tz: str) -> str:
    return tz.replace("/", "__")


def export_parquet(db_path: Path, folder: Path) -> dict[str, int]:
    """Write each raw table of a DuckDB file as `<folder>/<table>.parquet`; row counts."""
    if not Path(db_path).is_file():
        raise DataError(f"No database at {db_path}.", hint="Run `assistant demo` first.")
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with _readable_copy(Path(db_path)) as path:
        _write_tables(path, folder, counts)
    return counts


@contextmanager
def _readable_copy(db_path: Path) -> Iterator[Path]:
    """The file itself, or a copy of it when this process already has it open with the app's
    locked-down settings (DuckDB refuses a second, differently configured connection)."""
    try:
        duckdb.connect(str(db_path), read_only=True).close()
    except duckdb.ConnectionException:
        with tempfile.TemporaryDirectory(prefix="assistant-export-") as tmp:
            copy = Path(tmp) / db_path.name
            shutil.copyfile(db_path, copy)
            yield copy
        return
    yield db_path


def _write_tables(db_path: Path, folder: Path, counts: dict[str, int]) -> None:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        for table in RAW_TABLES:
            target = folder / f"{table}.parquet"
            con.table(table).write_parquet(str(target), compression="zstd")
            ((counts[table],),) = con.execute(f"SELECT count(*) FROM {table}").fetchall()
    finally:
        con.close()


def register_raw(spark: SparkSession, where: Locations) -> None:
    """The raw tables as temp views of this session, read-only."""
    for table in RAW_TABLES:
        if where.database:
            df = spark.table(f"{where.database}.{table}")
        else:
            df = spark.read.parquet(where.raw(table))
        df.createOrReplaceTempView(table)


def data_version(spark: SparkSession) -> str:
    """Changes whenever data is written: the row count of every raw table."""
    union = " UNION ALL ".join(f"SELECT '{t}' AS t, count(*) AS n FROM {t}" for t in RAW_TABLES)
    rows = sorted((r["t"], r["n"]) for r in spark.sql(union).collect())
    return ",".join(f"{t}={n}" for t, n in rows)


def current_rollups(spark: SparkSession, where: Locations, tz: str, version: str) -> bool:
    """Register the written rollups for `tz` when they were built from this data."""
    try:
        info = spark.read.parquet(where.rollup(tz, "rollup_info")).collect()
    except Exception:  # noqa: BLE001 - no rollups there yet (any file system's own error)
        return False
    if not info or info[0]["timezone"] != tz or info[0]["data_version"] != version:
        return False
    for table in rollups.ROLLUPS:
        spark.read.parquet(where.rollup(tz, table)).createOrReplaceTempView(table)
    return True


def _statements(tz: str, version: str) -> list[tuple[str, str, exp.Expression | None]]:
    """The DuckDB rollup build as (action, table, SELECT) steps."""
    sql = rollups.build_sql(tz, version)  # the one definition of the rollups
    steps: list[tuple[str, str, exp.Expression | None]] = []
    for statement in sql.split(";\n"):
        if not statement.strip():
            continue
        tree = sqlglot.parse_one(statement, read="duckdb")
        if isinstance(tree, exp.Create):
            steps.append(("create", tree.this.name, tree.expression))
        elif isinstance(tree, exp.Drop):
            steps.append(("drop", tree.args["tables"][0].name, None))
        else:
            raise AssertionError(f"unexpected rollup statement {tree.key}")
    return steps


def build_rollups(
    spark: SparkSession, where: Locations, tz: str, version: str, *, write: bool
) -> float:
    """Build every rollup for zone `tz` in this session; with `write`, as Parquet files.

    Without `write` the tables live in this session only, as DuckDB's TEMP ones.
    rollup_info is marked as building first and written last, so a build cut short is
    never taken for a current one.
    """
    t0 = time.perf_counter()
    if write:
        _write_info(spark, where, tz, BUILDING)
    for action, table, select in _statements(tz, version):
        if action == "drop":
            spark.catalog.dropTempView(table)
            continue
        assert select is not None
        df = spark.sql(bind(to_spark(select.sql(dialect="duckdb"), {}), {}, {}))
        if write and table != "rollup_slot":
            path = where.rollup(tz, table)
            df.write.mode("overwrite").parquet(path)
            df = spark.read.parquet(path)
        else:
            # materialised now, without its lineage: a query reading it is planned against
            # the stored rows, not against the whole build again
            df = df.localCheckpoint()
        df.createOrReplaceTempView(table)
    elapsed = time.perf_counter() - t0
    log.info("Spark rollups for %s built in %.1f s", tz, elapsed)
    return elapsed


def _write_info(spark: SparkSession, where: Locations, tz: str, version: str) -> None:
    df = spark.createDataFrame([(tz, version)], "timezone string, data_version string")
    df.write.mode("overwrite").parquet(where.rollup(tz, "rollup_info"))

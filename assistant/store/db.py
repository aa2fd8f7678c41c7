"""DuckDB connections: a writer for loads, and a locked-down reader for the vetted metrics."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from assistant.errors import DataError, QueryTimeout
from assistant.store import contract

log = logging.getLogger(__name__)

TABLES = contract.DATA_TABLES


def schema_sql() -> str:
    """The DDL of every table, built from the data contract."""
    return contract.ddl()


def read_regions() -> list[dict[str, str]]:
    """Every country's row of the regions table, as dicts keyed by column name."""
    from assistant.store.regions import country_rows

    names = contract.TABLES["regions"].names
    return [dict(zip(names, row, strict=True)) for row in country_rows()]


def init_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables if missing and bring the region table in line with the countries."""
    from assistant.store.regions import country_rows

    con.execute(schema_sql())
    wanted = sorted(country_rows())
    # Rewrite only on a difference, so opening for writing changes nothing by itself.
    if con.execute("SELECT * FROM regions ORDER BY country").fetchall() != wanted:
        con.execute("DELETE FROM regions")
        columns = [list(c) for c in zip(*wanted, strict=True)]
        con.execute(
            "INSERT INTO regions SELECT " + ", ".join(
                f"unnest(${i + 1}::VARCHAR[])" for i in range(len(columns))
            ),
            columns,
        )


def connect_write(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the database for writing, with the schema in place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as exc:
        raise DataError(
            f"Cannot open {path} for writing: {_plain_io_error(exc)}",
            hint="Stop the app or other process using it, then try again.",
        ) from exc
    init_schema(con)
    return con


def connect_read(path: Path | str, *, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection that cannot reach files, extensions or settings."""
    path = Path(path)
    if not path.is_file():
        raise DataError(
            f"No database at {path}.",
            hint="Run `assistant demo` to build the demo data, or `assistant load FILES`.",
        )
    # Both are needed: the lock alone still lets read_csv('/etc/passwd') through.
    config = {
        "enable_external_access": False,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    if memory_limit:
        config["memory_limit"] = memory_limit
    try:
        con = duckdb.connect(str(path), read_only=True, config=config)
    except duckdb.Error as exc:
        raise DataError(
            f"Cannot open the database {path}: {_plain_io_error(exc)}",
            hint="If data is being loaded right now, wait for it to finish; "
            "if the file is damaged, rebuild it with `assistant demo` or reload your files.",
        ) from exc
    # The lock is per database instance, which DuckDB shares between connections of one
    # process: a second connection finds it already locked, and that is fine.
    for statement in ("SET enable_progress_bar = false", "SET lock_configuration = true"):
        try:
            con.execute(statement)
        except duckdb.InvalidInputException:
            pass
    return con


def _plain_io_error(exc: Exception) -> str:
    text = str(exc)
    if "lock" in text.lower():
        return "another process is using it"
    return text.split("\n")[0]


def run_query(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict, *, timeout_s: float, max_rows: int,
    own_cursor: bool = True,
) -> tuple[list[str], list[tuple]]:
    """Run one bound query on its own cursor; interrupt it past `timeout_s`.

    own_cursor=False runs on `con` itself: a cursor does not see `con`'s TEMP tables.
    """
    cur = con.cursor() if own_cursor else con
    timer = threading.Timer(timeout_s, cur.interrupt)
    timer.start()
    try:
        cur.execute(sql, params)
        columns = [d[0] for d in cur.description]
        rows = cur.fetchmany(max_rows + 1)
    except duckdb.InterruptException as exc:
        raise QueryTimeout(
            f"The query took longer than {timeout_s:g} s and was stopped.",
            hint="Try a shorter date range or fewer breakdowns.",
        ) from exc
    finally:
        timer.cancel()
        if own_cursor:
            cur.close()
    if len(rows) > max_rows:
        log.warning("result cut to %d rows", max_rows)
        rows = rows[:max_rows]
    return columns, rows


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows in each table of the contract, in contract order."""
    cur = con.cursor()
    try:
        return {t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        cur.close()


@dataclass(frozen=True)
class DataRange:
    """What the database holds: first and last activity day, and the latest complete day."""

    first_day: date | None
    last_day: date | None
    latest_complete_day: date | None
    users: int
    sessions: int

    @property
    def empty(self) -> bool:
        return self.last_day is None


def data_range(con: duckdb.DuckDBPyConnection, tz: str = "UTC") -> DataRange:
    """Days are calendar days in the reporting zone; today is never complete."""
    cur = con.cursor()
    first, last, n_sessions = cur.execute(
        "SELECT min(started_at), max(started_at), count(*) FROM sessions"
    ).fetchone()
    (n_users,) = cur.execute("SELECT count(*) FROM users").fetchone()
    cur.close()
    return range_from(first, last, n_users, n_sessions, tz)


def range_from(
    first: datetime | None, last: datetime | None, n_users: int, n_sessions: int, tz: str
) -> DataRange:
    """The range from the first and last session start (UTC) and the table sizes."""
    if last is None:
        return DataRange(None, None, None, n_users, 0)
    zone = ZoneInfo(tz)
    utc = ZoneInfo("UTC")

    def local_day(ts: datetime) -> date:
        return ts.replace(tzinfo=utc).astimezone(zone).date()

    today = datetime.now(zone).date()
    last_day = local_day(last)
    complete = min(last_day, today - timedelta(days=1))
    return DataRange(local_day(first), last_day, complete, n_users, n_sessions)

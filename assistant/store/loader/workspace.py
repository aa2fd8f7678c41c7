"""The separate in-memory DuckDB where files are staged and checked, and what it found."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from pathlib import Path

import duckdb

from assistant.errors import DataError
from assistant.store import db
from assistant.store.loader.results import EXAMPLES_KEPT, Problem


def lit(text: str | Path) -> str:
    """A SQL string literal (file paths cannot be bound as parameters everywhere)."""
    return "'" + str(text).replace("'", "''") + "'"


def ident(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


# Text without an offset or zone name parses as plain TIMESTAMP (UTC), which is several
# times faster than the time-zone-aware cast; anything else (Z, +08:00, -0300,
# 'America/Sao_Paulo') takes the aware cast and is converted to UTC.
_MACROS = (
    "CREATE MACRO to_ts(v) AS CASE WHEN right(v, 1) BETWEEN '0' AND '9' "
    "AND NOT contains(right(v, 6), '+') AND NOT contains(right(v, 6), '-') "
    "THEN CASE WHEN isfinite(try_cast(v AS TIMESTAMP)) THEN try_cast(v AS TIMESTAMP) END "
    "ELSE CASE WHEN isfinite(try_cast(v AS TIMESTAMPTZ)) "
    "THEN try_cast(v AS TIMESTAMPTZ)::TIMESTAMP END END",
    "CREATE MACRO to_num(v) AS CASE WHEN isfinite(try_cast(v AS DOUBLE)) "
    "THEN try_cast(v AS DOUBLE) END",
    "CREATE MACRO shown(v) AS '''' || CASE WHEN length(v) > 40 "
    "THEN left(v, 37) || '...' ELSE v END || ''''",
)


class Workspace:
    """An in-memory DuckDB with the reference tables, the database attached read-only, and
    the problems and notices found so far."""

    def __init__(self, db_path: Path, tmp: Path) -> None:
        self.db_path = db_path
        self.problems: list[Problem] = []
        self.counts: dict[tuple, int] = {}
        self.notices: list[str] = []
        self.con = duckdb.connect(":memory:")
        con = self.con
        con.execute("SET TimeZone = 'UTC'")  # naive timestamps in files are UTC
        con.execute(f"SET temp_directory = {lit(tmp)}")  # big loads spill to disk
        for macro in _MACROS:
            con.execute(macro)
        rows = db.read_regions()
        # One statement per table: a row at a time costs more than the rest of a small load.
        con.execute(
            "CREATE TABLE ref_regions AS SELECT unnest($1::VARCHAR[]) AS country, "
            "unnest($2::VARCHAR[]) AS timezone",
            [[r["country"] for r in rows], [r["timezone"] for r in rows]],
        )
        # Zones both DuckDB (metrics in SQL) and Python (dates in the app) understand.
        con.execute(
            "CREATE TABLE py_zones AS SELECT unnest($1::VARCHAR[]) AS name",
            [sorted(zoneinfo.available_timezones())],
        )
        con.execute(
            "CREATE TABLE ref_zones AS SELECT DISTINCT ON (lower(z.name)) z.name, "
            "lower(z.name) AS lname FROM pg_timezone_names() z "
            "JOIN py_zones p ON p.name = z.name ORDER BY lower(z.name), z.name"
        )
        self.db_tables: set[str] = set()
        if db_path.exists():
            self._attach()

    def _attach(self) -> None:
        try:
            self.con.execute(f"ATTACH {lit(self.db_path)} AS db (READ_ONLY)")
        except duckdb.Error as exc:
            raise DataError(
                f"Cannot read the database {self.db_path}: {db._plain_io_error(exc)}",
                hint="If another process is writing to it, wait for it to finish; "
                "if it is not a database of this app, choose another file with --db.",
            ) from exc
        rows = self.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'db'"
        ).fetchall()
        self.db_tables = {r[0] for r in rows}

    def close(self) -> None:
        self.con.close()

    def add(self, problem: Problem, rows: int = 1) -> None:
        """Keep one example problem; `rows` counts it and the rows it stands for."""
        self.problems.append(problem)
        self.counts[problem.group] = self.counts.get(problem.group, 0) + rows

    def collect_rows(self, sql: str, src_name: Callable[[int], str], labels: list) -> None:
        """Run checks returning (check, file, row, detail); keep examples, count the rest."""
        wrapped = (
            f"WITH p AS ({sql}) SELECT chk, f, r, detail, count(*) OVER (PARTITION BY chk, f) "
            f"FROM p QUALIFY row_number() OVER (PARTITION BY chk, f ORDER BY r) <= "
            f"{EXAMPLES_KEPT} ORDER BY f, chk, r"
        )
        counted: set[tuple[int, int]] = set()
        for chk, f, r, detail, n in self.con.execute(wrapped).fetchall():
            column, reason = labels[chk]
            first = (chk, f) not in counted
            counted.add((chk, f))
            self.add(Problem(src_name(f), r, column, reason, detail), n if first else 0)

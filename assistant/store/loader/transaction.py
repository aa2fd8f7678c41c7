"""The load transaction: validated new rows, the load log and the hooks, committed together."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from assistant.store import contract, db
from assistant.store.loader.results import LoadReport
from assistant.store.loader.workspace import Workspace


def _rebuild_rollups(con: duckdb.DuckDBPyConnection) -> None:
    """Keep the metric rollups in step with the rows just written (same transaction)."""
    from assistant.config import get_settings
    from assistant.store import rollups

    rollups.rebuild(con, get_settings().report_timezone)


# Run inside the load transaction, before COMMIT, to rebuild derived tables.
AFTER_LOAD: list[Callable[[duckdb.DuckDBPyConnection], None]] = [_rebuild_rollups]


def write(ws: Workspace, db_path: Path, report: LoadReport, step: Callable[[str], None]) -> None:
    """Insert the new rows in one transaction; a database created here is removed on failure."""
    existed = db_path.exists()
    if ws.db_tables or existed:
        # One process may not hold the file twice; the validated rows live in memory.
        ws.con.execute("DETACH DATABASE IF EXISTS db")
    con = db.connect_write(db_path)
    try:
        con.execute("BEGIN")
        try:
            now = datetime.now(UTC).replace(tzinfo=None)
            for table, stats in report.tables.items():
                if not stats.inserted:
                    continue
                step(f"Writing {table}")
                cols = ", ".join(contract.TABLES[table].names)
                reader = ws.con.sql(f"SELECT {cols} FROM n_{table}").to_arrow_reader(100_000)
                con.register("incoming", reader)
                con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming")
                con.unregister("incoming")
                con.execute(
                    "INSERT INTO load_log VALUES (?, ?, ?)",
                    [now, f"{table} from {', '.join(stats.files)}", stats.inserted],
                )
            for hook in AFTER_LOAD:
                hook(con)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        if not existed:
            for leftover in (db_path, db_path.with_name(db_path.name + ".wal")):
                leftover.unlink(missing_ok=True)
        raise
    con.close()

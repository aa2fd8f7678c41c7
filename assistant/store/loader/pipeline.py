"""A load from start to end: find the files, read, check, combine, then write or refuse."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from assistant.store.contract import DATA_TABLES
from assistant.store.loader.combine import build_table, new_rows
from assistant.store.loader.files import Source, collect
from assistant.store.loader.readers import read as read_file
from assistant.store.loader.results import LoadError, LoadReport, Problem, TableStats
from assistant.store.loader.row_checks import check_rows
from assistant.store.loader.set_checks import check_sets
from assistant.store.loader.transaction import write
from assistant.store.loader.workspace import Workspace


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr; yields step(description) that advances it by one."""
    console = Console(stderr=True)
    bar = Progress(
        TextColumn("{task.description:<36}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not (enabled and console.is_terminal),
    )
    with bar:
        task = bar.add_task("Loading", total=total)
        first = True

        def step(description: str) -> None:
            nonlocal first
            if not first:
                bar.advance(task)
            first = False
            bar.update(task, description=description)

        yield step
        bar.update(task, completed=total)


def load_paths(db_path: Path, paths: list[Path], *, progress: bool = True) -> LoadReport:
    """Validate every file, then load them all in one transaction, or raise LoadError."""
    started = time.perf_counter()
    db_path = Path(db_path)
    problems: list[Problem] = []
    notices: list[str] = []
    sources = collect([Path(p) for p in paths], problems, notices)
    if not sources and not problems:
        problems.append(Problem("(no files)", None, None, "nothing to load"))
    tables = [t for t in DATA_TABLES if any(s.table == t for s in sources)]
    tmp = Path(tempfile.mkdtemp(prefix="assistant-load-"))
    try:
        with _progress(progress, 2 * len(sources) + 4 * len(tables) + 1) as step:
            ws = Workspace(db_path, tmp)
            try:
                for p in problems:
                    ws.add(p)
                ws.notices.extend(notices)
                report = _validate(ws, sources, tables, step)
                if ws.problems:
                    raise LoadError(ws.problems, ws.counts)
                report.notices = ws.notices
                if report.inserted:
                    step("Writing to the database")
                    write(ws, db_path, report, step)
                    report.written = True
            finally:
                ws.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report.elapsed_s = time.perf_counter() - started
    return report


def _validate(
    ws: Workspace, sources: list[Source], tables: list[str], step: Callable[[str], None]
) -> LoadReport:
    report = LoadReport(db_path=ws.db_path)
    ws.con.execute("CREATE TABLE src_names (idx INTEGER, name VARCHAR)")
    if not sources:
        return report
    ws.con.executemany("INSERT INTO src_names VALUES (?, ?)", [[s.idx, s.name] for s in sources])
    for src in sources:
        step(f"Reading {src.name}")
        read_file(ws, src)
        step(f"Checking {src.name}")
        if not src.broken:
            check_rows(ws, src)
    readable = {t: [s for s in sources if s.table == t and not s.broken] for t in tables}
    for table in tables:
        step(f"Combining {table}")
        build_table(ws, table, readable[table])
    # No NULLs in here: `x NOT IN (..., NULL)` is never true and would hide unknown users.
    known = ["SELECT user_id FROM t_users WHERE user_id IS NOT NULL"] if "users" in tables else []
    if "users" in ws.db_tables:
        known.append("SELECT user_id FROM db.users WHERE user_id IS NOT NULL")
    ws.con.execute(
        "CREATE TABLE known_users AS "
        + (" UNION ".join(known) if known else "SELECT NULL::VARCHAR AS user_id LIMIT 0")
    )
    for table in tables:
        step(f"Checking {table} against the database")
        check_sets(ws, table, readable[table])
    if ws.problems:
        return report
    for table in tables:
        step(f"Finding new {table} rows")
        read, new = new_rows(ws, table)
        report.tables[table] = TableStats(
            files=[s.name for s in sources if s.table == table],
            rows_read=read,
            inserted=new,
            already_present=read - new,
        )
    return report

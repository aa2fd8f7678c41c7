"""Validate user data files and load them into the database, all or nothing.

Files
    CSV (``.csv``, ``.tsv``, optionally ``.gz``; comma, semicolon, tab or pipe separated,
    first line is the header), Parquet (``.parquet``) or JSON Lines (``.jsonl``,
    ``.ndjson``, ``.json`` with one object per line; optionally ``.gz``). A folder stands for
    the data files directly inside it (not sub-folders); other files there are skipped with
    a notice.

Which table a file feeds
    The table name must appear in the file name as a whole word, separated by ``_``, ``-``,
    ``.`` or a space: ``users.csv``, ``users_2026-11.csv``, ``app-sessions.parquet``,
    ``2026-11 live-views.jsonl``. A name with no table or more than one is a problem.
    Several files may feed the same table; they are checked together.

Columns
    Matched ignoring case, surrounding spaces, and ``-``/space versus ``_``. Extra columns
    are ignored with a notice; a missing required column is a problem. Empty values are
    missing values. Values of ``platform``, ``network``, ``kind``, ``resolution`` are
    lower-cased and ``country`` upper-cased before checking. Timestamps are ISO 8601 with
    ``T`` or a space; without an offset they are UTC, with ``Z`` or an offset they are
    converted to UTC. ``users.timezone`` may be empty: the country's main zone is used;
    otherwise it must be an IANA zone both DuckDB and Python know (any letter case; stored
    in its canonical spelling).

Checks (every problem is reported, with file, row, column and reason)
    Unreadable, damaged or empty files; rows with the wrong number of values; missing
    required columns and values; bad timestamps and numbers; allowed values; unknown
    countries and IANA time zones; negative amounts; ends before starts; duplicate keys in
    the files; references to users found neither in the files nor in the database
    (``sessions.user_id``, ``events.user_id``, ``calls.caller_id``,
    ``live_views.viewer_id``, ``payments.user_id``). Unknown ``partner_id``, ``callee_id``
    and ``host_id`` are allowed (exports are often a sample of users) and counted in a
    notice. Rows are numbered from 1 at the first data row (a CSV header is not counted;
    in JSON Lines, row N is line N).

Loading twice
    Keys (users.user_id, sessions.session_id, calls.call_id, live_views.view_id,
    payments.payment_id): a row identical to the one in the database is skipped; the same
    key with different values is a problem. Loaded history is never silently rewritten:
    metrics already reported would change without anyone noticing. Events have no key:
    rows identical in every column to a row in the database are skipped; identical rows
    within the files are all kept (two messages in the same second are real).

Writing
    Validation reads the database only (attached READ_ONLY to a separate in-memory
    DuckDB). When everything is valid, new rows go in through ``db.connect_write`` in one
    explicit transaction together with a ``load_log`` row per table that gained rows and the
    ``AFTER_LOAD`` hooks; then CHECKPOINT. On any problem the database file is left byte for
    byte as it was, and not created if it did not exist. When every row is already present,
    the database is not opened for writing at all.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import re
import shutil
import tempfile
import time
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from assistant.errors import DataError
from assistant.store import db

log = logging.getLogger(__name__)

# Run inside the load transaction, before COMMIT, to rebuild derived tables.
def _rebuild_rollups(con: duckdb.DuckDBPyConnection) -> None:
    """Keep the metric rollups in step with the rows just written (same transaction)."""
    from assistant.config import get_settings
    from assistant.store import rollups

    rollups.rebuild(con, get_settings().report_timezone)


AFTER_LOAD: list[Callable[[duckdb.DuckDBPyConnection], None]] = [_rebuild_rollups]

EXAMPLES_KEPT = 100  # problems kept per (file, column, reason); the rest are only counted
EXAMPLES_SHOWN = 3  # rows named in the message per (file, column, reason)
KNOWN_EVENTS = (
    "match_request",
    "chat_start",
    "message_sent",
    "room_join",
    "live_start",
    "gift_sent",
    "follow",
    "ai_chat_start",
)


# --------------------------------------------------------------------------- contract


@dataclass(frozen=True)
class Col:
    """One column of the data contract."""

    name: str
    kind: str  # id | text | ts | num | enum | country | tz
    required: bool = False
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    """A table of the data contract and the checks that are specific to it."""

    name: str
    columns: tuple[Col, ...]
    key: str | None = None
    user_refs: tuple[str, ...] = ()  # must be known users
    soft_user_refs: tuple[str, ...] = ()  # unknown ones only counted in a notice
    # (column reported, SQL that is true for a bad row, reason); columns are raw text here
    order_checks: tuple[tuple[str, str, str], ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


_ENDS = "to_ts(ended_at) < to_ts(started_at)"
SPECS: dict[str, TableSpec] = {
    s.name: s
    for s in (
        TableSpec(
            "users",
            (
                Col("user_id", "id", True),
                Col("signup_at", "ts", True),
                Col("country", "country", True),
                Col("platform", "enum", True, ("ios", "android", "web")),
                Col("timezone", "tz"),
                Col("language", "text"),
                Col("channel", "text"),
            ),
            key="user_id",
        ),
        TableSpec(
            "sessions",
            (
                Col("session_id", "id", True),
                Col("user_id", "id", True),
                Col("started_at", "ts", True),
                Col("ended_at", "ts", True),
            ),
            key="session_id",
            user_refs=("user_id",),
            order_checks=(("ended_at", _ENDS, "is before started_at"),),
        ),
        TableSpec(
            "events",
            (
                Col("user_id", "id", True),
                Col("ts", "ts", True),
                Col("name", "text", True),
                Col("session_id", "id"),
                Col("partner_id", "id"),
                Col("room_id", "id"),
            ),
            user_refs=("user_id",),
            soft_user_refs=("partner_id",),
        ),
        TableSpec(
            "calls",
            (
                Col("call_id", "id", True),
                Col("caller_id", "id", True),
                Col("callee_id", "id"),
                Col("requested_at", "ts", True),
                Col("connected_at", "ts"),
                Col("ended_at", "ts"),
                Col("network", "enum", False, ("wifi", "5g", "4g", "3g", "2g")),
                Col("kind", "enum", False, ("video", "voice")),
            ),
            key="call_id",
            user_refs=("caller_id",),
            soft_user_refs=("callee_id",),
            order_checks=(
                (
                    "connected_at",
                    "to_ts(connected_at) < to_ts(requested_at)",
                    "is before requested_at",
                ),
                ("ended_at", "to_ts(ended_at) < to_ts(requested_at)", "is before requested_at"),
                (
                    "ended_at",
                    "to_ts(ended_at) >= to_ts(requested_at) "
                    "AND to_ts(ended_at) < to_ts(connected_at)",
                    "is before connected_at",
                ),
            ),
        ),
        TableSpec(
            "live_views",
            (
                Col("view_id", "id", True),
                Col("viewer_id", "id", True),
                Col("host_id", "id"),
                Col("started_at", "ts", True),
                Col("ended_at", "ts", True),
                Col("resolution", "enum", True, ("360p", "480p", "540p", "720p", "1080p")),
            ),
            key="view_id",
            user_refs=("viewer_id",),
            soft_user_refs=("host_id",),
            order_checks=(("ended_at", _ENDS, "is before started_at"),),
        ),
        TableSpec(
            "payments",
            (
                Col("payment_id", "id", True),
                Col("user_id", "id", True),
                Col("paid_at", "ts", True),
                Col("amount_usd", "num", True),
                Col("product", "text"),
            ),
            key="payment_id",
            user_refs=("user_id",),
        ),
    )
}
assert tuple(SPECS) == db.TABLES

FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".csv.gz": "csv",
    ".tsv.gz": "csv",
    ".parquet": "parquet",
    ".jsonl": "json",
    ".ndjson": "json",
    ".json": "json",
    ".jsonl.gz": "json",
    ".ndjson.gz": "json",
}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input; `row` is the 1-based data row, None for the file."""

    file: str
    row: int | None
    column: str | None
    reason: str
    detail: str | None = None  # the offending value, quoted, or what it clashes with

    @property
    def group(self) -> tuple[str, str | None, str]:
        return (self.file, self.column, self.reason)


class LoadError(DataError):
    """Files that cannot be loaded; nothing was written. Lists every problem, grouped."""

    def __init__(self, problems: list[Problem], counts: dict[tuple, int] | None = None) -> None:
        self.problems = problems
        # Total rows per (file, column, reason); `problems` keeps only the first examples.
        kept: dict[tuple, int] = {}
        for p in problems:
            kept[p.group] = kept.get(p.group, 0) + 1
        self.counts = {g: max(n, (counts or {}).get(g, 0)) for g, n in kept.items()}
        super().__init__(
            _format_problems(problems, self.counts),
            hint="Rows are counted from 1 at the first data row (a CSV header is not counted). "
            "Fix the files and run the load again; the database was not changed.",
        )

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _format_problems(problems: list[Problem], counts: dict[tuple, int]) -> str:
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault(p.group, []).append(p)
    # One file's problems together, files in the order they first come up.
    order = {f: i for i, f in reversed(list(enumerate(p.file for p in problems)))}
    groups = dict(sorted(groups.items(), key=lambda kv: order[kv[0][0]]))
    n_files = len({p.file for p in problems})
    total = sum(counts.values())
    lines = [
        f"Nothing was loaded: {total:,} problem{'s' if total != 1 else ''} "
        f"in {n_files} file{'s' if n_files != 1 else ''}."
    ]
    for (file, column, reason), items in groups.items():
        where = f"{file}, column {column}" if column else file
        rows = sorted((p for p in items if p.row is not None), key=lambda p: p.row or 0)
        if not rows:
            lines.append(f"- {where}: {reason}")
            continue
        shown = [f"{p.row}" + (f" ({p.detail})" if p.detail else "") for p in rows[:EXAMPLES_SHOWN]]
        more = counts[(file, column, reason)] - len(shown)
        label = "row" if len(shown) == 1 and more == 0 else "rows"
        text = f"- {where}: {reason} — {label} {', '.join(shown)}"
        if more:
            text += f" and {more:,} more row{'s' if more != 1 else ''}"
        lines.append(text)
    return "\n".join(lines)


@dataclass
class TableStats:
    """What one load did to one table."""

    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    inserted: int = 0
    already_present: int = 0


@dataclass
class LoadReport:
    """The outcome of a successful load."""

    db_path: Path
    tables: dict[str, TableStats] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    written: bool = False

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.tables.values())

    @property
    def inserted(self) -> int:
        return sum(s.inserted for s in self.tables.values())

    def summary(self) -> str:
        """Readable text: per table rows read, inserted, already present; then notices."""
        if self.written:
            head = f"Loaded into {self.db_path} in {self.elapsed_s:.1f} s."
        else:
            head = (
                f"Nothing new to load: every row is already in {self.db_path}; "
                "the database was not changed."
            )
        lines = [head, f"  {'table':<11} {'rows read':>12} {'inserted':>12} {'already there':>14}"]
        for table, s in self.tables.items():
            lines.append(
                f"  {table:<11} {s.rows_read:>12,} {s.inserted:>12,} {s.already_present:>14,}"
            )
        if self.notices:
            lines.append("Notes:")
            lines.extend(f"  - {n}" for n in self.notices)
        return "\n".join(lines)


# --------------------------------------------------------------------------- files


@dataclass
class Source:
    """One input file and what it feeds."""

    idx: int
    path: Path
    table: str
    fmt: str
    name: str = ""  # shown in messages
    columns: dict[str, str] = field(default_factory=dict)  # contract name -> name in file
    broken: bool = False  # could not be read at all
    missing_required: bool = False


def _split_suffix(path: Path) -> tuple[str, str | None]:
    low = path.name.lower()
    for suffix in sorted(FORMATS, key=len, reverse=True):
        if low.endswith(suffix):
            return path.name[: -len(suffix)], FORMATS[suffix]
    return path.stem, None


def table_for(stem: str) -> list[str]:
    """Tables whose name appears in a file name as a whole word."""
    norm = re.sub(r"[^a-z0-9]+", "_", stem.lower())
    return [t for t in db.TABLES if re.search(rf"(^|_){t}(_|$)", norm)]


def _collect(paths: list[Path], problems: list[Problem], notices: list[str]) -> list[Source]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            inside = sorted(c for c in p.iterdir() if c.is_file() and not c.name.startswith("."))
            data = [c for c in inside if _split_suffix(c)[1]]
            skipped = [c.name for c in inside if not _split_suffix(c)[1]]
            if skipped:
                notices.append(f"{p}: skipped files that are not data files: {', '.join(skipped)}")
            if not data:
                problems.append(
                    Problem(str(p), None, None, "has no .csv, .parquet or .jsonl files in it")
                )
            files.extend(data)
        elif p.is_file():
            files.append(p)
        else:
            problems.append(Problem(str(p), None, None, "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for f in files:
        if f.resolve() not in seen:
            seen.add(f.resolve())
            unique.append(f)
    names = [f.name for f in unique]
    sources = []
    expected = ", ".join(db.TABLES)
    for f in unique:
        shown = f.name if names.count(f.name) == 1 else str(f)
        stem, fmt = _split_suffix(f)
        if fmt is None:
            problems.append(Problem(shown, None, None, "is not a .csv, .parquet or .jsonl file"))
            continue
        tables = table_for(stem)
        if len(tables) != 1:
            what = "names more than one table" if tables else "is not a known table"
            problems.append(Problem(shown, None, None, f"{what}; expected one of {expected}"))
            continue
        sources.append(Source(len(sources), f, tables[0], fmt, shown))
    return sources


def _lit(text: str | Path) -> str:
    """A SQL string literal (file paths cannot be bound as parameters everywhere)."""
    return "'" + str(text).replace("'", "''") + "'"


def _ident(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _norm_column(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _open_text(path: Path) -> io.TextIOBase:
    raw = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")


# --------------------------------------------------------------------------- validation


class _Validator:
    """Everything that happens in the separate in-memory DuckDB."""

    def __init__(self, db_path: Path, tmp: Path) -> None:
        self.db_path = db_path
        self.problems: list[Problem] = []
        self.counts: dict[tuple, int] = {}
        self.notices: list[str] = []
        self.con = duckdb.connect(":memory:")
        con = self.con
        con.execute("SET TimeZone = 'UTC'")  # naive timestamps in files are UTC
        con.execute(f"SET temp_directory = {_lit(tmp)}")  # big loads spill to disk
        # Text without an offset or zone name parses as plain TIMESTAMP (UTC), which is
        # several times faster than the time-zone-aware cast; anything else (Z, +08:00,
        # -0300, 'America/Sao_Paulo') takes the aware cast and is converted to UTC.
        con.execute(
            "CREATE MACRO to_ts(v) AS CASE WHEN right(v, 1) BETWEEN '0' AND '9' "
            "AND NOT contains(right(v, 6), '+') AND NOT contains(right(v, 6), '-') "
            "THEN CASE WHEN isfinite(try_cast(v AS TIMESTAMP)) THEN try_cast(v AS TIMESTAMP) END "
            "ELSE CASE WHEN isfinite(try_cast(v AS TIMESTAMPTZ)) "
            "THEN try_cast(v AS TIMESTAMPTZ)::TIMESTAMP END END"
        )
        con.execute(
            "CREATE MACRO to_num(v) AS CASE WHEN isfinite(try_cast(v AS DOUBLE)) "
            "THEN try_cast(v AS DOUBLE) END"
        )
        con.execute(
            "CREATE MACRO shown(v) AS '''' || CASE WHEN length(v) > 40 "
            "THEN left(v, 37) || '...' ELSE v END || ''''"
        )
        regions = db.read_regions()
        con.execute("CREATE TABLE ref_regions (country VARCHAR, timezone VARCHAR)")
        con.executemany(
            "INSERT INTO ref_regions VALUES (?, ?)",
            [[r["country"], r["timezone"]] for r in regions],
        )
        # Zones both DuckDB (metrics in SQL) and Python (dates in the app) understand.
        con.execute("CREATE TABLE py_zones (name VARCHAR)")
        con.executemany(
            "INSERT INTO py_zones VALUES (?)", [[z] for z in zoneinfo.available_timezones()]
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
            self.con.execute(f"ATTACH {_lit(self.db_path)} AS db (READ_ONLY)")
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

    # ------------------------------------------------------------------ problems

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.counts[problem.group] = self.counts.get(problem.group, 0) + 1

    def _collect_rows(self, sql: str, src_name: Callable[[int], str], labels: list) -> None:
        """Run checks returning (check, file, row, detail); keep examples, count the rest."""
        wrapped = (
            f"WITH p AS ({sql}) SELECT chk, f, r, detail, count(*) OVER (PARTITION BY chk, f) "
            f"FROM p QUALIFY row_number() OVER (PARTITION BY chk, f ORDER BY r) <= "
            f"{EXAMPLES_KEPT} ORDER BY f, chk, r"
        )
        counted: set[tuple[int, int]] = set()
        for chk, f, r, detail, n in self.con.execute(wrapped).fetchall():
            column, reason = labels[chk]
            p = Problem(src_name(f), r, column, reason, detail)
            self.problems.append(p)
            if (chk, f) not in counted:
                counted.add((chk, f))
                self.counts[p.group] = self.counts.get(p.group, 0) + n

    # ------------------------------------------------------------------ reading

    def read(self, src: Source) -> None:
        """Stage one file as table f_<idx>: _row plus the contract's columns, as text."""
        try:
            if src.path.stat().st_size == 0:
                self.add(Problem(src.name, None, None, "is empty"))
                src.broken = True
                return
            if src.fmt == "csv":
                self._read_csv(src)
            elif src.fmt == "json":
                self._read_json(src)
            else:
                self._read_parquet(src)
        except (duckdb.Error, OSError, EOFError, gzip.BadGzipFile) as exc:
            log.info("reading %s failed: %s", src.path, exc)
            kind = {"csv": "CSV", "json": "JSON Lines", "parquet": "Parquet"}[src.fmt]
            self.add(
                Problem(
                    src.name,
                    None,
                    None,
                    f"cannot be read as {kind}: the file is damaged or incomplete",
                )
            )
            src.broken = True

    def _map_columns(self, src: Source, names: list[str]) -> None:
        """Contract column -> column in the file; records notices and problems."""
        mapping: dict[str, str] = {}
        extra = []
        spec = SPECS[src.table]
        for name in names:
            norm = _norm_column(name)
            if norm in spec.names:
                if norm in mapping:
                    self.add(Problem(src.name, None, norm, "column appears more than once"))
                    continue
                mapping[norm] = name
            else:
                extra.append(name.strip() or "(unnamed)")
        if extra:
            self.notices.append(f"{src.name}: ignored extra columns: {', '.join(extra)}")
        for col in spec.columns:
            if col.required and col.name not in mapping:
                self.add(Problem(src.name, None, col.name, "required column is missing"))
                src.missing_required = True
        src.columns = mapping

    def _stage(self, src: Source, raw: str, row_expr: str, joins: str = "") -> None:
        """f_<idx> from raw table: trimmed text, empty as NULL, absent columns as NULL."""
        cols = []
        for name in SPECS[src.table].names:
            if name in src.columns:
                cols.append(
                    f"nullif(trim(CAST(r.{_ident(src.columns[name])} AS VARCHAR)), '') AS {name}"
                )
            else:
                cols.append(f"NULL::VARCHAR AS {name}")
        self.con.execute(
            f"CREATE TABLE f_{src.idx} AS SELECT {row_expr} AS _row, {', '.join(cols)} "
            f"FROM {raw} r {joins}"
        )
        self.con.execute(f"DROP TABLE {raw}")

    def _rejects(self, src: Source, header_lines: int) -> str:
        """Report rows the CSV reader rejected; return the SQL for true row numbers."""
        i = src.idx
        self.con.execute(
            f"CREATE TABLE rejected_{i} AS SELECT DISTINCT line - {header_lines} AS r, "
            f"error_type, error_message FROM rej_{i}"
        )
        self.con.execute(f"DROP TABLE rej_{i}; DROP TABLE rejs_{i}")
        examples = self.con.execute(
            f"SELECT r, error_type, error_message, count(*) OVER (PARTITION BY error_type) "
            f"FROM rejected_{i} QUALIFY row_number() OVER (PARTITION BY error_type ORDER BY r) "
            f"<= {EXAMPLES_KEPT} ORDER BY r"
        ).fetchall()
        if not examples:
            self.con.execute(f"DROP TABLE rejected_{i}")
            return "r.rowid + 1"
        reasons = {
            "MISSING COLUMNS": "has fewer values than the header (cut short?)",
            "TOO MANY COLUMNS": "has more values than the header",
            "UNQUOTED VALUE": "has a quote that is not closed, or text after a closing quote",
            "INVALID ENCODING": "is not UTF-8 text (save the file as UTF-8)",
            "INVALID UNICODE": "is not UTF-8 text (save the file as UTF-8)",
            "LINE SIZE OVER MAXIMUM": "is too long",
        }
        if src.fmt == "json":
            reasons["TOO MANY COLUMNS"] = "is not valid JSON"
        counted: set[str] = set()
        for r, etype, message, n in examples:
            m = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message or "")
            detail = (
                f"{m.group(2)} values, {m.group(1)} expected" if m and src.fmt == "csv" else None
            )
            reason = reasons.get(etype, (message or etype).split("\n")[0])
            self.problems.append(Problem(src.name, r, None, reason, detail))
            if etype not in counted:
                counted.add(etype)
                group = (src.name, None, reason)
                self.counts[group] = self.counts.get(group, 0) + n
        # The reader drops rejected rows: the a-th kept row is data row a plus the number
        # of rejected rows before it. gap = kept rows before the k-th rejected row.
        self.con.execute(
            f"CREATE TABLE gaps_{i} AS SELECT r - k AS gap, k FROM "
            f"(SELECT r, row_number() OVER (ORDER BY r) AS k FROM "
            f"(SELECT DISTINCT r FROM rejected_{i}))"
        )
        self.con.execute(f"DROP TABLE rejected_{i}")
        return "r.rowid + 1 + coalesce(g.k, 0)"

    def _gap_join(self, src: Source, row_expr: str) -> str:
        if "g.k" not in row_expr:
            return ""
        i = src.idx
        return (
            f"ASOF LEFT JOIN (SELECT gap, max(k) AS k FROM gaps_{i} GROUP BY gap) g "
            "ON r.rowid + 1 > g.gap"
        )

    def _read_csv(self, src: Source) -> None:
        with _open_text(src.path) as fh:
            first = fh.readline(1 << 20)
        if not first.strip():
            self.add(Problem(src.name, None, None, "is empty (no header line)"))
            src.broken = True
            return
        # Pick the separator from the header: the sniffer gives up on files with bad rows.
        delim = max([",", ";", "\t", "|"], key=lambda d: (first.count(d), d == ","))
        header = next(csv.reader([first.rstrip("\r\n")], delimiter=delim))
        self._map_columns(src, header)
        i = src.idx
        columns = "{" + ", ".join(f"{_lit(f'c{k}')}: 'VARCHAR'" for k in range(len(header))) + "}"
        self.con.execute(
            f"CREATE TABLE raw_{i} AS SELECT * FROM read_csv({_lit(src.path)}, "
            f"columns = {columns}, auto_detect = false, header = true, delim = {_lit(delim)}, "
            "quote = '\"', escape = '\"', store_rejects = true, "
            f"rejects_table = 'rej_{i}', rejects_scan = 'rejs_{i}')"
        )
        src.columns = {k: f"c{header.index(v)}" for k, v in src.columns.items()}
        row_expr = self._rejects(src, header_lines=1)
        self._stage(src, f"raw_{i}", row_expr, self._gap_join(src, row_expr))
        self._drop_gaps(src)
        (n,) = self.con.execute(f"SELECT count(*) FROM f_{i}").fetchone()
        if n == 0 and not any(p.file == src.name and p.row for p in self.problems):
            self.notices.append(f"{src.name}: has a header but no data rows")

    def _read_json(self, src: Source) -> None:
        with _open_text(src.path) as fh:
            start = fh.read(4096).lstrip()
        if not start:
            self.add(Problem(src.name, None, None, "is empty"))
            src.broken = True
            return
        if start.startswith("["):
            self.add(
                Problem(
                    src.name,
                    None,
                    None,
                    "is a JSON array; expected JSON Lines (one object per line)",
                )
            )
            src.broken = True
            return
        i = src.idx
        # Each line as one text value ('\x01' cannot occur unescaped in valid JSON), so a
        # bad line is reported with its number instead of stopping the whole read.
        self.con.execute(
            f"CREATE TABLE lines_{i} AS SELECT * FROM read_csv({_lit(src.path)}, "
            "columns = {'line': 'VARCHAR'}, auto_detect = false, header = false, "
            "delim = '\x01', quote = '', escape = '', store_rejects = true, "
            f"rejects_table = 'rej_{i}', rejects_scan = 'rejs_{i}')"
        )
        row_expr = self._rejects(src, header_lines=0)
        join = self._gap_join(src, row_expr)
        self.con.execute(
            f"CREATE TABLE raw_{i} AS SELECT {row_expr} AS _row, r.line, "
            "json_valid(r.line) AS ok, "
            f"CASE WHEN json_valid(r.line) THEN json_type(r.line) END AS jtype "
            f"FROM lines_{i} r {join} WHERE nullif(trim(r.line), '') IS NOT NULL"
        )
        self.con.execute(f"DROP TABLE lines_{i}")
        self._drop_gaps(src)
        bad = "NOT ok OR jtype <> 'OBJECT'"
        self._collect_rows(
            f"SELECT CASE WHEN ok THEN 1 ELSE 0 END AS chk, {i} AS f, _row AS r, "
            f"NULL AS detail FROM raw_{i} WHERE {bad}",
            lambda _: src.name,
            [(None, "is not valid JSON"), (None, "is not a JSON object")],
        )
        keys = [
            k
            for (k,) in self.con.execute(
                f"SELECT DISTINCT unnest(json_keys(line)) AS k FROM raw_{i} "
                "WHERE ok AND jtype = 'OBJECT' ORDER BY k"
            ).fetchall()
        ]
        (n,) = self.con.execute(f"SELECT count(*) FROM raw_{i}").fetchone()
        if n == 0:
            self.add(Problem(src.name, None, None, "is empty (no records)"))
            src.broken = True
            self.con.execute(f"DROP TABLE raw_{i}")
            return
        self._map_columns(src, [k for k in keys if '"' not in k])
        wanted = list(src.columns.items())
        paths = "[" + ", ".join(_lit('$."' + key + '"') for _, key in wanted) + "]"
        values = ", ".join(f"v[{k + 1}] AS c{k}" for k in range(len(wanted)))
        extract = f"json_extract_string(line, {paths})" if wanted else "[]::VARCHAR[]"
        self.con.execute(
            f"CREATE TABLE obj_{i} AS SELECT _row{', ' + values if values else ''} FROM "
            f"(SELECT _row, {extract} AS v FROM raw_{i} WHERE ok AND jtype = 'OBJECT')"
        )
        self.con.execute(f"DROP TABLE raw_{i}")
        src.columns = {name: f"c{k}" for k, (name, _) in enumerate(wanted)}
        self._stage(src, f"obj_{i}", "r._row")

    def _read_parquet(self, src: Source) -> None:
        i = src.idx
        path = _lit(src.path)
        names = [
            r[0]
            for r in self.con.execute(f"DESCRIBE SELECT * FROM read_parquet({path})").fetchall()
        ]
        self._map_columns(src, names)
        self.con.execute(
            f"CREATE TABLE raw_{i} AS SELECT * FROM read_parquet({path}, file_row_number = true)"
        )
        self._stage(src, f"raw_{i}", "r.file_row_number + 1")
        (n,) = self.con.execute(f"SELECT count(*) FROM f_{i}").fetchone()
        if n == 0:
            self.notices.append(f"{src.name}: has no rows")

    def _drop_gaps(self, src: Source) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS gaps_{src.idx}")

    # ------------------------------------------------------------------ row checks

    def check_rows(self, src: Source) -> None:
        """Checks that need one row at a time: values, formats, allowed sets, order."""
        spec = SPECS[src.table]
        parts: list[str] = []
        conditions: list[str] = []
        labels: list[tuple[str | None, str]] = []
        bad_rows = f"bad_{src.idx}"

        def check(column: str, reason: str, bad: str, detail: str) -> None:
            parts.append(
                f"SELECT {len(labels)} AS chk, {src.idx} AS f, _row AS r, {detail} AS detail "
                f"FROM {bad_rows} WHERE {bad}"
            )
            conditions.append(f"({bad})")
            labels.append((column, reason))

        present = set(src.columns)
        for col in spec.columns:
            c = col.name
            if c not in present:
                continue
            if col.required:
                check(c, "is empty but required", f"{c} IS NULL", "NULL")
            if col.kind == "ts":
                check(
                    c,
                    "is not a date-time (use ISO 8601, e.g. 2026-11-02 13:45:00 or "
                    "2026-11-02T13:45:00Z)",
                    f"{c} IS NOT NULL AND to_ts({c}) IS NULL",
                    f"shown({c})",
                )
            elif col.kind == "num":
                check(
                    c, "is not a number", f"{c} IS NOT NULL AND to_num({c}) IS NULL", f"shown({c})"
                )
                check(c, "must not be negative", f"to_num({c}) < 0", f"shown({c})")
            elif col.kind == "enum":
                allowed = ", ".join(col.allowed)
                values = ", ".join(_lit(v) for v in col.allowed)
                check(
                    c,
                    f"must be one of {allowed}",
                    f"{c} IS NOT NULL AND lower({c}) NOT IN ({values})",
                    f"shown({c})",
                )
            elif col.kind == "country":
                check(
                    c,
                    "is not a known country code (ISO 3166-1 alpha-2 listed in regions.csv)",
                    f"{c} IS NOT NULL AND upper({c}) NOT IN (SELECT country FROM ref_regions)",
                    f"shown({c})",
                )
            elif col.kind == "tz":
                check(
                    c,
                    "is not a known IANA time zone (e.g. Asia/Jakarta)",
                    f"{c} IS NOT NULL AND lower({c}) NOT IN (SELECT lname FROM ref_zones)",
                    f"shown({c})",
                )
        for column, bad, reason in spec.order_checks:
            needed = re.findall(r"to_ts\((\w+)\)", bad)
            if all(n in present for n in needed):
                other = [n for n in dict.fromkeys(needed) if n != column][0]
                check(
                    column,
                    reason,
                    bad,
                    f"shown({column}) || ' < ' || shown({other})",
                )
        if parts:
            # One pass over the file picks out the few bad rows; the checks run on those.
            self.con.execute(
                f"CREATE TEMP TABLE {bad_rows} AS SELECT * FROM f_{src.idx} "
                f"WHERE {' OR '.join(conditions)}"
            )
            self._collect_rows(" UNION ALL ".join(parts), lambda _: src.name, labels)
            self.con.execute(f"DROP TABLE {bad_rows}")

    # ------------------------------------------------------------------ typed tables

    def build_table(self, table: str, sources: list[Source]) -> None:
        """t_<table>: every readable file's rows with contract types, plus _file and _row."""
        spec = SPECS[table]
        selects = []
        for src in sources:
            exprs = []
            joins = ""
            for col in spec.columns:
                c = f"f.{col.name}"
                if col.kind == "ts":
                    exprs.append(f"to_ts({c}) AS {col.name}")
                elif col.kind == "num":
                    exprs.append(f"to_num({c}) AS {col.name}")
                elif col.kind == "enum":
                    exprs.append(f"lower({c}) AS {col.name}")
                elif col.kind == "country":
                    exprs.append(f"upper({c}) AS {col.name}")
                elif col.kind == "tz":
                    # Empty: the country's main zone. Known: the zone's canonical spelling.
                    exprs.append(
                        f"CASE WHEN {c} IS NULL THEN g.timezone ELSE z.name END AS {col.name}"
                    )
                    joins = (
                        "LEFT JOIN ref_zones z ON z.lname = lower(f.timezone) "
                        "LEFT JOIN ref_regions g ON g.country = upper(f.country)"
                    )
                else:
                    exprs.append(f"{c} AS {col.name}")
            selects.append(
                f"SELECT {src.idx} AS _file, f._row, {', '.join(exprs)} FROM f_{src.idx} f {joins}"
            )
        if not selects:
            cols = ", ".join(f"NULL::{_sql_type(c)} AS {c.name}" for c in spec.columns)
            selects = [f"SELECT NULL::INTEGER AS _file, NULL::BIGINT AS _row, {cols} LIMIT 0"]
        if table == "users":
            defaulted = sum(
                self.con.execute(
                    f"SELECT count(*) FROM f_{s.idx} WHERE timezone IS NULL "
                    "AND upper(country) IN (SELECT country FROM ref_regions)"
                ).fetchone()[0]
                for s in sources
            )
            if defaulted:
                self.notices.append(
                    f"users: no time zone in {defaulted:,} "
                    f"row{'s' if defaulted != 1 else ''}; the country's main zone was used"
                )
        self.con.execute(f"CREATE TABLE t_{table} AS {' UNION ALL '.join(selects)}")
        for src in sources:
            self.con.execute(f"DROP TABLE f_{src.idx}")

    # ------------------------------------------------------------------ set checks

    def check_sets(self, table: str, sources: list[Source]) -> None:
        """Checks across rows and against the database: keys, users, identical rows."""
        spec = SPECS[table]
        names = {s.idx: s.name for s in sources}
        parts: list[str] = []
        labels: list[tuple[str | None, str]] = []
        in_db = table in self.db_tables
        complete = [s.idx for s in sources if not s.missing_required] or [-1]

        def check(column: str, reason: str, sql: str) -> None:
            parts.append(sql.replace("{chk}", str(len(labels))))
            labels.append((column, reason))

        if spec.key:
            k = spec.key
            check(
                k,
                "appears more than once in the files",
                f"""SELECT {{chk}} AS chk, _file AS f, _row AS r,
                     shown({k}) || CASE WHEN first_file = _file
                       THEN ', first at row ' || first_row
                       ELSE ', first in ' || first_name || ' row ' || first_row END AS detail
                   FROM (SELECT _file, _row, {k},
                           first_value(_file) OVER w AS first_file,
                           first_value(_row) OVER w AS first_row,
                           row_number() OVER w AS n
                         FROM t_{table} WHERE {k} IN (SELECT {k} FROM t_{table}
                           WHERE {k} IS NOT NULL GROUP BY {k} HAVING count(*) > 1)
                         WINDOW w AS (PARTITION BY {k} ORDER BY _file, _row)) d
                   LEFT JOIN (SELECT idx, name AS first_name FROM src_names) fn
                     ON fn.idx = d.first_file
                   WHERE n > 1""",
            )
            if in_db:
                others = [c.name for c in spec.columns if c.name != k]
                differs = " OR ".join(f"t.{c} IS DISTINCT FROM d.{c}" for c in others)
                which = ", ".join(
                    f"CASE WHEN t.{c} IS DISTINCT FROM d.{c} THEN '{c}' END" for c in others
                )
                check(
                    k,
                    "is already in the database with different values",
                    f"""SELECT {{chk}} AS chk, t._file AS f, t._row AS r,
                         shown(t.{k}) || ' differs in ' || concat_ws(', ', {which}) AS detail
                       FROM t_{table} t JOIN db.{table} d ON d.{k} = t.{k}
                       WHERE t._file IN ({", ".join(map(str, complete))}) AND ({differs})""",
                )
        for ref in spec.user_refs:
            check(
                ref,
                "refers to a user who is in neither the users files nor the database",
                f"""SELECT {{chk}} AS chk, _file AS f, _row AS r, shown({ref}) AS detail
                   FROM t_{table} WHERE {ref} IS NOT NULL
                     AND {ref} NOT IN (SELECT user_id FROM known_users)""",
            )
        if parts:
            self._collect_rows(" UNION ALL ".join(parts), lambda f: names[f], labels)
        for ref in spec.soft_user_refs:
            n, distinct = self.con.execute(
                f"SELECT count(*), count(DISTINCT {ref}) FROM t_{table} WHERE {ref} IS NOT NULL "
                f"AND {ref} NOT IN (SELECT user_id FROM known_users)"
            ).fetchone()
            if n:
                self.notices.append(
                    f"{table}.{ref}: {n:,} rows name {distinct:,} users who are not in users "
                    "(kept; they count only as the other side)"
                )
        if table == "events":
            rows = self.con.execute(
                "SELECT name, count(*) FROM t_events WHERE name NOT IN "
                f"({', '.join(_lit(e) for e in KNOWN_EVENTS)}) GROUP BY name ORDER BY 2 DESC, 1"
            ).fetchall()
            if rows:
                shown = ", ".join(f"{name} ({n:,})" for name, n in rows[:5])
                more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
                self.notices.append(f"events: names no metric uses (kept): {shown}{more}")

    def new_rows(self, table: str) -> tuple[int, int]:
        """n_<table>: rows not yet in the database. Returns (rows read, new rows)."""
        spec = SPECS[table]
        cols = ", ".join(f"t.{c}" for c in spec.names)
        if table not in self.db_tables:
            where = ""
        elif spec.key:
            where = (
                f"WHERE NOT EXISTS (SELECT 1 FROM db.{table} d WHERE d.{spec.key} = t.{spec.key})"
            )
        else:
            same = " AND ".join(f"d.{c} IS NOT DISTINCT FROM t.{c}" for c in spec.names)
            # Only the loaded time span of the database's events needs comparing.
            where = (
                f"WHERE NOT EXISTS (SELECT 1 FROM db.{table} d WHERE d.ts BETWEEN "
                f"(SELECT min(ts) FROM t_{table}) AND (SELECT max(ts) FROM t_{table}) "
                f"AND {same})"
            )
        self.con.execute(f"CREATE TABLE n_{table} AS SELECT {cols} FROM t_{table} t {where}")
        (read,) = self.con.execute(f"SELECT count(*) FROM t_{table}").fetchone()
        (new,) = self.con.execute(f"SELECT count(*) FROM n_{table}").fetchone()
        self.con.execute(f"DROP TABLE t_{table}")
        return read, new


def _sql_type(col: Col) -> str:
    return {"ts": "TIMESTAMP", "num": "DOUBLE"}.get(col.kind, "VARCHAR")


# --------------------------------------------------------------------------- progress


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


# --------------------------------------------------------------------------- entry point


def load_paths(db_path: Path, paths: list[Path], *, progress: bool = True) -> LoadReport:
    """Validate every file, then load them all in one transaction, or raise LoadError."""
    started = time.perf_counter()
    db_path = Path(db_path)
    problems: list[Problem] = []
    notices: list[str] = []
    sources = _collect([Path(p) for p in paths], problems, notices)
    if not sources and not problems:
        problems.append(Problem("(no files)", None, None, "nothing to load"))
    tables = [t for t in db.TABLES if any(s.table == t for s in sources)]
    tmp = Path(tempfile.mkdtemp(prefix="assistant-load-"))
    try:
        with _progress(progress, 2 * len(sources) + 4 * len(tables) + 1) as step:
            v = _Validator(db_path, tmp)
            try:
                for p in problems:
                    v.add(p)
                v.notices.extend(notices)
                report = _validate(v, sources, tables, step)
                if v.problems:
                    raise LoadError(v.problems, v.counts)
                report.notices = v.notices
                if report.inserted:
                    step("Writing to the database")
                    _write(v, db_path, report, step)
                    report.written = True
            finally:
                v.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report.elapsed_s = time.perf_counter() - started
    return report


def _validate(
    v: _Validator, sources: list[Source], tables: list[str], step: Callable[[str], None]
) -> LoadReport:
    report = LoadReport(db_path=v.db_path)
    v.con.execute("CREATE TABLE src_names (idx INTEGER, name VARCHAR)")
    if not sources:
        return report
    v.con.executemany("INSERT INTO src_names VALUES (?, ?)", [[s.idx, s.name] for s in sources])
    for src in sources:
        step(f"Reading {src.name}")
        v.read(src)
        step(f"Checking {src.name}")
        if not src.broken:
            v.check_rows(src)
    readable = {t: [s for s in sources if s.table == t and not s.broken] for t in tables}
    for table in tables:
        step(f"Combining {table}")
        v.build_table(table, readable[table])
    # No NULLs in here: `x NOT IN (..., NULL)` is never true and would hide unknown users.
    known = ["SELECT user_id FROM t_users WHERE user_id IS NOT NULL"] if "users" in tables else []
    if "users" in v.db_tables:
        known.append("SELECT user_id FROM db.users WHERE user_id IS NOT NULL")
    v.con.execute(
        "CREATE TABLE known_users AS "
        + (" UNION ".join(known) if known else "SELECT NULL::VARCHAR AS user_id LIMIT 0")
    )
    for table in tables:
        step(f"Checking {table} against the database")
        v.check_sets(table, readable[table])
    if "sessions" in tables:  # loaded all the same, but nobody should be surprised by it
        (ahead,) = v.con.execute(
            "SELECT count(*) FROM t_sessions WHERE started_at > ?",
            [datetime.now(UTC).replace(tzinfo=None)],
        ).fetchone()
        if ahead:
            v.notices.append(
                f"sessions: {ahead:,} row{'s' if ahead != 1 else ''} start in the future "
                "(after the current time, UTC); check the files' clocks and time zones"
            )
    if v.problems:
        return report
    for table in tables:
        step(f"Finding new {table} rows")
        read, new = v.new_rows(table)
        report.tables[table] = TableStats(
            files=[s.name for s in sources if s.table == table],
            rows_read=read,
            inserted=new,
            already_present=read - new,
        )
    return report


def _write(v: _Validator, db_path: Path, report: LoadReport, step: Callable[[str], None]) -> None:
    """Insert the new rows in one transaction; a database created here is removed on failure."""
    existed = db_path.exists()
    if v.db_tables or existed:
        # One process may not hold the file twice; the validated rows live in memory.
        v.con.execute("DETACH DATABASE IF EXISTS db")
    con = db.connect_write(db_path)
    try:
        con.execute("BEGIN")
        try:
            now = datetime.now(UTC).replace(tzinfo=None)
            for table, stats in report.tables.items():
                if not stats.inserted:
                    continue
                step(f"Writing {table}")
                cols = ", ".join(SPECS[table].names)
                reader = v.con.sql(f"SELECT {cols} FROM n_{table}").to_arrow_reader(100_000)
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

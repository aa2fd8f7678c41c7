"""Readers: each data file staged as a text table f_<idx> (_row plus the contract's columns).

CSV and JSON Lines go through DuckDB's CSV reader with rejects kept, so a bad line is
reported with its number instead of stopping the read; Parquet is read as is.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import re
from pathlib import Path

import duckdb

from assistant.store.contract import TABLES
from assistant.store.loader.files import Source
from assistant.store.loader.results import EXAMPLES_KEPT, Problem
from assistant.store.loader.workspace import Workspace, ident, lit

log = logging.getLogger(__name__)


def norm_column(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _open_text(path: Path) -> io.TextIOBase:
    raw = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")


def read(ws: Workspace, src: Source) -> None:
    """Stage one file as table f_<idx>: _row plus the contract's columns, as text."""
    try:
        if src.path.stat().st_size == 0:
            ws.add(Problem(src.name, None, None, "is empty"))
            src.broken = True
            return
        if src.fmt == "csv":
            _read_csv(ws, src)
        elif src.fmt == "json":
            _read_json(ws, src)
        else:
            _read_parquet(ws, src)
    except (duckdb.Error, OSError, EOFError, gzip.BadGzipFile) as exc:
        log.info("reading %s failed: %s", src.path, exc)
        kind = {"csv": "CSV", "json": "JSON Lines", "parquet": "Parquet"}[src.fmt]
        ws.add(
            Problem(
                src.name,
                None,
                None,
                f"cannot be read as {kind}: the file is damaged or incomplete",
            )
        )
        src.broken = True


def _map_columns(ws: Workspace, src: Source, names: list[str]) -> None:
    """Contract column -> column in the file; records notices and problems."""
    mapping: dict[str, str] = {}
    extra = []
    spec = TABLES[src.table]
    for name in names:
        norm = norm_column(name)
        if norm in spec.names:
            if norm in mapping:
                ws.add(Problem(src.name, None, norm, "column appears more than once"))
                continue
            mapping[norm] = name
        else:
            extra.append(name.strip() or "(unnamed)")
    if extra:
        ws.notices.append(f"{src.name}: ignored extra columns: {', '.join(extra)}")
    for col in spec.columns:
        if col.required and col.name not in mapping:
            ws.add(Problem(src.name, None, col.name, "required column is missing"))
            src.missing_required = True
    src.columns = mapping


def _stage(ws: Workspace, src: Source, raw: str, row_expr: str, joins: str = "") -> None:
    """f_<idx> from raw table: trimmed text, empty as NULL, absent columns as NULL."""
    cols = []
    for name in TABLES[src.table].names:
        if name in src.columns:
            cols.append(
                f"nullif(trim(CAST(r.{ident(src.columns[name])} AS VARCHAR)), '') AS {name}"
            )
        else:
            cols.append(f"NULL::VARCHAR AS {name}")
    ws.con.execute(
        f"CREATE TABLE f_{src.idx} AS SELECT {row_expr} AS _row, {', '.join(cols)} "
        f"FROM {raw} r {joins}"
    )
    ws.con.execute(f"DROP TABLE {raw}")


def _rejects(ws: Workspace, src: Source, header_lines: int) -> str:
    """Report rows the CSV reader rejected; return the SQL for true row numbers."""
    i = src.idx
    ws.con.execute(
        f"CREATE TABLE rejected_{i} AS SELECT DISTINCT line - {header_lines} AS r, "
        f"error_type, error_message FROM rej_{i}"
    )
    ws.con.execute(f"DROP TABLE rej_{i}; DROP TABLE rejs_{i}")
    examples = ws.con.execute(
        f"SELECT r, error_type, error_message, count(*) OVER (PARTITION BY error_type) "
        f"FROM rejected_{i} QUALIFY row_number() OVER (PARTITION BY error_type ORDER BY r) "
        f"<= {EXAMPLES_KEPT} ORDER BY r"
    ).fetchall()
    if not examples:
        ws.con.execute(f"DROP TABLE rejected_{i}")
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
        ws.problems.append(Problem(src.name, r, None, reason, detail))
        if etype not in counted:
            counted.add(etype)
            group = (src.name, None, reason)
            ws.counts[group] = ws.counts.get(group, 0) + n
    # The reader drops rejected rows: the a-th kept row is data row a plus the number
    # of rejected rows before it. gap = kept rows before the k-th rejected row.
    ws.con.execute(
        f"CREATE TABLE gaps_{i} AS SELECT r - k AS gap, k FROM "
        f"(SELECT r, row_number() OVER (ORDER BY r) AS k FROM "
        f"(SELECT DISTINCT r FROM rejected_{i}))"
    )
    ws.con.execute(f"DROP TABLE rejected_{i}")
    return "r.rowid + 1 + coalesce(g.k, 0)"


def _gap_join(ws: Workspace, src: Source, row_expr: str) -> str:
    if "g.k" not in row_expr:
        return ""
    i = src.idx
    return (
        f"ASOF LEFT JOIN (SELECT gap, max(k) AS k FROM gaps_{i} GROUP BY gap) g "
        "ON r.rowid + 1 > g.gap"
    )


def _read_csv(ws: Workspace, src: Source) -> None:
    with _open_text(src.path) as fh:
        first = fh.readline(1 << 20)
    if not first.strip():
        ws.add(Problem(src.name, None, None, "is empty (no header line)"))
        src.broken = True
        return
    # Pick the separator from the header: the sniffer gives up on files with bad rows.
    delim = max([",", ";", "\t", "|"], key=lambda d: (first.count(d), d == ","))
    header = next(csv.reader([first.rstrip("\r\n")], delimiter=delim))
    _map_columns(ws, src, header)
    i = src.idx
    columns = "{" + ", ".join(f"{lit(f'c{k}')}: 'VARCHAR'" for k in range(len(header))) + "}"
    ws.con.execute(
        f"CREATE TABLE raw_{i} AS SELECT * FROM read_csv({lit(src.path)}, "
        f"columns = {columns}, auto_detect = false, header = true, delim = {lit(delim)}, "
        "quote = '\"', escape = '\"', store_rejects = true, "
        f"rejects_table = 'rej_{i}', rejects_scan = 'rejs_{i}')"
    )
    src.columns = {k: f"c{header.index(v)}" for k, v in src.columns.items()}
    row_expr = _rejects(ws, src, header_lines=1)
    _stage(ws, src, f"raw_{i}", row_expr, _gap_join(ws, src, row_expr))
    _drop_gaps(ws, src)
    (n,) = ws.con.execute(f"SELECT count(*) FROM f_{i}").fetchone()
    if n == 0 and not any(p.file == src.name and p.row for p in ws.problems):
        ws.notices.append(f"{src.name}: has a header but no data rows")


def _read_json(ws: Workspace, src: Source) -> None:
    with _open_text(src.path) as fh:
        start = fh.read(4096).lstrip()
    if not start:
        ws.add(Problem(src.name, None, None, "is empty"))
        src.broken = True
        return
    if start.startswith("["):
        ws.add(
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
    ws.con.execute(
        f"CREATE TABLE lines_{i} AS SELECT * FROM read_csv({lit(src.path)}, "
        "columns = {'line': 'VARCHAR'}, auto_detect = false, header = false, "
        "delim = '\x01', quote = '', escape = '', store_rejects = true, "
        f"rejects_table = 'rej_{i}', rejects_scan = 'rejs_{i}')"
    )
    row_expr = _rejects(ws, src, header_lines=0)
    join = _gap_join(ws, src, row_expr)
    ws.con.execute(
        f"CREATE TABLE raw_{i} AS SELECT {row_expr} AS _row, r.line, "
        "json_valid(r.line) AS ok, "
        f"CASE WHEN json_valid(r.line) THEN json_type(r.line) END AS jtype "
        f"FROM lines_{i} r {join} WHERE nullif(trim(r.line), '') IS NOT NULL"
    )
    ws.con.execute(f"DROP TABLE lines_{i}")
    _drop_gaps(ws, src)
    bad = "NOT ok OR jtype <> 'OBJECT'"
    ws.collect_rows(
        f"SELECT CASE WHEN ok THEN 1 ELSE 0 END AS chk, {i} AS f, _row AS r, "
        f"NULL AS detail FROM raw_{i} WHERE {bad}",
        lambda _: src.name,
        [(None, "is not valid JSON"), (None, "is not a JSON object")],
    )
    keys = [
        k
        for (k,) in ws.con.execute(
            f"SELECT DISTINCT unnest(json_keys(line)) AS k FROM raw_{i} "
            "WHERE ok AND jtype = 'OBJECT' ORDER BY k"
        ).fetchall()
    ]
    (n,) = ws.con.execute(f"SELECT count(*) FROM raw_{i}").fetchone()
    if n == 0:
        ws.add(Problem(src.name, None, None, "is empty (no records)"))
        src.broken = True
        ws.con.execute(f"DROP TABLE raw_{i}")
        return
    _map_columns(ws, src, [k for k in keys if '"' not in k])
    wanted = list(src.columns.items())
    paths = "[" + ", ".join(lit('$."' + key + '"') for _, key in wanted) + "]"
    values = ", ".join(f"v[{k + 1}] AS c{k}" for k in range(len(wanted)))
    extract = f"json_extract_string(line, {paths})" if wanted else "[]::VARCHAR[]"
    ws.con.execute(
        f"CREATE TABLE obj_{i} AS SELECT _row{', ' + values if values else ''} FROM "
        f"(SELECT _row, {extract} AS v FROM raw_{i} WHERE ok AND jtype = 'OBJECT')"
    )
    ws.con.execute(f"DROP TABLE raw_{i}")
    src.columns = {name: f"c{k}" for k, (name, _) in enumerate(wanted)}
    _stage(ws, src, f"obj_{i}", "r._row")


def _read_parquet(ws: Workspace, src: Source) -> None:
    i = src.idx
    path = lit(src.path)
    names = [
        r[0]
        for r in ws.con.execute(f"DESCRIBE SELECT * FROM read_parquet({path})").fetchall()
    ]
    _map_columns(ws, src, names)
    ws.con.execute(
        f"CREATE TABLE raw_{i} AS SELECT * FROM read_parquet({path}, file_row_number = true)"
    )
    _stage(ws, src, f"raw_{i}", "r.file_row_number + 1")
    (n,) = ws.con.execute(f"SELECT count(*) FROM f_{i}").fetchone()
    if n == 0:
        ws.notices.append(f"{src.name}: has no rows")


def _drop_gaps(ws: Workspace, src: Source) -> None:
    ws.con.execute(f"DROP TABLE IF EXISTS gaps_{src.idx}")

# ------------------------------------------------------------------ row checks

"""Checks across rows and against the database, one rule per function, from the contract.

Problems: a key twice in the files, a key already in the database with other values, a
reference to a user found nowhere. Notices: references to users outside the export,
event names no metric reads, rows repeated exactly within a file.
"""

from __future__ import annotations

from datetime import UTC, datetime

from assistant.store import contract
from assistant.store.loader.files import Source
from assistant.store.loader.workspace import Workspace, lit

# (column reported, reason, SQL returning chk, f, r, detail; "{chk}" is the check's number)
SetCheck = tuple[str, str, str]


def duplicate_key(table: contract.Table) -> list[SetCheck]:
    if not table.key:
        return []
    k, t = table.key, table.name
    return [
        (
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
                     FROM t_{t} WHERE {k} IN (SELECT {k} FROM t_{t}
                       WHERE {k} IS NOT NULL GROUP BY {k} HAVING count(*) > 1)
                     WINDOW w AS (PARTITION BY {k} ORDER BY _file, _row)) d
               LEFT JOIN (SELECT idx, name AS first_name FROM src_names) fn
                 ON fn.idx = d.first_file
               WHERE n > 1""",
        )
    ]


def differs_from_database(
    table: contract.Table, ws: Workspace, sources: list[Source]
) -> list[SetCheck]:
    """Loaded history is never rewritten: the same key must come with the same values."""
    if not table.key or table.name not in ws.db_tables:
        return []
    k, t = table.key, table.name
    # Files missing a required column are already refused; their NULLs would differ anyway.
    complete = [s.idx for s in sources if not s.missing_required] or [-1]
    others = [c for c in table.names if c != k]
    differs = " OR ".join(f"t.{c} IS DISTINCT FROM d.{c}" for c in others)
    which = ", ".join(f"CASE WHEN t.{c} IS DISTINCT FROM d.{c} THEN '{c}' END" for c in others)
    return [
        (
            k,
            "is already in the database with different values",
            f"""SELECT {{chk}} AS chk, t._file AS f, t._row AS r,
                 shown(t.{k}) || ' differs in ' || concat_ws(', ', {which}) AS detail
               FROM t_{t} t JOIN db.{t} d ON d.{k} = t.{k}
               WHERE t._file IN ({", ".join(map(str, complete))}) AND ({differs})""",
        )
    ]


def unknown_user(table: contract.Table) -> list[SetCheck]:
    return [
        (
            ref,
            "refers to a user who is in neither the users files nor the database",
            f"""SELECT {{chk}} AS chk, _file AS f, _row AS r, shown({ref}) AS detail
               FROM t_{table.name} WHERE {ref} IS NOT NULL
                 AND {ref} NOT IN (SELECT user_id FROM known_users)""",
        )
        for ref in table.user_refs
    ]


def note_outside_users(ws: Workspace, table: contract.Table) -> None:
    for ref in table.soft_user_refs:
        n, distinct = ws.con.execute(
            f"SELECT count(*), count(DISTINCT {ref}) FROM t_{table.name} WHERE {ref} IS NOT NULL "
            f"AND {ref} NOT IN (SELECT user_id FROM known_users)"
        ).fetchone()
        if n:
            ws.notices.append(
                f"{table.name}.{ref}: {n:,} rows name {distinct:,} users who are not in users "
                "(kept; they count only as the other side)"
            )


def note_unknown_events(ws: Workspace, table: contract.Table) -> None:
    if table.name != "events":
        return
    known = ", ".join(lit(e) for e in contract.EVENT_NAMES)
    rows = ws.con.execute(
        f"SELECT name, count(*) FROM t_events WHERE name NOT IN ({known}) "
        "GROUP BY name ORDER BY 2 DESC, 1"
    ).fetchall()
    if rows:
        shown = ", ".join(f"{name} ({n:,})" for name, n in rows[:5])
        more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
        ws.notices.append(f"events: names no metric uses (kept): {shown}{more}")


def note_repeated_rows(ws: Workspace, table: contract.Table, names: dict[int, str]) -> None:
    """Rows identical in every column to an earlier row of the same file (keyless tables:
    a repeated key is already a problem)."""
    if table.key:
        return
    cols = ", ".join(table.names)
    rows = ws.con.execute(
        f"SELECT _file, CAST(sum(n - 1) AS BIGINT) FROM (SELECT _file, count(*) AS n "
        f"FROM t_{table.name} GROUP BY _file, {cols} HAVING count(*) > 1) GROUP BY _file "
        "ORDER BY _file"
    ).fetchall()
    for f, n in rows:
        ws.notices.append(
            f"{names[f]}: {n:,} row{'s repeat' if n != 1 else ' repeats'} an earlier row "
            "exactly (kept: two events in the same second can be real; remove copies from "
            "the file if they are not)"
        )


def note_future_sessions(ws: Workspace, table: contract.Table) -> None:
    """Sessions that start after the current time: loaded all the same, but said."""
    if table.name != "sessions":
        return
    (ahead,) = ws.con.execute(
        "SELECT count(*) FROM t_sessions WHERE started_at > ?",
        [datetime.now(UTC).replace(tzinfo=None)],
    ).fetchone()
    if ahead:
        ws.notices.append(
            f"sessions: {ahead:,} row{'s' if ahead != 1 else ''} start in the future "
            "(after the current time, UTC); check the files' clocks and time zones"
        )


def check_sets(ws: Workspace, table_name: str, sources: list[Source]) -> None:
    """Every rule across the rows of t_<table> and against the database."""
    table = contract.TABLES[table_name]
    names = {s.idx: s.name for s in sources}
    checks = [
        *duplicate_key(table),
        *differs_from_database(table, ws, sources),
        *unknown_user(table),
    ]
    if checks:
        sql = " UNION ALL ".join(q.replace("{chk}", str(i)) for i, (_, _, q) in enumerate(checks))
        ws.collect_rows(sql, lambda f: names[f], [(c, reason) for c, reason, _ in checks])
    note_outside_users(ws, table)
    note_unknown_events(ws, table)
    note_repeated_rows(ws, table, names)
    note_future_sessions(ws, table)

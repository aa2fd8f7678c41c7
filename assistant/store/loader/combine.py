"""The staged files of one table combined with the contract's types, and the rows that are new."""

from __future__ import annotations

from assistant.store import contract
from assistant.store.loader.files import Source
from assistant.store.loader.workspace import Workspace


def _typed(col: contract.Column, country: str | None) -> tuple[str, str]:
    """The SQL giving the column its contract type from staged text, and a join it needs."""
    c = f"f.{col.name}"
    if col.kind == "ts":
        return f"to_ts({c})", ""
    if col.kind == "num":
        return f"to_num({c})", ""
    if col.kind == "enum":
        return f"lower({c})", ""
    if col.kind == "country":
        return f"upper({c})", ""
    if col.kind == "tz":
        # Known: the zone's canonical spelling. Empty: the country's main zone.
        join = f"LEFT JOIN ref_zones z ON z.lname = lower({c}) "
        if col.filled and country:
            join += f"LEFT JOIN ref_regions g ON g.country = upper(f.{country})"
            return f"CASE WHEN {c} IS NULL THEN g.timezone ELSE z.name END", join
        return "z.name", join
    return c, ""


def build_table(ws: Workspace, table: str, sources: list[Source]) -> None:
    """t_<table>: every readable file's rows with contract types, plus _file and _row."""
    spec = contract.TABLES[table]
    country = next((c.name for c in spec.columns if c.kind == "country"), None)
    selects = []
    for src in sources:
        typed = [(_typed(col, country), col.name) for col in spec.columns]
        exprs = ", ".join(f"{sql} AS {name}" for (sql, _), name in typed)
        joins = " ".join(join for (_, join), _ in typed if join)
        selects.append(f"SELECT {src.idx} AS _file, f._row, {exprs} FROM f_{src.idx} f {joins}")
    if not selects:
        cols = ", ".join(f"NULL::{c.sql_type} AS {c.name}" for c in spec.columns)
        selects = [f"SELECT NULL::INTEGER AS _file, NULL::BIGINT AS _row, {cols} LIMIT 0"]
    for col in spec.columns:
        if col.kind == "tz" and col.filled and country:
            _count_filled_zones(ws, table, col.name, country, sources)
    ws.con.execute(f"CREATE TABLE t_{table} AS {' UNION ALL '.join(selects)}")
    for src in sources:
        ws.con.execute(f"DROP TABLE f_{src.idx}")


def _count_filled_zones(
    ws: Workspace, table: str, column: str, country: str, sources: list[Source]
) -> None:
    defaulted = sum(
        ws.con.execute(
            f"SELECT count(*) FROM f_{s.idx} WHERE {column} IS NULL "
            f"AND upper({country}) IN (SELECT country FROM ref_regions)"
        ).fetchone()[0]
        for s in sources
    )
    if defaulted:
        ws.notices.append(
            f"{table}: no time zone in {defaulted:,} "
            f"row{'s' if defaulted != 1 else ''}; the country's main zone was used"
        )


def new_rows(ws: Workspace, table: str) -> tuple[int, int]:
    """n_<table>: rows not yet in the database. Returns (rows read, new rows)."""
    spec = contract.TABLES[table]
    cols = ", ".join(f"t.{c}" for c in spec.names)
    if table not in ws.db_tables:
        where = ""
    elif spec.key:
        where = f"WHERE NOT EXISTS (SELECT 1 FROM db.{table} d WHERE d.{spec.key} = t.{spec.key})"
    else:
        same = " AND ".join(f"d.{c} IS NOT DISTINCT FROM t.{c}" for c in spec.names)
        # Only the loaded time span of the database's rows needs comparing.
        ts = next(c.name for c in spec.columns if c.kind == "ts")
        where = (
            f"WHERE NOT EXISTS (SELECT 1 FROM db.{table} d WHERE d.{ts} BETWEEN "
            f"(SELECT min({ts}) FROM t_{table}) AND (SELECT max({ts}) FROM t_{table}) "
            f"AND {same})"
        )
    ws.con.execute(f"CREATE TABLE n_{table} AS SELECT {cols} FROM t_{table} t {where}")
    (read,) = ws.con.execute(f"SELECT count(*) FROM t_{table}").fetchone()
    (new,) = ws.con.execute(f"SELECT count(*) FROM n_{table}").fetchone()
    ws.con.execute(f"DROP TABLE t_{table}")
    return read, new

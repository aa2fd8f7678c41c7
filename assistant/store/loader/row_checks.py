"""Checks of one row at a time, one rule per function, each driven by the data contract.

A rule looks at one column of the contract (or one of its table's order constraints) and
returns the checks it implies: the column reported, the reason, SQL that is true for a bad
row, and SQL for the offending value shown in the message. Columns are still raw text here.
`check_rows` runs them all in one pass over the staged file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.store import contract
from assistant.store.loader.files import Source
from assistant.store.loader.workspace import Workspace, lit

TIMESTAMP_HELP = "use ISO 8601, e.g. 2026-11-02 13:45:00 or 2026-11-02T13:45:00Z"
HINTS_KEPT = 1000  # distinct unknown country values looked up for a "did you mean"


@dataclass(frozen=True)
class Check:
    column: str
    reason: str
    bad: str  # SQL, true for a bad row
    detail: str  # SQL, the value shown


def required(col: contract.Column) -> list[Check]:
    if not col.required:
        return []
    return [Check(col.name, "is empty but required", f"{col.name} IS NULL", "NULL")]


def timestamp(col: contract.Column) -> list[Check]:
    if col.kind != "ts":
        return []
    c = col.name
    return [
        Check(
            c,
            f"is not a date-time ({TIMESTAMP_HELP})",
            f"{c} IS NOT NULL AND to_ts({c}) IS NULL",
            f"shown({c})",
        )
    ]


def number(col: contract.Column) -> list[Check]:
    if col.kind != "num":
        return []
    c = col.name
    return [Check(c, "is not a number", f"{c} IS NOT NULL AND to_num({c}) IS NULL", f"shown({c})")]


def minimum(col: contract.Column) -> list[Check]:
    if col.minimum is None:
        return []
    c, low = col.name, col.minimum
    reason = "must not be negative" if low == 0 else f"must be at least {low:g}"
    return [Check(c, reason, f"to_num({c}) < {low!r}", f"shown({c})")]


def allowed_value(col: contract.Column) -> list[Check]:
    if col.kind != "enum":
        return []
    c = col.name
    values = ", ".join(lit(v) for v in col.allowed)
    return [
        Check(
            c,
            f"must be one of {', '.join(col.allowed)}",
            f"{c} IS NOT NULL AND lower({c}) NOT IN ({values})",
            f"shown({c})",
        )
    ]


def country(col: contract.Column) -> list[Check]:
    if col.kind != "country":
        return []
    c = col.name
    # ref_country_hints holds "did you mean" for the unknown values of this file.
    return [
        Check(
            c,
            "is not a known country code (ISO 3166-1 alpha-2, e.g. BR, US, IS)",
            f"{c} IS NOT NULL AND upper({c}) NOT IN (SELECT country FROM ref_regions)",
            f"shown({c}) || coalesce((SELECT ', did you mean ' || h.hint || '?' "
            f"FROM ref_country_hints h WHERE h.value = {c}), '')",
        )
    ]


def time_zone(col: contract.Column) -> list[Check]:
    if col.kind != "tz":
        return []
    c = col.name
    return [
        Check(
            c,
            "is not a known IANA time zone (e.g. Asia/Jakarta)",
            f"{c} IS NOT NULL AND lower({c}) NOT IN (SELECT lname FROM ref_zones)",
            f"shown({c})",
        )
    ]


COLUMN_RULES: tuple[Callable[[contract.Column], list[Check]], ...] = (
    required, timestamp, number, minimum, allowed_value, country, time_zone,
)


def order(table: contract.Table, present: set[str]) -> list[Check]:
    """`column` not before `earlier`; when a column has several such rules, a row is reported
    under the first it breaks only."""
    checks = []
    for i, rule in enumerate(table.order):
        c, e = rule.column, rule.earlier
        if not {c, e} <= present:
            continue
        bad = f"to_ts({c}) < to_ts({e})"
        for before in table.order[:i]:
            if before.column == c and {before.earlier} <= present:
                bad = f"to_ts({c}) >= to_ts({before.earlier}) AND {bad}"
        checks.append(Check(c, f"is before {e}", bad, f"shown({c}) || ' < ' || shown({e})"))
    return checks


def _country_hints(ws: Workspace, src: Source, col: str) -> None:
    """ref_country_hints: 'US' for 'USA', 'BR' for 'Brasil' (aliases, then near misses)."""
    from assistant.store.regions import SUGGEST_MAX_CHARS, suggest_codes

    ws.con.execute("CREATE OR REPLACE TABLE ref_country_hints (value VARCHAR, hint VARCHAR)")
    values = ws.con.execute(
        f"SELECT DISTINCT {col} FROM f_{src.idx} WHERE {col} IS NOT NULL "
        f"AND upper({col}) NOT IN (SELECT country FROM ref_regions) "
        f"AND length({col}) <= {SUGGEST_MAX_CHARS} LIMIT {HINTS_KEPT}"
    ).fetchall()
    hints = [(v, " or ".join(codes)) for (v,) in values if (codes := suggest_codes(v))]
    if hints:
        ws.con.executemany("INSERT INTO ref_country_hints VALUES (?, ?)", hints)


def check_rows(ws: Workspace, src: Source) -> None:
    """Run every rule on the staged file f_<idx>: values, formats, allowed sets, order."""
    table = contract.TABLES[src.table]
    present = set(src.columns)
    checks = [
        check
        for col in table.columns
        if col.name in present
        for rule in COLUMN_RULES
        for check in rule(col)
    ]
    checks += order(table, present)
    if not checks:
        return
    for col in table.columns:
        if col.kind == "country" and col.name in present:
            _country_hints(ws, src, col.name)
    bad_rows = f"bad_{src.idx}"
    parts = [
        f"SELECT {k} AS chk, {src.idx} AS f, _row AS r, {c.detail} AS detail "
        f"FROM {bad_rows} WHERE {c.bad}"
        for k, c in enumerate(checks)
    ]
    # One pass over the file picks out the few bad rows; the checks run on those.
    ws.con.execute(
        f"CREATE TEMP TABLE {bad_rows} AS SELECT * FROM f_{src.idx} "
        f"WHERE {' OR '.join(f'({c.bad})' for c in checks)}"
    )
    ws.collect_rows(
        " UNION ALL ".join(parts), lambda _: src.name, [(c.column, c.reason) for c in checks]
    )
    ws.con.execute(f"DROP TABLE {bad_rows}")

"""The vetted DuckDB SQL in Spark's dialect: one source of SQL, transpiled when loaded.

`tools/*.sql` and the rollup build stay written for DuckDB. `to_spark` parses such a
statement with sqlglot, rewrites the few constructs whose meaning differs between the two
engines (below), and keeps the tree with its `$name` placeholders. `bind` fills the
placeholders with typed literals on a copy of that tree (the values were validated by
the metric's parameter model) and prints it in the `SparkSQL` dialect; nothing is ever
formatted into the SQL text.

What differs, and how it is carried over:
- time zones: DuckDB's `timezone(z, x)` turns a wall time into an instant or back,
  depending on x's type. Spark keeps instants here as TIMESTAMP_NTZ in UTC (the raw
  tables' convention) and converts with `convert_timezone(from, to, x)`.
- `isodow` (sqlglot prints it wrong: Sunday becomes 2) -> `extract(DAYOFWEEK_ISO ...)`;
  ISO week labels `%G-W%V` and `yearweek` -> `extract(YEAROFWEEK ...)` + `weekofyear`.
- `epoch_us` -> `unix_micros`, `epoch(a - b)` -> difference of micros, `to_days` ->
  `make_dt_interval`, `time_bucket` -> arithmetic on micros, `to_timestamp(s)` ->
  `timestamp_seconds`, date minus date -> `datediff`, `len(list)` -> `size`.
- a `generate_series(...) g(t)` table -> `explode(sequence(...))` (a LATERAL VIEW when
  it reads the tables before it).
- division: DuckDB gives NULL on x / 0 where ANSI Spark raises -> `try_divide`;
  decimal literals (`60000000.0`) -> DOUBLE, else Spark stays in DECIMAL and drifts.
- `WITH x AS MATERIALIZED` -> a plain CTE (Spark decides what to materialise).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.dialects.spark import Spark

# Parameter types of the metric headers whose values are lists, and their element type.
LIST_TYPES = {"int_list": "INT"}
LIST_SUFFIX = "_list"
_MICROS = {"MICROSECOND": 1, "MILLISECOND": 1_000, "SECOND": 1_000_000,
           "MINUTE": 60_000_000, "HOUR": 3_600_000_000, "DAY": 86_400_000_000}
_ISO_WEEK = "%G-W%V"


def _fn(name: str, *args: exp.Expression) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def _iso_year(this: exp.Expression) -> exp.Expression:
    return exp.Extract(this=exp.var("YEAROFWEEK"), expression=this.copy())


def _time_to_str(self: Spark.Generator, e: exp.TimeToStr) -> str:
    fmt = e.args.get("format")
    if isinstance(fmt, exp.Literal) and fmt.this == _ISO_WEEK:
        # 2026-W05: ISO year, then the ISO week with two digits
        week = _fn("LPAD", exp.cast(_fn("WEEKOFYEAR", e.this.copy()), "STRING"),
                   exp.Literal.number(2), exp.Literal.string("0"))
        label = exp.Concat(expressions=[
            exp.cast(_iso_year(e.this), "STRING"), exp.Literal.string("-W"), week,
        ])
        return self.sql(label)
    return f"DATE_FORMAT({self.sql(e, 'this')}, {self.format_time(e)})"


def _anonymous(self: Spark.Generator, e: exp.Anonymous) -> str:
    name = e.name.upper()
    args = e.expressions
    if name == "EPOCH_US" and len(args) == 1:
        return self.func("UNIX_MICROS", args[0])
    if name == "YEARWEEK" and len(args) == 1:
        key = exp.Add(
            this=exp.Mul(this=_iso_year(args[0]), expression=exp.Literal.number(100)),
            expression=_fn("WEEKOFYEAR", args[0].copy()),
        )
        return self.sql(exp.Paren(this=key))
    return self.anonymous_sql(e)


def _epoch_seconds(self: Spark.Generator, e: exp.TimeToUnix) -> str:
    if isinstance(e.this, exp.Sub):  # epoch(a - b): the interval's length in seconds
        micros = exp.Sub(this=_fn("UNIX_MICROS", e.this.this.copy()),
                         expression=_fn("UNIX_MICROS", e.this.expression.copy()))
        return f"({self.sql(micros)}) / 1e6"
    return self.func("UNIX_SECONDS", e.this)


def _date_bin(self: Spark.Generator, e: exp.DateBin) -> str:
    width = e.this
    if not isinstance(width, exp.Interval) or width.unit is None:
        raise ValueError("time_bucket needs a constant interval")
    micros = int(width.this.name) * _MICROS[width.unit.name.upper().rstrip("S")]
    floor = f"UNIX_MICROS({self.sql(e, 'expression')}) DIV {micros} * {micros}"
    return f"CAST(TIMESTAMP_MICROS({floor}) AS TIMESTAMP_NTZ)"


class SparkSQL(Spark):
    """Spark SQL for the vetted DuckDB queries (see the module docstring)."""

    class Generator(Spark.Generator):
        TRANSFORMS = {
            **Spark.Generator.TRANSFORMS,
            exp.DayOfWeekIso: lambda self, e: f"EXTRACT(DAYOFWEEK_ISO FROM {self.sql(e, 'this')})",
            exp.ToDays: lambda self, e: self.func("MAKE_DT_INTERVAL", e.this),
            exp.Div: lambda self, e: self.func("TRY_DIVIDE", e.this, e.expression),
            exp.UnixToTime: lambda self, e: (
                f"CAST(TIMESTAMP_SECONDS({self.sql(e, 'this')}) AS TIMESTAMP_NTZ)"
            ),
            exp.TimeToStr: _time_to_str,
            exp.Anonymous: _anonymous,
            exp.TimeToUnix: _epoch_seconds,
            exp.DateBin: _date_bin,
        }


def to_spark(sql: str, param_types: Mapping[str, str]) -> exp.Query:
    """Parse DuckDB SQL and rewrite what the dialect alone cannot carry over.

    param_types: placeholder name -> metric parameter type (`date`, `int`, `*_list`, ...).
    """
    tree = sqlglot.parse_one(sql, read="duckdb")
    for cte in tree.find_all(exp.CTE):
        cte.set("materialized", None)
    _rewrite_timezones(tree)
    _rewrite_lengths(tree, param_types)
    _rewrite_date_differences(tree, param_types)
    _rewrite_series(tree)
    for lit in list(tree.find_all(exp.Literal)):
        if lit.is_number and "." in lit.this and "e" not in lit.this.lower():
            lit.replace(exp.cast(lit.copy(), "DOUBLE"))
    return tree


def _rewrite_timezones(tree: exp.Expression) -> None:
    """DuckDB `timezone(z, x)`: wall time -> instant, or instant -> wall time in z.

    An instant is a UTC TIMESTAMP_NTZ on Spark. Innermost calls first, so a call knows
    whether its argument is already an instant.
    """
    calls = [n for n in tree.find_all(exp.Anonymous, bfs=False) if n.name.lower() == "timezone"]
    for node in reversed(calls):
        zone, value = node.expressions
        utc = isinstance(zone, exp.Literal) and zone.this.upper() == "UTC"
        instant = value.meta.get("instant") or isinstance(value, exp.UnixToTime)
        if instant:  # the wall time in `zone` of an instant
            out = value.copy() if utc else _fn(
                "CONVERT_TIMEZONE", exp.Literal.string("UTC"), zone.copy(), value.copy())
        else:  # the instant at which `zone`'s clocks show `value`
            out = exp.Paren(this=value.copy()) if utc else _fn(
                "CONVERT_TIMEZONE", zone.copy(), exp.Literal.string("UTC"), value.copy())
            out.meta["instant"] = True
        node.replace(out)


def _is_list(node: exp.Expression, param_types: Mapping[str, str]) -> bool:
    if isinstance(node, exp.Placeholder):
        return param_types.get(node.name, "").endswith(LIST_SUFFIX)
    return isinstance(node, exp.Array)


def _rewrite_lengths(tree: exp.Expression, param_types: Mapping[str, str]) -> None:
    for node in list(tree.find_all(exp.Length)):
        if _is_list(node.this, param_types):
            node.replace(exp.ArraySize(this=node.this.copy()))


def _is_date(node: exp.Expression, param_types: Mapping[str, str]) -> bool:
    if isinstance(node, exp.Placeholder):
        return param_types.get(node.name) == "date"
    return isinstance(node, exp.Cast) and node.to.is_type("date")


def _rewrite_date_differences(tree: exp.Expression, param_types: Mapping[str, str]) -> None:
    """Date minus date is a day count in DuckDB, an interval in Spark."""
    for node in list(tree.find_all(exp.Sub)):
        if _is_date(node.this, param_types) and _is_date(node.expression, param_types):
            node.replace(exp.Paren(this=_fn("DATEDIFF", node.this.copy(), node.expression.copy())))


def _rewrite_series(tree: exp.Expression) -> None:
    """`generate_series(a, b, step) g(t)` as a table -> `explode(sequence(a, b, step))`."""
    for table in list(tree.find_all(exp.Table)):
        series = table.this
        if not isinstance(series, exp.GenerateSeries):
            continue
        alias = table.args["alias"]
        values = exp.Explode(this=_fn("SEQUENCE", *(
            series.args[k].copy() for k in ("start", "end", "step") if series.args.get(k))))
        parent = table.parent
        select = table.find_ancestor(exp.Select)
        if isinstance(parent, exp.Join):
            # reads the tables before it: a lateral view of the select
            parent.pop()
            select.append("laterals", exp.Lateral(this=values, view=True, alias=alias.copy()))
        else:
            column = alias.columns[0].copy()
            sub = exp.select(exp.alias_(values, column)).subquery(alias.this.copy())
            table.replace(sub)


def literal(value: Any, kind: str) -> exp.Expression:
    """A typed SQL literal for one validated parameter value."""
    if kind.endswith(LIST_SUFFIX):
        inner = LIST_TYPES.get(kind, "STRING")
        items = [literal(v, "int" if inner == "INT" else "text") for v in value]
        return exp.cast(exp.Array(expressions=items), f"ARRAY<{inner}>", dialect="spark")
    if kind == "date" or isinstance(value, date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    if kind == "int" or isinstance(value, int) and not isinstance(value, bool):
        return exp.Literal.number(int(value))
    return exp.Literal.string(str(value))


def bind(tree: exp.Query, values: Mapping[str, Any], param_types: Mapping[str, str]) -> str:
    """Spark SQL text with every placeholder replaced by its typed literal."""

    def fill(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder):
            if node.name not in values:
                raise KeyError(f"no value for ${node.name}")
            return literal(values[node.name], param_types.get(node.name, "text"))
        return node

    return tree.copy().transform(fill).sql(dialect=SparkSQL)

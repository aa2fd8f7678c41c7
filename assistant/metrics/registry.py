"""The vetted metric catalog: discovers `tools/*.sql`, checks each, and turns it into a typed tool.

A metric file is a YAML header in a leading block comment, then one SELECT. The header
declares the parameters; the SQL uses them as `$name` placeholders, always bound by
DuckDB and never formatted into the text. A few context values are bound by the
catalog itself and never exposed to a caller (see `CONTEXT_PARAMS`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import sqlglot
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator
from sqlglot import exp

from assistant.config import TOOLS_DIR
from assistant.errors import ParameterError
from assistant.metrics.header import MetricFileError, parse_header
from assistant.store import contract
from assistant.store.rollups import ROLLUP_TABLES

ALLOWED_TABLES = frozenset((*contract.QUERYABLE_TABLES, *ROLLUP_TABLES))
# Table functions a vetted query may use: they generate values, they read nothing.
ALLOWED_TABLE_FUNCTIONS = (exp.GenerateSeries, exp.Unnest)
# Bound by the catalog on every run: reporting time zone and the latest complete day.
CONTEXT_PARAMS = frozenset({"tz", "last_day"})
REGIONS = tuple(contract.REGIONS)
PLATFORMS = contract.PLATFORMS
GROUP_BY = ("none", "day", "week", "country", "region", "platform", "channel")
ACTIONS = contract.ACTIONS
MAX_LIST = 80

_HEADER = re.compile(r"\A\s*/\*\s*---\s*\n(?P<yaml>.*?)\n\s*---\s*\*/\s*(?P<sql>.*)\Z", re.S)
_PLACEHOLDER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _did_you_mean(word: str, options: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, options, n=3, cutoff=0.6)
    return f" Did you mean: {', '.join(close)}?" if close else ""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str
    default: Any = None
    allowed: tuple = ()
    min: int | None = None
    max: int | None = None


@dataclass(frozen=True)
class Column:
    name: str
    en: str
    zh: str
    format: str = "text"  # text | label | int | float | pct | minutes | usd | ms


@dataclass
class Metric:
    """One vetted metric: its header, its SQL, and the typed model of its parameters."""

    name: str
    path: Path
    title: dict[str, str]
    description: dict[str, str]
    dimension: str
    params: dict[str, Param]
    columns: dict[str, Column]
    chart: dict[str, Any]
    sql: str
    size_column: str | None = None
    span_days: int = 7
    end_lag_days: int = 0
    headline: list[str] = field(default_factory=list)

    @cached_property
    def model(self) -> type[BaseModel]:
        return _param_model(self)

    def validate(self, args: dict[str, Any] | None) -> BaseModel:
        """Check arguments against the typed model; errors list the allowed values."""
        args = dict(args or {})
        unknown = sorted(set(args) - set(self.params))
        if unknown:
            allowed = ", ".join(self.params)
            raise ParameterError(
                f"{self.name} has no parameter {', '.join(repr(u) for u in unknown)}."
                + _did_you_mean(unknown[0], list(self.params)),
                hint=f"Its parameters are: {allowed}.",
            )
        try:
            return self.model(**args)
        except ValidationError as exc:
            raise ParameterError(_explain(self, exc)) from None


def _explain(metric: Metric, exc: ValidationError, lang: str = "en") -> str:
    """Plain sentences in `lang` (prompts/messages.yaml), one per bad value: what is allowed."""
    from assistant.prompts import text

    parts = []
    for e in exc.errors():
        name = str(e["loc"][0]) if e["loc"] else "?"
        param = metric.params.get(name)
        ctx, value = e.get("ctx") or {}, e.get("input")
        lo = param.min if param and param.min is not None else ctx.get("ge", ctx.get("gt"))
        hi = param.max if param and param.max is not None else ctx.get("le", ctx.get("lt"))
        if e["type"] == "literal_error":
            allowed = param.allowed if param and param.allowed else ctx["expected"]
            allowed = ", ".join(map(str, allowed)) if isinstance(allowed, tuple | list) else allowed
            msg = text("bad_choice", lang, value=repr(value), allowed=allowed)
        elif e["type"] in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
            msg = text("bad_range", lang, value=value, lo=lo, hi=hi)
        elif e["type"] in ("too_long", "too_short"):
            msg = text("bad_length", lang, lo=ctx.get("min_length", 0),
                       hi=ctx.get("max_length", ctx.get("actual_length")))
        elif lang == "en":
            msg = e["msg"].removeprefix("Value error, ")
        else:
            msg = text("bad_value", lang, value=repr(value)[:80])
        parts.append(f"{name}: {msg}")
    return text("bad_values", lang, metric=metric.name, problems="; ".join(parts))


def _check_countries(values: list[str]) -> list[str]:
    from assistant.store.regions import resolve_country, suggest_country

    out = []
    for v in values:
        code = resolve_country(str(v))
        if code is None:
            raise ValueError(
                f"unknown country {v!r}.{suggest_country(str(v))} "
                "Use ISO 3166-1 alpha-2 codes such as BR, ID, US, SA"
            )
        if code not in out:
            out.append(code)
    return out


def _field(p: Param) -> tuple[Any, Any]:
    desc = p.description
    if p.type == "date":
        return (date | None, Field(None, description=desc))
    if p.type == "int":
        return (int, Field(p.default, ge=p.min, le=p.max, description=desc))
    if p.type == "int_list":
        inner = Field(ge=p.min, le=p.max)
        from typing import Annotated

        return (
            list[Annotated[int, inner]],
            Field(list(p.default or []), min_length=1, max_length=12, description=desc),
        )
    if p.type == "choice":
        return (Literal[p.allowed], Field(p.default, description=desc))  # type: ignore[valid-type]
    enum = {"region_list": REGIONS, "platform_list": PLATFORMS, "action_list": ACTIONS}
    if p.type in enum:
        allowed = p.allowed or enum[p.type]
        return (
            list[Literal[allowed]],  # type: ignore[valid-type]
            Field(list(p.default or []), max_length=MAX_LIST, description=desc),
        )
    if p.type == "country_list":
        return (list[str], Field(list(p.default or []), max_length=MAX_LIST, description=desc))
    raise AssertionError(p.type)


def _param_model(metric: Metric) -> type[BaseModel]:
    fields = {name: _field(p) for name, p in metric.params.items()}
    validators = {}
    country_fields = [n for n, p in metric.params.items() if p.type == "country_list"]
    if country_fields:
        validators["_countries"] = field_validator(*country_fields, mode="after")(
            classmethod(lambda cls, v: _check_countries(v))
        )
    validators["_dedupe"] = field_validator(
        *[n for n, p in metric.params.items() if p.type.endswith("_list")] or ["__none__"],
        mode="after",
        check_fields=False,
    )(classmethod(lambda cls, v: list(dict.fromkeys(v))))
    model = create_model(  # type: ignore[call-overload]
        "".join(w.title() for w in metric.name.split("_")) + "Params",
        __config__=ConfigDict(extra="forbid"),
        __doc__=metric.description["en"],
        __validators__=validators,
        **fields,
    )
    return model


_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def _join_lines(text: str) -> str:
    """Unwrap a folded YAML text: spaces between words, none between two CJK characters."""
    return _CJK_GAP.sub("", " ".join(text.split()))


def _parse_file(path: Path) -> Metric:
    text = path.read_text(encoding="utf-8")
    m = _HEADER.match(text)
    if not m:
        raise MetricFileError(path, "header", "must start with a /* --- YAML --- */ block")
    try:
        data = yaml.safe_load(m["yaml"]) or {}
    except yaml.YAMLError as exc:
        raise MetricFileError(path, "header", f"not valid YAML: {exc}") from None
    head = parse_header(path, data)
    sql = m["sql"].strip().rstrip(";").strip()
    _check_sql(path, sql, set(head.params))
    return Metric(
        name=head.name,
        path=path,
        title=head.title.model_dump(),
        description={k: _join_lines(v) for k, v in head.description.model_dump().items()},
        dimension=head.dimension,
        params={
            pname: Param(
                name=pname,
                type=p.type,
                description=p.description,
                default=p.default,
                allowed=tuple(p.allowed or ()),
                min=p.min,
                max=p.max,
            )
            for pname, p in head.params.items()
        },
        columns={
            cname: Column(cname, c.en, c.zh, c.format) for cname, c in head.columns.items()
        },
        chart=head.chart.model_dump(exclude_none=True),
        sql=sql,
        size_column=head.size_column,
        span_days=head.defaults.span_days,
        end_lag_days=head.defaults.end_lag_days,
        headline=list(head.headline),
    )


def _check_sql(path: Path, sql: str, declared: set[str]) -> None:
    """One SELECT, reading only the contract's tables, with exactly the declared parameters."""
    try:
        statements = sqlglot.parse(sql, read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise MetricFileError(path, "sql", f"does not parse: {str(exc).splitlines()[0]}") from None
    if len(statements) != 1 or statements[0] is None:
        raise MetricFileError(path, "sql", "must be exactly one statement")
    tree = statements[0]
    if not isinstance(tree, exp.Query):
        raise MetricFileError(path, "sql", f"must be a SELECT, not {tree.key.upper()}")
    for node in tree.walk():
        if isinstance(node, (exp.Insert, exp.Update, exp.Delete, exp.Create, exp.Drop,
                             exp.Command, exp.Pragma, exp.Set)):
            raise MetricFileError(path, "sql", f"{node.key.upper()} is not allowed")
    ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            if isinstance(table.this, ALLOWED_TABLE_FUNCTIONS):
                continue
            raise MetricFileError(path, "sql", f"reads {table.this.sql()!r}: only tables allowed")
        if table.db or table.catalog:
            raise MetricFileError(path, "sql", f"{table.sql()!r}: no qualified table names")
        if table.name not in ALLOWED_TABLES and table.name not in ctes:
            raise MetricFileError(path, "sql", f"reads unknown table {table.name!r}")
    used = set(_PLACEHOLDER.findall(sqlglot.transpile(sql, read="duckdb", write="duckdb")[0]))
    missing = declared - used
    extra = used - declared - CONTEXT_PARAMS
    if missing:
        raise MetricFileError(path, "params", f"declared but unused in the SQL: {sorted(missing)}")
    if extra:
        raise MetricFileError(path, "params", f"used in the SQL but not declared: {sorted(extra)}")


class Registry:
    """Every metric of `tools/`, checked when loaded."""

    def __init__(self, tools_dir: Path = TOOLS_DIR) -> None:
        self.tools_dir = tools_dir
        self.metrics: dict[str, Metric] = {}
        for path in sorted(tools_dir.glob("*.sql")):
            metric = _parse_file(path)
            self.metrics[metric.name] = metric

    def __iter__(self):
        return iter(self.metrics.values())

    def __len__(self) -> int:
        return len(self.metrics)

    def names(self) -> list[str]:
        return list(self.metrics)

    def get(self, name: str) -> Metric:
        try:
            return self.metrics[name]
        except KeyError:
            raise ParameterError(
                f"Unknown metric {name!r}." + _did_you_mean(name, self.names()),
                hint=f"The catalog has: {', '.join(self.names())}.",
            ) from None


def resolve_dates(
    metric: Metric, start: date | None, end: date | None, latest: date, first: date | None = None
) -> tuple[date, date, list[str]]:
    """Fill missing dates from the metric's default window and check them against the data."""
    notes: list[str] = []
    if end is None:
        if start is not None:
            end = min(start + timedelta(days=metric.span_days - 1), latest)
        else:
            end = latest - timedelta(days=metric.end_lag_days)
    if start is None:
        start = end - timedelta(days=metric.span_days - 1)
    if start > end:
        raise ParameterError(
            f"The start date {start} is after the end date {end}.",
            hint="Swap them or pick another range.",
        )
    if start > latest:
        raise ParameterError(
            f"No data after {latest}; the range {start} to {end} is in the future of the data.",
            hint=f"The latest complete day is {latest}.",
        )
    if first is not None and end < first:
        raise ParameterError(
            f"No data before {first}; the range {start} to {end} is earlier than the data.",
            hint=f"The data covers {first} to {latest}.",
        )
    if end > latest:
        notes.append(f"end moved from {end} to {latest}, the latest complete day")
        end = latest
    return start, end, notes


_REGISTRY: Registry | None = None


def get_registry() -> Registry:
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = Registry()
    return _REGISTRY

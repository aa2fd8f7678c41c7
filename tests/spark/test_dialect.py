"""The Spark dialect of the vetted SQL: right on the days and weeks, accepted by Spark."""

from __future__ import annotations

import re
from datetime import date, timedelta

import duckdb
import pytest
import sqlglot

from assistant.engines.spark_sql import bind, literal, to_spark
from assistant.metrics.registry import get_registry

# 2026-11-16 is a Monday; the week runs to Sunday 2026-11-22. ISO weekday: Monday 1 .. Sunday 7.
WEEK = [date(2026, 11, 16) + timedelta(days=i) for i in range(7)]
# ISO weeks at a year's turn: 2027-01-01 (a Friday) is in 2026-W53, 2029-12-31 in 2030-W01.
WEEK_LABELS = {date(2027, 1, 1): "2026-W53", date(2029, 12, 31): "2030-W01",
               date(2026, 1, 5): "2026-W02", date(2026, 11, 22): "2026-W47"}
WEEK_KEYS = {date(2027, 1, 1): 202653, date(2029, 12, 31): 203001, date(2026, 1, 5): 202602}


def _spark(sql: str, **values):
    types = {k: "date" for k in values}
    return to_spark(sql, types), types


def _one(spark, sql: str, d: date):
    tree, types = _spark(sql, d=d)
    return spark.sql(bind(tree, {"d": d}, types)).collect()[0][0]


@pytest.fixture(scope="module")
def session(catalogs):
    return catalogs("UTC")[1].engine.spark


def test_isodow_is_monday_1_to_sunday_7(session) -> None:
    for expected, day in enumerate(WEEK, start=1):
        assert _one(session, "SELECT isodow($d)", day) == expected
    assert _one(session, "SELECT isodow($d)", date(2026, 11, 22)) == 7  # a Sunday
    # DuckDB agrees: the SQL in tools/ means the same on both engines
    con = duckdb.connect()
    assert [con.execute("SELECT isodow(?::DATE)", [d]).fetchall()[0][0] for d in WEEK] == [
        1, 2, 3, 4, 5, 6, 7]


def test_iso_week_labels_and_keys(session) -> None:
    for day, label in WEEK_LABELS.items():
        assert _one(session, "SELECT strftime($d, '%G-W%V')", day) == label
    for day, key in WEEK_KEYS.items():
        assert _one(session, "SELECT yearweek(CAST($d AS TIMESTAMP))", day) == key


def test_local_midnight_as_an_instant(session) -> None:
    """New York's midnight of 2026-11-02 (after the DST change) is 05:00 UTC, before it 04:00."""
    sql = ("SELECT timezone('UTC', timezone('America/New_York', CAST($d AS TIMESTAMP)))")
    tree, types = _spark(sql, d=date(2026, 11, 2))
    after = session.sql(bind(tree, {"d": date(2026, 11, 2)}, types)).collect()[0][0]
    before = session.sql(bind(tree, {"d": date(2026, 10, 31)}, types)).collect()[0][0]
    assert (after.hour, before.hour) == (5, 4)


def test_every_metric_passes_spark_explain(catalogs) -> None:
    duck, spark = catalogs("UTC")
    for metric in get_registry():
        _, values = duck.resolve(metric.name, {})
        values.pop("_notes")
        bound = {**values, "tz": "UTC", "last_day": duck.latest_day()}
        text = spark.engine.query(metric).bind(
            {k: v for k, v in bound.items() if f"${k}" in metric.sql})
        plan = spark.engine.spark.sql("EXPLAIN " + text).collect()[0][0]
        assert "Physical Plan" in plan and "Error" not in plan, (metric.name, plan[:500])


def test_parameters_are_typed_literals_not_text() -> None:
    """A hostile value stays one string literal: binding never formats SQL text."""
    tree, types = to_spark("SELECT list_contains($c, 'x') AS hit", {"c": "country_list"}), {
        "c": "country_list"}
    text = bind(tree, {"c": ["x') OR TRUE --"]}, types)
    parsed = sqlglot.parse_one(text, read="spark")
    strings = [lit.this for lit in parsed.find_all(sqlglot.exp.Literal) if lit.is_string]
    assert "x') OR TRUE --" in strings
    assert literal([], "platform_list").sql("spark") == "CAST(ARRAY() AS ARRAY<STRING>)"
    assert literal(date(2026, 1, 2), "date").sql("spark") == "CAST('2026-01-02' AS DATE)"


DUCKDB_ONLY = re.compile(
    r"\b(EPOCH_US|YEARWEEK|TO_DAYS|GENERATE_SUBSCRIPTS|TIMEZONE|DATE_BIN|DAYOFWEEK"
    r"|GENERATE_SERIES|LIST_CONTAINS|LENGTH)\(|MATERIALIZED|%G|%V"
)


def test_no_duckdb_only_construct_survives() -> None:
    """Without Spark: every metric transpiles, and nothing DuckDB-only is left in it."""
    from assistant.engines.spark import SparkQuery

    for metric in get_registry():
        query = SparkQuery(metric)
        values = {name: [] if kind.endswith("_list") else date(2026, 11, 1) if kind == "date"
                  else 1 if kind == "int" else "none" for name, kind in query.types.items()}
        text = query.bind(values)
        assert not list(sqlglot.parse_one(text, read="spark").find_all(sqlglot.exp.Placeholder))
        assert DUCKDB_ONLY.search(text.upper()) is None, (metric.name, DUCKDB_ONLY.search(
            text.upper()))

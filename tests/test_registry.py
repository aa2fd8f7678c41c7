"""The catalog's review rules: every metric documented, tested and listed; bad files rejected."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.config import TOOLS_DIR
from assistant.errors import ParameterError
from assistant.metrics.registry import MetricFileError, Registry, get_registry

ROOT = Path(__file__).resolve().parent.parent
SPEC_METRICS = {
    "active_users", "retention", "usage_time", "core_action_rate", "social_quality",
    "peak_hours", "latency_vs_activity", "live_quality", "paid_conversion", "ai_to_human",
    "activity_scorecard",
}


def test_catalog_has_every_metric_of_the_spec():
    assert set(get_registry().names()) == SPEC_METRICS


@pytest.mark.parametrize("name", sorted(SPEC_METRICS))
def test_each_metric_is_documented_tested_and_listed(name):
    metric = get_registry().get(name)
    for lang in ("en", "zh"):
        assert len(metric.description[lang]) > 20 and metric.title[lang]
        assert all(c.en and c.zh for c in metric.columns.values())
    assert all(p.description for p in metric.params.values())
    assert (ROOT / "tests" / "metrics" / f"test_{name}.py").is_file(), "no hand-computed test"
    assert f"| `{name}` |" in (ROOT / "README.md").read_text(encoding="utf-8"), "no README row"
    assert metric.size_column, "every metric must name the group-size column for suppression"


def _snapshot(golden: Callable[[str, str], None], name: str, data: object) -> None:
    golden(name, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True, default=str) + "\n")


def test_catalog_snapshot(golden):
    _snapshot(golden, "catalog.json", {
        m.name: {
            "dimension": m.dimension,
            "params": {p.name: [p.type, p.default, list(p.allowed)] for p in m.params.values()},
            "columns": {c.name: c.format for c in m.columns.values()},
            "size_column": m.size_column,
        }
        for m in get_registry()
    })


def test_tool_schemas_as_the_model_sees_them(golden):
    from langchain_core.utils.function_calling import convert_to_openai_tool

    from assistant.agent.graph import build_tools
    from assistant.metrics.catalog import Catalog

    tools = [convert_to_openai_tool(t) for t in build_tools(Catalog("/nonexistent.duckdb"))]
    _snapshot(golden, "tool_schemas.json", tools)
    # lean: the whole tool list stays within a small budget of characters (~4 per token):
    # about 2,100 a tool for the 11 metrics and the change explanation
    assert len(json.dumps(tools, ensure_ascii=False)) < 12 * 2_100


def _write(tmp_path: Path, name: str, body: str) -> Path:
    (tmp_path / f"{name}.sql").write_text(textwrap.dedent(body), encoding="utf-8")
    return tmp_path


HEADER = """\
/* ---
name: {name}
title: {{en: T, zh: 标题}}
description: {{en: A test metric that counts users., zh: 测试指标}}
dimension: frequency
params:
  countries: {{type: country_list, description: Countries.}}
columns:
  users: {{en: Users, zh: 用户, format: int}}
size_column: users
chart: {{type: bar, x: users, y: users}}
--- */
"""


@pytest.mark.parametrize(
    ("sql", "field", "problem"),
    [
        ("SELECT count(*) AS users FROM users", "params", "declared but unused"),
        ("SELECT count(*) AS users FROM users WHERE list_contains($countries, country) "
         "AND $nope", "params", "not declared"),
        ("DELETE FROM users WHERE list_contains($countries, country)", "sql", "must be a SELECT"),
        ("SELECT * FROM read_csv('/etc/passwd') WHERE $countries IS NULL", "sql", "only tables"),
        ("SELECT * FROM secrets WHERE $countries IS NULL", "sql", "unknown table 'secrets'"),
        ("SELECT 1 AS users WHERE $countries IS NULL; SELECT 2", "sql", "exactly one statement"),
        ("SELECT * FROM other.users WHERE $countries IS NULL", "sql", "no qualified table"),
    ],
)
def test_bad_metric_files_name_the_file_and_field(tmp_path, sql, field, problem):
    _write(tmp_path, "bad", HEADER.format(name="bad") + sql)
    with pytest.raises(MetricFileError) as info:
        Registry(tmp_path)
    assert str(info.value).startswith(f"bad.sql: {field}:") and problem in str(info.value)


def test_header_problems_are_named(tmp_path):
    _write(tmp_path, "x", HEADER.format(name="y") + "SELECT $countries AS users")
    with pytest.raises(MetricFileError, match=r"x.sql: name: 'y' must equal the file name"):
        Registry(tmp_path)
    _write(tmp_path, "x", HEADER.format(name="x").replace("zh: 测试指标", "zh: ''")
           + "SELECT $countries AS users")
    with pytest.raises(MetricFileError, match=r"x.sql: description.zh: missing"):
        Registry(tmp_path)


def test_unknown_metric_suggests_the_close_one():
    with pytest.raises(ParameterError, match="Did you mean: retention"):
        get_registry().get("retension")


def test_shipped_files_are_the_ones_loaded():
    assert {p.stem for p in TOOLS_DIR.glob("*.sql")} == set(get_registry().names())


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (("dimension: frequency", "dimension: fun"), "dimension", "'fun' is not one of"),
        (("chart: {type: bar,", "chart: {type: pie,"), "chart.type", "'pie' is not one of"),
        (("size_column: users", "size_column: users\nowner: me"), "owner", "not a known field"),
        (("format: int}", "format: int, colour: red}"), "columns.users.colour", "not a known"),
        (("format: int}", "format: percent}"), "columns.users.format", "'percent' is not one"),
        (("type: country_list,", "type: country_set,"), "params.countries.type", "is not one"),
        (("size_column: users", "size_column: people"), "size_column", "not an output column"),
        (("x: users", "x: day"), "chart/headline", "'day' is not an output column"),
        (("title: {en: T, zh: 标题}\n", ""), "title", "missing"),
    ],
)
def test_header_fields_are_checked_by_the_model(tmp_path, change, field, problem):
    old, new = change
    header = HEADER.format(name="x")
    assert old in header
    _write(tmp_path, "x", header.replace(old, new) + "SELECT $countries AS users")
    with pytest.raises(MetricFileError) as info:
        Registry(tmp_path)
    assert str(info.value).startswith(f"x.sql: {field}: ") and problem in str(info.value)

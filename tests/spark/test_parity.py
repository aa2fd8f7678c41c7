"""The vetted catalog gives the same answers on Spark as on DuckDB.

Every metric x a parameter grid (breakdowns, filters, D1/D7/D30, day and week trends) x
two reporting zones, on the demo data. Integers and texts must be equal, floats equal to
a relative 1e-9 (the engines add up in different orders), row order identical.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from assistant.metrics.registry import get_registry

ZONES = ("UTC", "America/New_York")  # the second has its DST change inside the demo range
REL_TOL = 1e-9
ABS_TOL = 1e-12

COMMON: list[dict[str, Any]] = [
    {},
    {"group_by": "region", "platforms": ["android", "ios"]},
    {"group_by": "week", "countries": ["ID", "BR", "US"]},
]
EXTRA: dict[str, list[dict[str, Any]]] = {
    "retention": [{"days": [1, 7, 30], "group_by": "country"}],
    "core_action_rate": [{"actions": ["message_sent", "call", "follow"], "group_by": "day"}],
    "latency_vs_activity": [{"threshold_ms": 1500, "regions": ["SEA", "LATAM"]}],
    "ai_to_human": [{"window_days": 3, "group_by": "channel"}],
}


def _fits(name: str, args: dict[str, Any]) -> dict[str, Any]:
    """The case as this metric takes it: a trend it does not offer becomes a plain filter."""
    metric = get_registry().get(name)
    args = {k: v for k, v in args.items() if k in metric.params}
    group_by = metric.params.get("group_by")
    if "group_by" in args and (group_by is None or args["group_by"] not in group_by.allowed):
        del args["group_by"]
    return args


def _grid() -> list[tuple[str, str, dict[str, Any]]]:
    cases = []
    for zone in ZONES:
        for name in get_registry().names():
            seen: list[dict[str, Any]] = []
            for args in [*COMMON, *EXTRA.get(name, [])]:
                fitted = _fits(name, args)
                if fitted not in seen:
                    seen.append(fitted)
                    cases.append((zone, name, fitted))
    return cases


GRID = _grid()


def differences(a: list[dict], b: list[dict]) -> list[str]:
    """Where two results differ beyond the tolerance (empty when they agree)."""
    if len(a) != len(b):
        return [f"{len(a)} rows vs {len(b)}"]
    out = []
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if x.keys() != y.keys():
            return [f"columns {list(x)} vs {list(y)}"]
        for k, u in x.items():
            v = y[k]
            numbers = all(isinstance(n, int | float) and not isinstance(n, bool) for n in (u, v))
            if numbers and (isinstance(u, float) or isinstance(v, float)):
                same = math.isclose(u, v, rel_tol=REL_TOL, abs_tol=ABS_TOL)
            else:
                same = u == v
            if not same:
                out.append(f"row {i} {k}: {u!r} vs {v!r}")
    return out


def test_grid_covers_every_metric_in_both_zones() -> None:
    names = set(get_registry().names())
    for zone in ZONES:
        assert {n for z, n, _ in GRID if z == zone} == names
    assert len(GRID) == 2 * (3 * len(names) + len(EXTRA))


@pytest.mark.parametrize(("zone", "name", "args"), GRID,
                         ids=[f"{z}-{n}-{i}" for i, (z, n, _) in enumerate(GRID)])
def test_same_rows_on_spark(catalogs, zone: str, name: str, args: dict[str, Any]) -> None:
    duck, spark = catalogs(zone)
    expected = duck.run(name, args)
    got = spark.run(name, args)
    assert got.params == expected.params
    assert got.columns == expected.columns
    assert expected.rows, "a case without rows proves nothing"
    assert differences(expected.rows, got.rows) == []


def test_hand_checked_figure_on_spark(catalogs) -> None:
    """Not only equal to DuckDB: right. Users active on 2026-11-22, counted by hand."""
    duck, spark = catalogs("UTC")
    cur = duck.con.cursor()
    ((by_hand,),) = cur.execute(
        "SELECT count(DISTINCT user_id) FROM sessions "
        "WHERE started_at >= TIMESTAMP '2026-11-22' AND started_at < TIMESTAMP '2026-11-23'"
    ).fetchall()
    cur.close()
    result = spark.run("active_users", {"start": "2026-11-22", "end": "2026-11-22"})
    assert result.rows[0]["active_users"] == by_hand > 0


def test_privacy_rules_hold_on_spark(catalogs, demo_db) -> None:
    """With the real minimum group size, the same groups are hidden on both engines."""
    from assistant.config import Settings
    from assistant.metrics.catalog import Catalog

    duck, spark = catalogs("UTC")
    strict = {"min_group_size": 60}
    d = Catalog(demo_db, settings=duck.settings.model_copy(update=strict))
    s = Catalog(demo_db, settings=spark.settings.model_copy(update=strict))
    s.engine = spark.engine  # the same Spark session: only the catalog's rule differs
    assert isinstance(s.settings, Settings)
    args = {"group_by": "country"}
    expected, got = d.run("paid_conversion", args), s.run("paid_conversion", args)
    assert expected.suppressed > 0
    assert got.suppressed == expected.suppressed
    assert [r.get("suppressed") for r in got.rows] == [r.get("suppressed") for r in expected.rows]
    assert got.summary() == expected.summary()


def test_row_cap_holds_on_spark(catalogs, demo_db) -> None:
    from assistant.metrics.catalog import Catalog

    _, spark = catalogs("UTC")
    capped = Catalog(demo_db, settings=spark.settings.model_copy(update={"max_result_rows": 3}))
    capped.engine = spark.engine
    assert len(capped.run("active_users", {"group_by": "day"}).rows) == 3


def test_time_limit_holds_on_spark(catalogs, demo_db, monkeypatch) -> None:
    from assistant.errors import QueryTimeout
    from assistant.metrics.catalog import Catalog

    _, spark = catalogs("UTC")
    engine = spark.engine
    monkeypatch.setattr(engine, "settings",
                        engine.settings.model_copy(update={"spark_query_timeout_s": 0.05}))
    fresh = Catalog(demo_db, settings=spark.settings)
    fresh.engine = engine
    with pytest.raises(QueryTimeout):
        fresh.run("active_users", {"group_by": "week"})

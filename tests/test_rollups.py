"""Metrics that read the rollups give the same rows as their raw-table versions."""

from __future__ import annotations

import dataclasses
import math
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from assistant.config import Settings
from assistant.metrics.catalog import Catalog
from assistant.metrics.registry import Registry, _check_sql
from assistant.store import db, rollups


def _reference_registry() -> Registry:
    """The catalog with each rewritten metric's SQL swapped for its raw-table reference."""
    registry = Registry()
    for path in sorted((Path(__file__).parent / "reference_sql").glob("*.sql")):
        metric = registry.get(path.stem)
        sql = path.read_text(encoding="utf-8").strip().rstrip(";")
        _check_sql(path, sql, set(metric.params))  # the same review as a shipped file
        registry.metrics[path.stem] = dataclasses.replace(metric, sql=sql)
    return registry


REFERENCE = _reference_registry()
REWRITTEN = ("active_users", "peak_hours", "activity_scorecard", "retention",
             "usage_time", "core_action_rate", "social_quality", "paid_conversion",
             "latency_vs_activity", "live_quality")
ARGS: list[dict[str, Any]] = [
    {},
    {"group_by": "country"},
    {"group_by": "day"},
    {"group_by": "week"},
    {"countries": ["ID", "BR"]},
    {"regions": ["SEA"], "platforms": ["android"]},
    {"start": "2026-10-20", "end": "2026-11-05"},
    {"days": [1, 3, 30], "group_by": "week"},
    {"actions": ["message_sent", "call", "follow", "call"], "group_by": "platform"},
    {"actions": ["ai_chat_start"], "group_by": "day"},
    {"threshold_ms": 1500, "group_by": "region"},
]


def same(a: list[dict], b: list[dict]) -> bool:
    """Rows equal; floats to 1e-9 (sums of per-day sums round differently in the last bit)."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x.keys() != y.keys():
            return False
        for k in x:
            u, v = x[k], y[k]
            if isinstance(u, float) and isinstance(v, float):
                if not math.isclose(u, v, rel_tol=1e-9, abs_tol=1e-12):
                    return False
            elif u != v:
                return False
    return True


def catalogs(path: Path, tz: str) -> tuple[Catalog, Catalog]:
    settings = Settings(db_path=path, report_timezone=tz, min_group_size=1)  # no privacy step
    return Catalog(path, settings=settings), Catalog(path, settings=settings, registry=REFERENCE)


@pytest.mark.parametrize("tz", ["UTC", "Asia/Jakarta"])
@pytest.mark.parametrize("name", REWRITTEN)
def test_rollup_metric_matches_raw_reference(demo_db: Path, name: str, tz: str) -> None:
    new, ref = catalogs(demo_db, tz)
    allowed = new.registry.get(name).params
    checked = 0
    for args in ARGS:
        gb = args.get("group_by")
        if gb and ("group_by" not in allowed or gb not in allowed["group_by"].allowed):
            continue
        if any(k not in allowed for k in args if k != "group_by"):
            continue
        got, want = new.run(name, args).rows, ref.run(name, args).rows
        assert want, (name, args)  # an empty comparison would prove nothing
        assert same(got, want), (name, args, got[:3], want[:3])
        checked += 1
    assert checked >= 3


def test_rollups_for_another_zone_are_shadowed(demo_db: Path, tmp_path: Path) -> None:
    """A file built for UTC, read for Jakarta, answers as a file built for Jakarta."""
    jakarta = tmp_path / "jakarta.duckdb"
    shutil.copy(demo_db, jakarta)
    con = duckdb.connect(str(jakarta))
    rollups.rebuild(con, "Asia/Jakarta")
    con.close()
    # same settings as every other reader of demo_db in this process (DuckDB insists)
    con = db.connect_read(demo_db)
    assert con.execute("SELECT timezone FROM rollup_info").fetchone()[0] == "UTC"
    con.close()
    for name in REWRITTEN:
        from_utc, _ = catalogs(demo_db, "Asia/Jakarta")
        from_jkt, _ = catalogs(jakarta, "Asia/Jakarta")
        assert not from_jkt.con.execute("SELECT count(*) FROM duckdb_tables() "
                                        "WHERE temporary").fetchone()[0]
        assert same(from_utc.run(name).rows, from_jkt.run(name).rows), name


def test_stale_or_missing_rollups_are_not_used(demo_db: Path, tmp_path: Path) -> None:
    """Rows deleted by hand, or rollups dropped (an older file): figures follow the raw data."""
    path = tmp_path / "edited.duckdb"
    shutil.copy(demo_db, path)
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM sessions WHERE started_at >= TIMESTAMP '2026-11-20'")
    con.close()
    new, ref = catalogs(path, "UTC")
    assert same(new.run("active_users").rows, ref.run("active_users").rows)
    new.close()
    ref.close()
    con = duckdb.connect(str(path))
    for table in rollups.ROLLUPS:
        con.execute(f"DROP TABLE {table}")
    con.close()
    new, ref = catalogs(path, "UTC")
    assert same(new.run("activity_scorecard").rows, ref.run("activity_scorecard").rows)


def test_partners_outside_users_still_count(make_catalog) -> None:
    """Unknown partner and callee ids are allowed by the loader; contacts with them count."""
    cat = make_catalog({
        "users": [{"user_id": "a", "signup_at": "2026-09-01 00:00", "country": "BR",
                   "platform": "ios"}],
        "sessions": [
            {"session_id": f"s{d}", "user_id": "a", "started_at": f"2026-11-0{d} 10:00",
             "ended_at": f"2026-11-0{d} 10:30"} for d in (5, 6)
        ],
        "events": [  # zz (not a user) on two days: a lasting connection
            {"user_id": "a", "ts": "2026-11-05 10:05", "name": "chat_start", "partner_id": "zz"},
            {"user_id": "a", "ts": "2026-11-06 10:05", "name": "message_sent", "partner_id": "zz"},
        ],
        "calls": [  # yy (not a user) once: a connection, not lasting
            {"call_id": "c1", "caller_id": "a", "callee_id": "yy",
             "requested_at": "2026-11-05 11:00", "connected_at": "2026-11-05 11:00"},
        ],
    })
    ref = Catalog(cat.db_path, settings=cat.settings, registry=REFERENCE)
    args = {"start": "2026-11-05", "end": "2026-11-06"}
    row = cat.run("social_quality", args).rows[0]
    # a: 1 active user, 2 partners (zz, yy), lasting via zz
    assert (row["active_users"], row["with_lasting"], row["partners_per_user"]) == (1, 1, 2.0)
    for name in ("social_quality", "activity_scorecard"):
        assert same(cat.run(name, args).rows, ref.run(name, args).rows), name

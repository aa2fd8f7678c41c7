"""The catalog's result cache: repeated questions skip the query, loads are never hidden."""

from __future__ import annotations

from pathlib import Path

from assistant.metrics import catalog as catalog_module
from assistant.store.loader import load_paths

RANGE = {"start": "2026-11-05", "end": "2026-11-11"}
TABLES = {
    "users": [
        {"user_id": u, "signup_at": "2026-09-01 00:00", "country": "BR", "platform": "ios"}
        for u in ("a", "b")
    ],
    "sessions": [
        {"session_id": "s1", "user_id": "a", "started_at": "2026-11-05 10:00",
         "ended_at": "2026-11-05 10:30"},
    ],
}


def test_second_identical_run_is_served_from_the_cache(make_catalog) -> None:
    cat = make_catalog(TABLES)
    first = cat.run("active_users", RANGE)
    assert first.rows[0]["active_users"] == 1  # only a is active in the range
    assert cat.executions == 1
    again = cat.run("active_users", dict(RANGE))
    assert cat.executions == 1
    assert again.rows == first.rows and again.params == first.params
    # a caller changing what it got does not change what the next caller gets
    again.rows[0]["active_users"] = 999
    again.params["start"] = "1999-01-01"
    first.rows.clear()
    third = cat.run("active_users", RANGE)
    assert cat.executions == 1
    assert third.rows[0]["active_users"] == 1 and third.params["start"] == "2026-11-05"
    cat.run("active_users", {**RANGE, "group_by": "day"})  # other params: a new query
    assert cat.executions == 2
    cat.close()
    cat.run("active_users", RANGE)  # closing forgets every result
    assert cat.executions == 3


def test_cached_rows_are_the_suppressed_ones(make_catalog) -> None:
    cat = make_catalog(TABLES, min_group_size=5)
    first = cat.run("active_users", RANGE)
    again = cat.run("active_users", RANGE)
    assert cat.executions == 1
    for result in (first, again):
        assert result.suppressed == 1
        assert result.rows[0]["suppressed"] and result.rows[0]["active_users"] is None
        assert result.rows[0]["segment"] == "all"


def test_cache_is_bounded(make_catalog, monkeypatch) -> None:
    monkeypatch.setattr(catalog_module, "CACHE_SIZE", 2)
    cat = make_catalog(TABLES)
    for split in ("none", "country", "platform"):
        cat.run("active_users", {**RANGE, "group_by": split})
    assert cat.executions == 3 and len(cat._cache) == 2
    cat.run("active_users", {**RANGE, "group_by": "platform"})  # still there
    assert cat.executions == 3
    cat.run("active_users", {**RANGE, "group_by": "none"})  # the oldest, dropped: rerun
    assert cat.executions == 4


def test_figures_change_after_a_load(make_catalog, tmp_path: Path) -> None:
    cat = make_catalog(TABLES)
    assert cat.run("active_users", RANGE).rows[0]["active_users"] == 1
    new = tmp_path / "in" / "sessions.csv"
    new.parent.mkdir()
    new.write_text("session_id,user_id,started_at,ended_at\n"
                   "s2,b,2026-11-06 12:00:00,2026-11-06 12:20:00\n")
    cat.close()  # the loader needs the file
    load_paths(cat.db_path, [new], progress=False)
    cat.close()
    # a and b are both active now (a on 11-05, b on 11-06)
    assert cat.run("active_users", RANGE).rows[0]["active_users"] == 2
    assert cat.executions == 2

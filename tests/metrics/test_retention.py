"""retention, checked against figures worked out by hand."""

from __future__ import annotations

import pytest

from assistant.errors import ParameterError
from tests.metrics.rows import sessions

BR, ID = "America/Sao_Paulo", "Asia/Jakarta"


def users(*rows):
    return [
        {"user_id": u, "signup_at": t, "country": c, "platform": p, "channel": ch}
        for u, t, c, p, ch in rows
    ]


TABLES = {
    "users": users(
        ("a", "2026-11-01 10:00", "BR", "ios", "organic"),
        ("b", "2026-11-01 23:30", "BR", "android", "paid"),
        ("c", "2026-11-02 08:00", "ID", "android", "organic"),
        ("d", "2026-11-02 09:00", "ID", "android", "organic"),
    ),
    "sessions": sessions(
        ("a", "2026-11-01 10:00"),
        ("a", "2026-11-02 12:00"),  # a: D1 (UTC)
        ("b", "2026-11-03 01:00"),  # b: D2 in UTC, but D1 in Sao Paulo (11-02 22:00 local)
        ("c", "2026-11-03 08:00"),  # c: D1
        ("c", "2026-11-09 08:00"),  # c: D7
        ("d", "2026-11-12 09:00"),  # d: D10, sets the last data day to 2026-11-12
    ),
}


def rows_by(result, *keys):
    return {tuple(r[k] for k in keys): r for r in result.rows}


def test_d1_d7_by_hand(make_catalog):
    cat = make_catalog(TABLES)
    res = cat.run("retention", {"start": "2026-11-01", "end": "2026-11-02"})
    got = rows_by(res, "day_n")
    # cohort a, b, c, d. D1: a and c came back -> 2/4 = 0.5
    assert (got[(1,)]["cohort_users"], got[(1,)]["retained"]) == (4, 2)
    assert got[(1,)]["rate"] == pytest.approx(0.5)
    # D7: only c (11-09 = 11-02 + 7) -> 1/4; both cohort days are mature because the
    # last data day is 11-12 (11-01 + 7 and 11-02 + 7 are both <= 11-12)
    assert (got[(7,)]["cohort_users"], got[(7,)]["retained"]) == (4, 1)
    assert res.params["start"] == "2026-11-01" and res.params["end"] == "2026-11-02"


def test_local_day_in_reporting_zone(make_catalog):
    cat = make_catalog(TABLES, report_timezone=BR)
    res = cat.run("retention", {"start": "2026-11-01", "end": "2026-11-01", "days": [1]})
    # In Sao Paulo (UTC-3) a signs up 11-01 07:00, back 11-02 09:00 -> D1;
    # b signs up 11-01 20:30, back 11-02 22:00 -> D1. 2/2.
    assert [(r["cohort_users"], r["retained"]) for r in res.rows] == [(2, 2)]


def test_young_cohort_does_not_count_for_d7(make_catalog):
    cat = make_catalog(TABLES)
    # D7 of a 11-06 signup needs 11-13, after the last data day 11-12: no D7 row
    tables = {
        "users": TABLES["users"] + users(("e", "2026-11-06 10:00", "BR", "web", None)),
        "sessions": TABLES["sessions"] + sessions(("e", "2026-11-07 10:00")),
    }
    cat = make_catalog(tables)
    res = cat.run("retention", {"start": "2026-11-06", "end": "2026-11-06"})
    assert [(r["day_n"], r["cohort_users"], r["retained"]) for r in res.rows] == [(1, 1, 1)]


def test_group_by_country_and_filters(make_catalog):
    cat = make_catalog(TABLES)
    res = cat.run("retention", {"start": "2026-11-01", "end": "2026-11-02", "days": [1],
                                "group_by": "country"})
    got = {r["segment"]: (r["cohort_users"], r["retained"]) for r in res.rows}
    assert got == {"BR": (2, 1), "ID": (2, 1)}
    only = cat.run("retention", {"start": "2026-11-01", "end": "2026-11-02", "days": [1],
                                 "countries": ["Indonesia"]})
    assert [(r["cohort_users"], r["retained"]) for r in only.rows] == [(2, 1)]


def test_small_groups_are_suppressed(make_catalog):
    cat = make_catalog(TABLES, min_group_size=3)
    res = cat.run("retention", {"start": "2026-11-01", "end": "2026-11-02", "days": [1],
                                "group_by": "country"})
    assert res.suppressed == 2
    assert all(r["rate"] is None and r["retained"] is None for r in res.rows)
    assert "suppressed" in res.summary() and "50.0%" not in res.summary()


def test_bad_values_name_the_allowed_ones(make_catalog):
    cat = make_catalog(TABLES)
    with pytest.raises(ParameterError, match="allowed values are none, day, week"):
        cat.run("retention", {"group_by": "month"})
    with pytest.raises(ParameterError, match="after the end date"):
        cat.run("retention", {"start": "2026-11-05", "end": "2026-11-01"})
    with pytest.raises(ParameterError, match="No data after 2026-11-12"):
        cat.run("retention", {"start": "2026-12-01", "end": "2026-12-07"})

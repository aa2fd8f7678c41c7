"""peak_hours, checked against figures worked out by hand (local weekday 1 = Mon)."""

from __future__ import annotations

import pytest

from assistant.errors import ParameterError
from assistant.metrics.registry import Registry
from tests.metrics.rows import sessions

RANGE = {"start": "2026-11-02", "end": "2026-11-08"}  # Mon..Sun, in each user's local days


def users(*rows):
    return [
        {"user_id": u, "signup_at": "2026-09-01 00:00", "country": c, "platform": p,
         "channel": "organic", "timezone": tz}
        for u, c, p, tz in rows
    ]


TABLES = {
    "users": users(
        ("a", "BR", "ios", None),  # America/Sao_Paulo, UTC-3
        ("b", "BR", "ios", None),
        ("c", "ID", "ios", None),  # Asia/Jakarta, UTC+7
        ("d", "ID", "android", None),
        ("g", "ID", "android", None),
        ("e", "IN", "android", None),  # Asia/Kolkata, UTC+5:30
        ("f", "US", "android", "America/Los_Angeles"),  # not the country's main zone
    ),
    "sessions": sessions(
        ("a", "2026-11-03 23:30"),  # Tue 20:30 local
        ("a", "2026-11-04 23:10"),  # Wed 20:10
        ("a", "2026-11-02 01:00"),  # Sun 11-01 22:00 local: before the local range
        ("b", "2026-11-03 23:45"),  # Tue 20:45
        ("b", "2026-11-09 02:00"),  # Sun 11-08 23:00 local: inside, though 11-09 in UTC
        ("c", "2026-11-02 23:30"),  # Mon 23:30 UTC = Tue 11-03 06:30 in Jakarta
        ("c", "2026-11-07 13:00"),  # Sat 20:00
        ("d", "2026-11-07 13:30"),  # Sat 20:30
        ("d", "2026-11-01 17:30"),  # Sun 17:30 UTC = Mon 11-02 00:30 in Jakarta: inside
        ("g", "2026-11-05 12:00"),  # Thu 19:00
        ("e", "2026-11-03 14:45"),  # Tue 20:15 (the half-hour zone)
        ("e", "2026-11-03 14:20"),  # Tue 19:50: same UTC hour, another local hour
        ("f", "2026-11-06 04:30"),  # Thu 11-05 20:30 in Los Angeles (23:30 in New York)
    ),
}
# Cells in range (weekday, hour): (2,20) a b e = 3 | (6,20) c d = 2 | one each: (1,0) d,
# (2,6) c, (2,19) e, (3,20) a, (4,19) g, (4,20) f, (7,23) b  -> 12 sessions, 7 users.


def cells(result, segment="all"):
    return [
        (r["rank"], r["weekday"], r["hour"], r["sessions"])
        for r in result.rows
        if r["segment"] == segment
    ]


def test_registry_loads_it():
    metric = Registry().get("peak_hours")
    assert metric.params["group_by"].allowed == ("none", "country", "region", "platform")
    assert metric.size_column == "users"
    assert metric.chart["type"] == "heatmap"


def test_local_weekday_and_hour_by_hand(make_catalog):
    res = make_catalog(TABLES).run("peak_hours", RANGE)
    # busiest first; ties share a rank and are listed by weekday, hour
    assert cells(res) == [
        (1, 2, 20, 3),
        (2, 6, 20, 2),
        (3, 1, 0, 1),
        (3, 2, 6, 1),
        (3, 2, 19, 1),
        (3, 3, 20, 1),
        (3, 4, 19, 1),
        (3, 4, 20, 1),
        (3, 7, 23, 1),
    ]
    top = res.rows[0]
    assert top["share"] == pytest.approx(3 / 12)
    assert top["users"] == 7
    assert sum(r["share"] for r in res.rows) == pytest.approx(1.0)


def test_reporting_zone_does_not_move_local_hours(make_catalog):
    utc = make_catalog(TABLES).run("peak_hours", RANGE)
    other = make_catalog(TABLES, report_timezone="Asia/Tokyo").run("peak_hours", RANGE)
    assert cells(other) == cells(utc)


def test_group_by_country(make_catalog):
    res = make_catalog(TABLES).run("peak_hours", {**RANGE, "group_by": "country"})
    assert [r["segment"] for r in res.rows] == sorted(r["segment"] for r in res.rows)
    # BR: a b -> (2,20) 2, (3,20) 1, (7,23) 1
    assert cells(res, "BR") == [(1, 2, 20, 2), (2, 3, 20, 1), (2, 7, 23, 1)]
    br = [r for r in res.rows if r["segment"] == "BR"]
    assert br[0]["share"] == pytest.approx(0.5) and br[0]["users"] == 2
    # ID: c d g -> (6,20) 2, then (1,0) (2,6) (4,19)
    assert cells(res, "ID") == [(1, 6, 20, 2), (2, 1, 0, 1), (2, 2, 6, 1), (2, 4, 19, 1)]
    assert cells(res, "IN") == [(1, 2, 19, 1), (1, 2, 20, 1)]
    assert cells(res, "US") == [(1, 4, 20, 1)]  # Los Angeles time, not New York


def test_filters(make_catalog):
    cat = make_catalog(TABLES)
    res = cat.run("peak_hours", {**RANGE, "countries": ["BR"]})
    assert cells(res) == [(1, 2, 20, 2), (2, 3, 20, 1), (2, 7, 23, 1)]
    sas = cat.run("peak_hours", {**RANGE, "regions": ["SAS"]})
    assert {r["users"] for r in sas.rows} == {1} and len(sas.rows) == 2


def test_a_three_user_segment_is_suppressed_below_four(make_catalog):
    # platforms: ios a b c (3 users), android d e f g (4 users). Each cell is its own
    # breakdown of that cell's total. ios (3 < 4) is hidden; in the cells both share,
    # (2,20) and (6,20), the hidden ios alone could be worked out as total - android, so
    # android is hidden there too, and then everywhere (a platform is hidden in every cell
    # or none): nothing is left.
    everything = make_catalog(TABLES, min_group_size=4).run(
        "peak_hours", {**RANGE, "group_by": "platform"}
    )
    assert everything.rows and everything.suppressed == len(everything.rows) == 11
    # One web user w (Sao Paulo, UTC-3) with sessions in exactly those shared cells, Tue 20:05
    # and Sat 20:05 local: there the hidden groups are ios 3 + web 1 = 4 >= 4, so android
    # (4 users, at exactly the minimum) stays visible next to the hidden ones.
    tables = {
        "users": TABLES["users"] + users(("w", "BR", "web", None)),
        "sessions": TABLES["sessions"] + [
            {"session_id": f"s-w{i}", "user_id": "w", "started_at": t, "ended_at": t}
            for i, t in enumerate(("2026-11-03 23:05", "2026-11-07 23:05"))
        ],
    }
    res = make_catalog(tables, min_group_size=4).run(
        "peak_hours", {**RANGE, "group_by": "platform"}
    )
    ios = [r for r in res.rows if r["segment"] == "ios"]
    web = [r for r in res.rows if r["segment"] == "web"]
    android = [r for r in res.rows if r["segment"] == "android"]
    assert ios and all(r["suppressed"] for r in ios)
    assert all(r["sessions"] is None and r["share"] is None and r["rank"] is None for r in ios)
    assert sorted((r["weekday"], r["hour"]) for r in web) == [(2, 20), (6, 20)]
    assert all(r["suppressed"] and r["sessions"] is None for r in web)
    assert res.suppressed == len(ios) + len(web) == 5 + 2
    # android: d (1,0) (6,20), e (2,19) (2,20), f (4,20), g (4,19): six cells of one
    assert sorted((r["weekday"], r["hour"]) for r in android) == [
        (1, 0), (2, 19), (2, 20), (4, 19), (4, 20), (6, 20),
    ]
    assert all(r["rank"] == 1 and r["share"] == pytest.approx(1 / 6) for r in android)
    assert all(r["users"] == 4 for r in android)


def test_day_and_week_are_not_offered(make_catalog):
    with pytest.raises(ParameterError, match="allowed values are none, country, region, platform"):
        make_catalog(TABLES).run("peak_hours", {**RANGE, "group_by": "day"})

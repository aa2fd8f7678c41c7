"""active_users, checked against figures worked out by hand."""

from __future__ import annotations

import pytest

from assistant.errors import ParameterError
from assistant.metrics.registry import Registry
from tests.metrics.rows import sessions

JAKARTA = "Asia/Jakarta"  # UTC+7, no daylight saving
RANGE = {"start": "2026-11-05", "end": "2026-11-11"}  # Thu..Wed: ISO weeks 45 (4 days), 46 (3)


def users(*rows):
    return [
        {"user_id": u, "signup_at": "2026-09-01 00:00", "country": c, "platform": p, "channel": ch}
        for u, c, p, ch in rows
    ]


TABLES = {
    "users": users(
        ("a", "BR", "ios", "organic"),
        ("b", "BR", "android", "paid"),
        ("c", "ID", "android", "organic"),
        ("d", "ID", "ios", "organic"),
        ("e", "US", "web", None),  # channel unknown
        ("f", "US", "ios", "paid"),
        ("g", "US", "ios", "paid"),
        ("h", "US", "web", "paid"),
    ),
    "sessions": sessions(
        ("a", "2026-11-05 10:00"),
        ("a", "2026-11-05 15:00"),  # same day again: still one active day
        ("a", "2026-11-09 10:00"),
        ("b", "2026-11-06 12:00"),
        ("b", "2026-11-10 23:30"),  # Jakarta: 11-11 06:30
        ("c", "2026-11-05 08:00"),
        ("c", "2026-11-06 08:00"),
        ("c", "2026-11-07 08:00"),
        ("d", "2026-10-20 08:00"),  # before the range: only in the 30-day windows
        ("d", "2026-11-11 23:50"),  # the last 15 minutes; Jakarta: 11-12 06:50, after the range
        ("e", "2026-10-01 10:00"),  # outside every 30-day window used below
        ("e", "2026-11-08 20:00"),  # Jakarta: 11-09 03:00
        ("f", "2026-10-13 10:00"),  # first day of the window ending 11-11 (11-11 - 29)
        ("g", "2026-10-12 23:59"),  # the day before it (Jakarta: 10-13 06:59)
        ("h", "2026-10-07 12:00"),  # 11-05 - 29: only in the window ending 11-05
    ),
}
# Active days in UTC within the range:
#   a 11-05, 11-09 | b 11-06, 11-10 | c 11-05, 11-06, 11-07 | d 11-11 | e 11-08
# Daily actives: 05: a c (2) | 06: b c (2) | 07: c | 08: e | 09: a | 10: b | 11: d   -> 9 user-days


def by_segment(result):
    return {r["segment"]: r for r in result.rows}


def test_registry_loads_it():
    metric = Registry().get("active_users")
    assert metric.dimension == "frequency"
    assert metric.size_column == "active_users"
    assert set(metric.params) == {"start", "end", "countries", "regions", "platforms", "group_by"}
    assert metric.span_days == 28


def test_whole_range_by_hand(make_catalog):
    res = make_catalog(TABLES).run("active_users", RANGE)
    (row,) = res.rows
    assert row["segment"] == "all"
    assert row["active_users"] == 5  # a b c d e
    assert row["avg_dau"] == pytest.approx(9 / 7)  # 9 user-days over 7 days
    assert row["peak_dau"] == 2
    # W45 (11-05..11-08): a b c e = 4; W46 (11-09..11-11): a b d = 3 -> mean 3.5
    assert row["avg_wau"] == pytest.approx(3.5)
    # 30 days ending 11-11 = 10-13..11-11: a b c d e f (g's 10-12 is one day too early)
    assert row["mau_30d"] == 6
    assert row["stickiness"] == pytest.approx((9 / 7) / 6)


def test_default_window_is_28_days(make_catalog):
    res = make_catalog(TABLES).run("active_users", {})
    # last data day is 11-11 (d's session at 23:50 UTC); 28 days back -> 10-15
    assert (res.params["start"], res.params["end"]) == ("2026-10-15", "2026-11-11")
    (row,) = res.rows
    # d's 10-20 session now counts: active a b c d e; f (10-13) and g are before the start
    assert row["active_users"] == 5
    assert row["avg_dau"] == pytest.approx(10 / 28)  # 9 user-days above + d on 10-20


def test_reporting_zone_moves_late_sessions_to_the_next_day(make_catalog):
    cat = make_catalog(TABLES, report_timezone=JAKARTA)
    (row,) = cat.run("active_users", RANGE).rows
    # Jakarta days: a 11-05, 11-09 | b 11-06, 11-11 (23:30 UTC) | c 11-05..11-07 |
    # d 11-12 (after the range) | e 11-09 (20:00 UTC) -> active a b c e, 8 user-days
    assert row["active_users"] == 4
    assert row["avg_dau"] == pytest.approx(8 / 7)
    assert row["peak_dau"] == 2  # 11-05 a c, 11-06 b c, 11-09 a e
    # W45: a b c = 3; W46: a e b = 3
    assert row["avg_wau"] == pytest.approx(3.0)
    # 10-13..11-11 local: a b c e, d (10-20), f (10-13), g (10-12 23:59 UTC = 10-13 local)
    assert row["mau_30d"] == 7
    assert row["stickiness"] == pytest.approx((8 / 7) / 7)


def test_group_by_country(make_catalog):
    got = by_segment(make_catalog(TABLES).run("active_users", {**RANGE, "group_by": "country"}))
    assert set(got) == {"BR", "ID", "US"}  # f and g are not active in the range
    br, idn, us = got["BR"], got["ID"], got["US"]
    # BR: a (05, 09), b (06, 10): never together -> peak 1; both in W45 and W46
    assert (br["active_users"], br["peak_dau"], br["mau_30d"]) == (2, 1, 2)
    assert br["avg_dau"] == pytest.approx(4 / 7) and br["avg_wau"] == pytest.approx(2.0)
    # ID: c (05, 06, 07), d (11): W45 c, W46 d
    assert (idn["active_users"], idn["peak_dau"], idn["mau_30d"]) == (2, 1, 2)
    assert idn["avg_dau"] == pytest.approx(4 / 7) and idn["avg_wau"] == pytest.approx(1.0)
    # US: e on 11-08 only: W45 1, W46 0 (a week without actives counts 0); MAU e, f
    assert (us["active_users"], us["peak_dau"], us["mau_30d"]) == (1, 1, 2)
    assert us["avg_dau"] == pytest.approx(1 / 7) and us["avg_wau"] == pytest.approx(0.5)
    assert us["stickiness"] == pytest.approx((1 / 7) / 2)


def test_day_trend_uses_each_days_own_30_day_window(make_catalog):
    res = make_catalog(TABLES).run("active_users", {**RANGE, "group_by": "day"})
    got = by_segment(res)
    assert list(got) == [f"2026-11-{d:02d}" for d in range(5, 12)]
    assert [got[d]["active_users"] for d in got] == [2, 2, 1, 1, 1, 1, 1]
    first, mid, last = got["2026-11-05"], got["2026-11-10"], got["2026-11-11"]
    assert first["avg_dau"] == 2 and first["peak_dau"] == 2
    # 11-05: window 10-07..11-05 -> a c d f g h (e's 10-01 is too early) = 6
    assert first["mau_30d"] == 6 and first["stickiness"] == pytest.approx(2 / 6)
    # 11-06: window 10-08..11-06 -> h drops out, b comes in: a b c d f g = 6
    assert got["2026-11-06"]["mau_30d"] == 6
    # WAU of a day = its ISO week within the range: 11-05 is in W45 (a b c e)
    assert first["avg_wau"] == 4
    # 11-10: window 10-12..11-10 -> a b c d e f g = 7
    assert mid["mau_30d"] == 7 and mid["stickiness"] == pytest.approx(1 / 7)
    # 11-11: window 10-13..11-11 -> g drops out = 6; W46 a b d
    assert last["mau_30d"] == 6 and last["avg_wau"] == 3


def test_week_trend(make_catalog):
    got = by_segment(make_catalog(TABLES).run("active_users", {**RANGE, "group_by": "week"}))
    w45, w46 = got["2026-W45"], got["2026-W46"]
    # W45 in range = 11-05..11-08: a b c e, user-days a1 b1 c3 e1 = 6 over 4 days
    assert (w45["active_users"], w45["peak_dau"], w45["avg_wau"]) == (4, 2, 4)
    assert w45["avg_dau"] == pytest.approx(6 / 4)
    assert w45["mau_30d"] == 7  # window 10-10..11-08: a b c d e f g
    # W46 in range = 11-09..11-11: a b d, one day each over 3 days; window ends 11-11
    assert (w46["active_users"], w46["peak_dau"], w46["avg_wau"]) == (3, 1, 3)
    assert w46["avg_dau"] == pytest.approx(1.0)
    assert w46["mau_30d"] == 6 and w46["stickiness"] == pytest.approx(1 / 6)


def test_filters(make_catalog):
    cat = make_catalog(TABLES)
    (br,) = cat.run("active_users", {**RANGE, "countries": ["Brazil"]}).rows
    assert (br["active_users"], br["mau_30d"]) == (2, 2)
    assert br["avg_dau"] == pytest.approx(4 / 7)
    (sea,) = cat.run("active_users", {**RANGE, "regions": ["SEA"]}).rows  # Indonesia: c d
    assert (sea["active_users"], sea["peak_dau"]) == (2, 1)
    (ios,) = cat.run("active_users", {**RANGE, "platforms": ["ios"]}).rows  # a d (f g not in range)
    assert (ios["active_users"], ios["mau_30d"]) == (2, 3)  # MAU a d f
    (web,) = cat.run("active_users", {**RANGE, "platforms": ["web"], "group_by": "channel"}).rows
    assert (web["segment"], web["active_users"]) == ("unknown", 1)


def test_a_three_user_group_is_suppressed_below_four(make_catalog):
    # channels of the users active in the range: organic a c d (3), paid b, unknown e.
    # All three are under 4, so all three are hidden and nothing visible is left to subtract.
    cat = make_catalog(TABLES, min_group_size=4)
    res = cat.run("active_users", {**RANGE, "group_by": "channel"})
    assert res.suppressed == 3
    organic = by_segment(res)["organic"]
    assert organic["suppressed"] and organic["active_users"] is None
    assert organic["avg_dau"] is None and organic["mau_30d"] is None
    # the whole range has 5 active users, but its busiest day only 2 (peak DAU, a count of
    # people too, < 4): hidden whole
    (row,) = cat.run("active_users", RANGE).rows
    assert row["suppressed"] and row["active_users"] is None
    # At exactly the minimum the group is shown. With TABLES and a minimum of 3, paid (1) and
    # unknown (1) are hidden but add up to 2 < 3, so organic (3, the smallest visible) would
    # be hidden with them. One more unknown-channel user i active on 11-08 makes the hidden
    # pair paid 1 + unknown 2 = 3 >= 3: subtraction yields only a group of 3, organic stays.
    tables = {
        "users": TABLES["users"] + users(("i", "US", "web", None)),
        "sessions": TABLES["sessions"] + [{"session_id": "s-i", "user_id": "i",
                                           "started_at": "2026-11-08 21:00",
                                           "ended_at": "2026-11-08 21:00"}],
    }
    shown = by_segment(make_catalog(tables, min_group_size=3).run(
        "active_users", {**RANGE, "group_by": "channel"}
    ))
    # ... as far as its size goes; but its busiest day had 2 people (peak DAU < 3), a count
    # of people too, so organic is hidden after all
    assert shown["organic"]["suppressed"] and shown["organic"]["peak_dau"] is None
    assert shown["paid"]["suppressed"] and shown["paid"]["active_users"] is None
    assert shown["unknown"]["suppressed"] and shown["unknown"]["active_users"] is None


def test_bad_group_by_names_the_allowed_values(make_catalog):
    with pytest.raises(ParameterError, match="allowed values are none, day, week"):
        make_catalog(TABLES).run("active_users", {"group_by": "month"})


def test_daylight_saving_day_has_25_hours(make_catalog):
    # New York leaves daylight saving at 2026-11-01 06:00 UTC: 11-01 runs 04:00-05:00 UTC
    # of 11-02 is still 11-01 local (EST), a fixed offset would get one end wrong
    tables = {
        "users": users(*[(u, "US", "ios", "organic") for u in "wxyz"]),
        "sessions": sessions(
            ("z", "2026-11-01 03:30"),  # 10-31 23:30 EDT: before
            ("x", "2026-11-01 04:30"),  # 11-01 00:30 EDT: in
            ("y", "2026-11-02 04:30"),  # 11-01 23:30 EST: in
            ("w", "2026-11-02 05:10"),  # 11-02 00:10 EST: after
        ),
    }
    cat = make_catalog(tables, report_timezone="America/New_York")
    (row,) = cat.run("active_users", {"start": "2026-11-01", "end": "2026-11-01"}).rows
    assert (row["active_users"], row["peak_dau"]) == (2, 2)
    assert row["mau_30d"] == 3  # z (10-31) is within the 30 days, w (11-02) is not

"""usage_time, checked against figures worked out by hand."""

from __future__ import annotations

import pytest

from assistant.metrics.registry import Registry

JAKARTA = "Asia/Jakarta"  # UTC+7, no daylight saving
RANGE = {"start": "2026-11-02", "end": "2026-11-04"}


def users(*rows):
    return [
        {"user_id": u, "signup_at": "2026-09-01 00:00", "country": c, "platform": p, "channel": ch}
        for u, c, p, ch in rows
    ]


def sessions(*rows):
    return [
        {"session_id": f"s{i}", "user_id": u, "started_at": t0, "ended_at": t1}
        for i, (u, t0, t1) in enumerate(rows)
    ]


TABLES = {
    "users": users(
        ("a", "BR", "ios", "organic"),
        ("b", "BR", "android", "paid"),
        ("c", "ID", "android", "organic"),
        ("d", "ID", "ios", "organic"),
        ("e", "US", "web", None),
    ),
    "sessions": sessions(
        ("a", "2026-11-02 10:00", "2026-11-02 10:30"),  # 30 min
        ("a", "2026-11-02 20:00", "2026-11-02 20:10"),  # 10 min; Jakarta 11-03 03:00
        ("a", "2026-11-03 09:00", "2026-11-03 09:20"),  # 20 min
        ("b", "2026-11-02 12:00", "2026-11-02 13:00"),  # 60 min
        ("c", "2026-11-03 23:30", "2026-11-04 00:15"),  # 45 min, counted whole on 11-03
        ("c", "2026-11-04 08:00", "2026-11-04 08:05"),  # 5 min
        ("d", "2026-11-04 23:50", "2026-11-05 00:50"),  # 60 min, last slot; Jakarta: 11-05
        ("e", "2026-11-01 23:00", "2026-11-01 23:40"),  # 40 min; Jakarta 11-02 06:00, in range
        ("e", "2026-11-05 10:00", "2026-11-05 10:02"),  # 2 min, after the range
    ),
}
# UTC, 11-02..11-04: sessions a30 a10 a20 b60 c45 c5 d60 = 7 sessions, 230 minutes;
# user-days a/02 a/03 b/02 c/03 c/04 d/04 = 6; active users a b c d = 4.


def by_segment(result):
    return {r["segment"]: r for r in result.rows}


def test_registry_loads_it():
    metric = Registry().get("usage_time")
    assert metric.dimension == "duration"
    assert metric.size_column == "active_users"
    assert metric.columns["minutes_per_user_day"].format == "minutes"


def test_whole_range_by_hand(make_catalog):
    (row,) = make_catalog(TABLES).run("usage_time", RANGE).rows
    assert (row["segment"], row["active_users"], row["user_days"], row["sessions"]) == (
        "all", 4, 6, 7,
    )
    assert row["minutes_per_user_day"] == pytest.approx(230 / 6)
    assert row["sessions_per_user_day"] == pytest.approx(7 / 6)
    assert row["median_session_minutes"] == pytest.approx(30)  # 5 10 20 [30] 45 60 60


def test_reporting_zone(make_catalog):
    (row,) = make_catalog(TABLES, report_timezone=JAKARTA).run("usage_time", RANGE).rows
    # Jakarta: a30 (02) a10 (03) a20 (03) b60 (02) c45 (04) c5 (04) e40 (02); d's is 11-05
    # -> 7 sessions, 210 minutes; user-days a/02 a/03 b/02 c/04 e/02 = 5; users a b c e
    assert (row["active_users"], row["user_days"], row["sessions"]) == (4, 5, 7)
    assert row["minutes_per_user_day"] == pytest.approx(42.0)
    assert row["sessions_per_user_day"] == pytest.approx(1.4)
    assert row["median_session_minutes"] == pytest.approx(30)  # 5 10 20 [30] 40 45 60


def test_group_by_country(make_catalog):
    got = by_segment(make_catalog(TABLES).run("usage_time", {**RANGE, "group_by": "country"}))
    assert set(got) == {"BR", "ID"}
    # BR: a30 a10 a20 b60 = 120 min over a/02 a/03 b/02
    assert got["BR"]["minutes_per_user_day"] == pytest.approx(40.0)
    assert got["BR"]["sessions_per_user_day"] == pytest.approx(4 / 3)
    assert got["BR"]["median_session_minutes"] == pytest.approx(25)  # (20 + 30) / 2
    # ID: c45 c5 d60 = 110 min over c/03 c/04 d/04
    assert got["ID"]["minutes_per_user_day"] == pytest.approx(110 / 3)
    assert got["ID"]["median_session_minutes"] == pytest.approx(45)


def test_day_trend(make_catalog):
    got = by_segment(make_catalog(TABLES).run("usage_time", {**RANGE, "group_by": "day"}))
    assert list(got) == ["2026-11-02", "2026-11-03", "2026-11-04"]
    # 11-02: a30 a10 b60 over a, b; 11-03: a20 c45; 11-04: c5 d60
    assert [got[d]["minutes_per_user_day"] for d in got] == pytest.approx([50, 32.5, 32.5])
    assert [got[d]["sessions"] for d in got] == [3, 2, 2]
    assert got["2026-11-03"]["median_session_minutes"] == pytest.approx(32.5)


def test_filters_and_default_window(make_catalog):
    cat = make_catalog(TABLES)
    (ios,) = cat.run("usage_time", {**RANGE, "platforms": ["ios"]}).rows
    # a30 a10 a20 d60 = 120 min over a/02 a/03 d/04
    assert (ios["active_users"], ios["user_days"]) == (2, 3)
    assert ios["minutes_per_user_day"] == pytest.approx(40.0)
    res = cat.run("usage_time", {})
    # last data day 11-05, 7 days back to 10-30: all 9 sessions, 272 minutes,
    # user-days: the 6 above + e/01 + e/05 = 8
    assert (res.params["start"], res.params["end"]) == ("2026-10-30", "2026-11-05")
    (row,) = res.rows
    assert (row["active_users"], row["user_days"], row["sessions"]) == (5, 8, 9)
    assert row["minutes_per_user_day"] == pytest.approx(272 / 8)


def test_a_three_user_group_is_suppressed_below_four(make_catalog):
    # channels in range: organic a c d (3), paid b (1); both under 4, both hidden
    res = make_catalog(TABLES, min_group_size=4).run(
        "usage_time", {**RANGE, "group_by": "channel"}
    )
    got = by_segment(res)
    assert res.suppressed == 2
    assert got["organic"]["minutes_per_user_day"] is None
    assert got["organic"]["median_session_minutes"] is None
    # At minimum 3 paid (1) alone is hidden, and total - organic would give it away, so
    # organic would go too. Two unknown-channel users i and j active on 11-03 make the hidden
    # groups paid 1 + unknown 2 = 3 >= 3: organic (3, at exactly the minimum) is shown.
    tables = {
        "users": TABLES["users"] + users(("i", "US", "web", None), ("j", "US", "web", None)),
        "sessions": TABLES["sessions"] + [
            {"session_id": f"s-{u}", "user_id": u, "started_at": "2026-11-03 12:00",
             "ended_at": "2026-11-03 12:10"}
            for u in "ij"
        ],
    }
    shown = make_catalog(tables, min_group_size=3).run(
        "usage_time", {**RANGE, "group_by": "channel"}
    )
    assert shown.suppressed == 2
    assert by_segment(shown)["paid"]["suppressed"] and by_segment(shown)["unknown"]["suppressed"]
    organic = by_segment(shown)["organic"]
    # a30 a10 a20 c45 c5 d60 = 170 min over a/02 a/03 c/03 c/04 d/04
    assert organic["minutes_per_user_day"] == pytest.approx(34.0)

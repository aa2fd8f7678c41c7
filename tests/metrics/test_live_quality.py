"""live_quality, checked against figures worked out by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from assistant.metrics.registry import get_registry

JKT = "Asia/Jakarta"  # UTC+7, no daylight saving
RANGE = {"start": "2026-11-02", "end": "2026-11-03"}


def users(*rows):
    return [
        {"user_id": u, "signup_at": "2026-10-01 00:00", "country": c, "platform": p}
        for u, c, p in rows
    ]


def view(vid, viewer, started, minutes, resolution):
    start = datetime.fromisoformat(started)
    return {"view_id": vid, "viewer_id": viewer, "host_id": "h", "started_at": start,
            "ended_at": start + timedelta(minutes=minutes), "resolution": resolution}


# v1, v2 in Brazil; v3, v4 in Indonesia. Views (UTC):
#   HD: V1 v1 1080p 11-02 10:00 12 min | V2 v2 720p 11-02 11:00 6 min
#       V3 v3 720p 11-03 09:00 9 min   | V9 v2 720p 11-03 20:00 3 min (11-04 03:00 in Jakarta)
#   SD: V4 v1 480p 11-02 12:00 5 min   | V5 v3 360p 11-03 10:00 10 min
#       V6 v4 540p 11-03 12:00 6 min   | V8 v2 360p 11-01 23:30 3 min (11-02 06:30 in Jakarta)
#   V7 v4 1080p 11-04 08:00: after the range in both zones
TABLES = {
    "users": users(("v1", "BR", "ios"), ("v2", "BR", "android"), ("v3", "ID", "android"),
                   ("v4", "ID", "ios")),
    "sessions": [  # only set the data's first and last day
        {"session_id": "s1", "user_id": "v1", "started_at": "2026-11-01 12:00",
         "ended_at": "2026-11-01 12:00"},
        {"session_id": "s2", "user_id": "v1", "started_at": "2026-11-05 12:00",
         "ended_at": "2026-11-05 12:00"},
    ],
    "live_views": [
        view("V1", "v1", "2026-11-02 10:00", 12, "1080p"),
        view("V2", "v2", "2026-11-02 11:00", 6, "720p"),
        view("V3", "v3", "2026-11-03 09:00", 9, "720p"),
        view("V9", "v2", "2026-11-03 20:00", 3, "720p"),
        view("V4", "v1", "2026-11-02 12:00", 5, "480p"),
        view("V5", "v3", "2026-11-03 10:00", 10, "360p"),
        view("V6", "v4", "2026-11-03 12:00", 6, "540p"),
        view("V8", "v2", "2026-11-01 23:30", 3, "360p"),
        view("V7", "v4", "2026-11-04 08:00", 15, "1080p"),
    ],
}
COLS = ("views", "viewers", "mean_minutes", "uplift")


def table(result):
    return [(r["segment"], r["quality"], *(r[c] for c in COLS)) for r in result.rows]


def check(result, want):
    got = table(result)
    assert [g[:2] for g in got] == [w[:2] for w in want]
    for g, w in zip(got, want, strict=True):
        assert g[2:] == pytest.approx(w[2:]), g[:2]


def test_hd_vs_sd_by_hand(make_catalog):
    res = make_catalog(TABLES).run("live_quality", RANGE)
    check(res, [
        # HD: V1 12 + V2 6 + V3 9 + V9 3 = 30 min over 4 views -> 7.5; viewers v1 v2 v3
        ("all", "HD", 4, 3, 7.5, None),
        # SD: V4 5 + V5 10 + V6 6 = 21 over 3 -> 7.0; viewers v1 v3 v4 (V8 is 11-01 in UTC)
        ("all", "SD", 3, 3, 7.0, None),
        # uplift 7.5 / 7 - 1 = 1/14; views 4 + 3; viewers the smaller side, 3
        ("all", "HD vs SD", 7, 3, None, 7.5 / 7 - 1),
    ])


def test_local_days_in_the_reporting_zone(make_catalog):
    res = make_catalog(TABLES, report_timezone=JKT).run("live_quality", RANGE)
    # Jakarta: V9 moves out (11-04 03:00), V8 moves in (11-02 06:30)
    check(res, [
        ("all", "HD", 3, 3, (12 + 6 + 9) / 3, None),
        ("all", "SD", 4, 4, (3 + 5 + 10 + 6) / 4, None),
        ("all", "HD vs SD", 7, 3, None, 9 / 6 - 1),
    ])


def test_segments_trends_and_filters(make_catalog):
    cat = make_catalog(TABLES)
    check(cat.run("live_quality", {**RANGE, "group_by": "country"}), [
        # BR: HD V1 V2 V9 (12+6+3)/3 = 7 by v1 v2; SD V4 5 by v1; uplift 7/5 - 1
        ("BR", "HD", 3, 2, 7.0, None), ("BR", "SD", 1, 1, 5.0, None),
        ("BR", "HD vs SD", 4, 1, None, 0.4),
        # ID: HD V3 9 by v3; SD V5 V6 (10+6)/2 = 8 by v3 v4; uplift 9/8 - 1
        ("ID", "HD", 1, 1, 9.0, None), ("ID", "SD", 2, 2, 8.0, None),
        ("ID", "HD vs SD", 3, 1, None, 0.125),
    ])
    check(cat.run("live_quality", {**RANGE, "group_by": "day"}), [
        # 11-02: HD V1 V2 -> 9, SD V4 -> 5, +80%; 11-03: HD V3 V9 -> 6, SD V5 V6 -> 8, -25%
        ("2026-11-02", "HD", 2, 2, 9.0, None), ("2026-11-02", "SD", 1, 1, 5.0, None),
        ("2026-11-02", "HD vs SD", 3, 1, None, 0.8),
        ("2026-11-03", "HD", 2, 2, 6.0, None), ("2026-11-03", "SD", 2, 2, 8.0, None),
        ("2026-11-03", "HD vs SD", 4, 2, None, -0.25),
    ])
    # iOS viewers v1, v4: HD V1 12; SD V4 5, V6 6 -> 5.5
    check(cat.run("live_quality", {**RANGE, "platforms": ["ios"]}), [
        ("all", "HD", 1, 1, 12.0, None), ("all", "SD", 2, 2, 5.5, None),
        ("all", "HD vs SD", 3, 1, None, 12 / 5.5 - 1),
    ])
    # only one side: no comparison row
    one = cat.run("live_quality", {"start": "2026-11-02", "end": "2026-11-02",
                                   "platforms": ["android"]})
    check(one, [("all", "HD", 1, 1, 6.0, None)])


def test_small_side_hides_the_comparison(make_catalog):
    # UTC: both sides have 3 viewers: everything is hidden at a minimum of 4
    at4 = make_catalog(TABLES, min_group_size=4).run("live_quality", RANGE)
    assert at4.suppressed == 3 and not at4.visible_rows
    # Jakarta: SD has 4 viewers and stays; HD has 3, and the uplift row (size = smaller
    # side = 3) goes too, so HD's mean cannot be read back from SD's mean and the uplift
    jkt = make_catalog(TABLES, min_group_size=4, report_timezone=JKT).run("live_quality", RANGE)
    assert [(r["quality"], r["mean_minutes"]) for r in jkt.visible_rows] == [("SD", 6.0)]
    assert [r["quality"] for r in jkt.rows] == ["HD", "SD", "HD vs SD"]
    assert all(r["uplift"] is None for r in jkt.rows)
    assert "50.0%" not in jkt.summary() and "9.0 min" not in jkt.summary()


def test_registry_loads_it():
    metric = get_registry().get("live_quality")
    assert metric.dimension == "duration" and metric.size_column == "viewers"
    assert set(metric.params) == {"start", "end", "countries", "regions", "platforms",
                                  "group_by"}

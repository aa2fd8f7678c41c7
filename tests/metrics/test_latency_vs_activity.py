"""latency_vs_activity, checked against figures worked out by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from assistant.errors import ParameterError
from assistant.metrics.registry import get_registry
from tests.metrics.rows import sessions

JKT = "Asia/Jakarta"  # UTC+7, no daylight saving
RANGE = {"start": "2026-11-02", "end": "2026-11-03"}


def users(*rows):
    return [
        {"user_id": u, "signup_at": "2026-10-01 00:00", "country": c, "platform": p}
        for u, c, p in rows
    ]


def call(cid, caller, requested, connect_ms=None, talk_s=None):
    """A call requested at `requested`, connecting after `connect_ms` (exact to the µs)."""
    req = datetime.fromisoformat(requested)
    row = {"call_id": cid, "caller_id": caller, "callee_id": None, "requested_at": req}
    if connect_ms is not None:
        conn = req + timedelta(microseconds=round(connect_ms * 1000))
        row["connected_at"] = conn
        row["ended_at"] = conn + timedelta(seconds=talk_s) if talk_s is not None else None
    return row


# a, b in Brazil (LATAM); c, d in Indonesia (SEA); e in the US. Calls C1..C11 in UTC:
#   C1  a 11-02 10:00  600 ms exactly   talk 2 min     -> '<= 600 ms' (edge is inclusive)
#   C2  a 11-02 11:00  600.001 ms       talk 0.5 min   -> '600-1000 ms'
#   C3  b 11-02 12:00  1000 ms          talk 1 min     -> '600-1000 ms' (1 min counts as long)
#   C4  b 11-03 09:00  1500 ms          talk 3 min     -> '1000-2000 ms'
#   C5  c 11-03 12:00  2000 ms          talk 0.5 min   -> '1000-2000 ms'
#   C6  c 11-02 08:00  2500 ms          no end time    -> '> 2000 ms' (not timed)
#   C7  d 11-02 09:00  never connected
#   C8  a 11-03 14:00  never connected
#   C11 c 11-03 15:00  never connected
#   C9  d 11-04 10:00 and C10 d 11-01 23:59:59: outside 11-02..11-03
# Active days (UTC): a 11-03; b 11-04; c 11-03; d 11-03; e 11-09 and 11-10 (last day).
TABLES = {
    "users": users(("a", "BR", "ios"), ("b", "BR", "android"), ("c", "ID", "android"),
                   ("d", "ID", "ios"), ("e", "US", "web")),
    "sessions": sessions(("a", "2026-11-03 10:00"), ("b", "2026-11-04 02:00"),
                         ("c", "2026-11-03 20:00"), ("d", "2026-11-03 05:00"),
                         ("e", "2026-11-09 06:00"), ("e", "2026-11-10 20:00")),
    "calls": [
        call("C1", "a", "2026-11-02 10:00:00", 600, 120),
        call("C2", "a", "2026-11-02 11:00:00", 600.001, 30),
        call("C3", "b", "2026-11-02 12:00:00", 1000, 60),
        call("C4", "b", "2026-11-03 09:00:00", 1500, 180),
        call("C5", "c", "2026-11-03 12:00:00", 2000, 30),
        call("C6", "c", "2026-11-02 08:00:00", 2500, None),
        call("C7", "d", "2026-11-02 09:00:00"),
        call("C8", "a", "2026-11-03 14:00:00"),
        call("C11", "c", "2026-11-03 15:00:00"),
        call("C9", "d", "2026-11-04 10:00:00", 300, 60),
        call("C10", "d", "2026-11-01 23:59:59", 300, 60),
        call("E1", "e", "2026-11-09 12:00:00", 500, 60),
        call("E2", "e", "2026-11-10 08:00:00", 500, None),
    ],
}

COLS = ("calls", "share", "mean_call_minutes", "long_call_share", "callers", "next_day_return")


def by_bucket(result, segment="all"):
    return {r["bucket"]: tuple(r[c] for c in COLS) for r in result.rows
            if r["segment"] == segment}


def approx_rows(got, want):
    assert set(got) == set(want)
    for key, row in want.items():
        assert got[key] == pytest.approx(row, nan_ok=True), key


def test_buckets_by_hand(make_catalog):
    res = make_catalog(TABLES).run("latency_vs_activity", RANGE)
    # 9 calls in range. Return = caller active the next UTC day:
    #   C1 a->11-03 yes, C2 yes, C3 b->11-03 no, C4 b->11-04 yes, C5 c->11-04 no,
    #   C6 c->11-03 yes, C7 d->11-03 yes, C8 a->11-04 no, C11 c->11-04 no.
    approx_rows(by_bucket(res), {
        # calls, share, mean minutes, >= 1 min, callers, next-day return
        "<= 600 ms": (1, 1 / 9, 2.0, 1.0, 1, 1.0),
        "600-1000 ms": (2, 2 / 9, (0.5 + 1) / 2, 1 / 2, 2, 1 / 2),
        "1000-2000 ms": (2, 2 / 9, (3 + 0.5) / 2, 1 / 2, 2, 1 / 2),
        "> 2000 ms": (1, 1 / 9, None, None, 1, 1.0),
        "never connected": (3, 3 / 9, None, None, 3, 1 / 3),
    })
    assert [r["bucket_order"] for r in res.rows] == [1, 2, 3, 4, 5]
    assert res.params["threshold_ms"] == 600


@pytest.mark.parametrize(("threshold", "want"), [
    # 1000: the (threshold, 1000] bucket would be empty by construction, so it is dropped
    (1000, {"<= 1000 ms": 3, "1000-2000 ms": 2, "> 2000 ms": 1, "never connected": 3}),
    # 1500: C4 at exactly 1500 ms is in the first bucket; the middle bucket starts at 1500
    (1500, {"<= 1500 ms": 4, "1500-2000 ms": 1, "> 2000 ms": 1, "never connected": 3}),
    # 3000: above 2000 the threshold also moves the top edge
    (3000, {"<= 3000 ms": 6, "never connected": 3}),
    # 700: C2 (600.001 ms) moves down into the first bucket
    (700, {"<= 700 ms": 2, "700-1000 ms": 1, "1000-2000 ms": 2, "> 2000 ms": 1,
           "never connected": 3}),
])
def test_threshold_moves_the_first_edge(make_catalog, threshold, want):
    res = make_catalog(TABLES).run("latency_vs_activity", {**RANGE, "threshold_ms": threshold})
    assert {r["bucket"]: r["calls"] for r in res.rows} == want


def test_group_by_and_filters_use_the_caller(make_catalog):
    cat = make_catalog(TABLES)
    res = cat.run("latency_vs_activity", {**RANGE, "group_by": "country"})
    # BR (a, b): C1 | C2 C3 | C4 | C8 -> 5 calls; ID (c, d): C5 | C6 | C7 C11 -> 4 calls
    approx_rows({b: v[:2] for b, v in by_bucket(res, "BR").items()}, {
        "<= 600 ms": (1, 1 / 5), "600-1000 ms": (2, 2 / 5), "1000-2000 ms": (1, 1 / 5),
        "never connected": (1, 1 / 5)})
    approx_rows({b: v[:2] for b, v in by_bucket(res, "ID").items()}, {
        "1000-2000 ms": (1, 1 / 4), "> 2000 ms": (1, 1 / 4), "never connected": (2, 2 / 4)})
    # android callers are b and c: C3 | C4 C5 | C6 | C11
    only = cat.run("latency_vs_activity", {**RANGE, "platforms": ["android"]})
    assert {r["bucket"]: r["calls"] for r in only.rows} == {
        "600-1000 ms": 1, "1000-2000 ms": 2, "> 2000 ms": 1, "never connected": 1}
    sea = cat.run("latency_vs_activity", {**RANGE, "regions": ["SEA"]})
    assert sum(r["calls"] for r in sea.rows) == 4


def test_next_day_across_a_zone_boundary(make_catalog):
    tables = {
        "users": users(("z", "ID", "android")),
        # Z2's session is 11-02 18:00 UTC: the same UTC day as the call, but 01:00 on
        # 11-03 in Jakarta. The 11-01 and 11-06 sessions only set the data's first and last day.
        "sessions": sessions(("z", "2026-11-01 00:00"), ("z", "2026-11-02 18:00"),
                             ("z", "2026-11-06 10:00")),
        "calls": [
            call("Z1", "z", "2026-11-01 18:00:00"),  # 11-01 in UTC, 11-02 01:00 in Jakarta
            call("Z2", "z", "2026-11-02 16:30:00", 400, 120),  # 23:30 on 11-02 in Jakarta
        ],
    }
    day = {"start": "2026-11-02", "end": "2026-11-02"}
    utc = make_catalog(tables).run("latency_vs_activity", day)
    # UTC: only Z2 is in range; z is not active on 11-03 -> return 0
    approx_rows(by_bucket(utc), {"<= 600 ms": (1, 1.0, 2.0, 1.0, 1, 0.0)})
    jkt = make_catalog(tables, report_timezone=JKT).run("latency_vs_activity", day)
    # Jakarta: Z1 and Z2 both fall on 11-02 and z is active at 01:00 on 11-03 -> both return
    approx_rows(by_bucket(jkt), {
        "<= 600 ms": (1, 0.5, 2.0, 1.0, 1, 1.0),
        "never connected": (1, 0.5, None, None, 1, 1.0),
    })


def test_return_counts_only_calls_with_a_complete_next_day(make_catalog):
    cat = make_catalog(TABLES)
    # last data day is 11-10. E1 (11-09) has a next day, e active 11-10 -> returned;
    # E2 (11-10) has no complete next day -> counted as a call, left out of the return
    both = cat.run("latency_vs_activity", {"start": "2026-11-09", "end": "2026-11-10"})
    approx_rows(by_bucket(both), {"<= 600 ms": (2, 1.0, 1.0, 1.0, 1, 1.0)})
    last = cat.run("latency_vs_activity", {"start": "2026-11-10", "end": "2026-11-10"})
    assert by_bucket(last)["<= 600 ms"][0] == 1 and by_bucket(last)["<= 600 ms"][5] is None
    # the default window stops a day before the last day, so its returns are complete
    default = cat.run("latency_vs_activity", {})
    assert (default.params["start"], default.params["end"]) == ("2026-11-03", "2026-11-09")


def test_small_groups_are_suppressed(make_catalog):
    # the never-connected bucket has 3 callers (a, c, d); every other bucket 1 or 2
    at3 = make_catalog(TABLES, min_group_size=3).run("latency_vs_activity", RANGE)
    shown = {r["bucket"]: r["calls"] for r in at3.visible_rows}
    assert shown == {"never connected": 3} and at3.suppressed == 4
    at4 = make_catalog(TABLES, min_group_size=4).run("latency_vs_activity", RANGE)
    assert at4.suppressed == 5
    for row in at4.rows:
        assert row["calls"] is None and row["next_day_return"] is None
        assert row["bucket"] and row["bucket_order"]  # labels survive for sorting
    assert "33.3%" not in at4.summary()


def test_registry_and_bad_values(make_catalog):
    metric = get_registry().get("latency_vs_activity")
    assert metric.size_column == "callers" and metric.dimension == "depth"
    cat = make_catalog(TABLES)
    with pytest.raises(ParameterError, match="threshold_ms"):
        cat.run("latency_vs_activity", {**RANGE, "threshold_ms": 99})
    with pytest.raises(ParameterError, match="allowed values are none, country, region"):
        cat.run("latency_vs_activity", {**RANGE, "group_by": "day"})

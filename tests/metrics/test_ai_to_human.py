"""ai_to_human, checked against figures worked out by hand."""

from __future__ import annotations

import pytest

from assistant.errors import ParameterError
from assistant.metrics.registry import Registry

JAKARTA = "Asia/Jakarta"  # UTC+7, no daylight saving
TEN_HOURS = 10 / 24


def users(*rows):
    return [
        {"user_id": u, "signup_at": "2026-10-01 00:00", "country": c, "platform": p}
        for u, c, p in rows
    ]


def events(*rows):
    return [{"user_id": u, "ts": t, "name": n, "partner_id": p} for u, t, n, p in rows]


def call(call_id, caller, callee, requested, connected):
    return {"call_id": call_id, "caller_id": caller, "callee_id": callee,
            "requested_at": requested, "connected_at": connected, "ended_at": None}


TABLES = {
    "users": users(
        ("a", "BR", "ios"), ("b", "BR", "android"), ("c", "BR", "web"), ("d", "BR", "ios"),
        ("x", "BR", "web"),
        ("e", "ID", "android"), ("f", "ID", "ios"), ("g", "ID", "android"),
        ("h", "ID", "web"), ("i", "ID", "android"), ("j", "ID", "web"), ("k", "BR", "web"),
    ),
    # sessions only set the data's days: 2026-11-01 to 2026-11-20 (the latest complete day)
    "sessions": [
        {"session_id": "s1", "user_id": "x", "started_at": "2026-11-01 12:00",
         "ended_at": "2026-11-01 12:30"},
        {"session_id": "s2", "user_id": "x", "started_at": "2026-11-20 12:00",
         "ended_at": "2026-11-20 12:30"},
    ],
    "events": events(
        # a: AI first, chats with a person 3 days later
        ("a", "2026-11-02 10:00", "ai_chat_start", None),
        ("a", "2026-11-05 10:00", "chat_start", "b"),
        # b: AI first; a connected call exactly 7 days later (the call c1 below)
        ("b", "2026-11-02 12:00", "ai_chat_start", None),
        # c: AI first; a partner-less message is not human; a message 7 days + 1 s later
        # is outside the window
        ("c", "2026-11-03 08:00", "ai_chat_start", None),
        ("c", "2026-11-04 08:00", "message_sent", None),
        ("c", "2026-11-10 08:00:01", "message_sent", "a"),
        # d: joined a room before the AI chat -> not AI first
        ("d", "2026-11-02 09:00", "room_join", None),
        ("d", "2026-11-02 10:00", "ai_chat_start", None),
        ("d", "2026-11-03 10:00", "message_sent", "a"),
        # e: a match request is not a social action -> AI first; the call never connects
        ("e", "2026-11-02 09:00", "match_request", None),
        ("e", "2026-11-03 10:00", "ai_chat_start", None),
        # f: followed someone before the range (does not count), AI first in the range,
        # then a connected call 10 hours later (c3)
        ("f", "2026-11-01 10:00", "follow", "a"),
        ("f", "2026-11-02 11:00", "ai_chat_start", None),
        # g: first AI chat 11-03 23:00 UTC = 11-04 06:00 in Jakarta; a message a day later
        ("g", "2026-11-03 23:00", "ai_chat_start", None),
        ("g", "2026-11-04 23:00", "message_sent", "a"),
        # h: first AI chat 11-01 18:00 UTC = 11-02 01:00 in Jakarta; never talks to people
        ("h", "2026-11-01 18:00", "ai_chat_start", None),
        # i: a message at the same instant as the AI chat -> not AI first
        ("i", "2026-11-02 10:00", "message_sent", "a"),
        ("i", "2026-11-02 10:00", "ai_chat_start", None),
        ("i", "2026-11-03 10:00", "chat_start", "b"),
        # j: a follow in the range comes first -> not AI first
        ("j", "2026-11-02 09:00", "follow", "a"),
        ("j", "2026-11-02 10:00", "ai_chat_start", None),
        ("j", "2026-11-02 12:00", "chat_start", "b"),
        # k: a connected call (c4) comes first -> not AI first
        ("k", "2026-11-02 10:00", "ai_chat_start", None),
        ("k", "2026-11-02 12:00", "chat_start", "b"),
    ),
    "calls": [
        call("c1", "x", "b", "2026-11-09 11:59:58", "2026-11-09 12:00:00"),  # b is callee
        call("c2", "e", "a", "2026-11-04 10:00:00", None),
        call("c3", "f", "x", "2026-11-02 20:59:59", "2026-11-02 21:00:00"),
        call("c4", "x", "k", "2026-11-02 08:59:59", "2026-11-02 09:00:00"),  # k is callee
    ],
}

RANGE = {"start": "2026-11-02", "end": "2026-11-03"}


def figures(row):
    return (row["ai_first_users"], row["moved_to_human"], row["median_days_to_human"])


def test_registry_loads_it():
    metric = Registry().get("ai_to_human")
    assert metric.dimension == "social" and metric.size_column == "ai_first_users"
    assert metric.params["window_days"].default == 7


def test_bridge_by_hand(make_catalog):
    cat = make_catalog(TABLES)
    (row,) = cat.run("ai_to_human", RANGE).rows
    # AI first in 11-02..11-03 (UTC): a, b, c, e, f, g = 6 (d joined a room, j followed
    # someone, k took a call first; i's message ties with the AI chat; h's AI chat is
    # on 11-01).
    # Moved within 7 days: a 3.0 days, b 7.0 (boundary counts), f 10 h, g 1.0 = 4;
    # c's message is 7 days + 1 s later, e's call never connected.
    # Median of 0.42, 1, 3, 7 = (1 + 3) / 2 = 2.0
    assert figures(row) == (6, 4, pytest.approx(2.0))
    assert row["bridge_rate"] == pytest.approx(4 / 6)


def test_window_boundary_and_length(make_catalog):
    cat = make_catalog(TABLES)
    (row,) = cat.run("ai_to_human", {**RANGE, "window_days": 8}).rows
    # 8 days: c's message (7 days + 1 s) now counts -> 5 of 6
    assert figures(row)[:2] == (6, 5)


def test_whole_window_must_be_in_the_data(make_catalog):
    cat = make_catalog(TABLES)
    (row,) = cat.run("ai_to_human", {**RANGE, "window_days": 18}).rows
    # Data is complete up to 11-21 00:00. An 18-day window fits only for AI chats before
    # 11-03 00:00: a, b, f (c, e, g are left out, not counted as never moved).
    # All three moved: 3.0, 7.0, 0.42 days -> median 3.0
    assert figures(row) == (3, 3, pytest.approx(3.0))


def test_days_in_the_reporting_time_zone(make_catalog):
    cat = make_catalog(TABLES, report_timezone=JAKARTA)
    (row,) = cat.run("ai_to_human", RANGE).rows
    # Jakarta 11-02..11-03 = UTC [11-01 17:00, 11-03 17:00): g drops out, h comes in
    # (f's follow at 11-01 17:00 local is still before the range).
    # Cohort a, b, c, e, f, h = 6; moved a, b, f -> 3; median of 0.42, 3, 7 = 3.0
    assert figures(row) == (6, 3, pytest.approx(3.0))


def test_group_by_day_and_country(make_catalog):
    cat = make_catalog(TABLES)
    by_day = cat.run("ai_to_human", {**RANGE, "group_by": "day"})
    # by the day of the first AI chat: 11-02 a, b, f (all moved; median 3.0);
    # 11-03 c, e, g (g moved after 1.0 day)
    assert [(r["segment"], *figures(r)) for r in by_day.rows] == [
        ("2026-11-02", 3, 3, pytest.approx(3.0)),
        ("2026-11-03", 3, 1, pytest.approx(1.0)),
    ]
    by_country = cat.run("ai_to_human", {**RANGE, "group_by": "country"})
    # BR a, b, c: a and b moved (3, 7 -> median 5); ID e, f, g: f, g (0.42, 1 -> 0.71)
    assert [(r["segment"], *figures(r)) for r in by_country.rows] == [
        ("BR", 3, 2, pytest.approx(5.0)),
        ("ID", 3, 2, pytest.approx((TEN_HOURS + 1) / 2)),
    ]
    (android,) = cat.run("ai_to_human", {**RANGE, "platforms": ["android"]}).rows
    # android: b, e, g; moved b (7), g (1) -> median 4.0
    assert figures(android) == (3, 2, pytest.approx(4.0))


def test_three_user_groups_are_suppressed(make_catalog):
    args = {**RANGE, "group_by": "country"}
    hidden = make_catalog(TABLES, min_group_size=4).run("ai_to_human", args)
    assert hidden.suppressed == 2
    assert all(r["bridge_rate"] is None and r["moved_to_human"] is None for r in hidden.rows)
    assert [r["segment"] for r in hidden.rows] == ["BR", "ID"]
    (whole,) = make_catalog(TABLES, min_group_size=4).run("ai_to_human", RANGE).rows
    # the total has 6 users, but 2 (< 4) of them did not move on: hidden whole
    assert whole["suppressed"] and whole["moved_to_human"] is None


def test_window_days_limits(make_catalog):
    cat = make_catalog(TABLES)
    for bad in (0, 31):
        with pytest.raises(ParameterError, match="window_days"):
            cat.run("ai_to_human", {**RANGE, "window_days": bad})

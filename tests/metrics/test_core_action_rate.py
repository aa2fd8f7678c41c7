"""core_action_rate, checked against figures worked out by hand."""

from __future__ import annotations

import pytest

from assistant.errors import ParameterError
from assistant.metrics.registry import Registry
from tests.metrics.rows import sessions

JAKARTA = "Asia/Jakarta"  # UTC+7, no daylight saving


def users(*rows):
    return [
        {"user_id": u, "signup_at": "2026-10-01 00:00", "country": c, "platform": p, "channel": ch}
        for u, c, p, ch in rows
    ]


def events(*rows):
    return [
        {"user_id": u, "ts": t, "name": n, "partner_id": p}
        for u, t, n, p in rows
    ]


TABLES = {
    "users": users(
        ("a", "BR", "ios", "organic"),
        ("b", "BR", "android", "paid"),
        ("g", "BR", "web", "organic"),
        ("c", "ID", "android", "organic"),
        ("d", "ID", "ios", "paid"),
        ("e", "ID", "android", "paid"),
        ("h", "ID", "android", "organic"),
    ),
    "sessions": sessions(
        ("a", "2026-11-02 10:00"),
        ("b", "2026-11-02 12:00"),
        ("b", "2026-11-03 09:00"),
        ("c", "2026-11-03 23:30"),  # Jakarta: 11-04 06:30, after the range
        ("d", "2026-11-01 18:00"),  # Jakarta: 11-02 01:00, inside the range
        ("e", "2026-11-03 15:00"),
        ("g", "2026-11-02 08:00"),
        ("h", "2026-11-08 10:00"),  # h is never active in the range; last data day 11-08
    ),
    "events": events(
        ("a", "2026-11-02 10:05", "chat_start", "b"),
        ("a", "2026-11-02 10:06", "message_sent", "b"),
        ("a", "2026-11-03 08:00", "room_join", None),  # a is not active on 11-03 itself
        ("b", "2026-11-03 17:30", "room_join", None),  # Jakarta: 11-04 00:30, after the range
        ("c", "2026-11-03 23:40", "chat_start", "a"),  # Jakarta: 11-04 06:40
        ("d", "2026-11-01 19:00", "chat_start", "c"),  # Jakarta: 11-02 02:00
        ("e", "2026-11-03 15:05", "match_request", None),  # not a core action
        ("g", "2026-11-02 08:05", "match_request", None),
        ("h", "2026-11-02 12:00", "chat_start", "a"),  # h not active: must not count
    ),
    "calls": [
        # connected: counts for the caller b and the callee e
        {"call_id": "c1", "caller_id": "b", "callee_id": "e",
         "requested_at": "2026-11-03 15:00:00", "connected_at": "2026-11-03 15:00:01",
         "ended_at": "2026-11-03 15:05:00"},
        # never connected: counts for neither g nor a
        {"call_id": "c2", "caller_id": "g", "callee_id": "a",
         "requested_at": "2026-11-02 08:10:00", "connected_at": None, "ended_at": None},
    ],
}

RANGE = {"start": "2026-11-02", "end": "2026-11-03"}


def table(result):
    """(segment, action) -> (active_users, users_done)."""
    return {(r["segment"], r["action"]): (r["active_users"], r["users_done"]) for r in result.rows}


def test_registry_loads_it():
    metric = Registry().get("core_action_rate")
    assert metric.dimension == "depth" and metric.size_column == "active_users"
    assert set(metric.params) == {"start", "end", "countries", "regions", "platforms",
                                  "group_by", "actions"}


def test_default_actions_by_hand(make_catalog):
    cat = make_catalog(TABLES)
    res = cat.run("core_action_rate", RANGE)
    # Active 11-02..11-03 (UTC): a, b, c, e, g = 5 (d only 11-01, h only 11-08).
    # chat_start: a, c (h did one but was not active) = 2
    # room_join: a (11-03, any day of the range counts), b = 2
    # call: b (caller), e (callee) of c1; c2 never connected so not g, not a = 2
    # any: a, b, c, e = 4 (g only requested a match and an unconnected call)
    assert [r["action"] for r in res.rows] == ["any", "chat_start", "room_join", "call"]
    assert table(res) == {
        ("all", "any"): (5, 4),
        ("all", "chat_start"): (5, 2),
        ("all", "room_join"): (5, 2),
        ("all", "call"): (5, 2),
    }
    assert [r["rate"] for r in res.rows] == pytest.approx([0.8, 0.4, 0.4, 0.4])
    # an empty action list means the default core actions
    assert table(cat.run("core_action_rate", {**RANGE, "actions": []})) == table(res)


def test_days_in_the_reporting_time_zone(make_catalog):
    cat = make_catalog(TABLES, report_timezone=JAKARTA)
    res = cat.run("core_action_rate", RANGE)
    # Jakarta 11-02..11-03 is UTC [11-01 17:00, 11-03 17:00).
    # Active: a, b, d (11-01 18:00 UTC), e, g = 5; c (11-03 23:30 UTC) drops out.
    # chat_start: a, d = 2; room_join: a only (b's is 11-04 00:30 local) = 1;
    # call: b, e = 2; any: a, b, d, e = 4
    assert table(res) == {
        ("all", "any"): (5, 4),
        ("all", "chat_start"): (5, 2),
        ("all", "room_join"): (5, 1),
        ("all", "call"): (5, 2),
    }


def test_group_by_local_day(make_catalog):
    cat = make_catalog(TABLES, report_timezone=JAKARTA)
    res = cat.run("core_action_rate", {**RANGE, "group_by": "day"})
    # Jakarta days. 11-02: active a, b, d (01:00), g; chat_start a and d -> any 2/4.
    # 11-03: active b, e; call b, e (22:00 local); b's room_join is 11-04 local -> 2/2.
    got = table(res)
    assert got[("2026-11-02", "any")] == (4, 2) and got[("2026-11-02", "chat_start")] == (4, 2)
    assert got[("2026-11-03", "any")] == (2, 2) and got[("2026-11-03", "call")] == (2, 2)
    assert got[("2026-11-03", "room_join")] == (2, 0)
    assert {seg for seg, _ in got} == {"2026-11-02", "2026-11-03"}


def test_group_by_day_counts_actions_on_the_active_day(make_catalog):
    cat = make_catalog(TABLES)
    res = cat.run("core_action_rate", {**RANGE, "group_by": "day"})
    # 11-02: active a, b, g; only a acts that day (chat_start) -> any 1/3.
    # 11-03: active b, c, e; b room_join + call, c chat_start, e call -> any 3/3.
    # a's room_join on 11-03 does not count: a is not active on 11-03.
    assert table(res) == {
        ("2026-11-02", "any"): (3, 1),
        ("2026-11-02", "chat_start"): (3, 1),
        ("2026-11-02", "room_join"): (3, 0),
        ("2026-11-02", "call"): (3, 0),
        ("2026-11-03", "any"): (3, 3),
        ("2026-11-03", "chat_start"): (3, 1),
        ("2026-11-03", "room_join"): (3, 1),
        ("2026-11-03", "call"): (3, 2),
    }


def test_group_by_iso_week(make_catalog):
    cat = make_catalog(TABLES)
    res = cat.run("core_action_rate", {"start": "2026-11-01", "end": "2026-11-03",
                                       "group_by": "week"})
    # 11-01 is a Sunday (2026-W44): d active and chat_start that day -> 1/1.
    # 11-02..11-03 (2026-W45): as in the default test -> 4/5.
    got = table(res)
    assert got[("2026-W44", "any")] == (1, 1) and got[("2026-W44", "chat_start")] == (1, 1)
    assert got[("2026-W44", "call")] == (1, 0)
    assert got[("2026-W45", "any")] == (5, 4) and got[("2026-W45", "room_join")] == (5, 2)


def test_group_by_country_and_filters(make_catalog):
    cat = make_catalog(TABLES)
    res = cat.run("core_action_rate", {**RANGE, "group_by": "country"})
    # BR active a, b, g: any a, b; chat a; room a, b; call b.
    # ID active c, e: any c, e; chat c; room none; call e.
    assert table(res) == {
        ("BR", "any"): (3, 2), ("BR", "chat_start"): (3, 1),
        ("BR", "room_join"): (3, 2), ("BR", "call"): (3, 1),
        ("ID", "any"): (2, 2), ("ID", "chat_start"): (2, 1),
        ("ID", "room_join"): (2, 0), ("ID", "call"): (2, 1),
    }
    android = cat.run("core_action_rate", {**RANGE, "platforms": ["android"]})
    # android and active: b, c, e (h is android but inactive) -> all three did something
    assert table(android)[("all", "any")] == (3, 3)
    assert table(android)[("all", "call")] == (3, 2)
    sea = cat.run("core_action_rate", {**RANGE, "regions": ["SEA"]})
    assert table(sea)[("all", "any")] == (2, 2)  # ID is in SEA: c, e


def test_chosen_actions_keep_their_order(make_catalog):
    cat = make_catalog(TABLES)
    res = cat.run("core_action_rate", {**RANGE, "actions": ["message_sent", "call"]})
    # message_sent: a; call: b, e; any: a, b, e
    assert [(r["action"], r["users_done"]) for r in res.rows] == [
        ("any", 3), ("message_sent", 1), ("call", 2)
    ]
    assert res.rows[0]["rate"] == pytest.approx(0.6)


def test_three_user_group_is_suppressed(make_catalog):
    # In TABLES, BR has 3 active users and ID 2 (4 rows each: any + 3 actions). At minimum 3
    # ID alone would be hidden, but BR = total - ID's hidden 2 would then give ID away, so BR
    # (the smallest visible group) would go too. One more active user in a third country,
    # US (1), makes the hidden groups ID 2 + US 1 = 3 >= 3 in every action, so BR, at exactly
    # the minimum, is shown.
    tables = {
        **TABLES,
        "users": TABLES["users"] + users(("u", "US", "ios", "organic")),
        "sessions": TABLES["sessions"] + [{"session_id": "s-u", "user_id": "u",
                                           "started_at": "2026-11-02 11:00",
                                           "ended_at": "2026-11-02 11:00"}],
    }
    shown = make_catalog(tables, min_group_size=3).run(
        "core_action_rate", {**RANGE, "group_by": "country"})
    assert shown.suppressed == 12  # ID and US, 4 rows each; BR's too:
    # its people counts (2 of 3 did any action, 1 of 3 chatted ...) leave groups of 1 or 2
    assert not shown.visible_rows
    # Back in TABLES at minimum 3: ID (2) is hidden, and BR (3) with it in every action,
    # since the hidden ID alone (2 < 3) could be worked out from the total.
    both = make_catalog(TABLES, min_group_size=3).run(
        "core_action_rate", {**RANGE, "group_by": "country"})
    assert both.suppressed == 8 and not both.visible_rows
    # At minimum 4 both countries are under it: all 8 rows hidden.
    hidden = make_catalog(TABLES, min_group_size=4).run(
        "core_action_rate", {**RANGE, "group_by": "country"})
    assert hidden.suppressed == 8
    assert all(r["rate"] is None and r["users_done"] is None for r in hidden.rows)
    # labels stay so a reader sees which group was hidden
    assert {(r["segment"], r["action"]) for r in hidden.rows} >= {("BR", "any"), ("ID", "call")}


def test_unknown_action_names_the_allowed_ones(make_catalog):
    cat = make_catalog(TABLES)
    with pytest.raises(ParameterError, match="allowed values are .*chat_start"):
        cat.run("core_action_rate", {**RANGE, "actions": ["dance"]})


def test_days_across_a_daylight_saving_change(make_catalog):
    # New York leaves daylight saving on 2026-11-01 at 02:00 local (06:00 UTC):
    # UTC-4 before, UTC-5 after. 04:30 UTC on 11-01 is 00:30 local on 11-01, and 04:30 UTC
    # on 11-02 is 23:30 local, still on 11-01.
    tables = {
        "users": users(*[(u, "US", "ios", "organic") for u in "pqrs"]),
        "sessions": sessions(
            ("s", "2026-11-01 03:30"),  # 10-31 23:30 EDT: before the range
            ("q", "2026-11-01 04:30"),  # 11-01 00:30 EDT
            ("p", "2026-11-02 04:30"),  # 11-01 23:30 EST (a fixed UTC-4 would say 11-02)
            ("r", "2026-11-03 04:30"),  # 11-02 23:30 EST
        ),
        "events": events(("p", "2026-11-02 04:40", "chat_start", "q")),  # 11-01 23:40 EST
    }
    cat = make_catalog(tables, report_timezone="America/New_York")
    res = cat.run("core_action_rate", {"start": "2026-11-01", "end": "2026-11-02",
                                       "group_by": "day"})
    # 11-01: q, p active; p's chat_start the same local day -> 1/2. 11-02: r -> 0/1.
    got = table(res)
    assert got[("2026-11-01", "any")] == (2, 1) and got[("2026-11-01", "chat_start")] == (2, 1)
    assert got[("2026-11-02", "any")] == (1, 0)
    assert {seg for seg, _ in got} == {"2026-11-01", "2026-11-02"}

"""social_quality, checked against figures worked out by hand."""

from __future__ import annotations

import pytest

from assistant.metrics.registry import Registry
from tests.metrics.rows import sessions

SAO_PAULO = "America/Sao_Paulo"  # UTC-3 all year (no daylight saving since 2019)


def users(*rows):
    return [
        {"user_id": u, "signup_at": "2026-10-01 00:00", "country": c, "platform": p, "channel": ch}
        for u, c, p, ch in rows
    ]


def events(*rows):
    return [{"user_id": u, "ts": t, "name": n, "partner_id": p} for u, t, n, p in rows]


def call(call_id, caller, callee, requested, connected):
    return {"call_id": call_id, "caller_id": caller, "callee_id": callee,
            "requested_at": requested, "connected_at": connected, "ended_at": None}


TABLES = {
    "users": users(
        ("a", "BR", "ios", "organic"),
        ("b", "BR", "android", "paid"),
        ("f", "BR", "web", "organic"),
        ("g", "BR", "android", "organic"),
        ("c", "ID", "android", "organic"),
        ("d", "ID", "ios", "paid"),
        ("e", "ID", "android", "paid"),
    ),
    # a..f are active on 11-03 (09:00 in Sao Paulo too); g only on 11-01 and 11-10
    "sessions": sessions(
        *[(u, "2026-11-03 12:00") for u in "abcdef"],
        ("g", "2026-11-01 12:00"),
        ("g", "2026-11-10 12:00"),
    ),
    "events": events(
        # a-b: contact on 11-02 and 11-03 -> lasting
        ("a", "2026-11-02 10:00", "chat_start", "b"),
        ("b", "2026-11-03 09:00", "message_sent", "a"),
        # a-c: a message and a connected call (below), both on 11-02 -> not lasting
        ("a", "2026-11-02 13:00", "message_sent", "c"),
        # c-d: one day of contact, but they follow each other by 11-04 -> lasting
        ("c", "2026-11-03 10:00", "message_sent", "d"),
        ("c", "2026-11-01 10:00", "follow", "d"),
        ("d", "2026-11-04 12:00", "follow", "c"),
        # d-e: one day; d follows e, e follows back only on 11-06, after the end
        ("d", "2026-11-04 12:00", "message_sent", "e"),
        ("d", "2026-11-02 12:00", "follow", "e"),
        ("e", "2026-11-06 12:00", "follow", "d"),
        # b-e: 11-03 22:00 and 11-04 01:00 UTC = two days in UTC, one day in Sao Paulo
        ("b", "2026-11-03 22:00", "message_sent", "e"),
        ("e", "2026-11-04 01:00", "message_sent", "b"),
        # g-a: 11-01 is before the range, so one day in range -> not lasting
        ("g", "2026-11-01 10:00", "chat_start", "a"),
        ("g", "2026-11-02 11:00", "chat_start", "a"),
        # f: messages without a partner are no connection
        ("f", "2026-11-02 12:00", "message_sent", None),
        ("f", "2026-11-03 12:00", "message_sent", None),
        # f-a follow each other but never talk: a mutual follow alone is no connection
        ("f", "2026-10-30 12:00", "follow", "a"),
        ("a", "2026-10-31 12:00", "follow", "f"),
    ),
    "calls": [
        call("c1", "c", "a", "2026-11-02 12:00:00", "2026-11-02 12:00:01"),
        # e calls f on two days but never gets through: no connection
        call("c2", "e", "f", "2026-11-02 14:00:00", None),
        call("c3", "e", "f", "2026-11-03 14:00:00", None),
    ],
}

RANGE = {"start": "2026-11-02", "end": "2026-11-04"}


def figures(row):
    return (row["active_users"], row["with_lasting"], row["partners_per_user"])


def test_registry_loads_it():
    metric = Registry().get("social_quality")
    assert metric.dimension == "social" and metric.size_column == "active_users"


def test_lasting_connections_by_hand(make_catalog):
    cat = make_catalog(TABLES)
    (row,) = cat.run("social_quality", RANGE).rows
    # Pairs in range (UTC): a-b lasting (2 days), a-c, c-d lasting (mutual follow),
    # d-e (one-way follow by the end), b-e lasting (2 UTC days), a-g.
    # Partners: a 3 (b, c, g), b 2, c 2, d 2, e 2, f 0 -> 11 / 6 active users.
    # Lasting: a, b, c, d, e; not f (unconnected calls, partner-less messages and a
    # mutual follow without contact are no connection) -> 5 / 6. g is not active.
    assert row["segment"] == "all"
    assert figures(row) == (6, 5, pytest.approx(11 / 6))
    assert row["lasting_rate"] == pytest.approx(5 / 6)


def test_days_in_the_reporting_time_zone(make_catalog):
    cat = make_catalog(TABLES, report_timezone=SAO_PAULO)
    (row,) = cat.run("social_quality", RANGE).rows
    # In Sao Paulo b-e talk at 19:00 and 22:00 on 11-03: one day, not lasting. e's only
    # other pair d-e has a one-way follow by 11-04 -> e has no lasting connection.
    # Lasting: a, b, c, d -> 4 / 6; partners unchanged, 11 / 6.
    assert figures(row) == (6, 4, pytest.approx(11 / 6))
    # Through 11-06 e's follow-back (11-06 09:00 local) makes d-e mutual -> 5 / 6
    (later,) = cat.run("social_quality", {"start": "2026-11-02", "end": "2026-11-06"}).rows
    assert figures(later) == (6, 5, pytest.approx(11 / 6))
    # A week split ends the week at the range's end (11-04), not on Sunday 11-08
    (week,) = cat.run("social_quality", {**RANGE, "group_by": "week"}).rows
    assert week["segment"] == "2026-W45" and figures(week) == (6, 4, pytest.approx(11 / 6))


def test_each_day_is_its_own_range(make_catalog):
    cat = make_catalog(TABLES)
    res = cat.run("social_quality", {**RANGE, "group_by": "day"})
    # Only 11-03 has active users. Contact that day: a-b, c-d, b-e (22:00).
    # c-d's mutual follow is complete only on 11-04, after that day -> nothing lasting.
    # Partners: a 1, b 2, c 1, d 1, e 1, f 0 -> 6 / 6.
    assert [(r["segment"], *figures(r)) for r in res.rows] == [
        ("2026-11-03", 6, 0, pytest.approx(1.0))
    ]


def test_group_by_country_and_filters(make_catalog):
    cat = make_catalog(TABLES)
    res = cat.run("social_quality", {**RANGE, "group_by": "country"})
    # BR: a (3, lasting), b (2, lasting), f (0) -> 2 / 3, partners 5 / 3
    # ID: c, d, e (2 each, all lasting) -> 3 / 3, partners 6 / 3
    got = {r["segment"]: figures(r) for r in res.rows}
    assert got == {"BR": (3, 2, pytest.approx(5 / 3)), "ID": (3, 3, pytest.approx(2.0))}
    # partners outside the filter still count: c's partner a is in BR
    (only_id,) = cat.run("social_quality", {**RANGE, "countries": ["ID"]}).rows
    assert figures(only_id) == (3, 3, pytest.approx(2.0))


def test_three_user_groups_are_suppressed(make_catalog):
    args = {**RANGE, "group_by": "country"}
    # at 3, BR's 2 of 3 with a lasting connection leave 1 without: BR hidden, ID with it
    assert make_catalog(TABLES, min_group_size=3).run("social_quality", args).suppressed == 2
    hidden = make_catalog(TABLES, min_group_size=4).run("social_quality", args)
    assert hidden.suppressed == 2
    assert [r["segment"] for r in hidden.rows] == ["BR", "ID"]
    assert all(r["lasting_rate"] is None and r["partners_per_user"] is None for r in hidden.rows)

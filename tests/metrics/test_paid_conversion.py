"""paid_conversion, checked against figures worked out by hand."""

from __future__ import annotations

import json

import pytest

from assistant.metrics.registry import Registry
from tests.metrics.rows import sessions

JAKARTA = "Asia/Jakarta"  # UTC+7, no daylight saving
RANGE = {"start": "2026-11-06", "end": "2026-11-10"}  # Fri..Tue: W45 06-08, W46 09-10


def users(*rows):
    return [
        {"user_id": u, "signup_at": "2026-09-01 00:00", "country": c, "platform": p, "channel": ch}
        for u, c, p, ch in rows
    ]


def payments(*rows):
    return [
        {"payment_id": f"p{i}", "user_id": u, "paid_at": t, "amount_usd": usd, "product": "coins"}
        for i, (u, t, usd) in enumerate(rows)
    ]


TABLES = {
    "users": users(
        ("a", "BR", "ios", "organic"),
        ("b", "BR", "android", "paid"),
        ("c", "ID", "android", "organic"),
        ("d", "ID", "ios", "organic"),
        ("e", "US", "web", None),
        ("h", "US", "ios", "paid"),  # pays but never starts a session in the range
    ),
    "sessions": sessions(
        ("a", "2026-11-06 10:00"),
        ("a", "2026-11-09 10:00"),
        ("b", "2026-11-07 12:00"),
        ("c", "2026-11-08 08:00"),
        ("d", "2026-11-10 23:50"),  # the range's last slot; Jakarta: 11-11 06:50, after it
        ("e", "2026-11-09 20:00"),  # Jakarta: 11-10 03:00
        ("e", "2026-11-12 10:00"),  # after the range; last data day 11-12
    ),
    "payments": payments(
        ("a", "2026-11-06 10:05", 10.0),
        ("a", "2026-11-09 10:10", 5.0),
        ("b", "2026-11-07 12:05", 0.0),  # a free item: not a payer
        ("c", "2026-11-05 20:00", 3.0),  # before the range; Jakarta: 11-06 03:00, inside
        ("d", "2026-11-10 23:55", 20.0),  # Jakarta: 11-11 06:55, after the range
        ("e", "2026-11-08 09:00", 7.0),  # W45, while e is active only in W46
        ("h", "2026-11-07 09:00", 100.0),  # h is not active: left out
    ),
}


def by_segment(result):
    return {r["segment"]: r for r in result.rows}


def test_registry_loads_it():
    metric = Registry().get("paid_conversion")
    assert metric.dimension == "monetization"
    assert metric.size_column == "active_users"
    assert [metric.columns[c].format for c in ("conversion", "revenue", "arpu", "arppu")] == [
        "pct", "usd", "usd", "usd",
    ]


def test_whole_range_by_hand(make_catalog):
    (row,) = make_catalog(TABLES).run("paid_conversion", RANGE).rows
    # active a b c d e = 5; payers a ($15) d ($20) e ($7) = 3 (b paid $0, c paid before)
    assert (row["segment"], row["active_users"], row["payers"]) == ("all", 5, 3)
    assert row["conversion"] == pytest.approx(0.6)
    assert row["revenue"] == pytest.approx(42.0)
    assert row["arpu"] == pytest.approx(8.4)
    assert row["arppu"] == pytest.approx(14.0)


def test_reporting_zone(make_catalog):
    (row,) = make_catalog(TABLES, report_timezone=JAKARTA).run("paid_conversion", RANGE).rows
    # Jakarta: active a b c e (d's session is 11-11); payers a $15, c $3 (11-06 03:00),
    # e $7 -> 3 of 4, revenue 25
    assert (row["active_users"], row["payers"]) == (4, 3)
    assert row["conversion"] == pytest.approx(0.75)
    assert row["revenue"] == pytest.approx(25.0)
    assert row["arpu"] == pytest.approx(6.25)
    assert row["arppu"] == pytest.approx(25 / 3)


def test_group_by_country(make_catalog):
    got = by_segment(make_catalog(TABLES).run("paid_conversion", {**RANGE, "group_by": "country"}))
    assert {k: (r["active_users"], r["payers"], r["revenue"]) for k, r in got.items()} == {
        "BR": (2, 1, 15.0),  # a b; a paid 10 + 5
        "ID": (2, 1, 20.0),  # c d; d paid 20
        "US": (1, 1, 7.0),  # e (h is not active)
    }
    assert got["BR"]["arppu"] == pytest.approx(15.0) and got["BR"]["arpu"] == pytest.approx(7.5)


def test_each_week_and_day_is_its_own_range(make_catalog):
    cat = make_catalog(TABLES)
    weeks = by_segment(cat.run("paid_conversion", {**RANGE, "group_by": "week"}))
    # W45 (06-08): active a b c; payer a ($10). e paid in W45 but is active only in W46.
    w45 = weeks["2026-W45"]
    assert (w45["active_users"], w45["payers"], w45["revenue"]) == (3, 1, 10.0)
    assert w45["conversion"] == pytest.approx(1 / 3) and w45["arppu"] == pytest.approx(10.0)
    # W46 (09-10): active a d e; payers a ($5) d ($20)
    w46 = weeks["2026-W46"]
    assert (w46["active_users"], w46["payers"], w46["revenue"]) == (3, 2, 25.0)
    assert w46["arpu"] == pytest.approx(25 / 3) and w46["arppu"] == pytest.approx(12.5)
    days = cat.run("paid_conversion", {**RANGE, "group_by": "day"})
    got = {r["segment"]: (r["active_users"], r["payers"], r["revenue"]) for r in days.rows}
    assert got == {
        "2026-11-06": (1, 1, 10.0),
        "2026-11-07": (1, 0, 0.0),  # b's $0 item; h's $100 is not an active user's
        "2026-11-08": (1, 0, 0.0),
        "2026-11-09": (2, 1, 5.0),
        "2026-11-10": (1, 1, 20.0),
    }
    no_payer = by_segment(days)["2026-11-07"]
    assert no_payer["conversion"] == 0 and no_payer["arppu"] is None  # not a division by 0
    json.dumps(days.to_json(), allow_nan=False)  # no NaN or infinity in the JSON


def test_filters(make_catalog):
    cat = make_catalog(TABLES)
    (ios,) = cat.run("paid_conversion", {**RANGE, "platforms": ["ios"]}).rows
    assert (ios["active_users"], ios["payers"], ios["revenue"]) == (2, 2, 35.0)  # a d
    (sea,) = cat.run("paid_conversion", {**RANGE, "regions": ["SEA"]}).rows
    assert (sea["active_users"], sea["payers"], sea["revenue"]) == (2, 1, 20.0)  # c d


def test_a_three_user_group_is_suppressed_below_four(make_catalog):
    # channels of active users: organic a c d (3), paid b (1), unknown e (1); all under 4
    res = make_catalog(TABLES, min_group_size=4).run(
        "paid_conversion", {**RANGE, "group_by": "channel"}
    )
    organic = by_segment(res)["organic"]
    assert res.suppressed == 3
    assert organic["revenue"] is None and organic["arppu"] is None and organic["payers"] is None
    # At minimum 3 paid (1) and unknown (1) are hidden, but together only 2 < 3, so organic
    # (the smallest visible) would be hidden too. One more active unknown-channel user i, who
    # pays nothing, makes the hidden groups paid 1 + unknown 2 = 3 >= 3: organic is shown.
    tables = {
        **TABLES,
        "users": TABLES["users"] + users(("i", "US", "web", None)),
        "sessions": TABLES["sessions"] + [{"session_id": "s-i", "user_id": "i",
                                           "started_at": "2026-11-08 11:00",
                                           "ended_at": "2026-11-08 11:00"}],
    }
    shown = by_segment(make_catalog(tables, min_group_size=3).run(
        "paid_conversion", {**RANGE, "group_by": "channel"}
    ))
    organic = shown["organic"]
    # organic's 2 payers (< 3) and their money would show: the row is hidden whole
    assert organic["suppressed"] and (organic["payers"], organic["revenue"]) == (None, None)
    assert shown["paid"]["suppressed"] and shown["unknown"]["suppressed"]
    assert shown["unknown"]["revenue"] is None

"""Four ways to single out a 3-person group, tried on every metric: each comes back withheld.

The world (tests/privacy/world.py, minimum group size 5) hides a 3-person group behind a
filter complement (Japan's 3 web users), a trend total (3 users active only on 11-21), a
count inside a row (3 payers, 3 non-movers ...) and a narrowing follow-up (the week
without 11-21). Large groups keep their answers, with the figures worked out by hand.
"""

from __future__ import annotations

import pytest

from assistant.agent.graph import Conversation
from assistant.config import Settings
from assistant.metrics.catalog import Catalog
from assistant.metrics.privacy import Withheld
from tests.privacy.world import NARROW, RANGE, K

BASE = {name: dict(RANGE) for name in (
    "active_users", "activity_scorecard", "ai_to_human", "core_action_rate",
    "latency_vs_activity", "live_quality", "paid_conversion", "peak_hours", "social_quality",
    "usage_time")}
BASE["retention"] = {"start": "2026-11-01", "end": "2026-11-21", "days": [14]}
# A legitimate filter and its people in the metric's size column, by hand: Japan is 30 +
# 3 web + 3 AI-only users (it leaves out Brazil's 43). Calls and views: Brazil leaves out
# Japan's 33 callers or viewers, and its 40 + 3 late users all made a fast call and
# watched in HD (Japan would leave out Brazil's 3 slow callers and 3 SD viewers).
# Counts inside rows must be large too: Brazil's AI-first users all moved on, none of its
# users paid (Japan has 3 payers); Japan's
# cohort has its 3 web users not back on day 14, Brazil's 40 are all back; Japan without
# 11-15 (its 3 AI-only users) has every active user with a lasting connection.
LEGIT = {name: ({"countries": ["JP"]}, 36) for name in BASE}
LEGIT["latency_vs_activity"] = LEGIT["live_quality"] = ({"countries": ["BR"]}, 43)
LEGIT["ai_to_human"] = LEGIT["paid_conversion"] = ({"countries": ["BR"]}, 43)
LEGIT["retention"] = ({"countries": ["BR"]}, 40)
LEGIT["social_quality"] = ({"countries": ["JP"], "start": "2026-11-16"}, 33)
TRENDS = [m for m in BASE if m not in ("activity_scorecard", "latency_vs_activity",
                                        "peak_hours")]


def size_of(cat: Catalog, name: str, row: dict) -> int:
    return row[cat.registry.get(name).size_column]


@pytest.mark.parametrize("name", sorted(BASE))
def test_a_filter_complement_is_withheld(cat, name):
    # Japan on iOS and Android leaves out Japan's 3 web users
    args = {**BASE[name], "countries": ["JP"], "platforms": ["ios", "android"]}
    with pytest.raises(Withheld) as err:
        cat.run(name, args)
    # (latency: Brazil's 3 slow callers are what leaving out Japan would show first)
    assert "the rest of" in str(err.value) and "Japan" in str(err.value)
    assert "日本" in err.value.render("zh") and "以外的部分" in err.value.render("zh")
    extra, people = LEGIT[name]
    answered = cat.run(name, {**BASE[name], **extra})
    assert size_of(cat, name, answered.visible_rows[0]) == people


@pytest.mark.parametrize("name", sorted(TRENDS))
def test_a_trend_total_cannot_reveal_a_hidden_day(cat, world_db, name):
    args = {**BASE[name], "group_by": "day"}
    if name == "retention":
        args["days"] = [1]  # day 14 of the 11-21 signups is not complete yet
    shown = cat.run(name, args)
    hidden = {r["segment"] for r in shown.rows if r.get("suppressed")}
    assert "2026-11-21" in hidden  # 3 people that day (3 signups for retention)
    # what hides it: a hidden day that is itself no small group, so that the range total
    # minus the visible days is about at least K people
    open_cat = Catalog(world_db, settings=Settings(db_path=world_db, min_group_size=1))
    sizes: dict[str, int] = {}
    for r in open_cat.run(name, args).rows:
        sizes[r["segment"]] = max(sizes.get(r["segment"], 0), size_of(cat, name, r))
    assert max(sizes[d] for d in hidden) >= K


COUNTS = {  # metric: (arguments, the row looked at, the people count)
    "paid_conversion": ({"countries": ["JP"]}, {}, "payers"),
    "core_action_rate": ({"countries": ["JP"]}, {"action": "any"}, "users_done"),
    "social_quality": ({"countries": ["BR"]}, {}, "with_lasting"),
    "retention": ({}, {"day_n": 14}, "retained"),
    "ai_to_human": ({"countries": ["JP"]}, {}, "moved_to_human"),
    "activity_scorecard": ({"countries": ["BR"]}, {"dimension": "social"}, "current"),
}


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_a_small_count_inside_a_row_is_withheld(cat, name):
    # 3 Japanese payers (and their $15); 3 Japanese who did no core action; 3 Brazilians without a
    # lasting connection; 3 not back on day 14; 3 AI-first users who stayed with the AI.
    # The row goes whole, so nothing reads a missing count as zero.
    extra, where, count = COUNTS[name]
    res = cat.run(name, {**BASE[name], **extra})
    [row] = [r for r in res.rows if all(r.get(k) == v for k, v in where.items())]
    assert row["suppressed"] and row[count] is None
    assert row[cat.registry.get(name).size_column] is None
    assert str(row.get("revenue")) != "15.0"


def test_large_counts_stay_shown(cat):
    # 43 Brazilians: all did a core action, all made a connected call, none paid
    core = {r["action"]: r for r in cat.run("core_action_rate",
                                            {**RANGE, "countries": ["BR"]}).rows}
    assert (core["any"]["users_done"], core["call"]["users_done"]) == (43, 43)
    assert core["room_join"]["users_done"] == 0 and not core["room_join"].get("suppressed")
    [br] = cat.run("paid_conversion", {**RANGE, "countries": ["BR"]}).rows
    assert (br["active_users"], br["payers"], br["revenue"]) == (43, 0, 0)


def test_small_callers_and_viewers_of_a_bucket_are_hidden(cat):
    # 3 callers waited over 2 s to connect; 3 people watched in SD
    calls = {r["bucket_order"]: r for r in cat.run("latency_vs_activity", RANGE).rows}
    assert calls[4]["suppressed"] and calls[4]["calls"] is None
    assert calls[1]["callers"] == 76
    views = {r["quality"]: r for r in cat.run("live_quality", RANGE).rows}
    assert views["SD"]["suppressed"] and views["HD vs SD"]["uplift"] is None
    assert views["HD"]["viewers"] == 76


# Brazil for the metrics whose whole answer hides a count of 3 (Japan's payers, AI3)
FOLLOW = {"paid_conversion": {"countries": ["BR"]}, "ai_to_human": {"countries": ["BR"]}}


@pytest.mark.parametrize("name", sorted(BASE))
def test_a_narrowing_follow_up_is_withheld(cat, name):
    wide = {**BASE[name], **FOLLOW.get(name, {})}
    if name == "retention":
        wide["days"] = [1]
    narrow = {**wide, "end": NARROW["end"]}
    conv = Conversation()
    first = cat.run(name, wide)
    assert first.visible_rows
    conv.admit(first, K)
    second = cat.run(name, narrow)
    if name != "social_quality":  # there the 3 left without a lasting connection hide it
        assert second.visible_rows
    if second.visible_rows:
        with pytest.raises(Withheld) as err:  # the week without the 3 people of 11-21
            conv.admit(second, K)
        assert "earlier answer" in str(err.value)
    # a follow-up about other people (Japan's 30 apps users, Brazil's 43) is answered
    other = {**wide, "countries": ["JP" if wide.get("countries") == ["BR"] else "BR"]}
    conv.admit(cat.run(name, other), K)

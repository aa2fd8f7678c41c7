"""Small groups stay hidden: by a narrowing filter, and by subtracting visible groups."""

from __future__ import annotations

from assistant.metrics.privacy import complementary_suppression

DAY = {"start": "2026-11-20", "end": "2026-11-20"}


def rows(*groups: tuple[str, int, float]) -> list[dict]:
    return [{"segment": s, "users": n, "rate": r} for s, n, r in groups]


def hidden(result: list[dict]) -> list[str]:
    return sorted(r["segment"] for r in result if r.get("suppressed"))


def test_one_small_group_takes_the_next_smallest_with_it():
    # Sizes 50, 20, 12, 3 with minimum 10: only C (3) is small. Alone it could be worked
    # out as total - A - B - D; hiding D (12, the next smallest) leaves C+D = 15 >= 10.
    data = rows(("A", 50, 0.5), ("B", 20, 0.4), ("D", 12, 0.3), ("C", 3, 0.9))
    assert complementary_suppression(data, "users", 10, ["rate"]) == 2
    assert hidden(data) == ["C", "D"]
    for r in data:
        if r["segment"] in ("C", "D"):
            assert r["rate"] is None and r["users"] is None  # figure and size both blanked
        else:
            assert r["rate"] is not None and r["users"] is not None
    assert data[0]["segment"] == "A" and data[0]["users"] == 50  # labels and order kept


def test_two_small_groups_whose_sum_is_still_small_take_a_third():
    # 4 + 3 = 7 < 10: total minus the visible groups would give the pair's combined figure
    # (itself a group of 7 people), so the smallest visible group (11) goes too: 18 >= 10.
    data = rows(("A", 40, 0.5), ("B", 11, 0.4), ("C", 4, 0.2), ("D", 3, 0.1), ("E", 30, 0.3))
    assert complementary_suppression(data, "users", 10, ["rate"]) == 3
    assert hidden(data) == ["B", "C", "D"]


def test_small_groups_already_large_enough_together_need_nothing_more():
    # 6 + 5 = 11 >= 10: the combined remainder is a group of 11, allowed.
    data = rows(("A", 40, 0.5), ("B", 6, 0.4), ("C", 5, 0.2))
    assert complementary_suppression(data, "users", 10, ["rate"]) == 2
    assert hidden(data) == ["B", "C"]


def test_nothing_small_nothing_hidden_and_zero_sized_groups_ignored():
    data = rows(("A", 40, 0.5), ("B", 10, 0.4), ("Z", 0, 0.0))
    assert complementary_suppression(data, "users", 10, ["rate"]) == 0
    assert hidden(data) == []


def test_single_row_breakdown_is_hidden_without_a_partner():
    data = rows(("all", 4, 0.5))
    assert complementary_suppression(data, "users", 10, ["rate"]) == 1
    assert data[0]["rate"] is None


def test_partitions_are_handled_separately():
    # A heatmap: each segment is its own breakdown; sizes are additive only within it.
    data = [
        {"segment": "BR", "hour": 1, "users": 30, "share": 0.1},
        {"segment": "BR", "hour": 2, "users": 2, "share": 0.2},
        {"segment": "BR", "hour": 3, "users": 15, "share": 0.3},
        {"segment": "ID", "hour": 1, "users": 30, "share": 0.4},
        {"segment": "ID", "hour": 2, "users": 25, "share": 0.5},
    ]
    assert complementary_suppression(data, "users", 10, ["share"], ["segment"]) == 2
    assert [(r["segment"], r["hour"]) for r in data if r.get("suppressed")] == [
        ("BR", 2), ("BR", 3)]


def test_rows_marked_suppressed_earlier_count_as_hidden():
    data = rows(("A", 40, 0.5), ("B", 12, 0.4), ("C", 11, 0.3))
    data[2]["suppressed"] = True  # hidden by an earlier rule although 11 >= 10
    assert complementary_suppression(data, "users", 10, ["rate"]) == 1
    assert hidden(data) == ["C"]


def cells(*groups: tuple[str, str, int]) -> list[dict]:
    return [{"segment": s, "bucket": b, "users": n, "share": 0.5} for b, s, n in groups]


def hidden_cells(result: list[dict]) -> list[tuple[str, str]]:
    return sorted((r["bucket"], r["segment"]) for r in result if r.get("suppressed"))


def test_a_segment_hidden_in_one_partition_is_hidden_in_all():
    # fast: A 30, B 12, C 3 -> C (3 < 10), then B (12, smallest visible): 15 >= 10.
    # slow: A 30, B 40, C 15 -> nothing small. Alone it would show B and C, whose fast rows
    # are hidden: a half-hidden segment (its shares, its size) gives the hidden row away.
    data = cells(("fast", "A", 30), ("fast", "B", 12), ("fast", "C", 3),
                 ("slow", "A", 30), ("slow", "B", 40), ("slow", "C", 15))
    alone = [dict(r) for r in data]
    assert complementary_suppression(alone, "users", 10, ["share"], ["bucket"]) == 2
    assert hidden_cells(alone) == [("fast", "B"), ("fast", "C")]
    assert complementary_suppression(data, "users", 10, ["share"], ["bucket"], "segment") == 4
    assert hidden_cells(data) == [("fast", "B"), ("fast", "C"), ("slow", "B"), ("slow", "C")]
    assert all(r["share"] is None and r["users"] is None for r in data if r.get("suppressed"))
    assert [r["users"] for r in data if r["segment"] == "A"] == [30, 30]


def test_small_groups_of_two_partitions_cover_each_other():
    # fast: A 30, B 12, C 3 and slow: A 30, B 5, C 25. C is small in fast, B in slow; hidden
    # everywhere, they add up to 15 in fast and 30 in slow, so A is shown in both.
    data = cells(("fast", "A", 30), ("fast", "B", 12), ("fast", "C", 3),
                 ("slow", "A", 30), ("slow", "B", 5), ("slow", "C", 25))
    assert complementary_suppression(data, "users", 10, ["share"], ["bucket"], "segment") == 4
    assert hidden_cells(data) == [("fast", "B"), ("fast", "C"), ("slow", "B"), ("slow", "C")]


def test_a_complement_chosen_for_one_partition_closes_the_gap_in_another():
    # p1: A 40, B 20, C 11, D 3; p2: A 12, B 20, C 40, E 2. D (3) and E (2) are small.
    # p1 hides C (11, its smallest visible): 3 + 11 = 14. C hidden in p2 too gives
    # 2 + 40 = 42 there, so p2 needs nothing of its own (A 12 stays visible in both).
    data = cells(("p1", "A", 40), ("p1", "B", 20), ("p1", "C", 11), ("p1", "D", 3),
                 ("p2", "A", 12), ("p2", "B", 20), ("p2", "C", 40), ("p2", "E", 2))
    assert complementary_suppression(data, "users", 10, ["share"], ["bucket"], "segment") == 4
    assert hidden_cells(data) == [("p1", "C"), ("p1", "D"), ("p2", "C"), ("p2", "E")]


# ----- the catalog end to end ---------------------------------------------------------------

def tiny_world(sizes: dict[str, int]) -> dict:
    users, sessions = [], []
    for country, n in sizes.items():
        for i in range(n):
            uid = f"{country.lower()}{i}"
            users.append({"user_id": uid, "signup_at": "2026-09-01 00:00", "country": country,
                          "platform": "ios"})
            sessions.append({"session_id": f"s-{uid}", "user_id": uid,
                             "started_at": "2026-11-20 10:00", "ended_at": "2026-11-20 10:30"})
    # one later session so 2026-11-20 is a complete day of the data
    sessions.append({"session_id": "s-late", "user_id": users[0]["user_id"],
                     "started_at": "2026-11-22 10:00", "ended_at": "2026-11-22 10:05"})
    return {"users": users, "sessions": sessions}


def test_narrowing_to_a_small_country_is_suppressed(make_catalog):
    cat = make_catalog(tiny_world({"BR": 20, "ID": 12, "DE": 3}), min_group_size=10)
    result = cat.run("active_users", {**DAY, "countries": ["DE"]})
    [row] = result.rows
    assert row["suppressed"] and result.suppressed == 1
    assert row["active_users"] is None and row["avg_dau"] is None
    assert "3" not in result.summary().split("\n", 1)[1]  # the model never reads the figure
    # the same filter on a big enough country (leaving out 15 others) shows its 20 users
    [br] = cat.run("active_users", {**DAY, "countries": ["BR"]}).rows
    assert br["active_users"] == 20 and not br.get("suppressed")


def test_narrowing_by_platform_inside_a_small_country_is_suppressed(make_catalog):
    cat = make_catalog(tiny_world({"BR": 20, "DE": 3}), min_group_size=10)
    [row] = cat.run("active_users", {**DAY, "countries": ["DE"], "platforms": ["ios"]}).rows
    assert row["suppressed"]


def test_a_suppressed_group_cannot_be_worked_out_from_the_total(make_catalog):
    # BR 20, ID 12, DE 3 active on one day. The split hides DE; the total is 35.
    # Without complementary suppression: 35 - 20 - 12 = 3 reveals DE exactly.
    cat = make_catalog(tiny_world({"BR": 20, "ID": 12, "DE": 3}), min_group_size=10)
    [total] = cat.run("active_users", DAY).rows
    assert total["active_users"] == 35
    split = cat.run("active_users", {**DAY, "group_by": "country"}).rows
    visible = sum(r["active_users"] for r in split if not r.get("suppressed"))
    hidden_groups = [r for r in split if r.get("suppressed")]
    # What subtraction yields must be a group of at least the minimum size, not one country.
    assert total["active_users"] - visible >= 10
    assert len(hidden_groups) >= 2


def test_a_day_trend_hides_a_small_day_and_the_next_smallest(make_catalog):
    # 11-19: the 20 BR users, 11-20: all 35, 11-21: only br0 and br1 (2 < 10, hidden).
    # Hiding 11-21 alone is not enough: the range's average DAU times 3 days, minus the
    # visible days, gives its 2 user-days. The smallest visible day (11-19, 20 users)
    # goes too; 11-20 stays shown with its 35.
    world = tiny_world({"BR": 20, "ID": 12, "DE": 3})
    world["sessions"] += [
        {"session_id": f"s-19-{i}", "user_id": f"br{i}", "started_at": "2026-11-19 09:00",
         "ended_at": "2026-11-19 09:10"} for i in range(20)
    ] + [
        {"session_id": f"s-21-{u}", "user_id": u, "started_at": "2026-11-21 09:00",
         "ended_at": "2026-11-21 09:10"} for u in ("br0", "br1")
    ]
    cat = make_catalog(world, min_group_size=10)
    res = cat.run("active_users", {"start": "2026-11-19", "end": "2026-11-21", "group_by": "day"})
    by_day = {r["segment"]: r for r in res.rows}
    assert by_day["2026-11-21"]["suppressed"] and by_day["2026-11-21"]["active_users"] is None
    assert by_day["2026-11-19"]["suppressed"] and by_day["2026-11-19"]["avg_dau"] is None
    assert by_day["2026-11-20"]["active_users"] == 35 and not by_day["2026-11-20"].get("suppressed")
    assert res.suppressed == 2


def test_a_breakdown_by_country_hides_the_next_smallest_country(make_catalog):
    # BR 20, ID 12, DE 3: DE (3 < 10) and ID (12, the smallest visible) are hidden,
    # 3 + 12 = 15 >= 10; BR is shown with its 20.
    cat = make_catalog(tiny_world({"BR": 20, "ID": 12, "DE": 3}), min_group_size=10)
    res = cat.run("active_users", {**DAY, "group_by": "country"})
    by_country = {r["segment"]: r for r in res.rows}
    assert res.suppressed == 2
    assert by_country["DE"]["suppressed"] and by_country["ID"]["suppressed"]
    assert by_country["ID"]["active_users"] is None and by_country["ID"]["stickiness"] is None
    assert by_country["BR"]["active_users"] == 20
    assert "suppressed (privacy minimum" in res.summary()

"""Populations and the difference rule, by hand (minimum 10)."""

from __future__ import annotations

import pytest

from assistant.metrics.privacy import Population, Withheld, check_difference

WEEK = {"start": "2026-11-16", "end": "2026-11-22"}


def pop(size: int, metric: str = "active_users", **params) -> Population:
    return Population.of(metric, {**WEEK, **params}, size)


def test_a_period_inside_another_differing_by_a_few_people_is_withheld():
    week, six_days = pop(207), pop(203, end="2026-11-21")
    with pytest.raises(Withheld) as err:
        check_difference(week, six_days, 10)
    assert "fewer than 10 people" in str(err.value)
    assert "不足 10 人" in err.value.render("zh")
    check_difference(week, pop(190, end="2026-11-21"), 10)  # 17 apart: shown


def test_filters_nest_through_regions_and_platforms():
    japan, japan_apps = pop(207, countries=["JP"]), pop(198, countries=["JP"],
                                                        platforms=["ios", "android"])
    east_asia = pop(214, regions=["EA"])
    assert japan_apps.within(japan) and japan.within(east_asia)
    assert not east_asia.within(japan)
    with pytest.raises(Withheld):
        check_difference(japan, japan_apps, 10)
    with pytest.raises(Withheld):
        check_difference(east_asia, japan, 10)  # the rest of East Asia: 214 - 207 = 7


def test_disjoint_or_unlike_populations_are_not_compared():
    ios, android = pop(100, platforms=["ios"]), pop(97, platforms=["android"])
    check_difference(ios, android, 10)  # two segments side by side: no one in between
    check_difference(pop(100), pop(97, metric="ai_to_human"), 10)  # other people counted
    # usage time and paid conversion count the same active users: compared
    with pytest.raises(Withheld):
        check_difference(pop(100, metric="usage_time"),
                         pop(97, metric="paid_conversion", countries=["JP"]), 10)

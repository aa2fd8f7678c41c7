"""The offline planner on words around the question: the asker's own office or city, the day
they need the answer, short forms of codes and names, and Traditional Chinese."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.agent.planner import ToolCall, plan

LATEST = date(2026, 11, 25)  # a Wednesday
FIRST = date(2025, 11, 26)


def _call(question: str, previous: ToolCall | None = None) -> tuple[str, dict]:
    result = plan(question, latest_day=LATEST, previous=previous, first_day=FIRST)
    assert len(result.calls) == 1, result.reply
    return result.calls[0].name, result.calls[0].args


@pytest.mark.parametrize(
    ("question", "codes"),
    [("ng dau yday", ["NG"]), ("br d7?", ["BR"]), ("mx and co retention d7", ["CO", "MX"]),
     ("id android d1", ["ID"]), ("how many users in the States", ["US"]),
     ("英美澳的付费率", ["AU", "GB", "US"]), ("ARPPU 德法", ["DE", "FR"]),
     ("Pinoy users d1", ["PH"]), ("DAU for the Kiwis", ["NZ"])],
)
def test_short_forms_of_places(question: str, codes: list[str]) -> None:
    assert sorted(_call(question)[1]["countries"]) == codes


@pytest.mark.parametrize(
    "question", ["it is what it is, dau?", "er dau last week?", "中英文的日活"]
)
def test_everyday_short_words_are_no_places(question: str) -> None:
    assert "countries" not in _call(question)[1]


@pytest.mark.parametrize(
    ("question", "start", "end", "country"),
    [
        ("before the Sao Paulo review tomorrow, can you pull Brazil D7 for last week?",
         "2026-11-16", "2026-11-22", "BR"),
        ("Writing from the London office ahead of Monday's board call: how did the UK do "
         "overall last week?", "2026-11-16", "2026-11-22", "GB"),
        ("Prepping for the Mexico City offsite on Dec 3 — Mexico's paid conversion for the past "
         "two weeks?", "2026-11-12", "2026-11-25", "MX"),
        ("北京总部下周要开全球会，帮我准备下墨西哥上个月的人均时长",
         "2026-10-01", "2026-10-31", "MX"),
        ("明天开会要用，巴西上周的次留", "2026-11-16", "2026-11-22", "BR"),
    ],
)
def test_a_day_or_city_given_as_context_is_not_what_is_measured(
    question: str, start: str, end: str, country: str
) -> None:
    _, args = _call(question)
    assert (args["start"], args["end"], args["countries"]) == (start, end, [country])


@pytest.mark.parametrize(
    "question",
    ["what will DAU be tomorrow", "下周会怎么样", "明年DAU能到多少",
     "whats DAU gonna be at christmas"],
)
def test_a_forecast_is_still_out_of_scope(question: str) -> None:
    assert plan(question, latest_day=LATEST, first_day=FIRST).kind == "out_of_scope"


def test_the_askers_own_market_is_no_filter() -> None:
    _, args = _call("I'm based in Singapore but this is about Malaysia: core action rate?")
    assert args["countries"] == ["MY"]
    _, args = _call("新加坡办公室这边想看一下越南上周的秒接通情况")
    assert args["countries"] == ["VN"]
    assert plan("Mexico City DAU", latest_day=LATEST).kind == "unknown_place"


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [("DAU from 14.10.2026 to 20.10.2026", "2026-10-14", "2026-10-20"),
     ("DAU from the 1st to the 15th of September", "2026-09-01", "2026-09-15"),
     ("11.2-11.8的日活", "2026-11-02", "2026-11-08"),
     ("the week of Nov 9, DAU", "2026-11-09", "2026-11-15"),
     ("11月16日那周的日活", "2026-11-16", "2026-11-22"),
     ("the first 7 days of November, DAU", "2026-11-01", "2026-11-07"),
     ("DAU since the 1st", "2026-11-01", "2026-11-25"),
     ("gh wau L30D", "2026-10-27", "2026-11-25"),
     ("俄罗斯WAU，今年Q2", "2026-04-01", "2026-06-30"),
     ("上週台灣的日活是多少？", "2026-11-16", "2026-11-22")],
)
def test_written_date_forms(question: str, start: str, end: str) -> None:
    _, args = _call(question)
    assert (args["start"], args["end"]) == (start, end)


def test_today_has_no_data_yet() -> None:
    assert plan("今天的DAU", latest_day=LATEST, first_day=FIRST).kind == "outside_data"


@pytest.mark.parametrize(
    ("question", "compare"),
    [("past 7 days vs the 7 days before DAU", ("2026-11-12", "2026-11-18")),
     ("近7天日活和前7天比", ("2026-11-12", "2026-11-18")),
     ("this month vs the same days last month DAU", ("2026-10-01", "2026-10-25")),
     ("DAU yesterday vs the same day last week", ("2026-11-18", "2026-11-18"))],
)
def test_the_period_right_before(question: str, compare: tuple[str, str]) -> None:
    name, args = _call(question)
    assert name == "explain_change" and (args["compare_start"], args["compare_end"]) == compare


def test_the_day_before_yesterday_is_a_day_not_a_comparison() -> None:
    assert _call("the day before yesterday, DAU in Egypt") == (
        "active_users", {"start": "2026-11-24", "end": "2026-11-24", "countries": ["EG"]})


@pytest.mark.parametrize(
    ("question", "split"),
    [("which region brought the rise in DAU last week", "region"),
     ("哪个平台贡献了本月付费率的提升", "platform"),
     ("本周次留变化主要是哪个大区贡献的", "region")],
)
def test_where_a_change_came_from(question: str, split: str) -> None:
    name, args = _call(question)
    assert name == "explain_change" and args["split_by"] == [split]


@pytest.mark.parametrize(
    "question",
    ["巴西和墨西哥的留存差在哪", "how do iOS and Android differ on D7",
     "Do more real friendships form on android or on ios?"],
)
def test_a_difference_between_two_segments(question: str) -> None:
    name, args = _call(question)
    assert name == "explain_change" and args["versus"] == "segments"


def test_follow_ups_that_change_one_thing() -> None:
    _, first = _call("DAU in Brazil")
    _, args = _call("and the week before?", ToolCall("active_users", first))
    assert (args["start"], args["end"]) == ("2026-11-09", "2026-11-15")
    name, args = _call("改成14天", ToolCall("ai_to_human", {}))
    assert (name, args) == ("ai_to_human", {"window_days": 14})
    actions = ToolCall("core_action_rate", {"actions": ["gift_sent", "live_start"]})
    assert sorted(_call("add follows too", actions)[1]["actions"]) == [
        "follow", "gift_sent", "live_start"]
    versus = ToolCall("explain_change", {"figure": "d7", "platforms": ["android", "ios"],
                                         "versus": "segments"})
    assert _call("只看拉美", versus)[1]["versus"] == "segments"
    split = ToolCall("explain_change", {"figure": "paid_conversion", "countries": ["SA"]})
    assert _call("主要是哪个渠道", split)[1]["figure"] == "paid_conversion"

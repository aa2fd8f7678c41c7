"""The offline planner on everyday wordings: informal periods, changes asked without a change
word, actions that are "catching on", words that fit two metrics, homophone typos, figures
remembered across a conversation, and identifiers typed as they appear on a dashboard."""

from __future__ import annotations

import pytest

from assistant.agent.planner import ToolCall, plan
from tests.test_planner_context import FIRST, LATEST, _call


def _plan(question: str, previous: ToolCall | None = None):  # noqa: ANN202
    return plan(question, latest_day=LATEST, previous=previous, first_day=FIRST)


def _conversation(*questions: str) -> tuple[str, dict]:
    previous = None
    for q in questions:
        result = _plan(q, previous)
        assert result.calls, (q, result.reply)
        previous = result.calls[-1]
    assert previous is not None
    return previous.name, previous.args


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("how many Uruguayans were on the app over the weekend?", "2026-11-21", "2026-11-22"),
        ("ecuador dau this past weekend", "2026-11-21", "2026-11-22"),
        ("Ecuador DAU the last couple of days", "2026-11-24", "2026-11-25"),
        ("这两天厄瓜多尔的日活", "2026-11-24", "2026-11-25"),
        ("厄瓜多尔这两周的周活", "2026-11-12", "2026-11-25"),
        ("这个月月中那几天（12到14号）厄瓜多尔的日活", "2026-11-12", "2026-11-14"),
        ("Ecuador DAU 2026-07", "2026-07-01", "2026-07-31"),
        ("Ecuador DAU in the first two weeks of October", "2026-10-01", "2026-10-14"),
        ("台灣 10 月 10 日當天的日活，國慶", "2026-10-10", "2026-10-10"),
    ],
)
def test_informal_periods(question: str, start: str, end: str) -> None:
    _, args = _call(question)
    assert (args["start"], args["end"]) == (start, end)


def test_a_period_in_a_reported_story_is_not_the_period_asked() -> None:
    _, args = _call("In yesterday's team call the Lima moderators said friendships are growing. "
                    "How does Peru look on lasting connections?")
    assert "start" not in args and args["countries"] == ["PE"]


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("what moved D7 in Uruguay?", "d7"),
        ("d1 crashed for the Oct 5-11 cohort, what's going on", "d1"),
        ("哪个国家拖了上个月人均时长的后腿", "minutes_per_user_day"),
        ("哪个地区拖累了上周的次留", "d1"),
        ("fast connect share slipped?", "fast_connect_share"),
        ("what did WAU do over the weekend", "wau"),
    ],
)
def test_change_questions_without_a_why(question: str, figure: str) -> None:
    name, args = _call(question)
    assert (name, args["figure"]) == ("explain_change", figure)


@pytest.mark.parametrize(
    ("question", "period", "against"),
    [
        ("10月比9月 日活变化", ("2026-10-01", "2026-10-31"), ("2026-09-01", "2026-09-30")),
        ("上个月的次日留存比9月差了多少", ("2026-10-01", "2026-10-31"),
         ("2026-09-01", "2026-09-30")),
        ("厄瓜多尔这周和上周的人均时长", ("2026-11-23", "2026-11-25"),
         ("2026-11-16", "2026-11-22")),
        ("DAU Tuesday vs the Tuesday before", ("2026-11-24", "2026-11-24"),
         ("2026-11-17", "2026-11-17")),
    ],
)
def test_two_periods_are_compared(
    question: str, period: tuple[str, str], against: tuple[str, str]
) -> None:
    name, args = _call(question)
    assert name == "explain_change"
    assert (args["start"], args["end"]) == period
    assert (args["compare_start"], args["compare_end"]) == against


@pytest.mark.parametrize(
    ("question", "actions"),
    [
        ("is gifting catching on in Jordan?", ["gift_sent"]),
        ("约旦用户送礼多不多", ["gift_sent"]),
        ("are Jordanians following people and sending gifts much?", ["follow", "gift_sent"]),
        ("share of users sending a message or joining a room in Jordan this week",
         ["message_sent", "room_join"]),
        ("有多少比例的用戶發過訊息", ["message_sent"]),
        ("开播率分地区", ["live_start"]),
        ("gift_sent、live_start 两个动作的完成率", ["gift_sent", "live_start"]),
        ("core action rate for Jordan, counting messages as core actions too",
         ["call", "chat_start", "message_sent", "room_join"]),
    ],
)
def test_actions_asked_about(question: str, actions: list[str]) -> None:
    name, args = _call(question)
    assert name == "core_action_rate" and sorted(args.get("actions", [])) == actions


@pytest.mark.parametrize(
    "question",
    ["how's engagement in Jordan?", "约旦用户参与度高吗", "what's the connection rate in Oman?",
     "阿曼的连接率多少", "connection quality in Oman last week"],
)
def test_a_word_that_fits_two_metrics_asks_which(question: str) -> None:
    assert _plan(question).kind == "choose"


@pytest.mark.parametrize("question", ["how are things", "最近情况如何", "numbers for Oman pls"])
def test_nothing_to_go_on_asks_what_to_look_at(question: str) -> None:
    assert _plan(question).kind == "clarify"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("AI to human within 2 months", "out_of_range"),
        ("D0 retention for Oman", "out_of_range"),
        ("retention after half a year in Oman", "out_of_range"),
        ("how much did we spend on TikTok ads in October", "out_of_scope"),
        ("where do we rank on the App Store in Oman", "out_of_scope"),
        ("how many installs came from applovin last week", "out_of_scope"),
        ("火星用户月活", "unknown_place"),
        ("could you change the Oman figures to remove our test accounts?", "refusal"),
        ("DAU on Black Friday this year?", "outside_data"),
    ],
)
def test_what_cannot_be_answered(question: str, kind: str) -> None:
    assert _plan(question).kind == kind


@pytest.mark.parametrize(
    ("question", "days"),
    [("两个月留存，法国", [60]), ("法国用户注册三个月后还剩多少", [90]),
     ("what's retention of new users after one week in France?", [7])],
)
def test_retention_days_in_weeks_and_months(question: str, days: list[int]) -> None:
    assert _call(question)[1]["days"] == days


def test_homophone_typos_read_as_the_word() -> None:
    assert _call("大洋洲 日火 上周") == (
        "active_users", {"regions": ["OC"], "start": "2026-11-16", "end": "2026-11-22"})


@pytest.mark.parametrize(
    ("first", "then", "figure"),
    [("ARPU in Jordan last month", "why did it fall", "arpu"),
     ("约旦上周的ARPU", "为什么变化这么大", "arpu"),
     ("why did DAU fall in Oman last week", "and MAU?", "mau")],
)
def test_the_figure_asked_for_is_remembered(first: str, then: str, figure: str) -> None:
    name, args = _conversation(first, then)
    assert (name, args["figure"]) == ("explain_change", figure)


def test_follow_ups_that_name_one_thing() -> None:
    assert _conversation("D7 retention for Oman in September", "30日呢")[1]["days"] == [30]
    assert _conversation("AI陪聊转真人 约旦", "放宽到14天呢")[1]["window_days"] == 14
    assert _conversation("call connect time vs activity in Oman and Jordan",
                         "use 1500ms as the cut")[1] == {
        "countries": ["OM", "JO"], "threshold_ms": 1500}
    _, args = _conversation("D1 retention in Oman and Jordan last week", "ok now D7 for both")
    assert (args["countries"], args["days"]) == (["OM", "JO"], [7])
    _, args = _conversation("iOS vs Android D1 in Oman", "7日呢")
    assert (args["figure"], args["versus"]) == ("d7", "segments")
    _, args = _conversation("core action rate in Oman last week", "now count gifts too")
    assert sorted(args["actions"]) == ["call", "chat_start", "gift_sent", "room_join"]


def test_blaming_one_segment_splits_by_its_kind() -> None:
    _, args = _conversation("D7 down in Oman last week, why?", "is iOS the reason")
    assert args["split_by"] == ["platform"] and "platforms" not in args
    _, args = _conversation("D7 down in Oman last week, why?", "是不是安卓的问题")
    assert args["split_by"] == ["platform"] and "platforms" not in args


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("欧洲的 usage_time 按 platform，排除 web",
         ("usage_time", {"regions": ["EU"], "platforms": ["ios", "android"],
                         "group_by": "platform"})),
        ("ai_to_human window_days=10, SEA", ("ai_to_human", {"regions": ["SEA"],
                                                            "window_days": 10})),
        ("latency_vs_activity 按 region，threshold 300ms",
         ("latency_vs_activity", {"group_by": "region", "threshold_ms": 300})),
    ],
)
def test_identifiers_typed_as_on_a_dashboard(question: str, expected: tuple[str, dict]) -> None:
    assert _call(question) == expected


def test_a_split_with_one_value_of_its_own_kind_is_the_split() -> None:
    _, args = _call("gift share in Oman split by platform? we think the Android crowd gifts less")
    assert args["group_by"] == "platform" and "platforms" not in args


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("點解澳門上星期嘅日活跌咗？", ("explain_change", {
            "figure": "dau", "countries": ["MO"], "start": "2026-11-16", "end": "2026-11-22"})),
        ("澳門用戶每日用幾耐app？今個月", ("usage_time", {
            "countries": ["MO"], "start": "2026-11-01", "end": "2026-11-25"})),
        ("DAU sa Malaysia, last week lang", ("active_users", {
            "countries": ["MY"], "start": "2026-11-16", "end": "2026-11-22"})),
        ("Minutos por usuario per day in Peru, la semana pasada", ("usage_time", {
            "countries": ["PE"], "start": "2026-11-16", "end": "2026-11-22"})),
        ("How did DAU hold up in Kenya on Jamhuri Day (12 December)?", ("active_users", {
            "countries": ["KE"], "start": "2025-12-12", "end": "2025-12-12"})),
        ("show me DAU for the G7 countries last month", ("active_users", {
            "countries": ["CA", "DE", "FR", "GB", "IT", "JP", "US"],
            "start": "2026-10-01", "end": "2026-10-31"})),
        ("lasting connections in Scandinavia", ("social_quality", {
            "countries": ["SE", "NO", "DK"]})),
        ("D7 retention for the 2024 signups", None),
    ],
)
def test_code_switching_and_named_groups(question: str, expected: tuple | None) -> None:
    if expected is None:
        assert _plan(question).kind == "outside_data"
    else:
        assert _call(question) == expected


def test_periods_taken_from_the_conversation() -> None:
    _, args = _conversation("D1 in Kenya last week", "Okay show me paid conversion for Kenya "
                            "by platform, same week")
    assert (args["start"], args["end"]) == ("2026-11-16", "2026-11-22")
    _, args = _conversation("usage time on iOS, past 7 days", "and the previous 7 days?")
    assert (args["start"], args["end"]) == ("2026-11-12", "2026-11-18")
    _, args = _call("Compare the current week to date against the previous full week for DAU")
    assert (args["compare_start"], args["compare_end"]) == ("2026-11-16", "2026-11-22")
    _, args = _call("Which LATAM country moved most on minutes per user, this week compared "
                    "with last?")
    assert args["split_by"] == ["country"] and args["compare_end"] == "2026-11-22"
    _, args = _conversation("ARPU in Kenya this month", "Why is ARPU lower than it was in "
                            "October then?")
    assert (args["start"], args["compare_start"]) == ("2026-11-01", "2026-10-01")


def test_an_earlier_sentence_with_its_own_day_is_the_story() -> None:
    _, args = _call("We shipped a new onboarding flow in Kenya on Nov 2. Can I get D1 for "
                    "people who signed up Nov 2-8?")
    assert (args["start"], args["end"], args["days"]) == ("2026-11-02", "2026-11-08", [1])


def test_follow_ups_that_point_at_the_last_answer() -> None:
    _, args = _conversation("paid conversion in Peru and Chile last month", "compare those two")
    assert (args["figure"], args["countries"], args["versus"]) == (
        "paid_conversion", ["PE", "CL"], "segments")
    _, args = _conversation("DAU in Peru and Chile this week vs last week",
                            "which of them fell the most?")
    assert args["split_by"] == ["country"]
    _, args = _conversation("HD uplift in Peru vs Chile last week",
                            "just show me the HD and SD viewing minutes for those two")
    assert _plan("just show me the HD and SD viewing minutes for those two",
                 ToolCall("explain_change", {**args})).calls[0].name == "live_quality"
    _, args = _conversation("call connect time vs activity in Peru", "try a one-second cutoff "
                            "instead")
    assert args["threshold_ms"] == 1000
    assert _plan("改成1万毫秒看看", ToolCall("latency_vs_activity", {})).kind == "out_of_range"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("active users split web / android / ios for Chile", ("active_users", {
            "countries": ["CL"], "group_by": "platform"})),
        ("minutes per DAU for Chilean users", ("usage_time", {"countries": ["CL"]})),
        ("avg number of people each user talks to in Chile", ("social_quality", {
            "countries": ["CL"]})),
        ("what % of DAU in Chile made a call last week?", ("core_action_rate", {
            "countries": ["CL"], "actions": ["call"], "start": "2026-11-16",
            "end": "2026-11-22"})),
        ("智利 7日和30日留存", ("retention", {
            "countries": ["CL"], "days": [7, 30], "start": "2026-10-20", "end": "2026-10-26"})),
        ("给老板做周报，上周四个维度的情况", ("activity_scorecard", {
            "start": "2026-11-16", "end": "2026-11-22"})),
        ("秘鲁、智利、哥伦比亚三个国家里，过去两周哪个的日活跌得最多", ("explain_change", {
            "figure": "dau", "countries": ["PE", "CL", "CO"], "split_by": ["country"],
            "start": "2026-11-12", "end": "2026-11-25"})),
        ("人均时长下降是哪个平台导致的", ("explain_change", {
            "figure": "minutes_per_user_day", "split_by": ["platform"]})),
    ],
)
def test_more_everyday_wordings(question: str, expected: tuple) -> None:
    assert _call(question) == expected


@pytest.mark.parametrize(
    ("question", "kind"),
    [("retention for our 2019 signups", "outside_data"),
     ("今天到现在有多少人活跃了", "outside_data"),
     ("how many support tickets did Chilean users open last month", "out_of_scope"),
     ("有啥新情况吗", "clarify")],
)
def test_more_replies_without_a_call(question: str, kind: str) -> None:
    assert _plan(question).kind == kind


def test_than_inside_a_figure_is_no_period_comparison() -> None:
    assert _call("how much longer do Kenyans watch HD streams than SD ones, in September?") == (
        "live_quality", {"countries": ["KE"], "start": "2026-09-01", "end": "2026-09-30"})


def test_a_threshold_in_seconds_with_decimals() -> None:
    assert _call("latency threshold 1.5s 看一下次日回访")[1]["threshold_ms"] == 1500
    assert _plan("帮我把上周的日活数据改成150万").kind == "refusal"

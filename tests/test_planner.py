"""Offline planner: the bilingual evaluation set, plus focused tests of dates, places, language."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.agent.planner import Plan, ToolCall, _vocab, detect_language, plan
from assistant.store.regions import find_places

EVAL = Path(__file__).parent / "eval" / "questions.yaml"
LATEST = date(2026, 11, 25)  # a Wednesday
ALL_GROUPS = ["none", "day", "week", "country", "region", "platform", "channel"]


def _load_eval(path: Path = EVAL) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _defaults(tool: str) -> dict[str, Any]:
    """The values a metric takes when an argument is left out (group_by none, D1+D7, 600 ms,
    a 7-day window, the three core actions): naming one changes nothing."""
    from assistant.metrics.registry import get_registry

    if tool not in get_registry().names():
        return {"versus": "previous_period"} if tool == "explain_change" else {}
    params = get_registry().get(tool).params
    return {k: p.default for k, p in params.items() if k not in ("start", "end")}


def _canon(args: dict[str, Any], tool: str = "") -> dict[str, Any]:
    """Lists compare as sorted; dates compare as ISO strings; a value equal to the metric's
    default compares as left out (the same call either way)."""
    out = {}
    defaults = _defaults(tool) if tool else {}
    for key, value in (args or {}).items():
        if isinstance(value, list):
            value = sorted(value)
        elif isinstance(value, date):
            value = value.isoformat()
        default = defaults.get(key)
        if key in defaults and value == (sorted(default) if isinstance(default, list) else default):
            continue
        out[key] = value
    return out


def _expected_calls(turn: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    if "calls" in turn:
        return [(c["tool"], _canon(c["args"], c["tool"])) for c in turn["calls"]]
    if turn.get("tool") is None:
        return []
    return [(turn["tool"], _canon(turn["args"], turn["tool"]))]


def _reply_kind_ok(result: Plan, kind: str | None) -> bool:
    """A reply exists and, when the case names its kind, it is that kind ('choose' has
    choices to pick from)."""
    if not result.reply:
        return False
    if kind == "choose":
        return len(result.choices) >= 2
    return kind is None or result.kind == kind


def run_eval(path: Path = EVAL) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every turn of every case: planned vs expected, with language and expected tool."""
    data = _load_eval(path)
    latest = date.fromisoformat(str(data["latest_day"]))
    first = date.fromisoformat(str(data["first_day"])) if data.get("first_day") else None
    rows = []
    for case in data["cases"]:
        previous: ToolCall | None = None
        for i, turn in enumerate(case["turns"]):
            result = plan(turn["q"], latest_day=latest, previous=previous, first_day=first)
            got = [(c.name, _canon(c.args, c.name)) for c in result.calls]
            want = _expected_calls(turn)
            ok = got == want and (bool(want) or _reply_kind_ok(result, turn.get("reply")))
            rows.append(
                {
                    "id": f"{case['id']}#{i + 1}",
                    "q": turn["q"],
                    "lang": case["id"][:2],
                    "tool": want[0][0] if want else f"(no call: {turn.get('reply')})",
                    "ok": ok,
                    "got": got or f"{result.kind}: {result.reply}",
                    "want": want or turn.get("reply"),
                }
            )
            if result.calls:
                previous = result.calls[-1]
    return rows, data


def _rate(rows: list[dict[str, Any]]) -> str:
    good = sum(r["ok"] for r in rows)
    return f"{good}/{len(rows)} = {good / len(rows):.1%}"


def test_eval_set_shape() -> None:
    cases = _load_eval()["cases"]
    assert len(cases) >= 170
    zh = sum(c["id"].startswith("zh") for c in cases)
    assert 0.4 <= zh / len(cases) <= 0.6
    # the language tag of each case matches its first question
    for case in cases:
        assert detect_language(case["turns"][0]["q"]) == case["id"][:2], case["id"]
    assert sum(len(c["turns"]) > 1 for c in cases) >= 25
    no_call = [t for c in cases for t in c["turns"] if t.get("tool", "x") is None]
    assert len(no_call) >= 10


def report(rows: list[dict[str, Any]]) -> dict[str, list]:
    """Accuracy overall, per language and per expected tool, printed; rows by language."""
    by_lang: dict[str, list] = defaultdict(list)
    by_tool: dict[str, list] = defaultdict(list)
    for r in rows:
        by_lang[r["lang"]].append(r)
        by_tool[r["tool"]].append(r)
    print(f"\nplanner accuracy: {_rate(rows)} turns")
    for lang, group in sorted(by_lang.items()):
        print(f"  {lang}: {_rate(group)}")
    for tool, group in sorted(by_tool.items()):
        print(f"  {tool:<22} {_rate(group)}")
    for r in rows:
        if not r["ok"]:
            print(f"  MISS {r['id']} {r['q']!r}\n    got  {r['got']}\n    want {r['want']}")
    return by_lang


def test_eval_accuracy() -> None:
    rows, _ = run_eval()
    report(rows)
    assert sum(r["ok"] for r in rows) / len(rows) >= 0.95


# --- dates -----------------------------------------------------------------------------------


def _args(question: str, latest: date = LATEST, previous: ToolCall | None = None) -> dict:
    result = plan(question, latest_day=latest, previous=previous)
    assert result.calls, result.reply
    return result.calls[0].args


def _span(question: str, latest: date = LATEST) -> tuple[str, str]:
    args = _args(question, latest)
    return args["start"], args["end"]


@pytest.mark.parametrize(
    ("latest", "start", "end"),
    [
        (date(2026, 11, 25), "2026-11-16", "2026-11-22"),  # Wednesday
        (date(2026, 11, 22), "2026-11-16", "2026-11-22"),  # Sunday: its own week is complete
        (date(2026, 11, 23), "2026-11-16", "2026-11-22"),  # Monday
        (date(2026, 11, 21), "2026-11-09", "2026-11-15"),  # Saturday: week not complete yet
        (date(2027, 1, 3), "2026-12-28", "2027-01-03"),  # Sunday across the year end
    ],
)
def test_last_week_is_the_latest_complete_iso_week(latest: date, start: str, end: str) -> None:
    assert _span("DAU last week", latest) == (start, end)
    assert _span("上周日活", latest) == (start, end)


def test_this_week_and_past_days() -> None:
    assert _span("DAU this week") == ("2026-11-23", "2026-11-25")
    assert _span("本周日活", date(2026, 11, 23)) == ("2026-11-23", "2026-11-23")
    assert _span("DAU past 7 days") == ("2026-11-19", "2026-11-25")
    assert _span("最近三十天的日活") == ("2026-10-27", "2026-11-25")
    assert _span("过去十四天日活") == ("2026-11-12", "2026-11-25")
    assert _span("最近两周日活") == ("2026-11-12", "2026-11-25")
    assert _span("DAU over the last two weeks") == ("2026-11-12", "2026-11-25")
    assert _span("yesterday's DAU") == ("2026-11-25", "2026-11-25")
    assert _span("昨天的日活") == ("2026-11-25", "2026-11-25")


@pytest.mark.parametrize(
    ("latest", "start", "end"),
    [
        (date(2026, 11, 25), "2026-10-01", "2026-10-31"),
        (date(2026, 11, 30), "2026-11-01", "2026-11-30"),  # last day of its month
        (date(2026, 3, 15), "2026-02-01", "2026-02-28"),
        (date(2026, 1, 10), "2025-12-01", "2025-12-31"),
    ],
)
def test_last_month(latest: date, start: str, end: str) -> None:
    assert _span("DAU last month", latest) == (start, end)
    assert _span("上个月的日活", latest) == (start, end)


def test_named_months_take_the_latest_year_and_clip() -> None:
    assert _span("11月日活") == ("2026-11-01", "2026-11-25")
    assert _span("十一月的日活") == ("2026-11-01", "2026-11-25")
    assert _span("十月日活") == ("2026-10-01", "2026-10-31")
    assert _span("DAU in October") == ("2026-10-01", "2026-10-31")
    assert _span("DAU in December") == ("2025-12-01", "2025-12-31")
    assert _span("12月的日活") == ("2025-12-01", "2025-12-31")
    assert _span("DAU in October 2025") == ("2025-10-01", "2025-10-31")


def test_may_and_march_need_context_to_be_months() -> None:
    assert "start" not in _args("How may I see the DAU?")
    assert _span("DAU in May") == ("2026-05-01", "2026-05-31")


@pytest.mark.parametrize(
    "question",
    [
        "DAU from 2026-11-02 to 2026-11-08",
        "DAU between 2026-11-02 and 2026-11-08",
        "DAU from Nov 2 to Nov 8",
        "DAU Nov 2-8",
        "11月2日到11月8日的日活",
        "11月2日到8日的日活",
        "2026年11月2日至2026年11月8日日活",
    ],
)
def test_explicit_ranges(question: str) -> None:
    assert _span(question) == ("2026-11-02", "2026-11-08")


def test_single_days_and_since() -> None:
    assert _span("DAU on 2026-11-02") == ("2026-11-02", "2026-11-02")
    assert _span("DAU on Nov 2") == ("2026-11-02", "2026-11-02")
    assert _span("DAU on 2 November") == ("2026-11-02", "2026-11-02")
    assert _span("DAU on Dec 30") == ("2025-12-30", "2025-12-30")  # not a future day
    assert _span("11月2日日活") == ("2026-11-02", "2026-11-02")
    assert _span("DAU since Nov 10") == ("2026-11-10", "2026-11-25")
    assert _span("11月10日以来的日活") == ("2026-11-10", "2026-11-25")


@pytest.mark.parametrize(
    ("question", "shown"),
    [
        ("D1 retention on 2026-02-30", "2026-02-30"),
        ("DAU on Feb 30", "Feb 30"),
        ("2月30日的日活", "2月30日"),
        ("DAU on 2026-13-01", "2026-13-01"),
    ],
)
def test_impossible_date_gets_a_reply_not_a_crash(question: str, shown: str) -> None:
    result = plan(question, latest_day=LATEST)
    assert result.calls == []
    assert shown in result.reply
    assert ("不是有效日期" if result.language == "zh" else "not a valid date") in result.reply


def test_backwards_range_gets_a_reply() -> None:
    result = plan("DAU from Nov 10 to Nov 3", latest_day=LATEST)
    assert result.calls == [] and "Nov 10 to Nov 3" in result.reply


# --- places ----------------------------------------------------------------------------------


def _codes(text: str) -> list[str]:
    return [p.code for p in find_places(text, _vocab()["places"])]


def test_longest_match_first() -> None:
    assert _codes("印度尼西亚的日活") == ["ID"]
    assert _codes("印度的日活") == ["IN"]
    assert _codes("中国香港和中国") == ["HK", "CN"]
    assert _codes("东南亚") == ["SEA"]  # not 南亚 (SAS)
    assert _codes("马来西亚") == ["MY"]
    assert _codes("users in Latin America") == ["LATAM"]  # not America -> US
    assert _codes("South Korea and Korea") == ["KR", "KR"]


def test_latin_names_match_on_word_boundaries() -> None:
    assert _codes("DAU in Ukraine") == ["UA"]  # "UK" is not inside "Ukraine"
    assert _codes("DAU in the UK") == ["GB"]
    assert _codes("how many women in Oman") == ["OM"]  # "Oman" not inside "women"
    assert _codes("BR的D1") == ["BR"]


def test_two_letter_codes_only_in_upper_case() -> None:
    assert _codes("show us the users in it") == []
    assert _codes("DAU for US and IN") == ["US", "IN"]
    assert _codes("sea of users") == []
    assert _codes("SEA vs EU") == ["SEA", "EU"]


def test_planner_uses_places_in_both_languages() -> None:
    assert _args("D1 retention in Indonesia")["countries"] == ["ID"]
    assert _args("印度尼西亚的次留")["countries"] == ["ID"]
    assert _args("Indonesian users' D1")["countries"] == ["ID"]
    assert _args("中东的日活")["regions"] == ["MENA"]
    assert sorted(_args("DAU in Europe and Southeast Asia")["regions"]) == ["EU", "SEA"]


# --- language, replies, follow-ups -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("What was D1 retention in Brazil last week?", "en"),
        ("上周巴西的次日留存是多少？", "zh"),
        ("BR的D1", "zh"),
        ("iOS呢", "zh"),
        ("上周DAU by platform", "zh"),
        ("What's the DAU in 印尼 last week?", "en"),
        ("", "en"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    "question",
    ["Tell me a joke", "List user ids of payers", "讲个笑话", "导出用户手机号", "", "???"],
)
def test_replies_carry_two_to_four_examples(question: str) -> None:
    result = plan(question, latest_day=LATEST)
    assert result.calls == [] and result.reply
    examples = [line for line in result.reply.splitlines() if line.startswith("- ")]
    assert 2 <= len(examples) <= 4
    assert result.language == detect_language(question)


def test_example_questions_are_answerable() -> None:
    for lang in ("en", "zh"):
        for question in _vocab()["examples"][lang]:
            assert plan(question, latest_day=LATEST).calls, question


def test_followup_replaces_one_slot_and_keeps_the_rest() -> None:
    first = plan("D7 retention in Brazil last week by platform", latest_day=LATEST).calls[0]
    assert first.args == {
        "days": [7], "countries": ["BR"], "group_by": "platform",
        "start": "2026-11-16", "end": "2026-11-22",
    }  # fmt: skip
    second = _args("and for Mexico?", previous=first)
    assert second == {**first.args, "countries": ["MX"]}
    third = _args("那按周看呢？", previous=first)
    assert third == {**first.args, "group_by": "week"}
    region = _args("what about Southeast Asia?", previous=first)
    assert region["regions"] == ["SEA"] and "countries" not in region


def test_followup_without_anything_to_change_asks_back() -> None:
    previous = ToolCall("active_users", {"countries": ["BR"]})
    result = plan("那呢？", latest_day=LATEST, previous=previous)
    assert result.calls == [] and result.reply


def test_group_by_not_offered_by_a_tool_is_dropped() -> None:
    assert "group_by" not in _args("scorecard by country")
    assert "group_by" not in _args("golden hours by day")
    assert _args("golden hours by country")["group_by"] == "country"


def test_defaults_are_left_to_the_catalog() -> None:
    assert _args("What is D1 retention?") == {"days": [1]}
    assert _args("retention") == {}
    assert _args("call connect time vs activity") == {}


# --- agreement with the metric catalog -------------------------------------------------------


def test_planned_arguments_pass_the_catalog_checks() -> None:
    """Every expected and every planned call validates against the tool's typed parameters."""
    from assistant.metrics.registry import Registry

    registry = Registry()
    rows, data = run_eval()
    checked = 0
    for case in data["cases"]:
        for turn in case["turns"]:
            for name, args in _expected_calls(turn):
                if name in registry.names():
                    registry.get(name).validate(args)
                    checked += 1
    for row in rows:
        for name, args in row["got"] if isinstance(row["got"], list) else []:
            if name in registry.names():
                registry.get(name).validate(args)
    assert checked >= 100


def test_breakdowns_agree_with_the_catalog() -> None:
    from assistant.metrics.registry import Registry

    for metric in Registry():
        assert metric.name in _vocab()["tools"], f"planner has no words for {metric.name}"
        param = metric.params.get("group_by")
        offered = _vocab()["tools"][metric.name].get("group_by", ALL_GROUPS)
        assert set(offered) == set(param.allowed if param else ()), metric.name


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("DAU first week of November", "2026-11-01", "2026-11-07"),
        ("11月上半月的日活", "2026-11-01", "2026-11-15"),
        ("DAU in the second half of October", "2026-10-16", "2026-10-31"),
        ("十月下旬的日活", "2026-10-21", "2026-10-31"),
        ("上个月底的日活", "2026-10-21", "2026-10-31"),
        ("mid-October DAU", "2026-10-11", "2026-10-20"),
        ("DAU early this month", "2026-11-01", "2026-11-10"),
        ("DAU 11/2-11/8", "2026-11-02", "2026-11-08"),
        ("DAU on 12/24", "2025-12-24", "2025-12-24"),
        ("DAU in Q3", "2026-07-01", "2026-09-30"),
        ("三季度的日活", "2026-07-01", "2026-09-30"),
        ("Q4 DAU", "2026-10-01", "2026-11-25"),
        ("DAU last quarter", "2026-07-01", "2026-09-30"),
        ("本季度的日活", "2026-10-01", "2026-11-25"),
        ("双十一那天的日活", "2026-11-11", "2026-11-11"),
        ("DAU on Black Friday", "2025-11-28", "2025-11-28"),  # 2026's is after the latest day
        ("DAU on christmas", "2025-12-25", "2025-12-25"),
        ("春节期间的日活", "2026-02-16", "2026-02-19"),
        ("国庆期间的日活", "2026-10-01", "2026-10-07"),
        ("DAU during Eid al-Fitr", "2026-03-19", "2026-03-24"),
    ],
)
def test_parts_of_months_quarters_slash_dates_and_named_days(
    question: str, start: str, end: str
) -> None:
    assert _span(question) == (start, end)


def test_a_slash_that_is_no_date_stays_a_number() -> None:
    assert "start" not in _args("24/7 DAU")
    assert _args("D1/D7 retention")["days"] == [1, 7]


@pytest.mark.parametrize(
    ("question", "args"),
    [
        ("DAU WoW", {"figure": "dau"}),
        ("日活月环比", {"figure": "dau", "start": "2026-10-01", "end": "2026-10-31",
                   "compare_start": "2026-09-01", "compare_end": "2026-09-30"}),
        ("DAU DoD", {"figure": "dau", "start": "2026-11-25", "end": "2026-11-25"}),
        ("usage time QoQ", {"figure": "minutes_per_user_day", "start": "2026-07-01",
                            "end": "2026-09-30", "compare_start": "2026-04-01",
                            "compare_end": "2026-06-30"}),
        ("D7 YoY", {"figure": "d7", "start": "2026-11-16", "end": "2026-11-22",
                    "compare_start": "2025-11-16", "compare_end": "2025-11-22"}),
    ],
)
def test_period_over_period_shorthands(question: str, args: dict) -> None:
    result = plan(question, latest_day=LATEST)
    assert [(c.name, c.args) for c in result.calls] == [("explain_change", args)]


def test_a_year_over_year_before_the_data_says_so() -> None:
    result = plan("付费率同比", latest_day=LATEST, first_day=date(2025, 11, 26))
    assert not result.calls and result.kind == "outside_data"

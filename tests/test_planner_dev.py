"""The offline planner on its development set: wordings written from the product contract
by people who did not look at the planner's vocabulary (tests/eval/dev.yaml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.agent.planner import ToolCall, detect_language, plan
from tests.test_planner import _load_eval, report, run_eval

DEV = Path(__file__).parent / "eval" / "dev.yaml"
DEV_FLOOR = 0.98  # 138/156 (88.5%) before the work it guided; 154/156 after
# Fragments that happen to be worded identically in the training file. May only shrink.
SAME_WORDING = {"how about last month", "只看安卓"}


def test_dev_set_shape() -> None:
    cases = _load_eval(DEV)["cases"]
    turns = [c["id"][:2] for c in cases for _ in c["turns"]]
    assert len(turns) >= 150
    assert turns.count("zh") >= 0.4 * len(turns)


def test_dev_set_is_not_training_data() -> None:
    from assistant.agent.understand.intent import training_texts

    trained = set(training_texts())
    for case in _load_eval(DEV)["cases"]:
        for turn in case["turns"]:
            assert turn["q"] not in trained or turn["q"] in SAME_WORDING, turn["q"]


def test_dev_accuracy() -> None:
    rows, _ = run_eval(DEV)
    report(rows)
    assert sum(r["ok"] for r in rows) / len(rows) >= DEV_FLOOR


# --- what the development set taught, pinned as focused cases ---------------------------------

LATEST = date(2026, 11, 25)


def _calls(question: str, previous: ToolCall | None = None) -> list[tuple[str, dict]]:
    result = plan(question, latest_day=LATEST, previous=previous)
    return [(c.name, c.args) for c in result.calls]


@pytest.mark.parametrize(
    ("question", "code"),
    [("越男的日活", "VN"), ("菲律滨的付费率", "PH"), ("莫西哥的付费", "MX"), ("韩过的次留", "KR")],
)
def test_chinese_homophone_misspellings_are_read_as_the_place(question: str, code: str) -> None:
    ((_, args),) = _calls(question)
    assert args["countries"] == [code]


@pytest.mark.parametrize(
    "question", ["越来越难了，日活怎么样", "接通超过1秒的通话影响大吗", "太过分了日活"]
)
def test_everyday_words_that_sound_like_a_place_are_not_places(question: str) -> None:
    ((_, args),) = _calls(question)
    assert "countries" not in args


@pytest.mark.parametrize(
    ("question", "codes"),
    [("Turks DAU", ["TR"]), ("DAU of Germans and Saudis", ["DE", "SA"]),
     ("Germans and French users DAU", ["DE", "FR"])],
)
def test_nationality_words(question: str, codes: list[str]) -> None:
    ((_, args),) = _calls(question)
    assert sorted(args["countries"]) == sorted(codes)


@pytest.mark.parametrize(
    "question", ["DAU last week, answer in French", "DAU last week, answer in Chinese"]
)
def test_a_language_after_in_is_not_a_place(question: str) -> None:
    ((_, args),) = _calls(question)
    assert "countries" not in args


@pytest.mark.parametrize(
    "question",
    ["D7 retention in Brazil for cohorts from last week", "DAU from chatting users in Brazil"],
)
def test_ordinary_words_with_english_endings_are_not_unknown_places(question: str) -> None:
    result = plan(question, latest_day=LATEST)
    assert result.calls and result.calls[0].args["countries"] == ["BR"]


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [("去年12月的付费率", "2025-12-01", "2025-12-31"),
     ("今年3月的日活", "2026-03-01", "2026-03-31"),
     ("DAU in December last year", "2025-12-01", "2025-12-31"),
     ("DAU march of last year", "2025-03-01", "2025-03-31")],
)
def test_months_of_a_relative_year(question: str, start: str, end: str) -> None:
    ((_, args),) = _calls(question)
    assert (args["start"], args["end"]) == (start, end)


def test_a_fragment_keeps_the_previous_question() -> None:
    previous = ToolCall("active_users", {"countries": ["IN"]})
    assert _calls("daily for the last 2 weeks pls", previous) == [
        ("active_users",
         {"countries": ["IN"], "group_by": "day", "start": "2026-11-12", "end": "2026-11-25"})
    ]


def test_compare_with_another_place_on_a_follow_up() -> None:
    previous = ToolCall("paid_conversion", {"countries": ["BR"]})
    ((name, args),) = _calls("和墨西哥比", previous)
    assert name == "explain_change"
    assert args == {"figure": "paid_conversion", "countries": ["BR", "MX"], "versus": "segments"}


@pytest.mark.parametrize(
    ("question", "key", "value"),
    [("busiest hours by device type", "group_by", "platform"),
     ("share of calls connected in under a second and activity", "threshold_ms", 1000),
     ("日活最高的国家", "group_by", "country")],
)
def test_breakdown_and_threshold_wordings(question: str, key: str, value: object) -> None:
    ((_, args),) = _calls(question)
    assert args[key] == value


@pytest.mark.parametrize(
    ("question", "current", "compared"),
    [("DAU compared with last week", ("2026-11-23", "2026-11-25"), ("2026-11-16", "2026-11-22")),
     ("日活比上个月怎么样", ("2026-11-01", "2026-11-25"), ("2026-10-01", "2026-10-31"))],
)
def test_one_period_after_a_compare_word_is_set_against_now(
    question: str, current: tuple[str, str], compared: tuple[str, str]
) -> None:
    ((name, args),) = _calls(question)
    assert name == "explain_change" and args["figure"] == "dau"
    assert (args["start"], args["end"]) == current
    assert (args["compare_start"], args["compare_end"]) == compared


def test_one_period_before_the_compare_word_is_the_period_looked_at() -> None:
    ((_, args),) = _calls("DAU last week vs the week before")
    assert (args["start"], args["end"]) == ("2026-11-16", "2026-11-22")
    # the week before it, named: written out (the tool's default would give the same)
    assert (args["compare_start"], args["compare_end"]) == ("2026-11-09", "2026-11-15")


@pytest.mark.parametrize(
    ("question", "start"),
    [("india dau, last 14d", "2026-11-12"), ("last 2wks paid conversion", "2026-11-12"),
     ("pls DAU yday", "2026-11-25"), ("paid conv last mo", "2026-10-01")],
)
def test_short_forms_of_periods(question: str, start: str) -> None:
    ((_, args),) = _calls(question)
    assert args["start"] == start


@pytest.mark.parametrize(
    ("question", "country"),
    [("雅加达的日活", "ID"), ("上海用户的留存", "CN"), ("Lagos DAU", "NG"),
     ("北京上周的次留", "CN"),
     ("shanghai dau last week", "CN"), ("D7 for users in Sao Paulo", "BR"),
     ("How is retention in Texas?", "US"), ("how many users in jakarta", "ID")],
)
def test_a_city_or_state_is_asked_about_with_its_country(question: str, country: str) -> None:
    from assistant.agent.understand.entities import place_name

    result = plan(question, latest_day=LATEST)
    assert not result.calls and result.kind == "unknown_place"
    lang = detect_language(question)
    assert result.choices[0].label == place_name(country, lang)
    assert place_name(country, lang) in result.reply


@pytest.mark.parametrize(
    ("question", "key", "codes"),
    [("DAU in APAC", "regions", ["EA", "OC", "SAS", "SEA"]),
     ("亚太地区的日活", "regions", ["EA", "OC", "SAS", "SEA"]),
     ("EMEA paid conversion", "regions", ["EU", "MENA", "SSA"]),
     ("daily actives in the nordics", "countries", ["DK", "FI", "IS", "NO", "SE"]),
     ("GCC D7", "countries", ["AE", "BH", "KW", "OM", "QA", "SA"]),
     ("港澳台的日活", "countries", ["HK", "MO", "TW"]),
     ("欧美用户的使用时长", "regions", ["EU", "NA"]),
     ("DACH usage time", "countries", ["AT", "CH", "DE"])],
)
def test_a_group_of_markets_is_its_members(question: str, key: str, codes: list[str]) -> None:
    ((_, args),) = _calls(question)
    assert sorted(args[key]) == codes


def test_a_continent_is_its_countries_namibia_included() -> None:
    ((_, args),) = _calls("非洲的日活")
    assert {"NG", "EG", "ZA", "NA"} <= set(args["countries"]) and "regions" not in args
    assert not {"FR", "BR", "SA"} & set(args["countries"])
    ((_, args),) = _calls("DAU in South America")
    assert {"BR", "AR", "CL"} <= set(args["countries"]) and "MX" not in args["countries"]


@pytest.mark.parametrize("question", ["DAU by city", "女性用户的日活", "按年龄段的留存"])
def test_data_the_contract_does_not_hold_is_out_of_scope(question: str) -> None:
    result = plan(question, latest_day=LATEST)
    assert not result.calls and result.kind == "out_of_scope"


def test_week_before_last_is_a_period_not_a_comparison() -> None:
    previous = ToolCall("retention", {"countries": ["BR"], "days": [1]})
    assert _calls("what about the week before last", previous) == [
        ("retention",
         {"countries": ["BR"], "days": [1], "start": "2026-11-09", "end": "2026-11-15"})
    ]


def test_a_breakdown_on_an_explained_change_says_where_it_moved() -> None:
    previous = ToolCall("explain_change", {"figure": "d1", "countries": ["BR"]})
    ((name, args),) = _calls("ok show me by platform instead", previous)
    assert name == "explain_change" and args["split_by"] == ["platform"]
    assert "group_by" not in args


@pytest.mark.parametrize(
    ("question", "tool"), [("日获 印度", "active_users"), ("使用时场 日本", "usage_time")]
)
def test_a_homophone_typo_of_a_metric_word_still_names_it(question: str, tool: str) -> None:
    ((name, _),) = _calls(question)
    assert name == tool


# A second development set, written from the contract and tests/eval/LABELLING.md alone by
# someone who never saw the planner (with the hard kinds on purpose: market groups, cities,
# holidays, WoW/环比, window and day forms). It guided the work round after it was written.
DEV2 = Path(__file__).parent / "eval" / "dev2.yaml"
DEV2_FLOOR = 0.95  # 242/315 (76.8%) before that round; 304/315 (96.5%) after


def test_second_dev_set_accuracy_and_not_training_data() -> None:
    from assistant.agent.understand.intent import training_texts

    trained = set(training_texts())
    questions = [t["q"] for c in _load_eval(DEV2)["cases"] for t in c["turns"]]
    spec_example = "Does call connect time affect whether people come back?"  # both took it
    assert not [q for q in questions if q in trained and len(q) > 16 and q != spec_example]
    rows, _ = run_eval(DEV2)
    report(rows)
    assert sum(r["ok"] for r in rows) / len(rows) >= DEV2_FLOOR


@pytest.mark.parametrize(
    "question",
    ["median session length by region this month", "overall snapshot for the board, SEA",
     "is the HD effect from the article still true?", "Mexico City team here - DAU in Mexico"],
)
def test_everyday_words_are_not_unknown_markets(question: str) -> None:
    assert plan(question, latest_day=LATEST).kind != "unknown_place"


def test_where_the_asker_sits_is_no_filter() -> None:
    ((_, args),) = _calls("我们广州团队在做中东出海，想看一下沙特和阿联酋上个月的付费率")
    assert sorted(args["countries"]) == ["AE", "SA"] and "regions" not in args
    assert plan("DAU in Manila", latest_day=LATEST).kind == "unknown_place"


def test_since_then_runs_to_the_latest_day() -> None:
    ((_, args),) = _calls("we launched gifts in Turkey on Nov 11 - who sent a gift since then, %?")
    assert (args["start"], args["end"]) == ("2026-11-11", "2026-11-25")


# Two more development sets written the same blind way, before the round they guided: dev3 leans
# on hard kinds (lower-case codes, context cities and days, date forms, the N days before,
# "which channel brought the rise"); dev4 is a representative mix in many voices.
# dev5 (English-heavy, non-native and terse voices) and dev6 (Chinese-heavy, 15% Traditional)
# arrived after that round and were never worked on: scored as they came out, like held-out.
MORE_DEV = {  # name: (floor overall, floor per language)
    "dev3.yaml": (0.96, 0.95),  # 281/334 (84.1%) before that round; 328/334 after
    "dev4.yaml": (0.96, 0.95),  # 290/334 (86.8%) before that round; 330/334 after
    # dev5 and dev6 were scored once as they came (91.0%, 93.3%) and worked on the round after
    "dev5.yaml": (0.975, 0.97),  # 308/311 after
    "dev6.yaml": (0.98, 0.975),  # 299/300 after
    "dev7.yaml": (0.975, 0.97),  # 270/334 (80.8%) as it came; 330/334 after
    "dev8.yaml": (0.97, 0.965),  # 266/319 (83.4%) as it came; 314/319 after
    "dev9.yaml": (0.97, 0.95),  # 318/337 (94.4%: en 91.2%, zh 97.6%) as it came; 330/337 after
    "dev10.yaml": (0.975, 0.97),  # 264/331 (79.8%) as it came; 325/331 after
    "dev11.yaml": (0.945, 0.92),  # 289/305 (94.8%: en 92.1%, zh 97.4%), scored once, never tuned on
    "dev12.yaml": (0.97, 0.95),  # 281/301 (93.4%: en 90.9%, zh 95.9%) as it came; 293/301 after
}


@pytest.mark.parametrize("name", sorted(MORE_DEV))
def test_more_dev_sets(name: str) -> None:
    from assistant.agent.understand.intent import training_texts

    path = Path(__file__).parent / "eval" / name
    trained = set(training_texts())
    questions = [t["q"] for c in _load_eval(path)["cases"] for t in c["turns"]]
    example = "What was D1 retention in Brazil last week?"  # the example every reply shows
    assert not [q for q in questions if q in trained and len(q) > 16 and q != example]
    rows, _ = run_eval(path)
    by_lang = report(rows)
    overall, per_language = MORE_DEV[name]
    assert sum(r["ok"] for r in rows) / len(rows) >= overall
    for group in by_lang.values():
        assert sum(r["ok"] for r in group) / len(group) >= per_language

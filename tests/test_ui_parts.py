"""The web app's parts without a browser: periods, changes, CSV, edits as follow-ups, boards,
a database held by a load at start-up. Expected figures are worked out by hand."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from assistant.agent.graph import Assistant, Conversation
from assistant.config import Settings
from assistant.store import state
from tests.metrics.rows import sessions

LATEST = "2026-11-22"  # a Sunday


def users(*rows: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"user_id": u, "signup_at": "2026-09-01 00:00", "country": c, "platform": p}
            for u, c, p in rows]


TABLES = {
    "users": users(("a", "BR", "ios"), ("b", "BR", "android"), ("c", "ID", "ios")),
    "sessions": sessions(
        ("a", "2026-11-16 10:00"), ("b", "2026-11-16 11:00"), ("b", "2026-11-17 11:00"),
        ("c", "2026-11-20 09:00"), ("c", f"{LATEST} 09:00"),
        ("a", "2026-11-03 10:00"),  # the week before last: in the 30-day MAU only
    ),
}


@pytest.mark.parametrize(("preset", "latest", "start", "end"), [
    ("last7", "2026-11-22", "2026-11-16", "2026-11-22"),
    ("last14", "2026-11-22", "2026-11-09", "2026-11-22"),
    ("last28", "2026-11-22", "2026-10-26", "2026-11-22"),
    ("last_week", "2026-11-22", "2026-11-16", "2026-11-22"),  # Sunday: its week is complete
    ("last_week", "2026-11-25", "2026-11-16", "2026-11-22"),  # Wednesday: the week before
    ("this_week", "2026-11-25", "2026-11-23", "2026-11-25"),
    ("last_month", "2026-11-25", "2026-10-01", "2026-10-31"),
    ("last_month", "2026-11-30", "2026-11-01", "2026-11-30"),  # the month's last day
    ("last_month", "2026-03-10", "2026-02-01", "2026-02-28"),
])
def test_presets(preset: str, latest: str, start: str, end: str) -> None:
    from assistant.apps.web.periods import preset_of, preset_range

    got = preset_range(preset, date.fromisoformat(latest))
    assert got == (date.fromisoformat(start), date.fromisoformat(end))
    if preset != "last_week" or latest == "2026-11-25":
        assert preset_of(*got, date.fromisoformat(latest)) in (preset, "last7", "this_week")


def test_previous_range_has_the_same_length_and_ends_the_day_before() -> None:
    from assistant.apps.web.periods import previous_range

    assert previous_range(date(2026, 11, 16), date(2026, 11, 22)) == (
        date(2026, 11, 9), date(2026, 11, 15))
    assert previous_range(date(2026, 10, 1), date(2026, 10, 31)) == (
        date(2026, 8, 31), date(2026, 9, 30))


def test_changes_read_in_points_for_rates_and_percent_for_the_rest() -> None:
    from assistant.apps.web.render import change_text

    assert change_text(0.341, 0.312, "pct", "en") == "+2.9 pp"
    assert change_text(0.30, 0.312, "pct", "zh") == "−1.2 个百分点"
    assert change_text(2200, 2000, "int", "en") == "+10.0%"
    assert change_text(5, None, "int", "en") == ""


def test_csv_rounds_and_names_markets_beside_codes(make_catalog, tmp_path: Path) -> None:
    from assistant.apps.web.render import write_csv

    catalog = make_catalog(TABLES)
    result = catalog.run("active_users", {"start": "2026-11-16", "end": LATEST,
                                          "group_by": "country"})
    path = write_csv(result, "en", tmp_path / "t.csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    brazil = next(r for r in rows if r["Segment"] == "BR")
    assert brazil["Name"] == "Brazil"
    assert brazil["Active users"] == "2"
    # Brazil: 2 active on 11-16 and 1 on 11-17 over 7 days = 3/7 DAU; MAU 2 (a and b):
    # average DAU reads as a whole number, stickiness (3/7)/2 = 21.4%.
    assert brazil["Average DAU"] == "0"
    assert brazil["Stickiness (DAU/MAU) (%)"] == "21.4"
    zh = list(csv.reader(write_csv(result, "zh", tmp_path / "z.csv").open(encoding="utf-8-sig")))
    assert zh[0][:2] == ["分组", "名称"] and ["ID", "印度尼西亚"] == [
        r[:2] for r in zh if r[0] == "ID"][0]


def test_an_edit_runs_the_metric_and_a_typed_follow_up_builds_on_it(make_catalog) -> None:
    from assistant.apps.web import edit

    catalog = make_catalog(TABLES)
    first = catalog.run("active_users", {})
    change = edit.Edit(period="last7", markets=["region:LATAM"], platforms=["ios", "android"],
                       breakdown="platform")
    args = edit.args_for(first, change, date.fromisoformat(LATEST))
    assert args["start"] == "2026-11-16" and args["end"] == LATEST
    assert (args["regions"], args["countries"], args["group_by"]) == (["LATAM"], [], "platform")
    result = catalog.run("active_users", args)
    by_platform = {r["segment"]: r["active_users"] for r in result.rows}
    assert by_platform == {"ios": 1, "android": 1}  # a and b; c is in Indonesia
    conv = Conversation()
    edit.record(conv, result, edit.describe(result, "en"), edit.narrate(result, "en"))
    answer = Assistant(catalog).ask("And for Indonesia?", conv)
    call = answer.steps[0]
    assert call.name == "active_users"
    assert call.args["countries"] == ["ID"] and call.args["group_by"] == "platform"
    assert (call.args["start"], call.args["end"]) == ("2026-11-16", LATEST)


def test_previous_period_is_the_equal_range_before_or_nothing(make_catalog) -> None:
    from assistant.apps.web import edit

    catalog = make_catalog(TABLES)
    week = catalog.run("active_users", {"start": "2026-11-16", "end": LATEST})
    before = edit.previous_period(catalog, week)
    assert before is not None
    assert (before.params["start"], before.params["end"]) == ("2026-11-09", "2026-11-15")
    assert before.rows == []  # nobody was active that week
    first = catalog.run("active_users", {"start": "2026-11-03", "end": "2026-11-09"})
    assert edit.previous_period(catalog, first) is None  # before the first day of data


def test_boards_keep_order_across_connections(tmp_path: Path) -> None:
    db_path = tmp_path / "x.duckdb"
    assert state.add_board_item(db_path, "Weekly sync", {"metric": "retention"}) == 1
    assert state.add_board_item(db_path, "Weekly sync", {"metric": "active_users"}) == 2
    state.add_board_item(db_path, "周会", {"metric": "usage_time"})
    assert state.board_names(db_path) == ["Weekly sync", "周会"]
    items = state.board_items(db_path, "Weekly sync")
    state.save_board(db_path, "Weekly sync", items[::-1])
    assert [i["metric"] for i in state.board_items(db_path, "Weekly sync")] == [
        "active_users", "retention"]
    state.save_board(db_path, "周会", [])
    assert state.board_names(db_path) == ["Weekly sync"]


HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("BEGIN")
print("holding", flush=True)
time.sleep(60)
"""


def test_the_app_starts_while_a_load_holds_the_database(make_catalog) -> None:
    from assistant.apps.web import App, build

    path = make_catalog(TABLES).db_path
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        app = App(path, Settings(db_path=path, openai_api_key=None))
        assert app.start_problem and "another process is using it" in app.start_problem
        assert "cannot be read right now" in app.status("en")
        assert "暂时无法读取数据库" in app.status("zh")
        build(app)  # the page is built all the same
    finally:
        holder.kill()
        holder.wait()
    assert "3 users" in app.status("en")  # readable again: the status says what it holds
    app.catalog.close()


def test_clarifying_choices_show_as_buttons_that_ask_their_question(make_catalog) -> None:
    from dataclasses import dataclass

    import gradio as gr

    from assistant.agent.graph import Answer
    from assistant.apps.web import App
    from assistant.apps.web.ask import AskTab

    @dataclass
    class Choice:  # the shape the planner gives: what the button shows, what it asks
        label: str
        question: str

    path = make_catalog(TABLES).db_path
    app = App(path, Settings(db_path=path, openai_api_key=None))
    with gr.Blocks():
        tab = AskTab(app, "en")
    answer = Answer("Which market?", "en", "offline")
    answer.choices = [Choice("Brazil", "How many daily active users in Brazil last week?"),
                      Choice("Indonesia", "How many daily active users in Indonesia last week?")]
    out = tab.chips(answer)
    assert out[tab.choices[0]]["value"] == "Brazil" and out[tab.choices[0]]["visible"]
    assert out[tab.choices[1]]["value"] == "Indonesia"
    assert out[tab.choices[2]]["visible"] is False
    picks = out[tab.picks]

    class Request:
        session_hash = "test"

    updates = list(tab.pick_choice(1)(picks, [], None, "en", False, Request()))
    history = updates[-1][tab.chatbot]
    assert history[0] == {"role": "user", "content": picks[1]}
    assert "Indonesia" in history[-1]["content"]
    app.catalog.close()


def test_a_load_with_sessions_in_the_future_says_so(tmp_path: Path) -> None:
    from assistant.apps.web.data import load_message
    from assistant.store import loader

    (tmp_path / "users.csv").write_text(
        "user_id,signup_at,country,platform\nu1,2026-11-01 10:00:00,BR,ios\n", encoding="utf-8")
    (tmp_path / "sessions.csv").write_text(
        "session_id,user_id,started_at,ended_at\n"
        "s1,u1,2026-11-02 10:00:00,2026-11-02 10:05:00\n"
        "s2,u1,2031-01-01 10:00:00,2031-01-01 10:05:00\n"
        "s3,u1,2031-01-02 10:00:00,2031-01-02 10:05:00\n", encoding="utf-8")
    report = loader.load_paths(tmp_path / "db.duckdb",
                               [tmp_path / "users.csv", tmp_path / "sessions.csv"],
                               progress=False)
    assert report.tables["sessions"].inserted == 3  # loaded, with a warning
    message = load_message(report, "zh")
    assert "2 rows start in the future" in message and "已载入" in message
    assert str(tmp_path) not in message


def test_every_metric_has_a_plain_sentence_and_an_example_in_both_languages() -> None:
    from assistant.metrics.registry import get_registry
    from assistant.prompts import load_yaml

    words = load_yaml("ui_metrics.yaml")
    for metric in get_registry():
        for part in ("plain", "example"):
            for lang in ("en", "zh"):
                assert words[metric.name][part][lang].strip(), (metric.name, part, lang)


def test_a_trend_is_compared_as_two_totals(make_catalog) -> None:
    from assistant.apps.web import edit
    from assistant.apps.web.render import compare_html

    catalog = make_catalog(TABLES)
    trend = catalog.run("active_users", {"start": "2026-11-16", "end": LATEST,
                                         "group_by": "day"})
    total = edit.unsplit(catalog, trend)
    assert total.params["group_by"] == "none" and total.rows[0]["active_users"] == 3
    before = catalog.run("active_users", {"start": "2026-11-02", "end": "2026-11-08"})
    week = catalog.run("active_users", {"start": "2026-11-09", "end": "2026-11-15"})
    assert week.rows == [] and before.rows[0]["active_users"] == 1  # only a, on 11-03
    shown = compare_html(catalog.run("active_users", {"start": "2026-11-09",
                                                      "end": "2026-11-15"}), before, "en")
    assert "2026-11-02 to 2026-11-08" in shown

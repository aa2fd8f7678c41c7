"""The digest's content: dates in words, figures worked out by hand, the movements adapter."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from assistant.present.digest.chat import WECOM_MAX_BYTES, chat_message
from assistant.present.digest.compose import (
    compose,
    digest_from_report,
    movements,
    period_in_words,
    weeks_in_words,
)
from assistant.present.report import Report, Section, Table, collect, labels, resolve_week


@pytest.mark.parametrize(("start", "end", "lang", "words"), [
    (date(2026, 11, 23), date(2026, 11, 29), "en", "23–29 Nov 2026"),
    (date(2026, 11, 23), date(2026, 11, 29), "zh", "2026年11月23日–29日"),
    (date(2026, 11, 30), date(2026, 12, 6), "en", "30 Nov–6 Dec 2026"),
    (date(2026, 12, 28), date(2027, 1, 3), "en", "28 Dec 2026–3 Jan 2027"),
])
def test_period_in_words(start: date, end: date, lang: str, words: str) -> None:
    assert period_in_words(start, end, lang) == words


def test_iso_weeks_in_report_sentences_become_dates() -> None:
    assert weeks_in_words("2026-W48 is not complete", "en") == "23–29 Nov 2026 is not complete"
    assert weeks_in_words("2026-W48 尚不完整", "zh") == "2026年11月23日–29日 尚不完整"


# Two weeks by hand: p and q are active every day of 16-22 Nov and 23-29 Nov, r also on
# 23, 24 and 25 Nov. Average DAU: previous week 14/7 = 2.00, this week 17/7 = 2.43;
# change 17/14 - 1 = +21.4% (over 2%: "up"). Daily actives this week 3,3,3,2,2,2,2.
def _hand_tables() -> dict:
    users = [{"user_id": u, "signup_at": "2026-11-01 00:00", "country": c, "platform": p}
             for u, c, p in (("p", "BR", "ios"), ("q", "ID", "android"), ("r", "BR", "android"))]
    sessions = []
    for day in range(14):
        start = datetime(2026, 11, 16, 10) + timedelta(days=day)
        active = ["p", "q"] + (["r"] if 7 <= day <= 9 else [])
        for u in active:
            sessions.append({"session_id": f"{u}{day}", "user_id": u, "started_at": start,
                             "ended_at": start + timedelta(minutes=10)})
    return {"users": users, "sessions": sessions}


def test_headline_figures_by_hand(make_catalog) -> None:
    catalog = make_catalog(_hand_tables())
    digest = compose(catalog, "2026-11-23", "en")
    dau = next(h for h in digest.headlines if h.key == "frequency")
    assert (dau.value, dau.previous, dau.change_text, dau.verdict) == \
        ("2", "2", "+21.4%", "up")  # average DAU 17/7 vs 14/7, shown as whole people
    assert dau.change == pytest.approx(17 / 14 - 1)
    assert digest.daily_this == [3, 3, 3, 2, 2, 2, 2]
    assert digest.daily_prev == [2] * 7
    assert digest.period == "23–29 Nov 2026"
    assert digest.period_line == "23–29 Nov 2026, compared with 16–22 Nov 2026"
    assert digest.subject == "Weekly activity digest · 23–29 Nov 2026"


def test_zh_digest_reads_in_chinese_without_iso_weeks(demo_catalog) -> None:
    digest = compose(demo_catalog, "2026-W47", "zh")
    assert digest.subject == "每周活跃度摘要 · 2026年11月16日–22日"
    for kind in ("slack", "lark", "dingtalk", "wecom", "text"):
        msg = chat_message(digest, kind)
        text = msg.title + msg.body
        assert "核心数字" in text and "2026年11月16日–22日" in text
        assert "W47" not in text and "ISO" not in text
    assert len(chat_message(digest, "wecom").body.encode()) <= WECOM_MAX_BYTES
    assert "**" not in chat_message(digest, "wecom").body


def test_digest_figures_are_the_reports(demo_catalog) -> None:
    report = collect(demo_catalog, "2026-W47", "en")
    digest = digest_from_report(report)
    card = next(t for s in report.sections for t in s.tables if t.key == "scorecard")
    # scorecard table columns: dimension, lens, measure, this week, previous, change, verdict
    assert [(h.value, h.previous, h.change_text) for h in digest.headlines[:4]] == \
        [(r[3], r[4], r[5]) for r in card.rows]
    assert len(digest.movements) == 5


def _report_with(section: Section) -> Report:
    week = resolve_week("2026-W47", date(2026, 11, 25), date(2026, 10, 1))
    return Report(week, "en", "", "", "", [], [section], {}, labels("en"))


def test_movements_adapter_reads_facts_and_falls_back_to_a_table() -> None:
    facts = {"movers": [{"metric": "Average DAU", "group": "Brazil (BR)", "prev": "10",
                         "cur": "12", "change_text": "+20.0%", "up": True}]}
    title, items = movements(_report_with(Section("movers", "Biggest", "", facts=facts)))
    assert title == "Biggest"
    assert (items[0].group, items[0].change_text, items[0].up, items[0].detail) == \
        ("Brazil (BR)", "+20.0%", True, "10 → 12")
    # a successor section with only a table: metric, group, ..., change
    table = Table(["Metric", "Country", "Change", "Share"],
                  [["D7", "India (IN)", "−1.5 pp", "40%"]], [False] * 4)
    _, items = movements(_report_with(Section("contributions", "Why", "", tables=[table])))
    assert (items[0].metric, items[0].group, items[0].change_text, items[0].up) == \
        ("D7", "India (IN)", "−1.5 pp", False)
    assert movements(_report_with(Section("usage", "Usage", ""))) == ("", [])


def test_configured_link_replaces_the_attached_report(demo_db) -> None:
    from assistant.config import Settings
    from assistant.metrics.catalog import Catalog
    from assistant.present.digest.email import build_email

    settings = Settings(db_path=demo_db,
                        digest_link="https://intranet.example/reports/{week}-{lang}.html")
    digest = compose(Catalog(demo_db, settings=settings), "2026-11-18", "zh")
    assert digest.link == "https://intranet.example/reports/2026-W47-zh.html"
    mail = build_email(digest, {})
    assert mail.attachments == {}
    assert 'href="https://intranet.example/reports/2026-W47-zh.html"' in mail.html
    assert "打开完整周报" in mail.html
    assert "[打开完整周报](https://intranet.example/reports/2026-W47-zh.html)" in \
        chat_message(digest, "lark").body

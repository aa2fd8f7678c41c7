"""How figures and names read in both languages: written out here by hand, never by the code."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.metrics.dates import complete_weeks, iso_week, last_complete_week, week_monday
from assistant.present import labels
from assistant.present.numbers import fmt, points, signed


@pytest.mark.parametrize(("value", "kind", "en", "zh"), [
    (2227.86, "int", "2,228", "2,228"),  # a count never shows decimals
    (0.3714, "pct", "37.1%", "37.1%"),
    (12.34, "minutes", "12.3 min", "12.3分钟"),
    (1234.5, "usd", "$1,234.50", "US$1,234.50"),
    (600, "ms", "600 ms", "600毫秒"),
    (3.14159, "float", "3.14", "3.14"),
    (21, "label", "21", "21"),  # an hour, a rank, a day number: as it is
    (2026, "text", "2026", "2026"),
    (None, "pct", "—", "—"),
    (float("nan"), "float", "—", "—"),
    (date(2026, 11, 16), "text", "2026-11-16", "2026-11-16"),
])
def test_figures_read_as_people_write_them(value, kind, en, zh):
    assert fmt(value, kind, "en") == en
    assert fmt(value, kind, "zh") == zh


def test_changes_of_rates_are_points():
    assert points(0.0291) == "2.9" and points(-0.0291) == "2.9"
    assert signed(0.012, "pp") == "+1.2"
    assert signed(-0.052, "rel") == "−5.2%"
    assert signed(0.0, "rel") == "±0.0%"
    assert signed(None, "pp") == "—"


def test_lists_weekdays_and_weeks():
    assert labels.join(["巴西", "印尼", "墨西哥"], "zh") == "巴西、印尼和墨西哥"
    assert labels.join(["Brazil", "Mexico"], "en") == "Brazil and Mexico"
    assert labels.join(["D1", "D7"], "en", style="or") == "D1 or D7"
    assert labels.join(["次日", "7日"], "zh", style="or") == "次日或7日"
    assert labels.join([], "en") == ""
    assert [labels.weekday_name(d, "en") for d in (1, 7)] == ["Monday", "Sunday"]
    assert [labels.weekday_name(d, "en", short=True) for d in (1, 7)] == ["Mon", "Sun"]
    assert [labels.weekday_name(d, "zh") for d in (1, 6)] == ["周一", "周六"]
    assert labels.week_name("2026-W07", "zh") == "2026年第7周"
    assert labels.week_name("2026-W07", "en") == "2026-W07"


def test_segment_names():
    assert labels.segment_name("BR", "country", "zh") == "巴西"
    assert labels.segment_name("BR", "country", "en", with_code=True) == "Brazil (BR)"
    assert labels.segment_name("android", "platform", "zh") == "安卓"
    assert labels.segment_name("paid_social", "channel", "en") == "paid social"
    assert labels.segment_name("all", "country", "en") == "all users"
    assert labels.all_label("zh") == "全部用户"
    assert labels.segment_name("something new", "channel", "en") == "something new"


def test_iso_weeks():
    assert iso_week(date(2027, 1, 3)) == "2026-W53"
    assert week_monday(date(2026, 11, 22)) == date(2026, 11, 16)
    assert last_complete_week(date(2026, 11, 22)) == date(2026, 11, 16)  # a Sunday
    assert last_complete_week(date(2026, 11, 21)) == date(2026, 11, 9)  # Saturday: not yet
    # weeks inside 2026-11-04 .. 2026-11-25: W46 and W47 complete, W45 starts too early
    assert complete_weeks(date(2026, 11, 4), date(2026, 11, 25), 26) == [
        ("2026-W47", date(2026, 11, 16)), ("2026-W46", date(2026, 11, 9))]
    assert complete_weeks(date(2026, 10, 1), date(2026, 11, 25), 1) == [
        ("2026-W47", date(2026, 11, 16))]
    assert complete_weeks(None, date(2026, 11, 25), 26) == []

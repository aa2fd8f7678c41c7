"""Questions about a change: why a figure moved, period against period, segment against
segment, or which segment moved the most. They go to the `explain_change` tool."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Any

from assistant.agent.understand.calls import ToolCall
from assistant.agent.understand.text import any_of, find_all, vocab

SEGMENT_KEYS = ("countries", "regions", "platforms")
SEGMENT_KIND = {"countries": "country", "regions": "region", "platforms": "platform"}
SPLITS = {"country", "region", "platform", "channel"}


def figure_spans(low: str) -> list[tuple[int, int]]:
    """Where the question names a figure."""
    return [m.span() for words in vocab()["figures"].values() for m in find_all(words, low)]


def figure_word(low: str) -> str | None:
    """A figure named in the question (DAU, D7, 付费率 ...), the first one written."""
    hits = [
        (m.start(), fig)
        for fig, words in vocab()["figures"].items()
        for m in find_all(words, low)
    ]
    return min(hits)[1] if hits else None


def figure_of(tool: str | None, days: list[int] | None = None) -> str | None:
    """The figure a metric tool stands for (retention by its day N)."""
    if tool == "retention":
        n = (days or [1])[0]
        return f"d{n}" if n in (1, 7, 30) else "d1"
    return vocab()["tool_figure"].get(tool or "")


def focus_of(tool: str, low: str, previous: ToolCall | None = None) -> str | None:
    """The figure of the tool the question asks for when it is not the tool's usual one
    ("MAU in Peru" -> mau); a follow-up that names none keeps the previous call's."""
    named = figure_word(low)
    others = vocab()["tool_other_figures"].get(tool, [])
    if named in others:
        return named
    if named is None and previous is not None and previous.name == tool:
        return previous.focus
    return None


def tool_of(figure: str | None) -> str | None:
    """The metric tool that reports a figure (arpu -> paid_conversion, d7 -> retention)."""
    if figure in ("d1", "d7", "d30"):
        return "retention"
    v = vocab()
    for tool, others in v["tool_other_figures"].items():
        if figure in others:
            return str(tool)
    return next((str(t) for t, f in v["tool_figure"].items() if f == figure), None)


def previous_figure(previous: ToolCall | None) -> str | None:
    if previous is None:
        return None
    if previous.focus:
        return previous.focus
    if previous.name == "explain_change":
        return previous.args.get("figure")
    return figure_of(previous.name, previous.args.get("days"))


def cues(low: str) -> dict[str, bool]:
    e = vocab()["explain"]
    found = {k: any_of(e[k], low)
             for k in ("why", "compare", "most", "respectively", "change", "moved")}
    found["most"] = (found["most"] and found["change"]) or any_of(e["drag"], low)
    return found


def against_now(low: str, span: tuple[int, int], latest: date) -> tuple[str, str] | None:
    """The current period when the one period named is what it is compared against
    ("DAU compared with last week", "日活比上个月", "跟上周比"): the compare word comes first
    and the period is a past one ("last week" -> this week so far)."""
    from assistant.agent.understand.periods import find_periods

    e = vocab()["explain"]
    cue = find_all([*e["compare"], *e["period_over_period"]], low)
    if not cue or cue[0].start() >= span[0]:
        return None
    said = low[span[0] : span[1]].strip()
    dates = vocab()["dates"]
    (first, last), *_ = find_periods(said, latest)[0] or [(None, None)]
    gap = set(re.findall(r"[a-z]+", low[cue[-1].end() : span[0]])) if cue[-1].end() <= span[0] \
        else {"?"}
    if first is not None and first.day == 1 and (last + timedelta(days=1)).day == 1 \
            and last < latest.replace(day=1) and gap <= {"it", "was", "were", "in", "during"}:
        # "lower than it was in October": this month against it (not "HD than SD, in Sept")
        return latest.replace(day=1).isoformat(), latest.isoformat()
    for past, current in (("last_week", "this week"), ("last_month", "this month"),
                          ("last_year", "this year"), ("week_before_last", "last week")):
        if said in [str(w).lower() for w in dates[past]]:
            (first, last), *_ = find_periods(current, latest)[0]
            return first.isoformat(), last.isoformat()
    return None


def over_unit(low: str) -> str | None:
    """'DAU WoW', '付费率月环比', 'D7 YoY': the unit of a period-over-period shorthand."""
    return next((u for u, words in vocab()["explain"]["over"].items() if any_of(words, low)), None)


def latest_period(unit: str, latest: date) -> tuple[str, str]:
    """The latest complete day, week, month or quarter (a year's shorthand: the last week)."""
    from assistant.agent.understand.periods import find_periods

    words = {"day": "yesterday", "week": "last week", "month": "last month",
             "month_days": "last month", "quarter": "last quarter", "year": "last week"}[unit]
    ((first, last), *_), _ = find_periods(words, latest)
    return first.isoformat(), last.isoformat()


def _year_before(day: date) -> date:
    return day.replace(year=day.year - 1, day=min(day.day, 28 if day.month == 2 else 31))


def over_periods(
    unit: str, periods: list[tuple[str, str]], latest: date
) -> list[tuple[str, str]]:
    """The period and the one it is compared with for a shorthand ('MoM': last month against
    the month before; 'YoY': last week against the same week a year earlier)."""

    if len(periods) > 1:
        return periods
    if not periods:
        periods = [latest_period(unit, latest)]
        if unit == "week":
            return []  # last week against the week before is what explain_change does anyway
    first, last = (date.fromisoformat(d) for d in periods[0])
    if unit == "year":
        return [periods[0], (_year_before(first).isoformat(), _year_before(last).isoformat())]
    if unit == "month" and first.day == 1 and (last + timedelta(days=1)).day == 1:
        return [periods[0], before_period("month", periods[0])]
    if unit == "quarter" and first.day == 1 and (last + timedelta(days=1)).day == 1:
        before_end = first - timedelta(days=1)
        before_start = before_end.replace(day=1, month=before_end.month - 2)
        return [periods[0], (before_start.isoformat(), before_end.isoformat())]
    return periods


def before_unit(low: str) -> str | None:
    """'vs the week before', '比前一天': the unit of the period right before the one asked."""
    return next((u for u, w in vocab()["explain"]["before"].items() if any_of(w, low)), None)


def before_spans(low: str) -> list[tuple[int, int]]:
    """Where the period right before is named ("the previous 7 days" is no period of its own)."""
    return [(m.start(), m.end()) for w in vocab()["explain"]["before"].values()
            for m in find_all(w, low)]


def before_period(unit: str, period: tuple[str, str]) -> tuple[str, str]:
    """The day, week or month right before a period (a whole month: the month before)."""
    first, last = (date.fromisoformat(d) for d in period)
    if unit == "month_days":
        return _month_back(first).isoformat(), _month_back(last).isoformat()
    if unit == "same":  # the whole month before one begun on the 1st, else the whole week
        if first.day == 1:
            end = first - timedelta(days=1)
            return end.replace(day=1).isoformat(), end.isoformat()
        monday = first - timedelta(days=first.weekday() + 7)
        return monday.isoformat(), (monday + timedelta(days=6)).isoformat()
    if unit == "month":
        before_end = first - timedelta(days=1)
        if first.day == 1:
            return before_end.replace(day=1).isoformat(), before_end.isoformat()
        return _month_back(first).isoformat(), _month_back(last).isoformat()
    step = timedelta(days=1 if unit == "day" else 7)
    if unit == "day" and first != last:
        step = last - first + timedelta(days=1)
    return (first - step).isoformat(), (last - step).isoformat()


def same_days(asked: tuple[str, str], other: tuple[str, str]) -> tuple[str, str]:
    """The same days of the month in another whole month ("11月上半月跟10月同期比": Oct 1-15)."""
    first, last = (date.fromisoformat(d) for d in asked)
    o_first, o_last = (date.fromisoformat(d) for d in other)
    whole = o_first.day == 1 and (o_last + timedelta(days=1)).day == 1
    if not whole or first.month != last.month or (first.day == 1 and last.day == o_last.day):
        return other
    end = min(last.day, calendar.monthrange(o_first.year, o_first.month)[1])
    return o_first.replace(day=first.day).isoformat(), o_first.replace(day=end).isoformat()


def _month_back(day: date) -> date:
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def internal_blanked(low: str) -> str:
    """The question without comparisons inside one metric ("HD vs SD")."""
    from assistant.agent.understand.text import blank

    return blank(low, [(m.start(), m.end()) for m in find_all(vocab()["explain"]["internal"], low)])


def segment_pair(slots: dict[str, Any]) -> str | None:
    """The one filter naming exactly two values ("iOS vs Android"), if any."""
    pairs = [k for k in SEGMENT_KEYS if len(slots.get(k) or []) == 2]
    others = [k for k in SEGMENT_KEYS if k not in pairs and len(slots.get(k) or []) > 1]
    return pairs[0] if len(pairs) == 1 and not others else None


def args_for(
    figure: str, slots: dict[str, Any], periods: list[tuple[str, str]], base: dict[str, Any],
    versus_segments: bool,
) -> dict[str, Any]:
    kept = ("start", "end", "compare_start", "compare_end", "split_by")
    args: dict[str, Any] = {k: v for k, v in base.items() if k in (*SEGMENT_KEYS, *kept)}
    if versus_segments or slots.get("group_by"):
        args.pop("split_by", None)
    args["figure"] = figure
    if slots["countries"] or slots["regions"]:
        args.pop("countries", None)
        args.pop("regions", None)
    for key in SEGMENT_KEYS:
        if slots[key]:
            args[key] = slots[key]
    if periods:
        args.pop("compare_start", None)  # a new period: the one compared with goes too
        args.pop("compare_end", None)
        args["start"], args["end"] = periods[0]
    if len(periods) > 1:
        args["compare_start"], args["compare_end"] = periods[1]
    if versus_segments:
        args["versus"] = "segments"
    group = slots.get("group_by")
    if group in SPLITS and not versus_segments:
        args["split_by"] = [group]
        drop = {"country": ("countries",), "region": ("regions", "countries"),
                "platform": ("platforms",)}.get(group, ())
        for key in drop:
            if not (key == drop[0] and len(args.get(key, [])) > 1):  # a split among several
                args.pop(key, None)
    return args

"""Periods named in a question: dates, months, years, weekdays, relative ranges, defaults.

Relative words resolve against `latest`, the latest complete day in the data. A question
may name two periods ("this week vs last week"); the first is the one looked at.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from assistant.agent.understand.text import HAN, Span, alternation, resolve, vocab
from assistant.metrics.dates import last_complete_week, week_monday

Range = tuple[date, date]


class DateProblem(Exception):
    """A date in the question that cannot be used: reply kind and where it is written."""

    def __init__(self, kind: str, start: int, end: int) -> None:
        super().__init__(kind)
        self.kind, self.start, self.end = kind, start, end


@dataclass
class Token:
    first: date
    last: date
    has_year: bool
    explicit: bool  # a written date, month or year (not "last week")


def _month_re() -> str:
    d = vocab()["dates"]
    names = sorted(d["months"] + d["month_abbr"], key=len, reverse=True)
    return r"(?<![a-z])(" + "|".join(names) + r")\.?(?![a-z])"


def _month_no(name: str) -> int:
    return [m[:3] for m in vocab()["dates"]["months"]].index(name[:3]) + 1


def _make(y: int, m: int, d: int, span: Span) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise DateProblem("invalid_date", *span) from None


def _infer_year(m: int, d: int, latest: date) -> int:
    # The most recent such day not after the latest day in the data.
    return latest.year if (m, d) <= (latest.month, latest.day) else latest.year - 1


def _month_range(yy: int, mo: int, latest: date) -> Range:
    first = date(yy, mo, 1)
    last = date(yy, mo, calendar.monthrange(yy, mo)[1])
    return first, (min(last, latest) if first <= latest else last)


def _days(low: str, latest: date) -> list[tuple[int, int, Token]]:
    mon = _month_re()
    out: list[tuple[int, int, Token]] = []

    def day(m: re.Match[str], y: str | None, mo: int, d: str) -> None:
        yy = int(y) if y else _infer_year(mo, int(d), latest)
        when = _make(yy, mo, int(d), m.span())
        out.append((m.start(), m.end(), Token(when, when, bool(y), True)))

    # "since the 1st", "1号以来": a day of the latest month (of the month before, if later)
    since_day = (r"(?<=since )the (\d{1,2})(?:st|nd|rd|th)\b"
                 r"|(?<![\d月.])(\d{1,2})\s*[号日](?=\s*(?:以来|起|至今|开始|到现在))")
    for m in re.finditer(since_day, low):
        d = int(m.group(1) or m.group(2))
        month = latest if d <= latest.day else latest.replace(day=1) - timedelta(days=1)
        day(m, str(month.year), month.month, str(d))
    for m in re.finditer(r"(?<![\d.])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d|\.\d)", low):
        day(m, m.group(1), int(m.group(2)), m.group(3))
    for m in re.finditer(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]", low):
        day(m, m.group(1), int(m.group(2)), m.group(3))
    # "14到16号": days of the latest month (of the month before, when they are still to come)
    days_zh = r"(?<![\d月.])(\d{1,2})\s*[号日]?\s*(?:到|至|-|~)\s*(\d{1,2})\s*[号日]"
    for m in re.finditer(days_zh, low):
        first_day, last_day = int(m.group(1)), int(m.group(2))
        month = latest if last_day <= latest.day else latest.replace(day=1) - timedelta(days=1)
        first = _make(month.year, month.month, first_day, m.span())
        last = _make(month.year, month.month, last_day, m.span())
        out.append((m.start(), m.end(), Token(first, last, True, True)))
    for m in re.finditer(mon + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?![\d:])(?:,?\s+(\d{4}))?", low):
        day(m, m.group(3), _month_no(m.group(1)), m.group(2))
    for m in re.finditer(
        r"(?<![a-z0-9])(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + mon + r"(?:,?\s+(\d{4}))?", low
    ):
        day(m, m.group(3), _month_no(m.group(2)), m.group(1))
    for m in re.finditer(r"(?<![\d.])(\d{1,2})([./])(\d{1,2})\2(\d{4})(?![\d.])", low):
        a, b = int(m.group(1)), int(m.group(3))  # 14.10.2026 day first; 10/14/2026 month first
        month_first = b > 12 or (m.group(2) == "/" and a <= 12)
        day(m, m.group(4), a if month_first else b, str(b if month_first else a))
    # "from the 1st to the 15th of September", "1-15 Sept": both days in the month after them
    to = alternation(vocab()["dates"]["range_to"])
    for m in re.finditer(
        rf"(?<![a-z0-9])(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:{to})\s*(?:the\s+)?"
        rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{mon}(?:,?\s+(\d{{4}}))?", low
    ):
        mo, y = _month_no(m.group(3)), m.group(4)
        yy = int(y) if y else _infer_year(mo, int(m.group(1)), latest)
        first, last = (_make(yy, mo, int(m.group(i)), m.span()) for i in (1, 2))
        out.append((m.start(), m.end(), Token(first, last, bool(y), True)))
    return out


def _numeric_days(low: str, latest: date) -> list[tuple[int, int, Token]]:
    """Month/day written with a slash ("11/2", "11/2-11/8"), the way staff type dates."""
    out = []
    dotted = r"(?<![\w/.])(\d{1,2})\.(\d{1,2})"
    dotted += r"(?=\s*(?:-|–|~|to|到|至)\s*\d{1,2}\.\d{1,2}(?![\d.%]))"
    dotted += r"|(?<=[-–~到至])(\d{1,2})\.(\d{1,2})(?![\d.%])"  # "11.2-11.8", the Chinese way
    pairs = [(m, m.group(1), m.group(2)) for m in re.finditer(
        r"(?<![\w/.])(\d{1,2})/(\d{1,2})(?![\d/]|\s*of\b)", low)]
    pairs += [(m, m.group(1) or m.group(3), m.group(2) or m.group(4))
              for m in re.finditer(dotted, low)]
    for m, month, day in pairs:
        mo, d = int(month), int(day)
        if 1 <= mo <= 12 and 1 <= d <= 31:
            when = _make(_infer_year(mo, d, latest), mo, d, m.span())
            out.append((m.start(), m.end(), Token(when, when, False, True)))
    return out


def _quarters(low: str, latest: date) -> list[tuple[int, int, Token]]:
    """Q3, Q3 2026, the third quarter, 三季度, this/last quarter: the latest one begun."""
    d = vocab()["dates"]
    names = d["quarter_names"]
    word = "|".join(sorted(map(str, names), key=len, reverse=True))
    years = {"今年": latest.year, "this year's": latest.year, "去年": latest.year - 1,
             "last year's": latest.year - 1}
    found = [(m.start(), m.end(), m.group(3) or m.group(4) or years.get(m.group(1) or ""),
              int(m.group(2) or m.group(5)))
             for m in re.finditer(r"(?:(今年|去年|this year's|last year's)\s*)?(?<![a-z0-9])"
                                  r"q([1-4])(?![a-z0-9])(?:\s*(\d{4}))?"
                                  r"|(\d{4})\s*q([1-4])(?![a-z0-9])", low)]
    found += [(m.start(), m.end(), m.group(2), names[m.group(1)])
              for m in re.finditer(rf"(?:the\s+)?({word})\s+quarter(?:\s+of\s+(\d{{4}}))?", low)]
    found += [(m.start(), m.end(), m.group(1), names[m.group(2)])
              for m in re.finditer(rf"(?:(\d{{4}})\s*年\s*)?第?({word})\s*季度", low)]
    current = (latest.month - 1) // 3 + 1
    out = []
    for a, b, year, q in found:
        yy = int(year) if year else latest.year if q <= current else latest.year - 1
        first = date(yy, 3 * q - 2, 1)
        last = date(yy, 3 * q, calendar.monthrange(yy, 3 * q)[1])
        out.append((a, b, Token(first, min(last, latest) if first <= latest else last,
                                bool(year), True)))
    this_q = date(latest.year, 3 * current - 2, 1)
    prev_end = this_q - timedelta(days=1)
    named = {"this_quarter": (this_q, latest),
             "last_quarter": (prev_end.replace(day=1, month=prev_end.month - 2), prev_end)}
    for key, (first, last) in named.items():
        for m in re.finditer(alternation(d[key]), low):
            out.append((m.start(), m.end(), Token(first, last, True, False)))
    return out


def _holiday_range(entry: dict[str, Any], year: int) -> Range | None:
    if "dates" in entry:
        first, last = (entry["dates"] * 2)[:2]
        return (date.fromisoformat(f"{year}-{first}"), date.fromisoformat(f"{year}-{last}"))
    import holidays

    days = holidays.country_holidays(entry["country"], years=year, language="en_US")
    named = sorted(d for d, name in days.items() if name.startswith(entry["name"]))
    if not named:
        return None
    shift = timedelta(days=entry.get("shift", 0))
    return named[0] + shift, named[-1] + shift


def _holidays(low: str, latest: date) -> list[tuple[int, int, Token]]:
    """Named days (双十一, Black Friday, 春节, Eid): the latest one begun by the latest day."""
    out = []
    said = {"去年": latest.year - 1, "今年": latest.year, "前年": latest.year - 2,
            "last year": latest.year - 1, "this year": latest.year}
    named = r"(去年|今年|前年|last year|this year)(?:'s)?\s*(?:的)?"
    for entry in vocab()["dates"]["holidays"]:
        after = r"(?:\s*(\d{4})|\s+(this year|last year))?"  # "Black Friday this year"
        pattern = rf"(?:{named})?(?:{alternation(entry['words'])}){after}"
        for m in re.finditer(pattern, low):
            given = int(m.group(2)) if m.group(2) else said.get(m.group(1) or m.group(3) or "")
            for year in [given] if given else [latest.year, latest.year - 1]:
                span = _holiday_range(entry, year)
                if span and (span[0] <= latest or given):
                    first, last = span
                    out.append((m.start(), m.end(), Token(first, last, bool(given), True)))
                    break
    return out


def _month_part(low: str, a: int, b: int, tok: Token, latest: date) -> tuple[int, int, Token]:
    """'early November', 'the first half of last month', '11月下旬', '上个月底': that part of
    the month the token names."""
    first = tok.first
    whole = _month_range(first.year, first.month, latest)
    if first.day != 1 or tok.last != whole[1]:
        return a, b, tok
    month_end = calendar.monthrange(first.year, first.month)[1]
    first_days = re.search(r"(?:the\s+)?first\s+(\d{1,2})\s+days\s+(?:of\s+)?$", low[:a])
    first_days_zh = re.match(r"\s*的?前\s*(\d{1,2})\s*[天日]", low[b:])
    if (hit := first_days or first_days_zh) and 1 <= int(hit.group(1)) <= month_end:
        end = first.replace(day=int(hit.group(1)))  # "the first 7 days of November", "11月前10天"
        a, b = (hit.start(), b) if first_days else (a, b + hit.end())
        return a, b, Token(first, min(end, latest) if first <= latest else end, tok.has_year,
                           tok.explicit)
    for part in vocab()["dates"]["month_parts"]:
        before = re.search(rf"(?:{alternation(part['before'])})\s*(?:of\s+)?$", low[:a])
        after = re.match(rf"\s*(?:{alternation(part['after'])})", low[b:])
        if before or after:
            lo, hi = part["days"]
            start = first.replace(day=lo)
            end = min(first.replace(day=hi or month_end), latest) if start <= latest else \
                first.replace(day=hi or month_end)
            a = before.start() if before else a
            b = b + after.end() if after else b
            return a, b, Token(start, end, tok.has_year, tok.explicit)
    return a, b, tok


def _months(low: str, latest: date) -> list[tuple[int, int, Token]]:
    mon = _month_re()
    context = "|".join(vocab()["dates"]["month_context"])
    relative = {"去年": latest.year - 1, "今年": latest.year, "前年": latest.year - 2,
                "last year": latest.year - 1, "this year": latest.year}
    found: list[tuple[int, int, Any, int]] = [
        (m.start(), m.end(), m.group(1) or relative.get(m.group(2) or ""), int(m.group(3)))
        for m in re.finditer(
            r"(?:(\d{4})\s*年\s*|(去年|今年|前年)\s*)?(?<!\d)(\d{1,2})\s*月份?", low
        )
    ]
    for m in re.finditer(
        rf"(?:\b({context})\s+)?{mon}(?:\s+(\d{{4}})|,?\s+(?:of\s+)?(last year|this year)"
        rf"|(?!\s*\d))", low
    ):
        # "may" and "march" are also plain words: only with a preposition or a year.
        if m.group(2).startswith(("may", "mar")) and not (m.group(1) or m.group(3) or m.group(4)):
            continue
        year = m.group(3) or relative.get(m.group(4) or "")
        found.append((m.start(2), m.end(), year, _month_no(m.group(2))))
    out = []
    for start, end, y, mo in found:
        if not 1 <= mo <= 12:
            continue
        yy = int(y) if y else (latest.year if mo <= latest.month else latest.year - 1)
        first, last = _month_range(yy, mo, latest)
        out.append((start, end, Token(first, last, bool(y), True)))
    return out


def _years_weeks(low: str, latest: date) -> list[tuple[int, int, Token]]:
    out = []
    years = (r"(?:\b(?:in|during|for|of|since|year|from|between)\s+(?:the\s+|our\s+)?"
             r"((?:19|20)\d{2})(?![\d年]))")
    years += r"|((?:19|20)\d{2})\s*年(?:全年|整年|一整年|一年)?(?!\s*\d{1,2}\s*月)"
    for m in re.finditer(years, low):
        yy = int(m.group(1) or m.group(2))
        first, last = date(yy, 1, 1), date(yy, 12, 31)
        last = min(last, latest) if first <= latest else last
        start = m.start(1) if m.group(1) else m.start()
        out.append((start, m.end(), Token(first, last, True, True)))
    for m in re.finditer(r"(?<![\d-])((?:19|20)\d{2})-(\d{1,2})(?![\d-])", low):  # 2026-07
        if 1 <= int(m.group(2)) <= 12:
            first, last = _month_range(int(m.group(1)), int(m.group(2)), latest)
            out.append((m.start(), m.end(), Token(first, last, True, True)))
    for m in re.finditer(r"\bweek\s*(\d{2})\b|\bw(\d{2})\b|第\s*(\d{2})\s*周", low):
        wk = int(m.group(1) or m.group(2) or m.group(3))
        yy = latest.year if wk <= latest.isocalendar()[1] else latest.year - 1
        try:
            first = date.fromisocalendar(yy, wk, 1)
        except ValueError:
            raise DateProblem("invalid_date", *m.span()) from None
        out.append((m.start(), m.end(), Token(first, first + timedelta(days=6), True, True)))
    return out


def _weekdays(low: str, latest: date) -> list[tuple[int, int, Token]]:
    """'on Monday', '周一': the most recent such day up to the latest day."""
    out = []
    for i, words in enumerate(vocab()["dates"]["weekdays"]):
        for m in re.finditer(alternation(words), low):
            after = low[m.end() : m.end() + 1]
            if m.group(0).endswith("日") and after and after in "活本韩均":
                continue  # 上周日活 is last week's DAU, 上周日本 last week's Japan
            if after and after in "个大项种类位名":
                continue  # 上周四个维度 is last week's four dimensions
            when = latest - timedelta(days=(latest.weekday() - i) % 7)
            head = low[: m.start()]
            before = re.search(alternation(vocab()["dates"]["last_week"]) + r"\s*$", head)
            if before is None and m.group(0)[:1] in "周星礼":
                before = re.search(r"上个?$", head)
            start = m.start()
            this = re.search(r"(?:本|这个?)$", head) if m.group(0)[:1] in "周星礼" else None
            if this and week_monday(latest) + timedelta(days=i) <= latest:  # 本周一
                when, start = week_monday(latest) + timedelta(days=i), this.start()
            if before:  # 上周五: that day of last week
                back = latest.weekday() + (0 if latest.weekday() == 6 else 7)
                monday = latest - timedelta(days=back)
                when, start = monday + timedelta(days=i), before.start()
            out.append((start, m.end(), Token(when, when, True, True)))
    return out


def _relative(low: str, latest: date) -> list[tuple[int, int, Token]]:
    """Named periods (last week, 上个月) and 'past N days/weeks/months'."""
    d = vocab()["dates"]
    monday = week_monday(latest)
    last_sunday = last_complete_week(latest) + timedelta(days=6)
    month_start = latest.replace(day=1)
    month_end = latest.day == calendar.monthrange(latest.year, latest.month)[1]
    prev_month_end = latest if month_end else month_start - timedelta(days=1)
    named = {
        "today": (latest + timedelta(days=1),) * 2,  # today has no complete data yet
        "yesterday": (latest, latest),
        "day_before_yesterday": (latest - timedelta(days=1),) * 2,
        "this_week": (monday, latest),
        "last_week": (last_sunday - timedelta(days=6), last_sunday),
        "week_before_last": (last_sunday - timedelta(days=13), last_sunday - timedelta(days=7)),
        "month_before_last": (
            (before_last := prev_month_end.replace(day=1) - timedelta(days=1)).replace(day=1),
            before_last),
        "last_weekend": (last_sunday - timedelta(days=1), last_sunday),
        "weekend_before_last": (last_sunday - timedelta(days=8), last_sunday - timedelta(days=7)),
        "couple_days": (latest - timedelta(days=1), latest),
        "this_month": (month_start, latest),
        "last_month": (prev_month_end.replace(day=1), prev_month_end),
        "this_year": (date(latest.year, 1, 1), latest),
        "first_half_year": (date(latest.year, 1, 1), min(date(latest.year, 6, 30), latest)),
        "second_half_year": (date(latest.year, 7, 1), min(date(latest.year, 12, 31), latest)),
        "tomorrow": (latest + timedelta(days=1),) * 2,
        "next_week": (monday + timedelta(days=7), monday + timedelta(days=13)),
        "next_month": (month_after := (latest.replace(day=28) + timedelta(days=4)).replace(day=1),
                       month_after.replace(day=calendar.monthrange(month_after.year,
                                                                   month_after.month)[1])),
        "last_year": (date(latest.year - 1, 1, 1), date(latest.year - 1, 12, 31)),
    }
    out = []
    for key, (first, last) in named.items():
        for m in re.finditer(alternation(d[key]), low):
            out.append((m.start(), m.end(), Token(first, last, True, False)))
    units = {u: alternation(words) for u, words in d["units"].items()}
    unit_alt = "|".join(f"(?P<{u}>{alt})" for u, alt in units.items())
    recent = re.compile(rf"(?:{alternation(d['recent'])})\s*(?:the\s*)?(\d+)?\s*(?:{unit_alt})")
    size = {"day": 1, "week": 7, "fortnight": 14, "month": 30}
    for m in re.finditer(r"(?<![a-z0-9])l(\d{1,3})(d|w|m)(?![a-z0-9])", low):  # L30D, L4W
        span_days = int(m.group(1)) * {"d": 1, "w": 7, "m": 30}[m.group(2)]
        if span_days > 0:
            out.append((m.start(), m.end(),
                        Token(latest - timedelta(days=span_days - 1), latest, True, False)))
    for m in recent.finditer(low):
        unit = next(u for u in size if m.group(u))
        # "past week" is 7 days; a bare "近日" (lately) or "last day" is no period.
        if m.group(1) is None and (unit == "day" or HAN.search(m.group(0))):
            continue
        span_days = int(m.group(1) or 1) * size[unit]
        if span_days > 0:
            try:
                first = latest - timedelta(days=span_days - 1)
            except (OverflowError, ValueError):  # "last 99999999 days"
                raise DateProblem("invalid_date", *m.span()) from None
            out.append((m.start(), m.end(), Token(first, latest, True, False)))
    return out


def find_periods(low: str, latest: date) -> tuple[list[Range], list[Span]]:
    """The periods the question names (at most two) and the spans they were read from."""
    d = vocab()["dates"]
    found = resolve(
        _days(low, latest) + _numeric_days(low, latest) + _months(low, latest)
        + _years_weeks(low, latest) + _quarters(low, latest) + _holidays(low, latest)
        + _weekdays(low, latest) + _relative(low, latest)
    )
    found = [_month_part(low, a, b, tok, latest) for a, b, tok in found]
    if not found:
        return [], []
    to_re = rf"^\s*(?:{alternation(d['range_to'])})\s*$"
    since_after = rf"^\s*(?:{alternation(d['since'])})"
    ranges: list[Range] = []
    spans: list[Span] = []
    i = 0
    while i < len(found):
        a, b, tok = found[i]
        first, last = tok.first, tok.last
        nxt = found[i + 1] if i + 1 < len(found) else None
        # "changed from Sept to Oct" compares two months; "from Sept to Oct" is one span
        moved = re.search(r"\b(?:changed?|moved?|went|grew|dropped|fell|rose|shifted|declined|"
                          r"increased|decreased)\b[^.?!]{0,20}\bfrom\s*$", low[:a])
        joined = nxt and not moved and re.match(to_re, low[b : nxt[0]])
        if joined and nxt and tok.explicit and nxt[2].explicit:
            end_tok = nxt[2]
            last = end_tok.last
            if not end_tok.has_year and tok.has_year and end_tok.first.year != first.year:
                last = last.replace(year=first.year)
            b = nxt[1]
            i += 1
        elif tok.explicit and (tail := re.match(  # "2026-11-01~11-25": month and day
            r"\s*(?:-|–|—|~|to|到|至)\s*(\d{1,2})-(\d{1,2})(?![\d-])", low[b:])):
            last = _make(first.year, int(tail.group(1)), int(tail.group(2)), (a, b + tail.end()))
            b += tail.end()
        elif tail := re.match(
            r"\s*(?:-|–|—|~|to|到|至)\s*(?:the\s+)?(\d{1,2})(?:st|nd|rd|th|日|号)?(?![\d月])",
            low[b:],
        ):
            # "Nov 2-8", "11月2日到8日": the end day shares the start's month.
            last = _make(first.year, first.month, int(tail.group(1)), (a, b + tail.end()))
            b += tail.end()
        elif (
            (m := re.match(since_after, low[b:])) or re.search(r"\bsince\s*$", low[:a])
            or re.search(alternation(d["since_then"]), low[b:])
        ):
            last = max(latest, first)  # "今天到现在": today, which has no data yet
            b += m.end() if m else 0
        if first == last and tok.explicit and (
            (week_of := re.search(alternation(d["week_of"]["before"]) + r"\s*$", low[:a]))
            or (week_of := re.match(r"\s*(?:" + alternation(d["week_of"]["after"]) + ")", low[b:]))
        ):  # "the week of Nov 9", "11月16日那周": the Monday-to-Sunday week of that day
            first = week_monday(first)
            last = min(first + timedelta(days=6), max(latest, first))
            a, b = (week_of.start(), b) if week_of.start() < a else (a, b + week_of.end())
        if first > last:
            raise DateProblem("invalid_range", a, b)
        ranges.append((first, last))
        spans.append((a, b))
        i += 1
    # "October, i.e. Oct 2026 vs Oct 2025": a period said twice counts once (its spans stay,
    # after the others', so each period still lines up with its own span)
    once = [i for i, r in enumerate(ranges) if r not in ranges[:i]]
    again = [i for i in range(len(ranges)) if i not in once]
    return [ranges[i] for i in once][:2], [spans[i] for i in once + again]


def outside(period: Range, first_day: date | None, latest: date) -> bool:
    """True when no day of the period is in the data."""
    return period[0] > latest or (first_day is not None and period[1] < first_day)


def fill_defaults(tool: str, args: dict[str, Any], latest: date) -> None:
    """Question-aware windows: a trend covers four weeks; D-N uses cohorts old enough for N."""
    from assistant.metrics.registry import get_registry

    if tool not in get_registry().names():
        return
    metric = get_registry().get(tool)
    lag, n, shortest = metric.end_lag_days, 0, 0
    if tool == "retention":
        days = args.get("days") or metric.params["days"].default
        n, shortest = max(days), min(days)
    trend = args.get("group_by") in ("day", "week")
    if "start" not in args:
        if trend and metric.span_days < 28:
            end = latest - timedelta(days=max(lag, n))
            args["start"], args["end"] = (end - timedelta(days=27)).isoformat(), end.isoformat()
        elif n > lag:
            end = latest - timedelta(days=n)
            start = end - timedelta(days=metric.span_days - 1)
            args["start"], args["end"] = start.isoformat(), end.isoformat()
    elif shortest and date.fromisoformat(args["start"]) + timedelta(days=shortest) > latest:
        # No signup day of the range is old enough for D-N: the latest ones that are.
        length = date.fromisoformat(args["end"]) - date.fromisoformat(args["start"])
        end = latest - timedelta(days=shortest)
        args["start"], args["end"] = (end - length).isoformat(), end.isoformat()

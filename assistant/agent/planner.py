"""Offline planner: turns an English or Chinese question into vetted tool calls without an LLM.

Deterministic and rule-based. All vocabulary (metric words, date phrases, breakdowns,
platforms, follow-up cues) and every reply text live in prompts/planner.yaml. Relative
dates resolve against `latest_day`, the latest complete day in the data.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Literal

from assistant.metrics.dates import last_complete_week, week_monday
from assistant.prompts import load_yaml
from assistant.store.regions import find_places

Language = Literal["en", "zh"]
COMMON = ("start", "end", "countries", "regions", "platforms", "group_by")
SPECIFIC = {
    "retention": "days",
    "core_action_rate": "actions",
    "latency_vs_activity": "threshold_ms",
    "ai_to_human": "window_days",
}


@dataclass
class ToolCall:
    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    language: Language
    calls: list[ToolCall]
    reply: str | None = None


class _DateProblem(Exception):
    """A date in the question that cannot be used: reply kind and where it is written."""

    def __init__(self, kind: str, start: int, end: int) -> None:
        super().__init__(kind)
        self.kind, self.start, self.end = kind, start, end


# --- vocabulary ------------------------------------------------------------------------------

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_LATIN = "a-z0-9\u00c0-\u024f"
_EDGE = rf"(?:(?<![{_LATIN}])(?=[{_LATIN}])|(?<=[{_LATIN}])(?![{_LATIN}]))"
_ZH_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_ZH_NUMBER = re.compile(
    r"([零〇一二两三四五六七八九十]+)(?=\s*(?:个月|个星期|个礼拜|天|日|周|月|星期|礼拜|秒|毫秒|号|小时))"
)


def _vocab() -> dict[str, Any]:
    return load_yaml("planner.yaml")


def _pattern(phrase: str) -> str:
    """Regex for a vocabulary entry: 're:...' as written, else the phrase on word boundaries."""
    if phrase.startswith("re:"):
        # \b means a Latin word edge, so "BR的D1" still has a word "D1".
        return phrase[3:].replace(r"\b", _EDGE)
    phrase = _normalize(str(phrase)).lower()
    body = re.escape(phrase)
    if re.match(rf"[{_LATIN}]", phrase):
        body = rf"(?<![{_LATIN}])" + body
    if re.search(rf"[{_LATIN}]$", phrase):
        body += rf"(?![{_LATIN}])"
    return body


@lru_cache(maxsize=256)
def _compiled(phrase: str) -> re.Pattern[str]:
    return re.compile(_pattern(phrase))


def _alternation(phrases: list[str]) -> str:
    return "|".join(_pattern(p) for p in sorted(phrases, key=len, reverse=True))


def _any(phrases: list[str], text: str) -> bool:
    return any(_compiled(p).search(text) for p in phrases)


def example_questions(lang: Language) -> list[str]:
    """Example questions to offer (clickable in the UI), in the given language."""
    return list(_vocab()["examples"][lang])


# --- text preparation ------------------------------------------------------------------------


def detect_language(text: str) -> Language:
    """'zh' when Chinese characters carry the question, else 'en' ("BR的D1" is Chinese)."""
    han = len(_HAN.findall(text))
    # Codes, acronyms and platform names (BR, DAU, D1, iOS) are language-neutral.
    words = [
        w
        for w in _WORD.findall(text)
        if not (w.isupper() or any(c.isdigit() for c in w) or w.lower() in ("ios", "android"))
    ]
    return "zh" if han and han >= len(words) else "en"


def _zh_number(text: str) -> int:
    if "十" not in text:
        return int("".join(str(_ZH_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_ZH_DIGITS.get(tens, 1) if tens else 1) * 10 + (_ZH_DIGITS.get(ones, 0) if ones else 0)


def _normalize(text: str) -> str:
    """Full-width to ASCII, and numbers in words before a unit to digits (七日 -> 7日)."""
    text = unicodedata.normalize("NFKC", text)
    text = _ZH_NUMBER.sub(lambda m: str(_zh_number(m.group(1))), text)
    words = _vocab()["number_words"]["en"]
    unit = r"(?=[\s-]+(?:days?|weeks?|months?|hours?|seconds?)\b)"
    alt = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return re.sub(rf"(?i)\b({alt}){unit}", lambda m: str(words[m.group(1).lower()]), text)


def _lower(text: str) -> str:
    # Keep the length so positions line up with the case-kept text.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _resolve(cands: list[tuple[int, int, Any]]) -> list[tuple[int, int, Any]]:
    """Longest matches first, no overlaps; returned in text order."""
    taken: list[tuple[int, int, Any]] = []
    for c in sorted(cands, key=lambda c: (c[0] - c[1], c[0])):
        if all(c[1] <= t[0] or c[0] >= t[1] for t in taken):
            taken.append(c)
    return sorted(taken, key=lambda c: c[0])


# --- dates -----------------------------------------------------------------------------------


def _month_re() -> str:
    d = _vocab()["dates"]
    names = sorted(d["months"] + d["month_abbr"], key=len, reverse=True)
    return r"(?<![a-z])(" + "|".join(names) + r")\.?(?![a-z])"


def _month_no(name: str) -> int:
    return [m[:3] for m in _vocab()["dates"]["months"]].index(name[:3]) + 1


def _make(y: int, m: int, d: int, span: tuple[int, int]) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise _DateProblem("invalid_date", *span) from None


def _infer_year(m: int, d: int, latest: date) -> int:
    # The most recent such day not after the latest day in the data.
    return latest.year if (m, d) <= (latest.month, latest.day) else latest.year - 1


def _date_tokens(low: str, latest: date) -> list[tuple[int, int, tuple[date, date, bool]]]:
    """Explicit days and months: (start, end, (first, last, has_year))."""
    mon = _month_re()
    out: list[tuple[int, int, tuple[date, date, bool]]] = []

    def day(m: re.Match[str], y: str | None, mo: int, d: str) -> None:
        yy = int(y) if y else _infer_year(mo, int(d), latest)
        when = _make(yy, mo, int(d), m.span())
        out.append((m.start(), m.end(), (when, when, bool(y))))

    for m in re.finditer(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)", low):
        day(m, m.group(1), int(m.group(2)), m.group(3))
    for m in re.finditer(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]", low):
        day(m, m.group(1), int(m.group(2)), m.group(3))
    for m in re.finditer(mon + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?!\d)(?:,?\s+(\d{4}))?", low):
        day(m, m.group(3), _month_no(m.group(1)), m.group(2))
    for m in re.finditer(
        r"(?<![a-z0-9])(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + mon + r"(?:,?\s+(\d{4}))?", low
    ):
        day(m, m.group(3), _month_no(m.group(2)), m.group(1))
    context = "|".join(_vocab()["dates"]["month_context"])
    months = [
        (m.start(), m.end(), m.group(1), int(m.group(2)))
        for m in re.finditer(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月份?", low)
    ]
    for m in re.finditer(rf"(?:\b({context})\s+)?{mon}(?:\s+(\d{{4}})|(?!\s*\d))", low):
        # "may" and "march" are also plain words: only with a preposition or a year.
        if m.group(2).startswith(("may", "mar")) and not (m.group(1) or m.group(3)):
            continue
        months.append((m.start(2), m.end(), m.group(3), _month_no(m.group(2))))
    for start, end, y, mo in months:
        if not 1 <= mo <= 12:
            continue
        yy = int(y) if y else (latest.year if mo <= latest.month else latest.year - 1)
        first = date(yy, mo, 1)
        last = date(yy, mo, calendar.monthrange(yy, mo)[1])
        last = min(last, latest) if first <= latest else last
        out.append((start, end, (first, last, bool(y))))
    for m in re.finditer(r"\bweek\s*(\d{2})\b|\bw(\d{2})\b|第\s*(\d{2})\s*周", low):
        wk = int(m.group(1) or m.group(2) or m.group(3))
        yy = latest.year if wk <= latest.isocalendar()[1] else latest.year - 1
        try:
            first = date.fromisocalendar(yy, wk, 1)
        except ValueError:
            raise _DateProblem("invalid_date", *m.span()) from None
        out.append((m.start(), m.end(), (first, first + timedelta(days=6), True)))
    return out


def _relative(low: str, latest: date) -> list[tuple[int, int, tuple[date, date, bool]]]:
    """Named periods (last week, 上个月) and 'past N days/weeks/months'."""
    d = _vocab()["dates"]
    monday = week_monday(latest)
    last_sunday = last_complete_week(latest) + timedelta(days=6)
    month_start = latest.replace(day=1)
    month_end = latest.day == calendar.monthrange(latest.year, latest.month)[1]
    prev_month_end = latest if month_end else month_start - timedelta(days=1)
    named = {
        "today": (latest, latest),
        "yesterday": (latest, latest),
        "day_before_yesterday": (latest - timedelta(days=1),) * 2,
        "this_week": (monday, latest),
        "last_week": (last_sunday - timedelta(days=6), last_sunday),
        "week_before_last": (last_sunday - timedelta(days=13), last_sunday - timedelta(days=7)),
        "last_weekend": (last_sunday - timedelta(days=1), last_sunday),
        "this_month": (month_start, latest),
        "last_month": (prev_month_end.replace(day=1), prev_month_end),
        "this_year": (date(latest.year, 1, 1), latest),
    }
    out = []
    for key, (first, last) in named.items():
        for m in re.finditer(_alternation(d[key]), low):
            out.append((m.start(), m.end(), (first, last, True)))
    units = {u: _alternation(words) for u, words in d["units"].items()}
    unit_alt = "|".join(f"(?P<{u}>{alt})" for u, alt in units.items())
    recent = re.compile(rf"(?:{_alternation(d['recent'])})\s*(?:the\s*)?(\d+)?\s*(?:{unit_alt})")
    size = {"day": 1, "week": 7, "fortnight": 14, "month": 30}
    for m in recent.finditer(low):
        unit = next(u for u in size if m.group(u))
        # "past week" is 7 days; a bare "近日" (lately) or "last day" is no period.
        if m.group(1) is None and (unit == "day" or _HAN.search(m.group(0))):
            continue
        span_days = int(m.group(1) or 1) * size[unit]
        if span_days > 0:
            try:
                first = latest - timedelta(days=span_days - 1)
            except (OverflowError, ValueError):  # "last 99999999 days"
                raise _DateProblem("invalid_date", *m.span()) from None
            out.append((m.start(), m.end(), (first, latest, True)))
    return out


def _find_dates(low: str, latest: date) -> tuple[tuple[date, date] | None, list[tuple[int, int]]]:
    """The question's date range and the spans it was read from."""
    d = _vocab()["dates"]
    found = _resolve(_date_tokens(low, latest) + _relative(low, latest))
    if not found:
        return None, []
    to_re = rf"^\s*(?:{_alternation(d['range_to'])})\s*$"
    since_after = rf"^\s*(?:{_alternation(d['since'])})"
    a, b, (first, last, has_year) = found[0]
    nxt = found[1] if len(found) > 1 else None
    if nxt and re.match(to_re, low[b : nxt[0]]):
        end_first, last, end_year = nxt[2]
        if not end_year and has_year and end_first.year != first.year:
            last = last.replace(year=first.year)
        b = nxt[1]
    elif tail := re.match(
        r"\s*(?:-|–|~|to|到|至)\s*(\d{1,2})(?:st|nd|rd|th|日|号)?(?!\d)", low[b:]
    ):
        # "Nov 2-8", "11月2日到8日": the end day shares the start's month.
        last = _make(first.year, first.month, int(tail.group(1)), (a, b + tail.end()))
        b += tail.end()
    elif (m := re.match(since_after, low[b:])) or re.search(r"\bsince\s*$", low[:a]):
        last = latest
        b += m.end() if m else 0
    if first > last:
        raise _DateProblem("invalid_range", a, b)
    return (first, last), [(a, b)] + [(s, e) for s, e, _ in found[1:]]


# --- slots -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _phrase_table() -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    """Every consuming phrase with what it means: ('tool', name, weight), ('group', value) ..."""
    v = _vocab()
    table = []
    for name, spec in v["tools"].items():
        for weight, key in ((2, "strong"), (1, "weak")):
            table += [(p, ("tool", name, str(weight))) for p in spec.get(key, [])]
    for value, words in v["group_by"].items():
        table += [(p, ("group", value)) for p in words]
    for value, words in v["platforms"].items():
        table += [(p, ("platform", value)) for p in words]
    for what, words in v["reset"].items():
        table += [(p, ("reset", what)) for p in words]
    return [(_compiled(p), meaning) for p, meaning in table]


def _numbers(table: list[list[Any]], text: str) -> list[tuple[int, int, Any]]:
    """Matches of (pattern, value-or-multiplier) rows: the number read, or the fixed value."""
    cands = []
    for phrase, value in table:
        for m in _compiled(str(phrase)).finditer(text):
            if m.groups():
                num = float(m.group(1)) * (value or 1)
                cands.append((m.start(), m.end(), int(round(num))))
            else:
                cands.append((m.start(), m.end(), value))
    return _resolve(cands)


def _read(norm: str, low: str) -> tuple[dict[str, Any], dict[str, int], dict[str, int]]:
    """Slots (segments, breakdown, resets) plus tool scores and first positions."""
    cands = [
        (m.start(), m.end(), meaning) for rx, meaning in _phrase_table() for m in rx.finditer(low)
    ]
    cands += [
        (p.start, p.end, ("place", p.kind, p.code)) for p in find_places(norm, _vocab()["places"])
    ]
    slots: dict[str, Any] = {"countries": [], "regions": [], "platforms": [], "reset": set()}
    scores: dict[str, int] = {}
    first_at: dict[str, int] = {}
    for start, _, meaning in _resolve(cands):
        kind = meaning[0]
        if kind == "tool":
            scores[meaning[1]] = scores.get(meaning[1], 0) + int(meaning[2])
            first_at.setdefault(meaning[1], start)
        elif kind == "group":
            slots.setdefault("group_by", meaning[1])
        elif kind == "platform":
            slots["platforms"].append(meaning[1])
        elif kind == "reset":
            slots["reset"].add(meaning[1])
        else:
            slots["countries" if meaning[1] == "country" else "regions"].append(meaning[2])
    for name, spec in _vocab()["tools"].items():
        for words in spec.get("together", []):
            if all(_compiled(w).search(low) for w in words):
                scores[name] = scores.get(name, 0) + 2
                first_at.setdefault(name, min(_compiled(w).search(low).start() for w in words))
    for key in ("countries", "regions", "platforms"):
        slots[key] = list(dict.fromkeys(slots[key]))
    if "group_by" not in slots and _any(_vocab()["compare"], low):
        for key, group in (
            ("countries", "country"),
            ("regions", "region"),
            ("platforms", "platform"),
        ):
            if len(slots[key]) >= 2:
                slots["group_by"] = group
                break
    return slots, scores, first_at


def _specific(low: str) -> dict[str, Any]:
    """Tool-specific values named in the question, keyed by parameter name."""
    v = _vocab()
    out: dict[str, Any] = {}
    days = sorted({n for _, _, n in _numbers(v["retention_days"], low) if 0 < n <= 90})
    if days:
        out["days"] = days
    for key in ("threshold_ms", "window_days"):
        found = _numbers(v[key], low)
        if found and found[0][2] > 0:
            out[key] = found[0][2]
    acts = [
        (m.start(), m.end(), name)
        for name, words in v["actions"].items()
        for p in words
        for m in _compiled(p).finditer(low)
    ]
    if acts:
        out["actions"] = list(dict.fromkeys(a for _, _, a in _resolve(acts)))
    return out


def _asks_action_share(low: str, specific: dict[str, Any]) -> bool:
    """'What share of users sent a gift?': an action word plus a share word."""
    share = _vocab()["action_share"]
    actions = [a for a in specific.get("actions", []) if a not in share["ignore"]]
    return bool(actions) and _any(share["words"], low)


# --- planning --------------------------------------------------------------------------------


def _reply(lang: Language, kind: str, text: str = "") -> Plan:
    template = _vocab()["replies"][kind][lang].strip()
    lines = [template.replace("{text}", text)] + [f"- {q}" for q in example_questions(lang)]
    return Plan(lang, [], "\n".join(lines))


def _allowed_group(tool: str, group: str | None) -> bool:
    allowed = _vocab()["tools"][tool].get("group_by")
    return group is not None and (allowed is None or group in allowed)


def _replace(args: dict[str, Any], key: str, values: list[str], add: bool) -> None:
    """Put a new list slot in place of the old one ("add Mexico" keeps the old values)."""
    old = args.pop(key, [])
    if merged := list(dict.fromkeys((old if add else []) + values)):
        args[key] = merged


def _call(
    tool: str,
    base: dict[str, Any],
    slots: dict[str, Any],
    specific: dict[str, Any],
    add: bool = False,
) -> ToolCall:
    """base args (empty for a new question) with the question's own slots put over them."""
    args = dict(base)
    if "start" in slots:
        args["start"], args["end"] = slots["start"], slots["end"]
    if slots["countries"] or slots["regions"] or "places" in slots["reset"]:
        for key in ("countries", "regions"):
            _replace(args, key, slots[key], add)
    if slots["platforms"] or "platforms" in slots["reset"]:
        _replace(args, "platforms", slots["platforms"], add)
    if "group_by" in slots or "group_by" in slots["reset"]:
        args.pop("group_by", None)
        if slots.get("group_by") not in (None, "none"):
            args["group_by"] = slots["group_by"]
    if not _allowed_group(tool, args.get("group_by")):
        args.pop("group_by", None)
    if (param := SPECIFIC.get(tool)) and param in specific:
        args[param] = specific[param]
    return ToolCall(tool, args)


def plan(question: str, *, latest_day: date, previous: ToolCall | None = None) -> Plan:
    """Plan the tool calls for one question (or a reply when there is nothing safe to run).

    Args:
        latest_day: the latest complete day in the data; relative dates resolve against it.
        previous: the last call made in this conversation, so follow-ups ("and for
            Indonesia?", "那按周看呢？") change one slot of it and keep the rest.
    """
    v = _vocab()
    lang = detect_language(question)
    norm = _normalize(question)
    low = _lower(norm)
    if _any(v["refuse"], low):
        return _reply(lang, "refusal")
    if _any(v["out_of_scope"], low):
        return _reply(lang, "out_of_scope")
    try:
        period, spans = _find_dates(low, latest_day)
    except _DateProblem as problem:
        return _reply(lang, problem.kind, norm[problem.start : problem.end].strip())
    low, norm = _blank(low, spans), _blank(norm, spans)
    slots, scores, first_at = _read(norm, low)
    if period:
        slots["start"], slots["end"] = period[0].isoformat(), period[1].isoformat()
    specific = _specific(low)
    if _asks_action_share(low, specific):
        # A strong word: "share of active users who joined a room" ties with "active users"
        # and core_action_rate wins on priority.
        scores["core_action_rate"] = scores.get("core_action_rate", 0) + 2
        first_at.setdefault("core_action_rate", 0)
    has_slots = any(slots[k] for k in ("countries", "regions", "platforms", "reset")) or (
        "start" in slots or "group_by" in slots
    )
    followup = previous is not None and _any(v["followup"], low)
    # With a previous question, a weak word alone ("overall", "怎么样") does not start a new one.
    if previous is not None and has_slots and max(scores.values(), default=0) < 2:
        scores = {}
    if not scores:
        if previous is not None and previous.name in v["tools"]:
            own = SPECIFIC.get(previous.name)
            if has_slots or (own and own in specific):
                add = _any(v["followup_add"], low)
                return Plan(lang, [_call(previous.name, previous.args, slots, specific, add)])
            if followup:
                return _reply(lang, "followup_unclear")
        return _reply(lang, "clarify")
    order = list(v["tools"])
    ranked = sorted(scores, key=lambda t: (-scores[t], order.index(t)))
    tools = ranked[:1]
    strong = [t for t in ranked if scores[t] >= 2]
    if len(strong) > 1 and set(strong) <= set(v["combinable"]) and _any(v["conjunctions"], low):
        tools = sorted(strong, key=lambda t: first_at[t])
    calls = []
    for tool in tools:
        base: dict[str, Any] = {}
        if followup and previous is not None:
            base = {k: val for k, val in previous.args.items() if k in COMMON}
            if previous.name == tool and (own := SPECIFIC.get(tool)) in previous.args:
                base[own] = previous.args[own]
        calls.append(_call(tool, base, slots, specific))
    return Plan(lang, calls)

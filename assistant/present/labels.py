"""How things are named for a reader, in English and Chinese: segments, columns, weekdays.

The one home for names: answers, tables, charts and the weekly report all call these.
Weekday and list wording come from Babel (CLDR); platform and channel names from
prompts/labels.yaml; country and region names from the region table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from babel.dates import get_day_names
from babel.lists import format_list

from assistant.prompts import load_yaml
from assistant.store.regions import countries, region_name

if TYPE_CHECKING:
    from assistant.metrics.registry import Metric

_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


def _names() -> dict[str, Any]:
    return load_yaml("labels.yaml")


def column_label(metric: Metric, column: str | None, lang: str) -> str:
    """A result column's heading in `lang` ('rate' -> 'Retention rate' / '留存率')."""
    if not column:
        return ""
    spec = metric.columns.get(column)
    return getattr(spec, lang, column) if spec else column


@cache
def _weekdays(lang: str, width: str) -> tuple[str, ...]:
    days = get_day_names(width, locale=lang)
    return tuple(str(days[i]) for i in range(7))


def weekday_name(iso_day: int, lang: str, short: bool = False) -> str:
    """1 = Monday: 'Monday' ('Mon' when short); Chinese writes 周一 either way."""
    width = "abbreviated" if short or lang == "zh" else "wide"
    return _weekdays(lang, width)[int(iso_day) - 1]


def join(items: Sequence[Any], lang: str, style: str = "standard") -> str:
    """'Brazil, Indonesia, and Mexico' / '巴西、印尼和墨西哥'; style 'or': 'D1 or D7'."""
    items = [str(i) for i in items]
    return format_list(items, style=style, locale=lang) if items else ""


def platform_name(code: Any, lang: str) -> str:
    entry = _names()["platforms"].get(code)
    return entry[lang] if entry else str(code)


def channel_name(code: Any, lang: str) -> str:
    entry = _names()["channels"].get(code)
    return entry[lang] if entry else str(code)


def country_name(code: Any, lang: str) -> str:
    return countries()[code].name(lang) if code in countries() else str(code)


def week_name(label: Any, lang: str) -> str:
    """'2026-W47' as people write it: '2026-W47' / '2026年第47周'."""
    if m := _WEEK.match(str(label)):
        return _names()["week_name"][lang].format(year=int(m[1]), week=int(m[2]))
    return str(label)


def all_label(lang: str, in_sentence: bool = False) -> str:
    """The "all" segment: 'All users' in a table or legend, 'all users' in a sentence."""
    return _names()["all_users" if in_sentence else "all_segment"][lang]


def segment_name(value: Any, group_by: str, lang: str, with_code: bool = False) -> str:
    """How a segment value reads: a country or region name, a platform, a channel, a week.

    `with_code` keeps a country's code beside its name ('Brazil (BR)') for tables.
    """
    if value in (None, "all"):
        return all_label(lang, in_sentence=True)
    if group_by == "country" and value in countries():
        name = country_name(value, lang)
        return f"{name} ({value})" if with_code else name
    if group_by == "region":
        return region_name(str(value), lang)
    if group_by == "platform":
        return platform_name(value, lang)
    if group_by == "channel":
        return channel_name(value, lang)
    if group_by == "week":
        return week_name(value, lang)
    return str(value)


def place_names(params: dict[str, Any], lang: str) -> list[str]:
    """The country and region filters of a question, by name; a group of markets asked
    for as such (APAC, Africa, 港澳台) by the group's name."""
    from assistant.store.regions import place_groups

    codes = params.get("countries") or []
    regions = params.get("regions") or []
    chosen = {("country", c) for c in codes} | {("region", r) for r in regions}
    for group in place_groups():
        if set(group.members) == chosen:
            return [group.name(lang)]
    names = [country_name(c, lang) for c in codes if c in countries()]
    return names + [region_name(r, lang) for r in regions]


def platform_names(params: dict[str, Any], lang: str) -> list[str]:
    return [platform_name(p, lang) for p in params.get("platforms") or []]

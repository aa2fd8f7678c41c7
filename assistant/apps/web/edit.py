"""Editable answers: the same vetted metric again with another period, market, platform or split.

No model is involved: the new parameters go straight to the catalog, and the conversation
records the change as a follow-up, so a question typed afterwards builds on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from assistant.agent.graph import Conversation
from assistant.errors import UserError
from assistant.metrics.catalog import Catalog, MetricResult
from assistant.present import labels, narrative
from assistant.store import contract
from assistant.store.regions import REGION_NAMES, countries, region_name

from .periods import CUSTOM, PRESETS, preset_of, preset_range, previous_range
from .render import segment_name
from .text import ui_label, ui_text

REGION_PREFIX = "region:"  # region codes can equal country codes (NA: North America, Namibia)


@dataclass
class Edit:
    """What the controls under an answer say."""

    period: str = CUSTOM
    start: str | None = None
    end: str | None = None
    markets: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    breakdown: str | None = None


def period_choices(lang: str) -> list[tuple[str, str]]:
    return [(ui_label("period_names", p, lang), p) for p in (*PRESETS, CUSTOM)]


def market_choices(lang: str) -> list[tuple[str, str]]:
    """Regions first, then every country, by name in `lang`."""
    regions = [(region_name(r, lang), REGION_PREFIX + r) for r in REGION_NAMES]
    places = sorted(((c.name(lang), code) for code, c in countries().items()),
                    key=lambda p: p[0])
    return regions + places


def breakdown_choices(result: MetricResult, lang: str) -> list[tuple[str, str]]:
    param = result.metric.params.get("group_by")
    allowed = param.allowed if param else ()
    return [(ui_label("breakdown_names", g, lang), g) for g in allowed]


def platform_choices(lang: str) -> list[tuple[str, str]]:
    return [(labels.platform_name(p, lang), p) for p in contract.PLATFORMS]


def edit_of(result: MetricResult, latest: date | None) -> Edit:
    """The controls' values for a result."""
    p = result.params
    start, end = p.get("start"), p.get("end")
    period = CUSTOM
    if start and end and latest:
        period = preset_of(date.fromisoformat(start), date.fromisoformat(end), latest)
    markets = [REGION_PREFIX + r for r in p.get("regions") or []] + list(p.get("countries") or [])
    return Edit(period, start, end, markets, list(p.get("platforms") or []), p.get("group_by"))


def args_for(result: MetricResult, edit: Edit, latest: date) -> dict[str, Any]:
    """The metric's arguments with the controls' values put in (only what it takes)."""
    params = result.metric.params
    args = {k: v for k, v in result.params.items() if k in params}
    if "start" in params:
        if edit.period in PRESETS:
            start, end = preset_range(edit.period, latest)
            args["start"], args["end"] = start.isoformat(), end.isoformat()
        else:
            args["start"] = edit.start or args.get("start")
            args["end"] = edit.end or args.get("end")
    regions = [m.removeprefix(REGION_PREFIX) for m in edit.markets if m.startswith(REGION_PREFIX)]
    places = [m for m in edit.markets if not m.startswith(REGION_PREFIX)]
    if "regions" in params:
        args["regions"] = regions
    if "countries" in params:
        args["countries"] = places
    if "platforms" in params:
        args["platforms"] = list(edit.platforms)
    if "group_by" in params and edit.breakdown in params["group_by"].allowed:
        args["group_by"] = edit.breakdown
    return args


def previous_period(catalog: Catalog, result: MetricResult) -> MetricResult | None:
    """The same metric over the equal-length range before; None when there is no such data."""
    start, end = result.params.get("start"), result.params.get("end")
    if not start or not end:
        return None
    before = previous_range(date.fromisoformat(start), date.fromisoformat(end))
    args = {k: v for k, v in result.params.items() if k in result.metric.params}
    args["start"], args["end"] = before[0].isoformat(), before[1].isoformat()
    try:
        previous = catalog.run(result.metric.name, args)
    except UserError:
        return None
    if previous.params.get("start") != args["start"] or previous.notes:
        return None  # moved or cut: not the equal-length range before
    return previous


def unsplit(catalog: Catalog, result: MetricResult) -> MetricResult:
    """The same answer as one total when it is a day or week trend; otherwise itself."""
    if result.params.get("group_by") not in ("day", "week"):
        return result
    args = {k: v for k, v in result.params.items() if k in result.metric.params}
    return catalog.run(result.metric.name, {**args, "group_by": "none"})


def describe(result: MetricResult, lang: str) -> str:
    """The change as a follow-up reads in the chat: 'Same, for 2026-11-09 to ... · Brazil'."""
    p = result.params
    parts = [ui_text("period_text", lang, start=p.get("start"), end=p.get("end"))]
    names = [region_name(r, lang) for r in p.get("regions") or []]
    names += [segment_name(c, "country", lang) for c in p.get("countries") or []]
    names += labels.platform_names(p, lang)
    parts.append(", ".join(names) if names else ui_text("segment_all", lang))
    if p.get("group_by", "none") != "none":
        parts.append(ui_label("breakdown_names", p["group_by"], lang))
    return ui_text("edit_note", lang, title=result.metric.title[lang], what=" · ".join(parts))


def record(conv: Conversation, result: MetricResult, note: str, answer: str) -> None:
    """Put the change in the conversation as a question, a tool call, its result and the answer."""
    call_id = f"edit_{len(conv.messages)}"
    args = {k: v for k, v in result.params.items() if k in result.metric.params}
    conv.messages += [
        HumanMessage(note),
        AIMessage(content="", tool_calls=[{"name": result.metric.name, "args": args,
                                           "id": call_id, "type": "tool_call"}]),
        ToolMessage(result.summary(), tool_call_id=call_id, name=result.metric.name,
                    artifact=result),
        AIMessage(content=answer),
    ]


def narrate(result: MetricResult, lang: str) -> str:
    return narrative.narrate(result, lang)

"""Answers in words: narratives of metric results, follow-ups, and a check of an LLM's figures.

What an answer says is decided in assistant/present/stories.py (facts, once for both
languages); its wording lives in prompts/narratives.yaml. This module puts the sentences
together as one paragraph, adds the range and privacy notes, and offers follow-ups.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import ToolMessage

from assistant.metrics.catalog import MetricResult
from assistant.present import labels
from assistant.present.facts import Story
from assistant.present.stories import tell
from assistant.prompts import load_yaml, text

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
_CJK_PUNCT = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20"


def _filters(result: MetricResult, lang: str) -> str:
    """The question's filters as the closing line names them: 'Brazil and Mexico; iOS'."""
    parts = []
    if places := labels.place_names(result.params, lang):
        parts.append(labels.join(places, lang))
    if platforms := labels.platform_names(result.params, lang):
        parts.append("/".join(platforms))
    return load_yaml("narratives.yaml")["_words"][lang]["filter_sep"].join(parts)


def _tidy(body: str) -> str:
    """One paragraph: template line breaks are layout; no stray space before punctuation."""
    lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
    out = ""
    for ln in lines:
        if out and not re.search(f"[{_CJK}]$", out) and not re.match(f"[{_CJK}]", ln):
            out += " "
        out += ln
    out = re.sub(r" +([.,;:!?])", r"\1", out)
    # a Latin word inside Chinese text stands apart: "以 iOS 端最高"
    out = re.sub(f"([{_HAN}])([A-Za-z])", r"\1 \2", out)
    out = re.sub(f"([A-Za-z])([{_HAN}])", r"\1 \2", out)
    out = re.sub(f"(?<=[{_HAN}]) (?=[{_HAN}])", "", out)
    out = re.sub(f" *([{_CJK_PUNCT}]) *", r"\1", out)
    return re.sub(r"  +", " ", out).strip()


def narrate(result: MetricResult, lang: str) -> str:
    """The explanation of one metric result: its sentences, then the range and notes."""
    body = _tidy(("" if lang == "zh" else " ").join(tell(Story(result, lang))))
    resolved = text(
        "resolved", lang, start=result.params.get("start"), end=result.params.get("end"),
        filters=_filters(result, lang),
    )
    extra = []
    if result.suppressed:
        extra.append(text("suppressed_groups", lang, n=result.suppressed))
    extra += [text("note", lang, note=n) for n in result.notes]
    return "\n\n".join([body, ("" if lang == "zh" else " ").join([resolved, *extra])])


def _offered(item: dict[str, Any], params: dict[str, Any]) -> bool:
    """Whether a follow-up adds something: no breakdown the answer has or its filter pins."""
    countries_, regions = params.get("countries") or [], params.get("regions") or []
    if item.get("when") == "place_filter" and not (countries_ or regions):
        return False
    group = item.get("group_by")
    if group is None:
        return True
    pinned = {
        "country": len(countries_) == 1,
        "region": len(regions) == 1 or (len(countries_) == 1 and not regions),
        "platform": len(params.get("platforms") or []) == 1,
    }
    return group != params.get("group_by", "none") and not pinned.get(group, False)


def suggestions(result: MetricResult, lang: str) -> list[str]:
    """Two follow-up questions for this result, skipping ones that would add nothing."""
    items = load_yaml("followups.yaml").get(result.metric.name) or []
    return [i[lang] for i in items if _offered(i, result.params)][:2]


def compose(tool_messages: Sequence[ToolMessage], lang: str) -> str:
    """The offline answer: one narrative per tool result, plain messages for failures."""
    parts = []
    for msg in tool_messages:
        artifact = getattr(msg, "artifact", None)
        if isinstance(artifact, MetricResult):
            parts.append(narrate(artifact, lang))
        else:
            reason = msg.content if isinstance(msg.content, str) else str(msg.content)
            parts.append(text("tool_failed", lang, metric=msg.name or "", reason=reason))
    return "\n\n".join(parts)


_NUMBER = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?")


def _candidates(value: Any, kind: str) -> set[str]:
    """Every way a figure may fairly be written: raw, rounded, as a percentage."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return set(_NUMBER.findall(str(value))) if value is not None else set()
    out = set()
    nums = [float(value)]
    if kind == "pct":
        nums.append(value * 100)
    for v in nums:
        for digits in range(0, 4):
            out.add(f"{round(v, digits):.{digits}f}")
        out.add(str(int(v)) if v == int(v) else f"{v}")
    return {s.rstrip("0").rstrip(".") if "." in s else s for s in out}


def unsupported_numbers(answer: str, results: Sequence[MetricResult]) -> list[str]:
    """Numbers in an answer that no tool result (nor its dates and parameters) supports."""
    allowed: set[str] = set()
    for r in results:
        for row in r.rows:
            for col, value in row.items():
                column = r.metric.columns.get(col)
                allowed |= _candidates(value, column.format if column else "text")
        for value in r.params.values():
            for v in value if isinstance(value, list) else [value]:
                allowed |= _candidates(v, "text")
    allowed |= {str(n) for n in range(0, 32)}  # ordinals, small counts, day numbers
    loose = []
    for raw in _NUMBER.findall(answer):
        token = raw.replace(",", "")
        norm = token.rstrip("0").rstrip(".") if "." in token else token
        if norm not in allowed and norm.lstrip("-") not in allowed:
            loose.append(raw)
    return loose

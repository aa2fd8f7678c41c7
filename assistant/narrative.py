"""Answers in words: framework-aware narratives from templates, and a check of an LLM's figures."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import ToolMessage

from assistant.catalog import MetricResult
from assistant.numbers import fmt
from assistant.prompts import load_yaml, render_string, text
from assistant.regions import countries, region_name


def _segment_name(value: Any, group_by: str, lang: str) -> str:
    if value in (None, "all"):
        return "全部用户" if lang == "zh" else "all users"
    if group_by == "country" and value in countries():
        return countries()[value].name(lang)
    if group_by == "region":
        return region_name(str(value), lang)
    return str(value)


def _filters(result: MetricResult, lang: str) -> str:
    p = result.params
    parts = []
    if p.get("countries"):
        parts.append("、".join(countries()[c].name(lang) for c in p["countries"] if c in countries()))
    if p.get("regions"):
        parts.append("、".join(region_name(r, lang) for r in p["regions"]))
    if p.get("platforms"):
        parts.append("/".join(p["platforms"]))
    return ("，" if lang == "zh" else ", ").join(parts)


def context(result: MetricResult, lang: str) -> dict[str, Any]:
    """What a narrative template can use: rows, ranked extremes, framework wording."""
    metric = result.metric
    group_by = result.params.get("group_by", "none")
    key = metric.headline[0] if metric.headline else None
    rows = result.visible_rows
    ranked = sorted((r for r in rows if key and r.get(key) is not None), key=lambda r: r[key])
    framework = load_yaml("framework.yaml")
    return {
        "m": metric,
        "title": metric.title[lang],
        "p": result.params,
        "rows": rows,
        "n_rows": len(result.rows),
        "suppressed": result.suppressed,
        "group_by": group_by,
        "key": key,
        "highest": ranked[-1] if ranked else None,
        "lowest": ranked[0] if ranked else None,
        "filters": _filters(result, lang),
        "dimension": framework["dimensions"][metric.dimension][lang],
        "lens": framework["lenses"].get(metric.name, {}).get(lang, ""),
        "seg": lambda v: _segment_name(v, group_by, lang),
        "f": lambda v, col: fmt(v, metric.columns[col].format) if col in metric.columns else fmt(v),
        "lang": lang,
    }


def narrate(result: MetricResult, lang: str) -> str:
    """The explanation of one metric result, from its template in prompts/narratives.yaml."""
    templates = load_yaml("narratives.yaml")
    entry = templates.get(result.metric.name) or templates["_default"]
    body = render_string(entry[lang], **context(result, lang))
    resolved = text(
        "resolved", lang, start=result.params.get("start"), end=result.params.get("end"),
        filters=_filters(result, lang),
    )
    extra = []
    if result.suppressed:
        extra.append(text("suppressed_groups", lang, n=result.suppressed))
    extra += [text("note", lang, note=n) for n in result.notes]
    return "\n\n".join([body, " ".join([resolved, *extra])])


def suggestions(result: MetricResult, lang: str) -> list[str]:
    """One or two useful follow-up questions for this result."""
    entry = load_yaml("followups.yaml").get(result.metric.name) or {}
    return list(entry.get(lang, []))[:2]


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

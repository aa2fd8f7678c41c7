"""Change explanations and alerts in words: direction and size first, then the verdict, the
segments the change came from, and one next question. All words are in prompts/change.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from langchain_core.messages import ToolMessage

from assistant.metrics.catalog import Catalog
from assistant.metrics.change.alerts import WEEKS, Alert, alerts
from assistant.metrics.change.decompose import OTHER, REST, Part
from assistant.metrics.change.figures import FIGURES
from assistant.metrics.change.result import ChangeResult
from assistant.present import labels, narrative
from assistant.present.numbers import fmt

FLAT = 0.0005  # |relative change| (or pp of a rate) that reads as steady


def _w() -> dict[str, Any]:
    from assistant.prompts import load_yaml

    return load_yaml("change.yaml")


def _t(key: str, lang: str, **values: Any) -> str:
    entry = _w()
    for part in key.split("."):
        entry = entry[part]
    return str(entry[lang]).format(**values)


def figure_name(name: str, lang: str) -> str:
    return _w()["figures"][name][lang]


def expected_direction(question: str, lang: str) -> str | None:
    """Which way the question assumes the figure went ('down', 'up'), if it says."""
    q = question.lower()
    found = []
    for side in ("down", "up"):
        for word in _w()["expects"][side][lang]:
            pattern = re.escape(word) if lang == "zh" else rf"\b{re.escape(word)}\b"
            if re.search(pattern, q):
                found.append(side)
                break
    return found[0] if len(found) == 1 else None


def segment_name(part: Part | None, split: str, segment: str, lang: str) -> str:
    if segment == OTHER:
        return _t("other", lang)
    if segment == REST:
        return _t("rest", lang)
    return labels.segment_name(segment, split, lang)


def _size(result: ChangeResult, lang: str) -> str:
    m = result.measured
    if m is None:
        return "—"
    if result.spec.rate_like:
        return f"{abs(m) * 100:.1f} pp" if lang == "en" else f" {abs(m) * 100:.1f} 个百分点"
    return f"{abs(m) * 100:.1f}%"


def _val(result: ChangeResult, value: float | None, lang: str) -> str:
    return fmt(value, result.spec.fmt, lang)


def lead(result: ChangeResult, lang: str, question: str = "") -> str:
    """The first sentence: the truthful direction and size of the change."""
    text = _lead(result, lang, question)
    return text[:1].upper() + text[1:]


def _lead(result: ChangeResult, lang: str, question: str) -> str:
    name = figure_name(result.spec.name, lang)
    m = result.measured
    values = {"figure": name, "a": _val(result, result.value_a, lang),
              "b": _val(result, result.value_b, lang), "size": _size(result, lang)}
    side = "flat" if m is None or abs(m) < FLAT else ("up" if m > 0 else "down")
    if result.versus == "segments":
        a_name = labels.segment_name(result.label_a, _split_of(result), lang)
        b_name = labels.segment_name(result.label_b, _split_of(result), lang)
        return _t("lead_segments", lang, **values, label_a=a_name, label_b=b_name,
                  period=result.b.label(),
                  side=_w()["side"][lang]["up" if (m or 0) >= 0 else "down"])
    values |= {"label_a": result.a.label(), "label_b": result.b.label()}
    verbs = _w()["verbs"][lang]
    if side == "flat":
        return _t("lead_flat", lang, **values)
    expected = expected_direction(question, lang)
    if expected is not None and expected != side:
        return _t("lead_contrary", lang, **values, expected=verbs[f"expect_{expected}"],
                  verb=verbs[side])
    return _t("lead", lang, **values, verb=verbs[side])


def _split_of(result: ChangeResult) -> str:
    for split, key in (("platform", "platforms"), ("country", "countries"),
                       ("region", "regions"), ("channel", "channels")):
        if len(result.params.get(key) or []) == 2:
            return split
    return "none"


def verdict(result: ChangeResult, lang: str) -> str:
    v = result.verdict
    f = result.fmt_change
    band = ""
    band_only = ""
    if v.band is not None:
        if abs(v.band.centre) < 0.1 * v.band.half:
            band_only = _t("band_sym", lang, half=f(v.band.half).lstrip("+"))
        else:
            band_only = _t("band_only", lang, low=f(v.band.low), high=f(v.band.high))
        band = _t("band", lang, low=f(v.band.low), high=f(v.band.high))
    lo, hi = (f(v.ci[0]), f(v.ci[1])) if v.ci else ("—", "—")
    return _t(f"verdicts.{v.key}", lang, lo=lo, hi=hi, band=band, band_only=band_only)


def contributors(result: ChangeResult, lang: str) -> str:
    if not result.top:
        return _t("broad", lang) if result.parts else ""
    items = []
    for p in result.top[:3]:
        name = segment_name(p, p.split, p.segment, lang)
        contribution = result.fmt_part(p.contribution, lang)
        if result.versus == "segments":
            split = _split_of(result)
            items.append(_t("contributor_segments", lang, name=name, contribution=contribution,
                            a=_val(result, p.a, lang), b=_val(result, p.b, lang),
                            label_a=labels.segment_name(result.label_a, split, lang),
                            label_b=labels.segment_name(result.label_b, split, lang)))
        elif abs(p.mix) > abs(p.rate):
            items.append(_t("contributor_mix", lang, name=name, contribution=contribution))
        else:
            items.append(_t("contributor", lang, name=name, contribution=contribution,
                            a=_val(result, p.a, lang), b=_val(result, p.b, lang)))
    text = _t("contributors", lang, items=labels.join(items, lang))
    if result.drill:
        top, inner = result.top[0], result.drill[0]
        text += (" " if lang == "en" else "") + _t(
            "drill", lang, outer=segment_name(top, top.split, top.segment, lang),
            inner=segment_name(inner, inner.split, inner.segment, lang),
            contribution=result.fmt_part(inner.contribution, lang))
    return text


def suggestions(result: ChangeResult, lang: str) -> list[str]:
    """One next question: into the segment that stands out most, else the weekly trend."""
    name = figure_name(result.spec.name, lang)
    top = next((p for p in result.top if p.split in ("country", "region", "platform")), None)
    if top is not None:
        seg = segment_name(top, top.split, top.segment, lang)
        return [_t("next.segment", lang, figure=name, segment=seg)]
    return [_t("next.trend", lang, figure=name)]


def narrate(result: ChangeResult, lang: str, question: str = "") -> str:
    """The whole answer: lead, verdict, contributors, privacy note, next question."""
    sep = "" if lang == "zh" else " "
    body = sep.join(x for x in (lead(result, lang, question), verdict(result, lang),
                                contributors(result, lang)) if x)
    extra = []
    if result.hidden:
        extra.append(_t("hidden", lang, n=result.hidden))
    extra += result.notes
    nxt = _t("next.next_label", lang) + suggestions(result, lang)[0]
    return "\n\n".join(x for x in (body, sep.join(extra), nxt) if x)


def compose(tool_messages: Sequence[ToolMessage], lang: str, question: str = "") -> str:
    """The offline answer: change explanations here, every other result as before."""
    parts = []
    for msg in tool_messages:
        artifact = getattr(msg, "artifact", None)
        if isinstance(artifact, ChangeResult):
            parts.append(narrate(artifact, lang, question))
        else:
            parts.append(narrative.compose([msg], lang))
    return "\n\n".join(parts)


def alert_lines(found: Sequence[Alert], lang: str, since: date, latest: date) -> list[str]:
    """Alerts in words: a heading and one line each, or the all-clear."""
    if not found:
        return [_t("alerts.none", lang, since=since, latest=latest)]
    lines = [_t("alerts.heading", lang, n=len(found), since=since, latest=latest, weeks=WEEKS)]
    for a in found:
        spec = FIGURES[a.figure]
        lines.append(_t(
            "alerts.line", lang, day=a.day.isoformat(),
            weekday=labels.weekday_name(a.day.isoweekday(), lang),
            figure=figure_name(a.figure, lang),
            direction=_w()["alerts"]["direction"][lang][a.direction],
            value=fmt(a.value, spec.fmt, lang), low=fmt(a.low, spec.fmt, lang),
            high=fmt(a.high, spec.fmt, lang), baseline=fmt(a.baseline, spec.fmt, lang)))
    return lines


def status_line(found: Sequence[Alert], lang: str) -> str | None:
    """One line for a status bar when something is flagged; None when all is quiet."""
    if not found:
        return None
    latest = max(found, key=lambda a: (a.day, abs(a.z)))
    first = alert_lines([latest], lang, latest.day, latest.day)[1]
    return _t("alerts.status", lang, n=len(found), first=first)


def alert_report(catalog: Catalog, since: date | None, lang: str
                 ) -> tuple[list[str], dict[str, Any]]:
    """The alerts from `since` (default: the last 7 days) as lines and as JSON."""
    from datetime import timedelta

    latest = catalog.latest_day()
    first = catalog.data_range.first_day or latest
    since = max(since or latest - timedelta(days=6), first)
    found = alerts(catalog, since)
    data = {"since": since.isoformat(), "latest": latest.isoformat(), "weeks": WEEKS,
            "alerts": [a.to_json() for a in found]}
    return alert_lines(found, lang, since, latest), data


def alert_status(catalog: Catalog, lang: str) -> str | None:
    """The status bar's line: the latest alert of the last 7 days, or None when all is quiet."""
    return status_line(alerts(catalog), lang)

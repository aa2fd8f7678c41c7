"""Answers in words: framework-aware narratives from templates, and a check of an LLM's figures.

All words live in prompts/narratives.yaml and prompts/framework.yaml; this module only
works out what the words need: extremes, first and last periods, top windows, gaps.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from langchain_core.messages import ToolMessage

from assistant.metrics.catalog import MetricResult
from assistant.present import labels
from assistant.present.numbers import fmt, points
from assistant.prompts import load_yaml, render_string, text

Row = dict[str, Any]
FLAT = 0.02  # a relative change under 2% either way reads as flat, like the scorecard verdict
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
_CJK_PUNCT = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20"


def _words(lang: str) -> dict[str, Any]:
    return load_yaml("narratives.yaml")["_words"][lang]


def _join(items: Sequence[str], lang: str) -> str:
    return labels.join(items, lang)


def _segment_name(value: Any, group_by: str, lang: str) -> str:
    return labels.segment_name(value, group_by, lang)


def _in_sentence(name: str, lang: str) -> str:
    """A place name as a sentence needs it: 'the United States', 'the Philippines'."""
    w = _words(lang)
    return w["article"].format(name) if name in w.get("with_article", []) else name


def _segment_phrase(value: Any, group_by: str, lang: str) -> str:
    """A segment inside a sentence: 'in Brazil', 'on iOS', 'in the organic channel'."""
    phrase = _words(lang)["segment_phrase"].get(group_by, "{}")
    return phrase.format(_in_sentence(_segment_name(value, group_by, lang), lang))


def _where(result: MetricResult, lang: str, value: Any = None) -> str:
    """Who a sentence is about: the filters, with a segment in place of the filter it narrows."""
    w = _words(lang)
    group_by = result.params.get("group_by", "none")
    places = [_in_sentence(n, lang) for n in _places(result.params, lang)]
    platforms = _platforms(result.params, lang)
    segment = ""
    if group_by != "none" and value not in (None, "all"):
        segment = w["scope_segment"].format(_segment_phrase(value, group_by, lang))
        if group_by in ("country", "region"):
            places = []
        elif group_by == "platform":
            platforms = []
    out = w["scope_places"].format(_join(places, lang)) if places else ""
    out += w["scope_platforms"].format(_join(platforms, lang)) if platforms else ""
    return out + segment


def _places(params: dict[str, Any], lang: str) -> list[str]:
    return labels.place_names(params, lang)


def _platforms(params: dict[str, Any], lang: str) -> list[str]:
    return labels.platform_names(params, lang)


def _filters(result: MetricResult, lang: str) -> str:
    parts = []
    if places := _places(result.params, lang):
        parts.append(_join(places, lang))
    if platforms := _platforms(result.params, lang):
        parts.append("/".join(platforms))
    return _words(lang)["filter_sep"].join(parts)


def _direction(first: float, last: float, kind: str = "float") -> str:
    """up, down or flat: flat under FLAT relative change, or when both read the same."""
    if first == last or fmt(first, kind) == fmt(last, kind):
        return "flat"
    if first == 0:
        return "up" if last > 0 else "down"
    change = last / first - 1
    if abs(change) < FLAT:
        return "flat"
    return "up" if change > 0 else "down"


def _spread(
    rows: Sequence[Row], key: str, trend: bool, kind: str = "float"
) -> dict[str, Any] | None:
    """Extremes of one column over segments; for a trend also first vs last period."""
    vals = [r for r in rows if r.get(key) is not None]
    if not vals:
        return None
    if trend:
        vals = sorted(vals, key=lambda r: str(r.get("segment")))
    high = max(vals, key=lambda r: r[key])
    low = min(vals, key=lambda r: r[key])
    first, last = vals[0], vals[-1]
    return {
        "n": len(vals),
        "rows": vals,
        "high": high,
        "low": low,
        "gap": high[key] - low[key],
        "first": first,
        "last": last,
        "change": last[key] - first[key],
        "direction": _direction(first[key], last[key], kind),
    }


def _segments(rows: Sequence[Row]) -> list[Any]:
    return list(dict.fromkeys(r.get("segment") for r in rows))


def _side(verdicts: Sequence[str | None]) -> str | None:
    """One word for a side of the framework from its dimensions' verdicts."""
    known = [v for v in verdicts if v]
    if not known:
        return None
    moved = {v for v in known if v != "flat"}
    if not moved:
        return "flat"
    return moved.pop() if len(moved) == 1 else "mixed"


# --- per-metric helper values ----------------------------------------------------------------


def _retention(rows: list[Row], result: MetricResult, trend: bool, fw: dict) -> dict[str, Any]:
    present = sorted({r["day_n"] for r in result.rows if r.get("day_n") is not None})
    days = []
    for d in present:
        if s := _spread([r for r in rows if r.get("day_n") == d], "rate", trend, "pct"):
            days.append({"day_n": d, **s})
    missing = [d for d in result.params.get("days") or [] if d not in present]
    drop = None
    if len(days) >= 2 and result.params.get("group_by", "none") == "none":
        drop = days[0]["first"]["rate"] - days[-1]["first"]["rate"]
    return {"days": days, "missing": missing, "drop": drop}


def _core_action_rate(rows: list[Row], result: MetricResult, trend: bool, fw: dict) -> dict:
    any_rows = [r for r in rows if r.get("action") == "any"]
    actions = [r for r in rows if r.get("action") != "any" and r.get("rate") is not None]
    ranked = sorted(actions, key=lambda r: -r["rate"])
    return {
        "any": _spread(any_rows, "rate", trend, "pct"),
        "actions": ranked,
        "top": ranked[0] if ranked else None,
        "bottom": ranked[-1] if ranked else None,
    }


def _latency_vs_activity(rows: list[Row], result: MetricResult, trend: bool, fw: dict) -> dict:
    segs = []
    for seg in _segments(rows):
        mine = [r for r in rows if r.get("segment") == seg]
        fast = next((r for r in mine if r.get("bucket_order") == 1), None)
        slow = max(
            (r for r in mine if 1 < (r.get("bucket_order") or 0) < 5
             and r.get("next_day_return") is not None),
            key=lambda r: r["bucket_order"], default=None,
        )
        never = next((r for r in mine if r.get("bucket_order") == 5), None)
        gap = None
        if fast and slow and fast.get("next_day_return") is not None:
            gap = fast["next_day_return"] - slow["next_day_return"]
        segs.append({"segment": seg, "fast": fast, "slow": slow, "never": never, "gap": gap})
    compared = [s for s in segs if s["gap"] is not None]
    return {
        "segs": segs,
        "one": segs[0] if len(segs) == 1 else None,
        "fast_share": _spread([s["fast"] for s in segs if s["fast"]], "share", trend, "pct"),
        "compared": compared,
        "fast_wins": sum(1 for s in compared if s["gap"] > 0),
        "widest": max(compared, key=lambda s: s["gap"], default=None),
    }


def _live_quality(rows: list[Row], result: MetricResult, trend: bool, fw: dict) -> dict:
    ref = fw["benchmarks"]["hd_uplift"]
    near = fw["benchmarks"]["hd_uplift_near"]
    segs = []
    for seg in _segments(rows):
        mine = {r.get("quality"): r for r in rows if r.get("segment") == seg}
        cmp_row = mine.get("HD vs SD")
        uplift = cmp_row.get("uplift") if cmp_row else None
        relation = None
        if uplift is not None:
            relation = ("reverse" if uplift <= 0 else "near" if abs(uplift - ref) <= near
                        else "above" if uplift > ref else "below")
        segs.append({"segment": seg, "hd": mine.get("HD"), "sd": mine.get("SD"),
                     "cmp": cmp_row, "uplift": uplift, "relation": relation})
    cmp_rows = [s["cmp"] for s in segs if s["uplift"] is not None]
    return {
        "ref": ref,
        "segs": segs,
        "one": segs[0] if len(segs) == 1 else None,
        "uplift": _spread(cmp_rows, "uplift", trend, "pct"),
        "at_or_above": sum(1 for r in cmp_rows if r["uplift"] >= ref),
    }


def _window(row: Row, lang: str) -> str:
    """'Sunday 21:00-22:00' from a weekday (1 = Monday) and a local hour."""
    w = _words(lang)
    hour = int(row["hour"])
    return w["window"].format(
        weekday=labels.weekday_name(row["weekday"], lang),
        start=f"{hour:02d}:00", end=f"{hour + 1:02d}:00",
    )


def _peak_hours(rows: list[Row], result: MetricResult, trend: bool, fw: dict) -> dict:
    bench = fw["benchmarks"]

    def evening(r: Row) -> bool:
        return int(r["hour"]) >= bench["evening_from"]

    def weekend(r: Row) -> bool:
        return int(r["weekday"]) in bench["weekend"]

    segs = []
    for seg in _segments(rows):
        mine = sorted((r for r in rows if r.get("segment") == seg and r.get("share") is not None),
                      key=lambda r: (r["rank"], r["weekday"], r["hour"]))
        if not mine:
            continue
        top = mine[:3]
        quiet = min(mine, key=lambda r: r["sessions"])
        segs.append({
            "segment": seg, "top": top, "best": top[0],
            "quiet": None if any(quiet is r for r in top) else quiet,
            "evening": sum(1 for r in top if evening(r)),
            "weekend": sum(1 for r in top if weekend(r)),
        })
    best_rows = [s["best"] for s in segs]
    common = Counter((r["weekday"], r["hour"]) for r in best_rows).most_common(1)
    common_row = next((r for r in best_rows if (r["weekday"], r["hour"]) == common[0][0]), None) \
        if common else None
    return {
        "segs": segs,
        "one": segs[0] if len(segs) == 1 else None,
        "best": _spread(best_rows, "share", False, "pct"),
        "common": common_row,
        "common_n": common[0][1] if common else 0,
        "evening_best": sum(1 for r in best_rows if evening(r)),
        "weekend_best": sum(1 for r in best_rows if weekend(r)),
        "evening_from": bench["evening_from"],
    }


def _activity_scorecard(rows: list[Row], result: MetricResult, trend: bool, fw: dict) -> dict:
    items = [r for r in rows if r.get("current") is not None]
    verdict = {r["dimension"]: r.get("verdict") for r in items if r.get("change") is not None}
    sides = {
        side: _side([verdict.get(d) for d in dims]) for side, dims in fw["side_dimensions"].items()
    }
    moved = [r for r in items if r.get("change") is not None]
    start, end = result.params.get("start"), result.params.get("end")
    span = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1 if start and end else 0
    return {
        "figures": items,
        "span_days": span,
        "compared": bool(moved),
        "sides": sides,
        "biggest": max(moved, key=lambda r: abs(r["change"]), default=None),
    }


HELPERS: dict[str, Callable[[list[Row], MetricResult, bool, dict], dict[str, Any]]] = {
    "retention": _retention,
    "core_action_rate": _core_action_rate,
    "latency_vs_activity": _latency_vs_activity,
    "live_quality": _live_quality,
    "peak_hours": _peak_hours,
    "activity_scorecard": _activity_scorecard,
}


def context(result: MetricResult, lang: str) -> dict[str, Any]:
    """What a narrative template can use: rows, extremes, helper values, framework wording."""
    metric = result.metric
    group_by = result.params.get("group_by", "none")
    trend = group_by in ("day", "week")
    key = metric.headline[0] if metric.headline else None
    rows = result.visible_rows
    ranked = sorted((r for r in rows if key and r.get(key) is not None), key=lambda r: r[key])
    framework = load_yaml("framework.yaml")
    numeric = {c: col.format for c, col in metric.columns.items()
               if col.format not in ("text", "label")}
    helper = HELPERS.get(metric.name)
    words = _words(lang)

    def fk(value: Any, kind: str = "text") -> str:
        return fmt(value, kind, lang)

    def f(value: Any, col: str) -> str:
        return fk(value, metric.columns[col].format) if col in metric.columns else fk(value)

    return {
        "m": metric,
        "title": metric.title[lang],
        "p": result.params,
        "rows": rows,
        "n_rows": len(result.rows),
        "suppressed": result.suppressed,
        "group_by": group_by,
        "trend": trend,
        "key": key,
        "highest": ranked[-1] if ranked else None,
        "lowest": ranked[0] if ranked else None,
        "filters": _filters(result, lang),
        "places": [_in_sentence(n, lang) for n in _places(result.params, lang)],
        "plats": _platforms(result.params, lang),
        "dimension": framework["dimensions"][metric.dimension][lang],
        "dim_name": framework["names"][metric.dimension][lang],
        "side": framework["sides"].get(metric.dimension, {}).get(lang, ""),
        "fw_names": {k: v[lang] for k, v in framework["names"].items()},
        "bench": framework["benchmarks"],
        "lens": framework["lenses"].get(metric.name, {}).get(lang, ""),
        "w": words,
        # spreads over each figure column: for metrics with one row per segment
        "sp": {c: _spread(rows, c, trend, kind) for c, kind in numeric.items()},
        "x": helper(rows, result, trend, framework) if helper else {},
        "seg": lambda v: _segment_name(v, group_by, lang),
        "segp": lambda v: _segment_phrase(v, group_by, lang),
        "where": lambda v=None: _where(result, lang, v),
        "window": lambda r: _window(r, lang),
        "join": lambda items: _join(items, lang),
        "cap": lambda s: s[:1].upper() + s[1:],
        "is_pct": lambda col: col in metric.columns and metric.columns[col].format == "pct",
        "pp": lambda v: points(v, lang),
        "f": f,
        "fk": fk,
        "lang": lang,
    }


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
    """The explanation of one metric result, from its template in prompts/narratives.yaml."""
    templates = load_yaml("narratives.yaml")
    entry = templates.get(result.metric.name) or templates["_default"]
    macros = templates.get("_macros", {}).get(lang, "")
    body = _tidy(render_string(macros + entry[lang], **context(result, lang)))
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
    entry = load_yaml("followups.yaml").get(result.metric.name) or {}
    items = [{"q": i} if isinstance(i, str) else i for i in entry.get(lang, [])]
    return [i["q"] for i in items if _offered(i, result.params)][:2]


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

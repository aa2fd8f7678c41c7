"""Follow-ups change only what the new words say: the rest of the previous call is kept."""

from __future__ import annotations

from typing import Any

from assistant.agent.understand.calls import ToolCall
from assistant.agent.understand.text import vocab

COMMON = ("start", "end", "countries", "regions", "platforms", "group_by")
SPECIFIC = {
    "retention": "days",
    "core_action_rate": "actions",
    "latency_vs_activity": "threshold_ms",
    "ai_to_human": "window_days",
}
# Splitting by a segment drops the filter on that same segment ("and by country?").
DROPS = {"country": ("countries",), "region": ("regions", "countries"), "platform": ("platforms",)}


def carried(previous: ToolCall | None, tool: str) -> dict[str, Any]:
    """What a follow-up keeps of the previous call: the common slots, and its own parameter
    when the tool stays the same."""
    if previous is None:
        return {}
    base = {k: v for k, v in previous.args.items() if k in COMMON}
    if previous.name == "explain_change":
        kept = (*COMMON[:5], "compare_start", "compare_end", "split_by", "versus") \
            if tool == "explain_change" else COMMON[:5]
        base = {k: v for k, v in previous.args.items() if k in kept}
    if previous.name == tool and (own := SPECIFIC.get(tool)) in previous.args:
        base[own] = previous.args[own]
    return base


def _replace(args: dict[str, Any], key: str, values: list[str], add: bool) -> None:
    """Put a new list slot in place of the old one ("add Mexico" keeps the old values)."""
    old = args.pop(key, [])
    if merged := list(dict.fromkeys((old if add else []) + values)):
        args[key] = merged


def allowed_group(tool: str, group: str | None) -> bool:
    allowed = vocab()["tools"].get(tool, {}).get("group_by")
    return group is not None and (allowed is None or group in allowed)


def merge(
    tool: str, base: dict[str, Any], slots: dict[str, Any], specific: dict[str, Any], add: bool
) -> dict[str, Any]:
    """base args (empty for a new question) with the question's own slots put over them."""
    args = dict(base)
    if "start" in slots:
        args.pop("compare_start", None)  # a new period: the one it was compared with goes too
        args.pop("compare_end", None)
        args["start"], args["end"] = slots["start"], slots["end"]
    if slots["countries"] or slots["regions"] or "places" in slots["reset"]:
        for key in ("countries", "regions"):
            _replace(args, key, slots[key], add)
    if slots["platforms"] or "platforms" in slots["reset"]:
        _replace(args, "platforms", slots["platforms"], add)
    group = slots.get("group_by")
    if group or "group_by" in slots["reset"]:
        args.pop("group_by", None)
        if group not in (None, "none"):
            args["group_by"] = group
            if base:
                for key in DROPS.get(group, ()):
                    # "and by country?" drops the one country; a group of several ("APAC"
                    # then "by region") is split, not dropped.
                    several = len(args.get(key, [])) > 1 and key == DROPS[group][0]
                    if not slots.get(key) and not several:
                        args.pop(key, None)
    # A follow-up naming one value of the segment the answer was split by ("只看安卓" after
    # a platform breakdown) asks for that value alone, not a one-row breakdown.
    split = args.get("group_by")
    for key, segment in (("countries", "country"), ("platforms", "platform")):
        if base and not group and split == segment and len(slots[key]) == 1:
            args.pop("group_by", None)
    if not allowed_group(tool, args.get("group_by")):
        args.pop("group_by", None)
    if (param := SPECIFIC.get(tool)) and param in specific:
        old = args.get(param)
        keep = add and isinstance(old, list)  # "add follows too": the old actions and the new
        args[param] = list(dict.fromkeys([*old, *specific[param]])) if keep else specific[param]
    return args

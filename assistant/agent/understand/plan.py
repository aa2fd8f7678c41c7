"""The offline planner's steps in order: scope, periods, entities, breakdowns, intent, then
the call (or a reply with choices). Every word list and reply text is in prompts/planner.yaml.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from assistant.agent.understand import explain
from assistant.agent.understand.breakdowns import find_breakdown
from assistant.agent.understand.calls import Choice, Language, Plan, ToolCall
from assistant.agent.understand.entities import find_entities, numbers, place_name, specific
from assistant.agent.understand.followup import SPECIFIC, carried, merge
from assistant.agent.understand.intent import METRICS, features, rule_intent, scores
from assistant.agent.understand.periods import (
    DateProblem,
    Range,
    fill_defaults,
    find_periods,
    outside,
)
from assistant.agent.understand.scope import scope_kind
from assistant.agent.understand.text import (
    Span,
    alternation,
    any_of,
    blank,
    detect_language,
    find_all,
    lower,
    normalize,
    resolve,
    simplified,
    sound_fixed,
    strip_markup,
    vocab,
)
from assistant.store.regions import city_country

CONFIDENT = 0.35  # below this the model's best intent is not trusted on its own
CLOSE = 0.08  # top two intents closer than this: ask which one
NAMED = 0.25  # a fragment whose best metric reaches this names that metric
SPECIFIC_BARE = ("ai_to_human", "retention")  # "N days" alone changes their own day count
SURE = 0.6  # above this the model's best intent stands even against an anchor word


def example_questions(lang: Language) -> list[str]:
    """Example questions to offer (clickable in the UI), in the given language."""
    return list(vocab()["examples"][lang])


def reply(lang: Language, kind: str, examples: bool = True, **values: Any) -> Plan:
    text = vocab()["replies"][kind][lang].strip()
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    lines = [text] + ([f"- {q}" for q in example_questions(lang)] if examples else [])
    return Plan(lang, [], "\n".join(lines), kind=kind)


def title(tool: str, lang: Language) -> str:
    return str(vocab()["titles"][tool][lang])


def _choose(question: str, lang: Language, tools: list[str]) -> Plan:
    sep = "：" if lang == "zh" else ": "
    names = [title(t, lang) for t in tools]
    plan = reply(lang, "choose", examples=False, a=names[0], b=names[1])
    plan.choices = [Choice(n, f"{n}{sep}{question.strip()}") for n in names]
    return plan


def _unknown_place(question: str, lang: Language, word: str, codes: list[str]) -> Plan:
    names = [place_name(c, lang) for c in codes]
    sep = "、" if lang == "zh" else ", "
    kind = "unknown_place_suggest" if names else "unknown_place"
    if city_country(word):
        kind = "unknown_city"
    plan = reply(lang, kind, examples=False, word=word, names=sep.join(names))
    plan.kind = "unknown_place"
    plan.choices = [Choice(n, question.replace(word, n)) for n in names]
    everywhere = vocab()["replies"]["all_markets"][lang]
    plan.choices.append(Choice(everywhere, " ".join(question.replace(word, " ").split())))
    return plan


def _out_of_range(tool: str, spec: dict[str, Any], lang: Language) -> Plan | None:
    """A value outside what the tool accepts, caught before the call."""
    from assistant.metrics.registry import get_registry

    if tool not in get_registry().names():
        return None
    params = get_registry().get(tool).params
    for key in ("days", "threshold_ms", "window_days"):
        if key not in spec or key not in params or SPECIFIC.get(tool) != key:
            continue
        p = params[key]
        values = spec[key] if isinstance(spec[key], list) else [spec[key]]
        for value in values:
            if (p.min is not None and value < p.min) or (p.max is not None and value > p.max):
                label = vocab()["param_names"][key][lang]
                return reply(lang, "out_of_range", examples=False, name=label, value=value,
                             min=p.min, max=p.max)
    return None


def _periods(low: str, latest: date) -> tuple[list[Range], list[Span], list[Span], list[Span]]:
    """The periods asked about, where they are written, where "the N days before" is written
    (no period of its own), and days that are only context ("before tomorrow's review",
    "ahead of Monday's board call": when the asker needs the answer, not what to measure)."""
    named = find_periods(low, latest)
    before = [(a, b) for a, b in explain.before_spans(low)
              if not any(x < b and a < y and y - x >= b - a for x, y in named[1])]
    periods, spans = find_periods(blank(low, before), latest) if before else named
    if before and not periods and named[0]:
        (periods, spans), before = named, []  # "DAU for the previous 7 days"
    events = alternation(vocab()["dates"]["events"])
    future = {i for i, (first, _) in enumerate(periods) if first > latest}
    near = {
        i for i, (a, b) in enumerate(spans)
        if re.match(rf"(?:'s)?\s*(?:[a-z-]+\s+)?(?:要|就要|的)?\s*(?:{events})", low[b:])
        or re.search(rf"(?:{events})\s+(?:[a-z]+\s+)?(?:on|at|this|next)?\s*$", low[:a])
    }
    context = future if future and (len(future) < len(periods) or re.search(events, low)) else set()
    ends = [m.end() for m in re.finditer(r"[.!?。！？]+(?=\s|$)|[。！？]+", low)]
    for i, (a, b) in enumerate(spans[: len(periods)]):
        stop = next((e for e in ends if e >= b), len(low))
        start = max([e for e in ends if e <= a], default=0)
        later = low[stop:].strip()
        if later and re.search(r"[a-z\u4e00-\u9fff]", later) and (
            any_of(vocab()["dates"]["reported"], low[start:stop])
            or any(x >= stop for x, _ in spans[: len(periods)])  # "Shipped Nov 2. D1 for Nov 2-8?"
        ):
            context.add(i)
    if near - context and len(near | context) < len(periods):
        context |= near
    keep = [i for i in range(len(periods)) if i not in context]
    if len(keep) == 2 and (extra := _one_period_named_twice(low, periods, spans, keep)) is not None:
        keep.remove(extra)
        context.add(extra)
    return ([periods[i] for i in keep], [spans[i] for i in keep], before,
            [spans[i] for i in sorted(context)])


def _one_period_named_twice(
    low: str, periods: list[Range], spans: list[Span], keep: list[int]
) -> int | None:
    """Of two periods that name one (nothing joins them, nothing compares them), the one
    that is not meant: the longer of two side by side ("10月10日国庆当天"), or the outer of
    two close together ("这个月月中（14到16号）")."""
    length = {i: periods[i][1] - periods[i][0] for i in keep}
    (_, b0), (a1, _) = sorted(spans[i] for i in keep)
    side_by_side = len(low[b0:a1].strip()) <= 2 and not any_of(vocab()["dates"]["joiners"],
                                                                 low[b0:a1])
    if side_by_side and all(n < timedelta(days=31) for n in length.values()):
        return max(keep, key=length.__getitem__)
    close = abs(spans[keep[1]][0] - spans[keep[0]][1]) <= 10
    (a0, b0), (a1, b1) = (periods[i] for i in keep)
    inner = a0 <= a1 <= b1 <= b0 or a1 <= a0 <= b0 <= b1
    if close and inner and not any(explain.cues(low)[k] for k in ("compare", "change", "why")):
        return keep[0] if length[keep[0]] > length[keep[1]] else keep[1]
    return None


def _slots(
    low: str, norm: str, found: tuple[Any, ...]
) -> tuple[dict[str, Any], list[tuple[str, str]], Any]:
    periods, spans, before, context = found
    low, norm = blank(low, spans + before + context), blank(norm, spans + before + context)
    ent = find_entities(norm, low)
    group, reset_group, read = find_breakdown(low)
    reset = {what for what, words in vocab()["reset"].items() if any_of(words, low)}
    if reset_group:
        reset.add("group_by")
    slots: dict[str, Any] = {
        "countries": ent.countries, "regions": ent.regions, "platforms": ent.platforms,
        "reset": reset, "unknown": ent.unknown, "low": low,
        "rest": blank(low, ent.spans + read), "places": ent.spans, "context": context,
        "before": bool(before),
    }
    if group:
        slots["group_by"] = group
        same = {"platform": "platforms", "country": "countries"}.get(group)
        every = same == "platforms" and len(slots[same]) == len(vocab()["platforms"])
        if same and (len(slots[same]) == 1 or every):
            slots[same] = []  # "split by platform… if the Android crowd gifts less": the split
    iso = [(a.isoformat(), b.isoformat()) for a, b in periods]
    if iso:
        slots["start"], slots["end"] = iso[0]
    slots["period_spans"] = spans
    return slots, iso, periods


def _between(low: str, spans: list[Span]) -> str:
    """The words between the first two periods named."""
    return low[spans[0][1] : spans[1][0]] if len(spans) >= 2 else ""


def _fragment(rest: str) -> bool:
    """Nothing but slots and filler words is left ("daily for the last 2 weeks pls",
    "按天看最近两周"): a follow-up that changes only what it names."""
    filler = vocab()["filler"]
    words = [w for w in re.findall(r"[a-z]+", rest) if w not in filler["en"]]
    han = re.sub("|".join(map(re.escape, sorted(filler["zh"], key=len, reverse=True))), "",
                 "".join(re.findall(r"[\u4e00-\u9fff]", rest)))
    return len(words) + len(han) <= 1


def _action_share(low: str, spec: dict[str, Any]) -> str | None:
    """'What share of users sent a gift?': an action word plus a share word is core actions."""
    share = vocab()["action_share"]
    ignore = [] if any_of(share["of_users"], low) else share["ignore"]
    actions = [a for a in spec.get("actions", []) if a not in ignore]
    if any_of(share["unless"], low):
        return None
    return "core_action_rate" if actions and any_of(share["words"], low) else None


def _add_usual_actions(spec: dict[str, Any]) -> None:
    """The usual core actions plus the ones named ("counting gifts too")."""
    from assistant.metrics.registry import get_registry

    usual = get_registry().get("core_action_rate").params["actions"].default
    spec["actions"] = list(dict.fromkeys([*usual, *spec["actions"]]))


def _with_usual_actions(low: str, spec: dict[str, Any]) -> None:
    """'core action rate, counting gifts too': the usual core actions plus the ones named."""
    v = vocab()
    if spec.get("actions") and any_of(v["action_share"]["also"], low) \
            and any_of(v["tools"]["core_action_rate"]["strong"], low):
        _add_usual_actions(spec)


def _ambiguous(low: str) -> list[str]:
    """The two metrics a word fits about equally ("engagement"), when no other word of the
    question names a metric."""
    for entry in vocab()["ambiguous"]:
        if found := find_all(entry["words"], low):
            rest = blank(low, [m.span() for m in found])
            if not _anchored(rest) and rule_intent(rest) is None:
                return list(entry["tools"])
    return []


def _vague(low: str, rest: str) -> bool:
    """'how are things', '最近咋样': nothing to go on."""
    found = find_all(vocab()["vague"], rest)
    return bool(found) and not _anchored(low) and _fragment(blank(rest, [m.span() for m in found]))


def _action_spans(low: str) -> list[Span]:
    return [m.span() for words in vocab()["actions"].values() for m in find_all(words, low)]


def _anchored(low: str) -> list[str]:
    """The metrics the question names by one of their anchor words."""
    return [t for t, spec in vocab()["tools"].items() if find_all(spec["strong"], low)]


def _several(low: str) -> list[str]:
    """'DAU and ARPU': two combinable metrics named by their anchor words, in written order."""
    v = vocab()
    if not any_of(v["conjunctions"], low):
        return []
    cands = [
        (m.start(), m.end(), tool)
        for tool, spec in v["tools"].items()
        for m in find_all(spec["strong"], low)
    ]
    found = [t for _, _, t in resolve(cands)]
    tools = [t for t in dict.fromkeys(found) if t in v["combinable"]]
    return tools if len(tools) > 1 else []


def _read(question: str) -> tuple[str, str, str]:
    """The question as the planner reads it: markup gone, Simplified Mandarin with homophone
    typos mended (clean), numbers and widths normalised (norm), and lower-cased (low)."""
    clean = sound_fixed(simplified(strip_markup(question)))
    norm = normalize(clean)
    return clean, norm, lower(norm)


def plan(
    question: str,
    *,
    latest_day: date,
    previous: ToolCall | None = None,
    first_day: date | None = None,
) -> Plan:
    """Plan the tool calls for one question (or a reply when there is nothing safe to run).

    Args:
        latest_day: the latest complete day in the data; relative dates resolve against it.
        previous: the last call made in this conversation, so follow-ups ("and for
            Indonesia?", "那按周看呢？") change one slot of it and keep the rest.
        first_day: the first day in the data, when known: a period wholly outside the
            data gets a reply saying so.
    """
    v = vocab()
    lang = detect_language(question)
    clean, norm, low = _read(question)
    try:
        found = _periods(low, latest_day)
        kind = scope_kind(blank(low, found[3]))  # "明天开会要用…" is no forecast
        if kind:
            return reply(lang, kind)
        slots, periods, ranges = _slots(low, norm, found)
    except DateProblem as problem:
        if kind := scope_kind(low):
            return reply(lang, kind)
        return reply(lang, problem.kind, text=norm[problem.start : problem.end].strip())
    if previous is not None and "start" in previous.args:
        said = (slots.get("start"), slots.get("end"))
        if not periods and any_of(v["same_period"], slots["low"]):  # "same week", "that day"
            slots["start"], slots["end"] = previous.args["start"], previous.args["end"]
        elif said == (previous.args["start"], previous.args["end"]) and explain.before_spans(low):
            del slots["start"], slots["end"]  # "and the previous 7 days?" after those 7 days
            periods, ranges, slots["before"] = [], [], True
    for first, last in ranges:
        if outside((first, last), first_day, latest_day):
            span = f"{first_day} – {latest_day}" if first_day else f"… – {latest_day}"
            return reply(lang, "outside_data", examples=False, start=first, end=last, range=span)
    spec = specific(slots["low"])
    bare = numbers(v["bare_days"], slots["low"]) if previous is not None and not periods else []
    if previous is not None and previous.name in SPECIFIC_BARE and bare:
        key = SPECIFIC[previous.name]  # "改成14天", "give it 3 days" after the AI window
        if key not in spec:
            spec[key] = [bare[0][2]] if key == "days" else bare[0][2]
    # After an explained change, a fragment naming another figure ("and MAU?", "same for
    # ARPU", "7日呢" after D1) explains that figure with the rest kept.
    refigure = None
    if previous is not None and previous.name == "explain_change":
        retention_figure = str(previous.args.get("figure", "")) in ("d1", "d7", "d30")
        if bare and retention_figure and f"d{bare[0][2]}" in v["figures"]:
            refigure = f"d{bare[0][2]}"
        elif (named := explain.figure_word(low)) and len(low.split()) <= 6 and _fragment(
                blank(slots["rest"], explain.figure_spans(slots["rest"]))):
            refigure = named
    _with_usual_actions(slots["low"], spec)
    ranked = scores(features(blank(norm, slots["context"]) if slots["context"] else clean))
    top, p1 = ranked[0]
    rule = _action_share(slots["low"], spec) or rule_intent(low)
    city = bool(slots["unknown"]) and city_country(slots["unknown"][0][0]) is not None
    if rule is None and top in ("refusal", "out_of_scope") and p1 >= 0.5 \
            and not _ambiguous(slots["low"]) and not city:
        return reply(lang, top)  # "今天北京下雨吗" is out of scope before Beijing is unknown
    if slots["unknown"]:
        word, codes = slots["unknown"][0]
        return _unknown_place(clean, lang, word, codes)
    if rule is None and previous is None and _vague(low, slots["rest"]):
        return reply(lang, "clarify")
    has_slots = bool(
        slots["countries"] or slots["regions"] or slots["platforms"] or slots["reset"]
        or periods or "group_by" in slots or (previous and SPECIFIC.get(previous.name) in spec)
    )
    follow_word = any_of(v["followup"], low)
    metric_rank = [(t, p) for t, p in ranked if t in METRICS]
    best_metric, p_metric = metric_rank[0]
    fragment = previous is not None and has_slots and _fragment(slots["rest"])
    if refigure:
        rule, fragment = None, True
    is_follow = previous is not None and (
        top in ("followup", "unclear") or follow_word or (has_slots and p1 < CONFIDENT)
        or fragment
    )
    if previous is not None and previous.name == "core_action_rate" and spec.get("actions") \
            and _fragment(blank(slots["rest"], _action_spans(slots["rest"]))):
        rule, fragment, is_follow = "core_action_rate", True, True  # "now count calls too"
        if "actions" not in previous.args and any_of(v["followup_add"], low):
            _add_usual_actions(spec)
    tool: str | None = rule
    if tool is None and fragment and previous is not None \
            and previous.name in (*METRICS, "explain_change"):
        tool = previous.name
    if tool is None and (top not in METRICS or p1 < CONFIDENT):
        tool = next((t for t, words in v["soft"].items() if any_of(words, low)), None)
    if tool is None and top in METRICS and p1 >= CONFIDENT:
        tool = top
    elif tool is None and top in ("followup", "unclear") and p_metric >= NAMED:
        tool = best_metric  # a fragment that still names a metric ("same for core actions")
    elif tool is None and is_follow and previous is not None and has_slots:
        tool = previous.name
    # The model unsure, or sure of a metric the question gives no word for, while the question
    # names one of its leading metrics by an anchor word ("latency vs activity by country"):
    # the anchor decides.
    anchors = _anchored(slots["low"])
    lead = [t for t, _ in metric_rank[:3] if t in anchors]
    unsure = tool is None or (tool == top and rule is None and p1 < SURE and top not in anchors)
    if unsure and len(lead) == 1 and len(anchors) == 1 and not (is_follow and tool is None):
        tool = lead[0]
    if rule is None and (pair_of := _ambiguous(slots["low"])) and tool in (None, *pair_of):
        return _choose(clean, lang, pair_of)  # "how's engagement in Peru?"
    # "HD vs SD" compares nothing; nor does the 比 inside 哥伦比亚
    compared = explain.internal_blanked(blank(low, slots["places"]))
    cue = explain.cues(compared)
    blamed = any_of(v["explain"]["blame"], compared) and "group_by" not in slots
    for key in ("platforms", "countries", "regions"):
        if blamed and len(slots[key]) == 1:  # "is Android the reason?": where it moved, by platform
            slots[key], slots["group_by"] = [], explain.SEGMENT_KIND[key]
            break
    shifted = (
        previous is not None and previous.name in (*METRICS, "explain_change") and slots["before"]
        and not periods
        and not (cue["compare"] or cue["why"])
    )
    if shifted and previous is not None:  # "and the week before?": the same, a period earlier
        unit = explain.before_unit(low) or "week"
        asked = (previous.args["start"], previous.args["end"]) if "start" in previous.args \
            else explain.latest_period(unit, latest_day)
        slots["start"], slots["end"] = explain.before_period(unit, asked)
        tool, is_follow = previous.name, True
    if is_follow and previous is not None and cue["compare"]:
        for key in explain.SEGMENT_KEYS:  # "BR paid conversion" then "和墨西哥比"
            before = previous.args.get(key) or []
            if len(slots[key]) == 1 and len(before) == 1 and before != slots[key]:
                slots[key] = [*before, *slots[key]]
    for key, kind in explain.SEGMENT_KIND.items():
        if cue["most"] and len(slots[key]) >= 3 and "group_by" not in slots:
            slots["group_by"] = kind  # "三个国家里哪个跌得最多": split among them
    if is_follow and previous is not None and not any(slots[k] for k in explain.SEGMENT_KEYS):
        for key, kind in explain.SEGMENT_KIND.items():
            before = previous.args.get(key) or []
            if len(before) >= 2 and cue["most"] and "group_by" not in slots:
                slots["group_by"] = kind  # "which of them fell the most?"
            elif len(before) == 2 and cue["compare"]:
                slots[key] = list(before)  # "compare those two", "这两个比一下"
    pair = explain.segment_pair(slots)
    against = None
    if not is_follow and not pair and len(periods) == 1 and not slots["before"]:
        against = explain.against_now(compared, slots["period_spans"][0], latest_day)
        if against is not None:
            periods = [against, periods[0]]  # "DAU compared with last week": this week vs it
    unit = explain.over_unit(low)
    before = explain.before_unit(low) if slots["before"] else None
    versus = bool(pair and cue["compare"] and not cue["respectively"] and "group_by" not in slots)
    compared_key = explain.segment_pair(previous.args) if previous is not None \
        and previous.args.get("versus") == "segments" else None
    if is_follow and compared_key and not (pair or "group_by" in slots or slots[compared_key]) \
            and not any_of(v["explain"]["level"], low):
        versus = True  # "last month only" after "iOS vs Android": still the two segments
    wants_change = not shifted and not any_of(v["explain"]["level"], low) and (
        (top == "explain_change" and p1 >= CONFIDENT) or cue["why"] or versus
        or (len(periods) == 2 and (cue["compare"] or cue["change"] or any_of(
            v["dates"]["joiners"], _between(low, slots["period_spans"]))))
        or refigure is not None or blamed
        # "fast connect share slipped?" (not "HD lifted viewing time by 10.3%", a level question)
        or (cue["moved"] and explain.figure_word(low) is not None
            and (not (top in METRICS and p1 >= SURE) or re.search(
                rf"(?:{alternation(v['explain']['moved'])})\s*[?？.!。]*\s*$", low)))
        or (cue["most"] and slots.get("group_by") in explain.SPLITS)
        or (cue["compare"] and is_follow and not pair and not has_slots)
        or (cue["compare"] and is_follow and len(periods) == 1 and not pair
            and previous is not None and "start" in previous.args)
        or against is not None
        or any_of(v["explain"]["period_over_period"], slots["low"])  # not "week before last"
        or unit is not None
        or (before is not None and len(periods) == 1)
    )
    if wants_change and unit is not None:
        periods = explain.over_periods(unit, periods, latest_day)
        if len(periods) > 1 and outside(tuple(map(date.fromisoformat, periods[1])), first_day,
                                        latest_day):
            first, last = periods[1]
            span = f"{first_day} – {latest_day}"
            return reply(lang, "outside_data", examples=False, start=first, end=last, range=span)
    if wants_change:
        figure = refigure or explain.figure_word(low)
        runner_up = metric_rank[1][1] if len(metric_rank) > 1 else 0.0
        if figure is None and previous is not None and rule is None \
                and previous.name == "explain_change" and not anchors:
            figure = explain.previous_figure(previous)  # "主要是哪个渠道": the same figure
        if figure is None and (tool or (p_metric >= 0.1 and p_metric >= 2 * runner_up)):
            candidate = tool or best_metric
            unnamed = is_follow and not rule and candidate not in anchors  # "stack up against…"
            if not (is_follow and previous and candidate == previous.name and not rule) \
                    and not unnamed:
                figure = explain.figure_of(candidate, spec.get("days"))
        if figure is None and is_follow:
            figure = explain.previous_figure(previous)
        if figure is None and tool is None and top == "explain_change":
            figure = explain.previous_figure(previous) or "dau"
        if figure is None and (cue["why"] or cue["most"]) and tool is None:
            figure = explain.previous_figure(previous) or "dau"
        if figure is not None:
            named = explain.figure_word(low)
            keeps = is_follow or (tool is None and named is None) or (
                cue["why"] and not has_slots and named is not None and previous is not None
                and explain.tool_of(named) in (previous.name, explain.tool_of(
                    explain.previous_figure(previous)))  # "why did the HD uplift shrink?"
            )
            base = carried(previous, "explain_change") if keeps else {}
            if keeps and len(periods) == 1 and "start" in base and cue["compare"]:
                periods = [(base["start"], base["end"]), periods[0]]  # "跟上上周比呢"
            asked = periods[:1] or ([(base["start"], base["end"])] if "start" in base else [])
            if before and len(periods) < 2 and asked:
                periods = [asked[0], explain.before_period(before, asked[0])]  # "vs the day before"
            said = slots["period_spans"]
            if len(periods) == 2 and said and re.search(r"(?:\bfrom|从)\s*$", low[: said[0][0]]):
                periods = [periods[1], periods[0]]  # "changed from Sept to Oct": Oct is asked
            if len(periods) == 2 and any_of(v["explain"]["same_days"], low):
                periods = [periods[0], explain.same_days(*periods)]  # "跟10月同期比"
            args = explain.args_for(figure, slots, periods, base, versus)
            return Plan(lang, [ToolCall("explain_change", args)])
    if pair_or_more := [k for k in explain.SEGMENT_KEYS if len(slots[k]) >= 2]:
        if "group_by" not in slots and (
            cue["compare"] or cue["respectively"] or any_of(v["compare"], compared)
        ):
            slots["group_by"] = explain.SEGMENT_KIND[pair_or_more[0]]
            if pair_or_more[0] == "platforms":
                slots["platforms"] = []  # "安卓和iOS分开看": the split, every platform
    if top == "unclear" and rule is None and not is_follow:
        tool = None
    if tool is None:
        if top in METRICS and metric_rank[0][1] + metric_rank[1][1] >= 0.5:
            return _choose(clean, lang, [metric_rank[0][0], metric_rank[1][0]])
        if previous is not None and follow_word:
            return reply(lang, "followup_unclear")
        return reply(lang, "clarify")
    if (
        rule is None and not is_follow and len(metric_rank) > 1
        and metric_rank[0][1] - metric_rank[1][1] < CLOSE
    ):
        named = [t for t, _ in metric_rank[:2] if t in anchors]
        if len(named) != 1:
            return _choose(clean, lang, [metric_rank[0][0], metric_rank[1][0]])
        tool = named[0]  # an anchor word settles a close call
    if problem := _out_of_range(tool, spec, lang):
        return problem
    tools = _several(low) if not is_follow else []
    if tool not in tools:
        tools = [tool]
    add = is_follow and any_of(v["followup_add"], low)
    calls = []
    for name in tools:
        base = carried(previous, name) if is_follow else {}
        args = merge(name, base, slots, spec, add)
        if name == "explain_change":
            args.setdefault("figure", explain.previous_figure(previous) or "dau")
            if args.get("group_by") in explain.SPLITS:  # "by platform instead": where it moved
                args["split_by"] = [args.pop("group_by")]
            args.pop("group_by", None)
        fill_defaults(name, args, latest_day)
        focus = explain.focus_of(name, low, previous)
        calls.append(ToolCall(name, args, focus))
    return Plan(lang, calls)


def question_focus(question: str, tool: str, previous: ToolCall | None) -> str | None:
    """The figure a past question asked of its tool (see ToolCall.focus), read again from
    its text when a conversation is replayed from its messages."""
    return explain.focus_of(tool, _read(question)[2], previous)


def hint(tool: str, per_language: int = 1) -> str:
    """Example wordings of a metric for the hosted model's tool description: the same
    labelled questions that train the offline model, so both planners share one vocabulary."""
    from assistant.agent.understand.intent import labelled
    from assistant.agent.understand.text import HAN

    questions = labelled().get(tool, [])
    short = [q for q in questions if len(q) <= 45]
    en = [q for q in short if not HAN.search(q)][:per_language]
    zh = [q for q in short if HAN.search(q)][:per_language]
    if not en and not zh:
        return ""
    return "Asked as: " + "; ".join(f'"{q}"' for q in en + zh) + "."

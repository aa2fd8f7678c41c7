"""One function per metric: which sentences its answer says, and the facts of each.

Each function reads the result once and calls `Story.say...` with sentence keys of
prompts/narratives.yaml; the wording of every key is there, per language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.present import labels
from assistant.present.facts import Row, Story, most_common_window, period_days, segments, spread
from assistant.present.numbers import fmt


def _default(s: Story) -> None:
    metric = s.result.metric
    title = metric.title[s.lang]
    key = metric.headline[0] if metric.headline else None
    if s.nothing_to_show(title=title):
        return
    if key and (sp := spread(s.rows, key, s.trend, s.kind(key))):
        s.compare(sp, title)


def _retention(s: Story) -> None:
    present = sorted({r["day_n"] for r in s.result.rows if r.get("day_n") is not None})
    days = [(d, sp) for d in present
            if (sp := spread([r for r in s.rows if r.get("day_n") == d], "rate", s.trend, "pct"))]
    missing = [d for d in s.params.get("days") or [] if d not in present]

    def day(n: int) -> str:
        return s.phrase("day", n=n)

    if not s.result.rows:
        s.say_phrase("empty", days=labels.join([day(d) for d in missing], s.lang, style="or"))
    elif not days:
        s.hidden()
    elif s.group_by == "none":
        parts = []
        for i, (d, sp) in enumerate(days):
            row = sp.first
            parts.append(s.phrase(
                "overall" if i == 0 else "overall_more", day=day(d),
                rate=s.figure(row["rate"], "rate"), retained=s.figure(row["retained"], "retained"),
                cohort=s.figure(row["cohort_users"], "cohort_users")))
        s.say(s.clauses(parts))
        drop = days[0][1].first["rate"] - days[-1][1].first["rate"] if len(days) > 1 else 0
        if drop > 0:
            s.say_phrase("drop", first_day=days[0][0], last_day=days[-1][0],
                         points=s.points(drop))
    else:
        for i, (d, sp) in enumerate(days):
            cohort = i == 0 and not s.trend
            s.compare(sp, s.phrase("what_cohort" if cohort else "what", day=day(d)), i == 0)
    if missing and s.result.rows:
        s.say_phrase("missing", days=labels.join([day(d) for d in missing], s.lang))


def _one_row_or_compare(overall: Callable[[Story, Row], None], *compare: tuple[str, str, int]
                        ) -> Callable[[Story], None]:
    """Metrics with one row per segment: the whole row when not split, else each figure's spread.

    `compare` lists (column, phrase naming it, least segments for it to be said).
    """
    def story(s: Story) -> None:
        if s.nothing_to_show():
            return
        if s.group_by == "none":
            overall(s, s.rows[0])
        else:
            for i, (column, what, at_least) in enumerate(compare):
                s.compare_column(column, what, lead=i == 0, at_least=at_least)
            if s.group_by == "day" and "daily_note" in s.own:
                s.say_phrase("daily_note")
    return story


def _figures(s: Story, row: Row, *columns: str) -> dict[str, str]:
    return {c: s.figure(row.get(c), c) for c in columns}


def _active_users_overall(s: Story, row: Row) -> None:
    s.say_phrase("overall", **_figures(s, row, "avg_dau", "peak_dau", "mau_30d", "stickiness",
                                       "active_users"))


def _usage_time_overall(s: Story, row: Row) -> None:
    s.say_phrase("overall", **_figures(s, row, "minutes_per_user_day", "sessions_per_user_day",
                                       "median_session_minutes"))


def _social_quality_overall(s: Story, row: Row) -> None:
    s.say_phrase("overall", **_figures(s, row, "lasting_rate", "active_users", "with_lasting",
                                       "partners_per_user"))


def _paid_conversion_overall(s: Story, row: Row) -> None:
    figures = _figures(s, row, "conversion", "active_users", "payers", "revenue", "arpu", "arppu")
    s.say_phrase("overall" if row.get("payers") else "no_payers", **figures)


def _ai_to_human_overall(s: Story, row: Row) -> None:
    figures = _figures(s, row, "ai_first_users", "bridge_rate", "moved_to_human")
    median = row.get("median_days_to_human")
    s.say_phrase("overall", median_days=s.figure(median, "median_days_to_human")
                 if median is not None else "", **figures)


def _core_action_rate(s: Story) -> None:
    any_rows = [r for r in s.rows if r.get("action") == "any"]
    actions = sorted((r for r in s.rows if r.get("action") != "any" and r.get("rate") is not None),
                     key=lambda r: -r["rate"])
    overall = spread(any_rows, "rate", s.trend, "pct")
    if s.nothing_to_show(shown=overall is not None) or overall is None:
        return
    if s.group_by == "none" or overall.count == 1:
        row = overall.first
        figures = {"who": s.scope(row.get("segment")),
                   **_figures(s, row, "rate", "active_users", "users_done")}
        if len(actions) == 1:
            s.say_phrase("one_action", action=_action(s, actions[0]), **figures)
            return
        s.say_phrase("overall", **figures)
        top, bottom = (actions[0], actions[-1]) if actions else (None, None)
        if top is not None and top is not bottom:
            s.say_phrase("top_bottom", top=_action(s, top), top_rate=s.figure(top["rate"], "rate"),
                         bottom=_action(s, bottom), points=s.points(top["rate"] - bottom["rate"]),
                         bottom_rate=s.figure(bottom["rate"], "rate"))
    else:
        s.compare(overall, s.phrase("what"))


def _action(s: Story, row: Row) -> str:
    return s.words["actions"].get(row["action"], str(row["action"]))


def _latency_vs_activity(s: Story) -> None:
    segs = []
    for seg in segments(s.rows):
        mine = [r for r in s.rows if r.get("segment") == seg]
        fast = next((r for r in mine if r.get("bucket_order") == 1), None)
        slow = max((r for r in mine if 1 < (r.get("bucket_order") or 0) < 5
                    and r.get("next_day_return") is not None),
                   key=lambda r: r["bucket_order"], default=None)
        gap = None
        if fast and slow and fast.get("next_day_return") is not None:
            gap = fast["next_day_return"] - slow["next_day_return"]
        segs.append({"segment": seg, "fast": fast, "slow": slow, "gap": gap})
    threshold = s.params.get("threshold_ms")
    cited_benchmark = False
    if s.nothing_to_show():
        return
    if len(segs) == 1:
        one = segs[0]
        fast, slow = one["fast"], one["slow"]
        if fast and slow and one["gap"] is not None:
            s.say_phrase(
                "one_compare", who=s.scope(one["segment"]), threshold_ms=threshold,
                fast_share=s.figure(fast["share"], "share"), slow_bucket=slow["bucket"],
                fast_return=s.figure(fast["next_day_return"], "next_day_return"),
                slow_return=s.figure(slow["next_day_return"], "next_day_return"),
                fast_minutes=_optional(s, fast, "mean_call_minutes"),
                slow_minutes=_optional(s, slow, "mean_call_minutes"))
            cited_benchmark = one["gap"] > 0
            s.say_phrase("fast_return_more" if cited_benchmark else "fast_return_not_more",
                         points=s.points(one["gap"]),
                         connect_ms=s.framework["benchmarks"]["connect_ms"])
        else:
            buckets = [s.phrase("bucket_return", bucket=r["bucket"], never=r["bucket_order"] == 5,
                                value=s.figure(r["next_day_return"], "next_day_return"))
                       for r in s.rows if r.get("next_day_return") is not None]
            s.say_phrase("by_bucket", buckets=s.words["item_sep"].join(buckets))
            s.say_phrase("too_few_calls")
    else:
        fast_share = spread([g["fast"] for g in segs if g["fast"]], "share", s.trend, "pct")
        if fast_share:
            s.compare(fast_share, s.phrase("what_fast_share", threshold_ms=threshold))
        compared = [g for g in segs if g["gap"] is not None]
        if compared:
            wins = sum(1 for g in compared if g["gap"] > 0)
            widest = max(compared, key=lambda g: g["gap"])
            s.say_phrase(
                "fast_wins", count=s.count_of(wins, len(compared)), compared=len(compared),
                wins=wins, groups=s.groups(), widest_segment=s.segment_phrase(widest["segment"]),
                fast_return=s.figure(widest["fast"]["next_day_return"], "next_day_return"),
                slow_return=s.figure(widest["slow"]["next_day_return"], "next_day_return"))
    if not cited_benchmark:  # the 600 ms benchmark, unless a sentence has cited it
        s.say_phrase("benchmark", connect_ms=s.framework["benchmarks"]["connect_ms"])


def _optional(s: Story, row: Row, column: str) -> str:
    return s.figure(row[column], column) if row.get(column) is not None else ""


def _live_quality(s: Story) -> None:
    bench = s.framework["benchmarks"]
    ref, near = bench["hd_uplift"], bench["hd_uplift_near"]
    segs = []
    for seg in segments(s.rows):
        mine = {r.get("quality"): r for r in s.rows if r.get("segment") == seg}
        cmp_row = mine.get("HD vs SD")
        segs.append({"segment": seg, "hd": mine.get("HD"), "sd": mine.get("SD"), "cmp": cmp_row,
                     "uplift": cmp_row.get("uplift") if cmp_row else None})
    article = s.figure(ref, "uplift")
    if s.nothing_to_show():
        return
    if len(segs) == 1:
        one = segs[0]
        hd, sd, uplift = one["hd"], one["sd"], one["uplift"]
        if uplift is not None:
            s.say_phrase("hd_shorter" if uplift <= 0 else "hd_longer", who=s.scope(one["segment"]),
                         hd=s.figure(hd["mean_minutes"], "mean_minutes"),
                         sd=s.figure(sd["mean_minutes"], "mean_minutes"),
                         hd_views=s.figure(hd["views"], "views"),
                         sd_views=s.figure(sd["views"], "views"),
                         uplift=s.figure(abs(uplift), "uplift"))
            relation = ("reverse" if uplift <= 0 else "near" if abs(uplift - ref) <= near
                        else "above" if uplift > ref else "below")
            s.say_phrase(f"article_{relation}", article=article)
        else:
            for q in (hd, sd):
                if q and q.get("mean_minutes") is not None:
                    s.say_phrase("quality_only", quality=s.words["quality"][q["quality"]],
                                 minutes=s.figure(q["mean_minutes"], "mean_minutes"),
                                 views=s.figure(q["views"], "views"))
            shown = "SD" if hd and hd.get("mean_minutes") is not None else "HD"
            s.say_phrase("too_few_one_quality", quality=s.words["quality"][shown])
    else:
        uplift = spread([g["cmp"] for g in segs if g["uplift"] is not None], "uplift", s.trend,
                        "pct")
        if uplift:
            s.compare(uplift, s.phrase("what"))
            reached = sum(1 for r in uplift.rows if r["uplift"] >= ref)
            s.say_phrase("reaches_article", article=article, groups=s.groups(),
                         count=s.count_of(reached, uplift.count), reached=reached,
                         compared=uplift.count)
        else:
            s.say_phrase("too_few_viewers")


def _peak_hours(s: Story) -> None:
    bench = s.framework["benchmarks"]

    def evening(r: Row) -> bool:
        return int(r["hour"]) >= bench["evening_from"]

    def weekend(r: Row) -> bool:
        return int(r["weekday"]) in bench["weekend"]

    segs = []
    for seg in segments(s.rows):
        mine = sorted((r for r in s.rows if r.get("segment") == seg and r.get("share") is not None),
                      key=lambda r: (r["rank"], r["weekday"], r["hour"]))
        if mine:
            quiet = min(mine, key=lambda r: r["sessions"])
            segs.append({"segment": seg, "top": mine[:3],
                         "quiet": None if any(quiet is r for r in mine[:3]) else quiet})
    evening_from = bench["evening_from"]
    if s.nothing_to_show(shown=bool(segs)):
        return
    if len(segs) == 1:
        top, quiet = segs[0]["top"], segs[0]["quiet"]
        windows = [s.phrase("window_first" if i == 0 else "window_more", window=s.window(r),
                            share=s.figure(r["share"], "share")) for i, r in enumerate(top)]
        quietest = s.phrase("quietest", window=s.window(quiet),
                            share=s.figure(quiet["share"], "share")) if quiet else ""
        s.say(s.phrase("busiest", who=s.scope(segs[0]["segment"]), count=len(top),
                       windows=labels.join(windows, s.lang)), quietest)
        if len(top) > 1:
            s.say_phrase("evening_weekend", count=len(top), evening_from=evening_from,
                         evening=s.count_of(sum(map(evening, top)), len(top)),
                         weekend=s.count_of(sum(map(weekend, top)), len(top)))
    else:
        best = [g["top"][0] for g in segs]
        common, common_count = most_common_window(best)
        if common is not None and common_count > 1:
            s.say_phrase("most_common", count=len(segs), groups=s.groups(),
                         window=s.window(common), times=common_count)
        else:
            s.say_phrase("each_different", count=len(segs), groups=s.groups())
        sharp = spread(best, "share", False, "pct")
        assert sharp is not None
        s.say_phrase("sharpest", highest_segment=s.segment_phrase(sharp.highest["segment"]),
                     highest_window=s.window(sharp.highest),
                     highest=s.figure(sharp.highest["share"], "share"),
                     lowest_segment=s.segment_phrase(sharp.lowest["segment"]),
                     lowest_window=s.window(sharp.lowest),
                     lowest=s.figure(sharp.lowest["share"], "share"))
        s.say_phrase("evening_weekend_all", count=len(segs), evening_from=evening_from,
                     evening=s.count_of(sum(map(evening, best)), len(best)),
                     weekend=s.count_of(sum(map(weekend, best)), len(best)))
    s.say(s.lens())  # the golden windows are local evenings and weekends


def _activity_scorecard(s: Story) -> None:
    fw = s.framework
    items = [r for r in s.rows if r.get("current") is not None]
    if not items:
        if s.result.suppressed:
            s.hidden()
        else:
            s.say_phrase("empty")
        return
    moved = [r for r in items if r.get("change") is not None]
    verdicts = {r["dimension"]: r.get("verdict") for r in moved}
    sides = {side: _side([verdicts.get(d) for d in dims])
             for side, dims in fw["side_dimensions"].items()}
    figures = [s.phrase("figure", name=fw["names"][r["dimension"]][s.lang],
                        measure=s.words["measures"][r["dimension"]],
                        value=fmt_unit(s, r["current"], r["unit"]),
                        change=_scorecard_change(s, r) if r.get("change") is not None else "")
               for r in items]
    s.say_phrase("against_previous" if moved else "no_previous", days=period_days(s.params),
                 figures=s.words["item_sep"].join(figures))
    if not moved:
        return
    unknown = s.words["side_unknown"]
    s.say_phrase("sides", attraction=s.words["side_verdict"].get(sides["attraction"], unknown),
                 retention=s.words["side_verdict"].get(sides["retention"], unknown))
    biggest = max(moved, key=lambda r: abs(r["change"]))
    if biggest.get("verdict") != "flat":
        s.say_phrase("biggest", name=fw["names"][biggest["dimension"]][s.lang],
                     change=_scorecard_change(s, biggest))
    att, ret = sides["attraction"], sides["retention"]
    reading = ("low_quality_growth" if att == "up" and ret in ("flat", "down")
               else "attraction_to_work_on" if ret == "up" and att in ("flat", "down")
               else "balanced_growth" if att == ret == "up"
               else "both_fell" if att == ret == "down" else None)
    if reading:
        s.say_phrase(reading)


def fmt_unit(s: Story, value: Any, unit: str) -> str:
    return fmt(value, unit, s.lang)


def _scorecard_change(s: Story, row: Row) -> str:
    previous = fmt_unit(s, row["previous"], row["unit"])
    if row.get("verdict") == "flat":
        return s.phrase("change_flat", previous=previous)
    amount = (s.words["points"].format(s.points(row["current"] - row["previous"]))
              if row["unit"] == "pct" else fmt_unit(s, abs(row["change"]), "pct"))
    return s.phrase("change_moved", direction=s.words["direction"][row["verdict"]],
                    amount=amount, previous=previous)


def _side(verdicts: list[str | None]) -> str | None:
    """One word for a side of the framework from its dimensions' verdicts."""
    known = [v for v in verdicts if v]
    if not known:
        return None
    moved = {v for v in known if v != "flat"}
    if not moved:
        return "flat"
    return moved.pop() if len(moved) == 1 else "mixed"


STORIES: dict[str, Callable[[Story], None]] = {
    "retention": _retention,
    "active_users": _one_row_or_compare(
        _active_users_overall, ("avg_dau", "what_avg_dau", 1),
        ("stickiness", "what_stickiness", 1)),
    "usage_time": _one_row_or_compare(
        _usage_time_overall, ("minutes_per_user_day", "what_minutes", 1),
        ("sessions_per_user_day", "what_sessions", 2)),
    "social_quality": _one_row_or_compare(
        _social_quality_overall, ("lasting_rate", "what_lasting", 1),
        ("partners_per_user", "what_partners", 2)),
    "paid_conversion": _one_row_or_compare(
        _paid_conversion_overall, ("conversion", "what_conversion", 1), ("arpu", "what_arpu", 2)),
    "ai_to_human": _one_row_or_compare(_ai_to_human_overall, ("bridge_rate", "what_bridge", 1)),
    "core_action_rate": _core_action_rate,
    "latency_vs_activity": _latency_vs_activity,
    "live_quality": _live_quality,
    "peak_hours": _peak_hours,
    "activity_scorecard": _activity_scorecard,
}


def tell(s: Story) -> list[str]:
    """The sentences of the answer, in order."""
    STORIES.get(s.result.metric.name, _default)(s)
    return s.sentences

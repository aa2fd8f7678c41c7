"""The weekly report's change sections: the week's movements explained, and the alerts.

"Biggest movements" is the change explanation of each headline figure for the week against
the week before (assistant/metrics/change): the change, whether it is beyond normal
variation, and the segments that stand out — a segment that only moved with everyone is
not listed. "Alerts" lists the days of the week a figure left its usual range for the
weekday. Words live in prompts/report/ (labels and narratives).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.errors import UserError
from assistant.metrics.change.alerts import alerts
from assistant.metrics.change.explain import explain_change
from assistant.metrics.change.figures import FIGURES
from assistant.present.change_narrative import figure_name, segment_name
from assistant.present.numbers import fmt

if TYPE_CHECKING:
    from assistant.metrics.change.result import ChangeResult
    from assistant.present.report import Section, _Ctx

# the figures whose week is explained, in the order of the framework's four dimensions
MOVER_FIGURES = ("dau", "minutes_per_user_day", "core_action_rate",
                 "lasting_connection_rate", "paid_conversion", "fast_connect_share")
NAMED = 2  # segments named per figure


def _explain(ctx: _Ctx, name: str) -> ChangeResult | None:
    w = ctx.week
    try:
        return explain_change(ctx.run.catalog, {
            "figure": name, "start": w.data_start, "end": w.data_end,
            "compare_start": w.prev_start, "compare_end": w.prev_end})
    except UserError:
        return None  # too few people, or a catalog without the figure's metric


def _verdict(ctx: _Ctx, r: ChangeResult) -> str:
    t, v = ctx.t, r.verdict
    if v.key in ("beyond", "beyond_ci"):
        return t[f"verdict_{v.key}"]
    if v.key == "within_band" and v.band is not None:
        return ctx.narrative("verdict_within", low=r.fmt_change(v.band.low),
                             high=r.fmt_change(v.band.high))
    return t["verdict_uncertain"]


def section_movers(ctx: _Ctx) -> Section:
    from assistant.present.report import Section, Table, _word

    t, lang = ctx.t, ctx.lang
    section = Section("movers", t["sec_movers"], "")
    if not ctx.comparable:
        _word(section, ctx, "movers_none")
        return section
    rows, facts = [], []
    compared: tuple[str, str] | None = None
    for name in MOVER_FIGURES:
        r = _explain(ctx, name)
        if r is None or r.measured is None:
            continue
        named = [f"{segment_name(p, p.split, p.segment, lang)} {r.fmt_part(p.contribution, lang)}"
                 for p in r.top[:NAMED]]
        if r.drill:
            inner = r.drill[0]
            inner_name = segment_name(inner, inner.split, inner.segment, lang)
            named[0] += t["within"].replace("{}", inner_name)
        compared = (r.a.start.isoformat(), r.a.end.isoformat())
        spec = FIGURES[name]
        label = figure_name(name, lang)
        cells = [label[:1].upper() + label[1:], fmt(r.value_a, spec.fmt, lang),
                 fmt(r.value_b, spec.fmt, lang), r.fmt_change(r.measured),
                 _verdict(ctx, r), "; ".join(named) or t["broad"]]
        rows.append(cells)
        facts.append({"figure": cells[0], "change_text": cells[3], "beyond": r.verdict.beyond,
                      "key": r.verdict.key,
                      "verdict": cells[4], "named": named, "up": (r.change or 0) > 0,
                      "score": abs(r.measured) / (r.verdict.band.half if r.verdict.band
                                                  and r.verdict.band.half else 1.0)})
    if rows:
        section.tables.append(Table(
            [t["metric"], t["prev_week"], t["this_week"], t["change"], t["noise"],
             t["standing_out"]], rows, [False, True, True, True, False, False], "movers"))
    facts.sort(key=lambda f: (not f["beyond"], -f["score"]))
    _word(section, ctx, "movers", movers=facts, compared=compared)
    section.notes.append(t["note_movers"])
    return section


def section_alerts(ctx: _Ctx) -> Section:
    from assistant.present.report import Section, Table, _word

    t, lang, w = ctx.t, ctx.lang, ctx.week
    section = Section("alerts", t["sec_alerts"], "")
    found = [a for a in alerts(ctx.run.catalog, since=w.data_start) if a.day <= w.data_end]
    days = t["weekdays"].split()
    rows = []
    facts: list[dict[str, Any]] = []
    for a in found:
        spec = FIGURES[a.figure]
        cells = [f"{a.day.isoformat()} ({days[a.day.weekday()]})", figure_name(a.figure, lang),
                 fmt(a.value, spec.fmt, lang),
                 f"{fmt(a.low, spec.fmt, lang)} – {fmt(a.high, spec.fmt, lang)}"]
        rows.append(cells)
        facts.append({"day": cells[0], "figure": cells[1], "value": cells[2],
                      "usual": cells[3], "up": a.direction == "up"})
    if rows:
        section.tables.append(Table([t["day"], t["metric"], t["value"], t["usual_range"]],
                                    rows, [False, False, True, True], "alerts"))
    _word(section, ctx, "alerts", alerts=facts)
    section.notes.append(t["note_alerts"])
    return section

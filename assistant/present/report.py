"""The weekly summary report: one ISO week's health against the week before, as Markdown or HTML.

Every figure is a cell of a `MetricResult` from `Catalog.run`; this module only picks the
ranges, lines the two weeks up and hands the facts to the templates in `prompts/report/`
(all wording lives there, in English and Chinese). The movements and alerts sections come
from the change explanation (report_change.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from assistant.errors import DataError, UserError
from assistant.metrics.catalog import Catalog, MetricResult
from assistant.metrics.dates import iso_week, last_complete_week, week_monday
from assistant.present.labels import column_label, segment_name, weekday_name
from assistant.present.numbers import fmt, signed
from assistant.prompts import layout, load_yaml, markup, paragraph

LANGS = ("en", "zh")
FORMATS = ("md", "html")
GOLDEN_WINDOWS = 3

# ``progress(done, total, label)``: the CLI draws a bar, the web app passes its own.
Progress = Callable[[int, int, str], None]

_WEEK = re.compile(r"^\s*(\d{4})-?[Ww](\d{1,2})\s*$")


# --- the week ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportWeek:
    """An ISO week, what of it the data covers, and the same days of the week before."""

    label: str
    start: date  # Monday
    end: date  # Sunday
    first: date  # first day with data
    latest: date  # latest complete day

    @property
    def data_start(self) -> date:
        return max(self.start, self.first)

    @property
    def data_end(self) -> date:
        return min(self.end, self.latest)

    @property
    def days(self) -> int:
        return (self.data_end - self.data_start).days + 1

    @property
    def partial(self) -> bool:
        return self.days < 7

    @property
    def open_end(self) -> bool:
        """The week goes on past the latest complete day."""
        return self.data_end < self.end

    @property
    def prev_label(self) -> str:
        return iso_week(self.start - timedelta(days=7))

    @property
    def prev_start(self) -> date:
        return self.data_start - timedelta(days=7)

    @property
    def prev_end(self) -> date:
        return self.data_end - timedelta(days=7)

    @property
    def prev_missing(self) -> bool:
        return self.prev_end < self.first

    @property
    def prev_partial(self) -> bool:
        return self.prev_start < self.first <= self.prev_end


def resolve_week(week: str | None, latest: date, first: date, lang: str = "en") -> ReportWeek:
    """'last' (or None), '2026-W47' or a date in the week -> the week, checked against the data."""
    default = last_complete_week(latest)
    text = (week or "last").strip()
    bad = UserError(message("bad_week", lang, week=text, example=iso_week(default)))
    if text.lower() in ("last", "latest"):
        monday = default
        if monday + timedelta(days=6) < first:  # no complete week yet: the one in progress
            monday = week_monday(latest)
    elif m := _WEEK.match(text):
        try:
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            raise bad from None
    else:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise bad from None
        monday = week_monday(day)
    label = iso_week(monday)
    if monday > latest:
        raise UserError(message("future_week", lang, latest=latest, week=iso_week(default)))
    if monday + timedelta(days=6) < first:
        raise UserError(message("early_week", lang, first=first, week=label))
    return ReportWeek(label, monday, monday + timedelta(days=6), first, latest)


# --- what the templates get -----------------------------------------------------------------


@dataclass
class Table:
    """A table ready to print: headers, formatted cells, and which columns are figures."""

    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    key: str = ""  # names the table for tests and the web app


@dataclass
class Section:
    key: str
    title: str
    narrative: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    figures: list[Any] = field(default_factory=list)  # results to chart, HTML only
    facts: dict[str, Any] = field(default_factory=dict)  # what the narrative quoted


@dataclass
class Report:
    """The report's content before it is laid out as Markdown or HTML."""

    week: ReportWeek
    lang: str
    title: str
    subtitle: str
    summary: str
    notices: list[str]
    sections: list[Section]
    results: dict[str, MetricResult]
    labels: dict[str, str]


# --- text -------------------------------------------------------------------------------------


def _yaml(name: str) -> dict[str, Any]:
    return load_yaml(f"report/{name}")


def _framework() -> dict[str, Any]:
    return load_yaml("framework.yaml")


_render = paragraph


def message(key: str, msg_lang: str, **values: Any) -> str:
    """An error message of the report, in the reader's language."""
    entry = _yaml("labels.yaml")["messages"][key]
    return _render(entry.get(msg_lang) or entry["en"], **values)


def labels(lang: str) -> dict[str, str]:
    """Every fixed label of the report in one language."""
    return {k: v[lang] for k, v in _yaml("labels.yaml")["labels"].items()}


# --- collecting ------------------------------------------------------------------------------


class _Run:
    """Runs the catalog for one report and remembers each result by a key."""

    def __init__(self, catalog: Catalog, week: ReportWeek) -> None:
        self.catalog = catalog
        self.week = week
        self.results: dict[str, MetricResult] = {}

    def __call__(self, key: str, name: str, args: dict[str, Any]) -> MetricResult | None:
        if name not in self.catalog.registry.metrics:
            return None  # a catalog without this metric: the section says so
        try:
            result = self.catalog.run(name, args)
        except DataError:
            return None  # its source table is empty (no calls loaded): the section says so
        self.results[key] = result
        return result

    def cur(self, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        w = self.week
        return {"start": w.data_start, "end": w.data_end, **(extra or {})}

    def prev(self, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        w = self.week
        return {"start": w.prev_start, "end": w.prev_end, **(extra or {})}


def _kind(result: MetricResult, name: str) -> str:
    column = result.metric.columns.get(name)
    return column.format if column else "text"


def _first(result: MetricResult | None, **match: Any) -> dict[str, Any] | None:
    if result is None:
        return None
    for row in result.visible_rows:
        if all(row.get(k) == v for k, v in match.items()):
            return row
    return None


def _change(cur: Any, prev: Any, kind: str) -> tuple[float | None, str]:
    """Week-over-week change: points for rates, relative for everything else."""
    if not isinstance(cur, (int, float)) or not isinstance(prev, (int, float)):
        return None, "rel"
    if kind == "pct":
        return cur - prev, "pp"
    if prev == 0:
        return None, "rel"
    return cur / prev - 1, "rel"


@dataclass
class _Ctx:
    """What every section builder shares."""

    run: _Run
    lang: str
    t: dict[str, str]
    comparable: bool  # the week and the week before can be set side by side
    scorecard_comparable: bool

    @property
    def week(self) -> ReportWeek:
        return self.run.week

    def narrative(self, key: str, **facts: Any) -> str:
        texts = _yaml("narratives.yaml")
        fw = _framework()
        return _render(
            texts["_macros"][self.lang] + texts[key][self.lang],
            w=self.week,
            t=self.t,
            comparable=self.comparable,
            f=fmt,
            signed=signed,
            dim=lambda d: fw["dimensions"][d][self.lang],
            lens=lambda m: fw["lenses"].get(m, {}).get(self.lang, ""),
            **facts,
        )


def _word(section: Section, ctx: _Ctx, key: str, **facts: Any) -> None:
    """Write a section's narrative from its template and keep the facts it was given."""
    section.facts = facts
    section.narrative = ctx.narrative(key, **facts)


def _compare_rows(
    ctx: _Ctx, cur: MetricResult | None, prev: MetricResult | None, columns: list[str],
    **match: Any,
) -> tuple[list[list[str]], list[dict[str, Any]]]:
    """One line per figure: this week, the week before, and the change."""
    row, before = _first(cur, **match), _first(prev, **match)
    lines, facts = [], []
    if cur is None or row is None:
        return lines, facts
    for c in columns:
        kind = _kind(cur, c)
        p = before.get(c) if before and ctx.comparable else None
        change, unit = _change(row.get(c), p, kind) if ctx.comparable else (None, "rel")
        lines.append([
            column_label(cur.metric, c, ctx.lang), fmt(row.get(c), kind, ctx.lang),
            fmt(p, kind, ctx.lang) if ctx.comparable else ctx.t["not_compared"],
            _change_text(ctx, change, unit),
        ])
        facts.append({"column": c, "label": column_label(cur.metric, c, ctx.lang),
                      "value": row.get(c),
                      "prev": p, "change": change, "unit": unit, "kind": kind,
                      "text": fmt(row.get(c), kind, ctx.lang),
                      "prev_text": fmt(p, kind, ctx.lang),
                      "change_text": _change_text(ctx, change, unit)})
    return lines, facts


def _change_text(ctx: _Ctx, change: float | None, unit: str) -> str:
    if change is None:
        return fmt(None)
    return signed(change, unit, ctx.lang) + (ctx.t["pp"] if unit == "pp" else "")


def _compare_table(ctx: _Ctx, lines: list[list[str]], key: str) -> Table:
    t = ctx.t
    return Table([t["measure"], t["this_week"], t["prev_week"], t["change"]], lines,
                 [False, True, True, True], key)


def _scorecard_change(row: dict[str, Any]) -> tuple[float | None, str]:
    """A scorecard row's change: points for a rate, relative for the other figures."""
    if row.get("change") is None:
        return None, "rel"
    return _change(row.get("current"), row.get("previous"), row.get("unit") or "float")


def _section_scorecard(ctx: _Ctx) -> Section:
    t = ctx.t
    res = ctx.run("scorecard", "activity_scorecard", ctx.run.cur())
    daily = ctx.run.results.get("daily")
    section = Section("scorecard", t["sec_scorecard"], "")
    if res is None:
        _word(section, ctx, "missing_metric", metric="activity_scorecard")
        return section
    rows, facts = [], []
    for r in res.rows:
        unit = r.get("unit") or "float"
        shown = ctx.scorecard_comparable
        verdict = r.get("verdict") if shown else None
        dim = r.get("dimension")
        cells = [
            t.get(f"dim_{dim}", str(dim)),
            t["lens_attraction"] if dim in ("frequency", "duration") else t["lens_retention"],
            t.get(f"measure_{dim}", str(r.get("measure"))),
            fmt(r.get("current"), unit, ctx.lang),
            fmt(r.get("previous"), unit, ctx.lang) if shown else t["not_compared"],
            _change_text(ctx, *_scorecard_change(r)) if shown else fmt(None),
            t.get(f"verdict_{verdict}", fmt(verdict)) if verdict else fmt(None),
        ]
        rows.append(cells)
        facts.append({"dimension": dim, "name": cells[0], "measure": cells[2],
                      "current": cells[3], "previous": cells[4], "change": r.get("change"),
                      "change_text": cells[5], "verdict": verdict if shown else None})
    headers = [t["dimension"], t["lens"], t["measure"], t["this_week"], t["prev_week"],
               t["change"], t["verdict"]]
    section.tables.append(Table(headers, rows, [False, False, False, True, True, True, False],
                                "scorecard"))
    _word(section, ctx, "scorecard", rows=facts, shown=ctx.scorecard_comparable,
          dims={f["dimension"]: f for f in facts})
    if not ctx.scorecard_comparable and ctx.comparable:
        section.notes.append(t["note_scorecard_partial"])
    section.figures = [res] if ctx.scorecard_comparable else []
    if daily is not None:
        section.figures.append(daily)
    return section


def _section_retention(ctx: _Ctx) -> Section:
    """D1/D7 of the sign-ups of the two weeks before the report week.

    The report week's own sign-ups have no D7 by its Sunday; the week before's have both D1
    and D7 inside the report week, so a report reads the same whenever it is run.
    """
    t, w = ctx.t, ctx.week
    cur_start, cur_end = w.start - timedelta(days=7), w.start - timedelta(days=1)
    prev_start, prev_end = w.start - timedelta(days=14), w.start - timedelta(days=8)
    cur_label, prev_label = iso_week(cur_start), iso_week(prev_start)
    section = Section("retention", t["sec_retention"], "")
    has_cur, has_prev = cur_start >= w.first, prev_start >= w.first
    res = None
    if has_cur:
        start = prev_start if has_prev else cur_start
        res = ctx.run("retention", "retention",
                      {"start": start, "end": cur_end, "group_by": "week", "days": [1, 7]})
    if res is None:
        _word(section, ctx, "retention_missing", first=w.first)
        return section
    mature_until = w.latest - timedelta(days=7)
    rows, facts = [], []
    for n in (1, 7):
        a = _first(res, segment=cur_label, day_n=n)
        b = _first(res, segment=prev_label, day_n=n) if has_prev else None
        change = a["rate"] - b["rate"] if a and b and a.get("rate") is not None \
            and b.get("rate") is not None else None
        rows.append([
            t[f"d{n}"],
            fmt(a and a.get("rate"), "pct"), fmt(a and a.get("cohort_users"), "int"),
            fmt(b and b.get("rate"), "pct") if has_prev else t["not_compared"],
            fmt(b and b.get("cohort_users"), "int") if has_prev else t["not_compared"],
            _change_text(ctx, change, "pp"),
        ])
        facts.append({"n": n, "rate": fmt(a and a.get("rate"), "pct"),
                      "prev": fmt(b and b.get("rate"), "pct"), "change": change,
                      "change_text": _change_text(ctx, change, "pp")})
    headers = [
        t["day_n"],
        _render(t["cohort_rate"], week=cur_label), _render(t["cohort_users"], week=cur_label),
        _render(t["cohort_rate"], week=prev_label), _render(t["cohort_users"], week=prev_label),
        t["change"],
    ]
    section.tables.append(Table(headers, rows, [False] + [True] * 5, "retention"))
    _word(section, ctx, 
        "retention", rows=facts, cur=(cur_start, cur_end, cur_label),
        prev=(prev_start, prev_end, prev_label) if has_prev else None,
    )
    if cur_end + timedelta(days=7) > w.latest:
        section.notes.append(_render(t["note_d7_immature"], day=mature_until))
    if res.suppressed:
        section.notes.append(_render(t["note_suppressed"], n=res.suppressed))
    section.figures = [res]
    return section


def _section_compare(ctx: _Ctx, key: str, metric: str, columns: list[str] | None = None,
                     **match: Any) -> Section:
    """A metric's headline figures this week against the week before."""
    t = ctx.t
    cur = ctx.run(key, metric, ctx.run.cur())
    prev = ctx.run(f"{key}_prev", metric, ctx.run.prev()) if ctx.comparable else None
    section = Section(key, t[f"sec_{key}"], "")
    if cur is None:
        _word(section, ctx, "missing_metric", metric=metric)
        return section
    cols = columns or list(cur.metric.headline)
    lines, facts = _compare_rows(ctx, cur, prev, cols, **match)
    if lines:
        section.tables.append(_compare_table(ctx, lines, key))
    _word(section, ctx, key, facts=facts, has=bool(facts), metric=metric)
    return section


def _section_depth(ctx: _Ctx) -> Section:
    """Core-action completion overall and per action, as a small funnel."""
    t, lang = ctx.t, ctx.lang
    cur = ctx.run("depth", "core_action_rate", ctx.run.cur())
    prev = ctx.run("depth_prev", "core_action_rate", ctx.run.prev()) if ctx.comparable else None
    section = Section("depth", t["sec_depth"], "")
    if cur is None:
        _word(section, ctx, "missing_metric", metric="core_action_rate")
        return section
    rows, facts = [], []
    for r in cur.visible_rows:
        action = r.get("action")
        b = _first(prev, action=action) if ctx.comparable else None
        change, _ = _change(r.get("rate"), b and b.get("rate"), "pct")
        rows.append([
            t.get(f"action_{action}", str(action)), fmt(r.get("users_done"), "int"),
            fmt(r.get("rate"), "pct"),
            fmt(b and b.get("rate"), "pct") if ctx.comparable else t["not_compared"],
            _change_text(ctx, change, "pp"),
        ])
        facts.append({"action": action, "name": rows[-1][0], "rate": rows[-1][2],
                      "change": change, "change_text": rows[-1][4], "value": r.get("rate")})
    headers = [t["action"], column_label(cur.metric, "users_done", lang), t["this_week"],
               t["prev_week"], t["change"]]
    section.tables.append(Table(headers, rows, [False, True, True, True, True], "depth"))
    any_row = next((f for f in facts if f["action"] == "any"), None)
    per_action = sorted((f for f in facts if f["action"] != "any"),
                        key=lambda f: f["value"] or 0, reverse=True)
    _word(section, ctx, "depth", any=any_row, actions=per_action)
    section.figures = [cur]
    return section


def _section_latency(ctx: _Ctx) -> Section:
    """Connect-time buckets and the callers' next-day return, against the 600 ms target."""
    t, lang = ctx.t, ctx.lang
    cur = ctx.run("latency", "latency_vs_activity", ctx.run.cur())
    prev = ctx.run("latency_prev", "latency_vs_activity", ctx.run.prev()) \
        if ctx.comparable else None
    section = Section("latency", t["sec_latency"], "")
    if cur is None:
        _word(section, ctx, "missing_metric", metric="latency_vs_activity")
        return section
    cols = ["calls", "share", "mean_call_minutes", "long_call_share", "next_day_return"]
    rows = [[t["bucket_never"] if r.get("bucket_order") == 5 else str(r.get("bucket"))]
            + [fmt(r.get(c), _kind(cur, c), lang) for c in cols] for r in cur.visible_rows]
    headers = [column_label(cur.metric, c, lang) for c in ["bucket", *cols]]
    section.tables.append(Table(headers, rows, [False] + [True] * len(cols), "latency"))
    fast = _first(cur, bucket_order=1)
    slow = _first(cur, bucket_order=4)
    never = _first(cur, bucket_order=5)
    fast_prev = _first(prev, bucket_order=1)
    share_change, _ = _change(fast and fast.get("share"), fast_prev and fast_prev.get("share"),
                              "pct")
    _word(section, ctx, 
        "latency", fast=fast, slow=slow, never=never,
        share_change=_change_text(ctx, share_change, "pp") if share_change is not None else None,
        gap=(fast["next_day_return"] - slow["next_day_return"]) if fast and slow
        and fast.get("next_day_return") is not None and slow.get("next_day_return") is not None
        else None,
    )
    if cur.suppressed:
        section.notes.append(_render(t["note_suppressed"], n=cur.suppressed))
    section.figures = [cur]
    return section


def _section_golden(ctx: _Ctx) -> Section:
    """The top local-time windows per region, and for everyone (each in their own time)."""
    t, lang = ctx.t, ctx.lang
    res = ctx.run("golden", "peak_hours", ctx.run.cur({"group_by": "region"}))
    overall = ctx.run("golden_all", "peak_hours", ctx.run.cur())
    section = Section("golden", t["sec_golden"], "")
    if res is None or overall is None:
        _word(section, ctx, "missing_metric", metric="peak_hours")
        return section
    groups: list[tuple[str, list[dict[str, Any]]]] = [(t["all_regions"], overall.visible_rows)]
    by_region: dict[str, list[dict[str, Any]]] = {}
    for r in res.visible_rows:
        by_region.setdefault(r["segment"], []).append(r)
    groups += [(segment_name(k, "region", lang), v) for k, v in sorted(by_region.items())]
    rows, facts = [], []
    for name, items in groups:
        if not items:
            continue
        # rank 1 is the busiest cell; ties keep the catalog's order (weekday, hour)
        top = sorted(items, key=lambda r: r.get("rank") or 0)[:GOLDEN_WINDOWS]
        windows = [
            {"weekday": weekday_name(r["weekday"], lang, short=True), "hour": int(r["hour"]),
             "share": fmt(r.get("share"), "pct"),
             "weekend": int(r["weekday"]) >= 6, "evening": int(r["hour"]) >= 18}
            for r in top
        ]
        cells = [_render(t["window"], **wd) for wd in windows]
        rows.append([name, fmt(top[0].get("users"), "int")] + cells
                    + [""] * (GOLDEN_WINDOWS - len(cells)))
        facts.append({"region": name, "windows": windows})
    headers = [t["region"], column_label(res.metric, "users", lang)] + [
        _render(t["window_n"], n=i + 1) for i in range(GOLDEN_WINDOWS)]
    section.tables.append(Table(headers, rows, [False, True] + [False] * GOLDEN_WINDOWS,
                                "golden"))
    regional = facts[1:] if len(facts) > 1 else facts
    ew = sum(1 for f in regional for wd in f["windows"] if wd["evening"] or wd["weekend"])
    total = sum(len(f["windows"]) for f in regional)
    _word(section, ctx, "golden", regions=regional, everyone=facts[0] if facts else None,
          ew=ew, total=total)
    if res.suppressed:
        section.notes.append(_render(t["note_suppressed_regions"], n=res.suppressed))
    section.figures = [overall]
    return section


def _gap_days(run: _Run) -> tuple[list[date], list[date]]:
    """Days without any session in the week and in the days compared with it."""
    daily = run.results.get("daily")
    w = run.week
    seen = {str(r.get("segment")) for r in daily.rows} if daily else set()

    def missing(a: date, b: date) -> list[date]:
        a = max(a, w.first)  # days before the data starts are reported once, not as gaps
        days = [a + timedelta(days=i) for i in range((b - a).days + 1)]
        return [d for d in days if d.isoformat() not in seen]

    cur = missing(w.data_start, w.data_end)
    prev = missing(w.prev_start, w.prev_end) if not w.prev_missing else []
    return cur, prev


SECTION_STEPS = (
    "scorecard", "retention", "usage", "depth", "social", "conversion", "latency", "golden",
    "movers", "alerts",
)


def collect(
    catalog: Catalog, week: str | None = "last", lang: str = "en",
    progress: Progress | None = None,
) -> Report:
    """Run every metric the report needs and word the sections; nothing is laid out yet."""
    from assistant.present import report_change
    if lang not in LANGS:
        raise UserError(message("bad_lang", "en", lang=lang))
    t = labels(lang)
    latest = catalog.latest_day()
    first = catalog.data_range.first_day or latest
    w = resolve_week(week, latest, first, lang)
    run = _Run(catalog, w)
    total = len(SECTION_STEPS) + 1

    def step(i: int, key: str) -> None:
        if progress:
            progress(i, total, t[f"sec_{key}"])

    # The daily actives come first: they tell whether the two weeks can be compared at all.
    step(0, "scorecard")
    run("daily", "active_users", {
        "start": w.data_start if w.prev_missing else max(w.prev_start, first),
        "end": w.data_end, "group_by": "day",
    })
    gaps_cur, gaps_prev = _gap_days(run)
    notices: list[str] = []
    if w.data_end < w.end:
        notices.append(_render(t["notice_partial_end"], w=w))
    if w.data_start > w.start:
        notices.append(_render(t["notice_partial_start"], w=w))
    if w.prev_missing:
        notices.append(_render(t["notice_prev_missing"], w=w))
    elif w.prev_partial:
        notices.append(_render(t["notice_prev_partial"], w=w))
    if gaps_cur:
        notices.append(_render(t["notice_gap_cur"], days=gaps_cur))
    if gaps_prev:
        notices.append(_render(t["notice_gap_prev"], days=gaps_prev))
    comparable = not (w.prev_missing or w.prev_partial or gaps_cur or gaps_prev)
    ctx = _Ctx(run, lang, t, comparable, comparable and not w.partial)

    builders: dict[str, Callable[[], Section]] = {
        "scorecard": lambda: _section_scorecard(ctx),
        "retention": lambda: _section_retention(ctx),
        "usage": lambda: _section_compare(
            ctx, "usage", "usage_time",
            ["minutes_per_user_day", "sessions_per_user_day", "median_session_minutes"]),
        "depth": lambda: _section_depth(ctx),
        "social": lambda: _section_compare(ctx, "social", "social_quality"),
        "conversion": lambda: _section_compare(
            ctx, "conversion", "paid_conversion",
            ["conversion", "payers", "revenue", "arpu", "arppu"]),
        "latency": lambda: _section_latency(ctx),
        "golden": lambda: _section_golden(ctx),
        "movers": lambda: report_change.section_movers(ctx),
        "alerts": lambda: report_change.section_alerts(ctx),
    }
    sections = []
    for i, key in enumerate(SECTION_STEPS):
        step(i, key)
        sections.append(builders[key]())
    step(len(SECTION_STEPS), "render")
    by_key = {s.key: s for s in sections}
    summary = ctx.narrative("summary", s={k: v.facts for k, v in by_key.items()},
                            notices=notices)
    return Report(
        week=w, lang=lang,
        title=_render(t["title"], w=w),
        subtitle=_render(t["subtitle"], w=w, tz=catalog.settings.report_timezone,
                         comparable=comparable),
        summary=summary, notices=notices, sections=sections, results=run.results, labels=t,
    )


# --- laying out -----------------------------------------------------------------------------


def _figure_html(result: MetricResult, lang: str) -> str | None:
    fig = result.figure(lang)
    if fig is None:
        return None
    fig.update_layout(height=320, autosize=True)
    return fig.to_html(full_html=False, include_plotlyjs=False,
                       config={"responsive": True, "displayModeBar": False})


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    """The plotly.js bundle, once per file; its built-in URLs (map tiles, licences, SVG
    namespaces) are written with an escaped colon so the file holds no web address while
    the script reads the same strings."""
    from plotly.offline import get_plotlyjs

    return re.sub(r"(https?):(?=//)", r"\1\\x3a", get_plotlyjs())


def render(report: Report, fmt_: str = "md") -> str:
    """Lay the report out as Markdown (tables for chat tools and wikis) or one HTML file."""
    if fmt_ not in FORMATS:
        raise UserError(message("bad_format", report.lang, format=fmt_))
    if fmt_ == "md":
        return layout("report/report.md.j2", r=report, t=report.labels)
    charts = {
        s.key: [h for h in (_figure_html(res, report.lang) for res in s.figures) if h]
        for s in report.sections
    }
    return layout(
        "report/report.html.j2", r=report, t=report.labels, charts=charts,
        plotly_js=markup(_plotly_js()), chart_html=markup,
    )


def build_report(
    catalog: Catalog, week: str | None = "last", lang: str = "en", fmt: str = "md",
    progress: Progress | None = None,
) -> str:
    """The weekly report as text: Markdown or a self-contained HTML page."""
    if fmt not in FORMATS:
        raise UserError(message("bad_format", lang if lang in LANGS else "en", format=fmt))
    report = collect(catalog, week, lang, progress)
    out = render(report, fmt)
    if progress:
        progress(len(SECTION_STEPS) + 1, len(SECTION_STEPS) + 1, report.labels["sec_render"])
    return out

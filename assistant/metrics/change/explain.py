"""explain_change: two values of a figure, whether the change is real, where it came from."""

from __future__ import annotations

import math
import time
from datetime import date
from typing import Any

from assistant.errors import ParameterError
from assistant.metrics.catalog import Catalog
from assistant.metrics.change import noise
from assistant.metrics.change.args import ChangeArgs, parse
from assistant.metrics.change.compare import (
    SPLIT_FILTER,
    Period,
    Reader,
    resolve_periods,
    values_of,
)
from assistant.metrics.change.decompose import Part, decompose, standing_out
from assistant.metrics.change.fast import FastReader, reader_for
from assistant.metrics.change.figures import FIGURES, Cell, Figure, cell
from assistant.metrics.change.guard import hidden_segments
from assistant.metrics.change.result import ChangeResult

# the breakdown to look inside the segment that stands out most
DRILL = {"country": "platform", "region": "country", "platform": "country", "channel": "country"}


def explain_change(catalog: Catalog, values: dict[str, Any] | None) -> ChangeResult:
    """The explanation of one figure's change, every number from the catalog's metrics."""
    t0 = time.perf_counter()
    args = parse(values)
    figure = FIGURES[args.figure]
    latest, first = catalog.latest_day(), catalog.data_range.first_day or catalog.latest_day()
    a, b, notes = resolve_periods(figure, latest, first, args.start, args.end,
                                  args.compare_start, args.compare_end)
    filters = {"countries": args.countries, "regions": args.regions, "platforms": args.platforms}
    if args.versus == "segments":
        reader = Reader(catalog, figure, filters)
        result = _segments(catalog, reader, args, b, notes)
    else:
        if args.channels:
            raise ParameterError(
                "The channel filter works only when two channels are compared.",
                hint="Use split_by channel to see each channel's part of the change.")
        reader = reader_for(catalog, figure, filters, (a, b))
        result = _periods(catalog, reader, args, a, b, notes)
    result.params = {**args.model_dump(mode="json"), "start": b.start.isoformat(),
                     "end": b.end.isoformat(), "compare_start": result.a.start.isoformat(),
                     "compare_end": result.a.end.isoformat()}
    result.queries = reader.calls
    result.elapsed_ms = (time.perf_counter() - t0) * 1000
    return result


def _periods(catalog: Catalog, reader: Reader, args: ChangeArgs, a: Period, b: Period,
             notes: list[str]) -> ChangeResult:
    figure = reader.figure
    splits = [s for s in args.split_by if s in figure.splits and not _single(args, s)]
    reader.prefetch([(p, g) for g in ("none", *splits) for p in (a, b)])
    ta, tb = reader.total(a), reader.total(b)
    if ta.hidden or tb.hidden:
        raise ParameterError(
            "Too few people in this selection to show the figure (privacy minimum).",
            hint="Widen the filters or the date range.")
    parts, hidden = _breakdowns(catalog, reader, splits, a, b, (ta, tb))
    ci = _interval(reader, figure, a, b, ta, tb, {}, {})
    history: list[tuple[str, float | None]] = []
    band = None
    if a.end < b.start and b.start - a.end == b.start - b.shifted(1).end:
        history = _history(reader, a, b, catalog.data_range.first_day or a.start)
        band = noise.history_band(_changes(figure, [v for _, v in history]))
    res = ChangeResult(figure, {}, "previous_period", a, b, a.label(), b.label(),
                       ta.value, tb.value, noise.Verdict(False, ci, band), parts,
                       notes=notes, history=history, hidden=hidden)
    res.verdict = noise.judge(res.measured, ci, band)
    res.top = standing_out([p for ps in parts.values() for p in ps], res.change or 0.0)
    if res.top:
        res.drill = _drill(catalog, reader, args, res.top[0], a, b)
    return res


def _segments(catalog: Catalog, reader: Reader, args: ChangeArgs, period: Period,
              notes: list[str]) -> ChangeResult:
    """Two values of one filter (iOS vs Android) within one range."""
    figure = reader.figure
    pairs = [(s, f) for s, f in SPLIT_FILTER.items() if len(getattr(args, f)) == 2]
    if len(pairs) != 1:
        raise ParameterError(
            "To compare segments, list exactly two values of one filter.",
            hint="For example platforms [ios, android], or countries [BR, MX].")
    split, key = pairs[0]
    if split not in figure.splits:
        raise ParameterError(f"{figure.name} cannot be split by {split}.")
    seg_b, seg_a = getattr(args, key)  # the first named is the one looked at
    others = {k: v for k, v in {"countries": args.countries, "regions": args.regions,
                                "platforms": args.platforms}.items() if k != key}
    reader.filters = {k: v for k, v in others.items() if v}
    rows = reader.rows(period, split)
    hidden = hidden_segments(split, [rows], figure.size, catalog.settings.min_group_size)
    if seg_a in hidden or seg_b in hidden or seg_a not in rows or seg_b not in rows:
        raise ParameterError(
            "One of the two segments is too small to show (privacy minimum) or has no data.",
            hint="Pick larger segments or a longer range.")
    ta, tb = cell(figure, rows[seg_a]), cell(figure, rows[seg_b])
    parts: dict[str, list[Part]] = {}
    n_hidden = 0
    ex_a: dict[str, list[str]] = {}
    ex_b: dict[str, list[str]] = {}
    if key != "channels":
        ex_a, ex_b = {key: [seg_a]}, {key: [seg_b]}
        splits = [s for s in args.split_by if s in figure.splits and s != split
                  and not (split == "country" and s == "region")
                  and not (split == "region" and s == "country") and not _single(args, s)]
        parts, n_hidden = _breakdowns(catalog, reader, splits, period, period, (ta, tb),
                                      ex_a, ex_b)
    ci = _interval(reader, figure, period, period, ta, tb, ex_a, ex_b) if ex_a or \
        figure.kind in ("count", "proportion") else None
    res = ChangeResult(figure, {}, "segments", period, period, str(seg_a), str(seg_b),
                       ta.value, tb.value, noise.Verdict(False, ci, None), parts,
                       notes=notes, hidden=n_hidden)
    res.verdict = noise.judge(res.measured, ci, None)
    res.top = standing_out([p for ps in parts.values() for p in ps], res.change or 0.0)
    return res


def _single(args: ChangeArgs, split: str) -> bool:
    """A breakdown along a filter of one value says nothing (one country split by country)."""
    return len(getattr(args, SPLIT_FILTER[split])) == 1


def _breakdowns(catalog: Catalog, reader: Reader, splits: list[str], a: Period, b: Period,
                totals: tuple[Cell, Cell],
                extra_a: dict | None = None, extra_b: dict | None = None
                ) -> tuple[dict[str, list[Part]], int]:
    """Each breakdown's parts, with segments hidden in either period hidden in both."""
    figure = reader.figure
    min_size = catalog.settings.min_group_size
    out: dict[str, list[Part]] = {}
    n_hidden = 0
    hidden_regions: set[str] = set()
    for split in sorted(splits, key=lambda s: s != "region"):  # regions first
        ra, rb = reader.rows(a, split, extra_a), reader.rows(b, split, extra_b)
        hide = hidden_segments(split, [ra, rb], figure.size, min_size, hidden_regions)
        if split == "region":
            hidden_regions = set(hide)
        n_hidden += len(hide)
        ca = values_of({s: cell(figure, r) for s, r in ra.items()}, hide)
        cb = values_of({s: cell(figure, r) for s, r in rb.items()}, hide)
        empty = Cell(0.0, 0.0, 0.0, 0)
        cells = {s: (ca.get(s, empty), cb.get(s, empty)) for s in {*ca, *cb}}
        out[split] = sorted(decompose(figure, split, cells, totals),
                            key=lambda p: -abs(p.contribution))
    return out, n_hidden


def _interval(reader: Reader, figure: Figure, a: Period, b: Period, ta: Cell, tb: Cell,
              ex_a: dict, ex_b: dict) -> tuple[float, float] | None:
    """95% interval of the judged change (pp for rates, relative otherwise)."""
    if ta.value is None or tb.value is None:
        return None
    if figure.kind == "proportion" and ta.den and tb.den:
        return noise.newcombe(ta.num or 0.0, ta.den, tb.num or 0.0, tb.den)
    if figure.kind == "count":
        units = {"days": lambda p: p.days, "weeks": lambda p: max(1.0, p.days / 7)}
        ua = units.get(figure.units, lambda p: 1.0)(a)
        ub = units.get(figure.units, lambda p: 1.0)(b)
        return noise.poisson_ratio(ta.value * ua, tb.value * ub)
    da, db = reader.daily(a, ex_a), reader.daily(b, ex_b)
    if figure.kind == "index":
        se_a = noise.replicate_se([c.value or 0.0 for c in da], [1.0] * len(da), len(da) or 1)
        se_b = noise.replicate_se([c.value or 0.0 for c in db], [1.0] * len(db), len(db) or 1)
    else:
        se_a = noise.replicate_se([c.num or 0.0 for c in da], [c.den or 0.0 for c in da],
                                  ta.den or 0.0)
        se_b = noise.replicate_se([c.num or 0.0 for c in db], [c.den or 0.0 for c in db],
                                  tb.den or 0.0)
    if se_a is None or se_b is None:
        return None
    if figure.rate_like:
        d, se = tb.value - ta.value, math.hypot(se_a, se_b)
        return (d - noise.Z * se, d + noise.Z * se)
    return noise.relative_ci(ta.value, tb.value, se_a, se_b)


def _history(reader: Reader, a: Period, b: Period, first: date) -> list[tuple[str, float | None]]:
    """The figure over up to 12 earlier equal-length periods, oldest first, ending with B."""
    figure = reader.figure
    n = noise.MAX_HISTORY + 1
    back = max(0, min(n, (a.start - first).days // a.days))
    if back < noise.MIN_HISTORY:
        return []
    oldest = a.shifted(back)
    span = Period(oldest.start, b.end)
    if isinstance(reader, FastReader) and a.end < b.start:
        rows = reader.series(span, b.days)
        cells = {k: cell(figure, r) for k, r in rows.items()}
        return [(k, None if reader.small(c) else c.value) for k, c in sorted(cells.items())]
    if figure.trends and b.days == 7 and b.start.isoweekday() == 1:
        return list(reader.trend(span, "week").items())
    if figure.trends and b.days == 1:
        return list(reader.trend(span, "day").items())
    periods = [a.shifted(k) for k in range(min(back, 8), 0, -1)] + [a, b]
    return [(p.label(), reader.total(p).value) for p in periods]


def _changes(figure: Figure, values: list[float | None]) -> list[float]:
    """Period-over-period changes of a history, leaving B's own change out."""
    out = []
    for x, y in zip(values[:-2], values[1:-1], strict=False):
        if x is None or y is None:
            continue
        if figure.rate_like:
            out.append(y - x)
        elif x:
            out.append(y / x - 1)
    return out


def _drill(catalog: Catalog, reader: Reader, args: ChangeArgs, top: Part, a: Period,
           b: Period) -> list[Part]:
    """Inside the segment that stands out most: which of its parts moved."""
    inner = DRILL.get(top.split)
    if top.split == "channel" or inner is None or inner not in reader.figure.splits \
            or _single(args, inner):
        return []
    key = SPLIT_FILTER[top.split]
    extra = {key: [top.segment]}
    totals = (reader.total(a, extra), reader.total(b, extra))
    if totals[0].hidden or totals[1].hidden:
        return []
    parts, _ = _breakdowns(catalog, reader, [inner], a, b, totals, extra, extra)
    change = (totals[1].value or 0.0) - (totals[0].value or 0.0)
    # the part that carries most of the segment's change (Android of Brazil's drop)
    named = [p for p in parts.get(inner, []) if p.named and p.contribution * change > 0]
    best = max(named, key=lambda p: abs(p.contribution), default=None)
    return [best] if best is not None and abs(best.contribution) >= 0.5 * abs(change) else []

"""The figure queries of tools/figures/ give the vetted metrics' own numbers, and are
reviewed like them but never offered as chat tools."""

from __future__ import annotations

import pytest

from assistant.agent.graph import build_tools
from assistant.metrics.catalog import Catalog
from assistant.metrics.change.compare import Period
from assistant.metrics.change.fast import FIGURES_DIR, FastReader
from assistant.metrics.change.figures import FIGURES, cell, pick
from assistant.metrics.registry import Registry


def test_figure_queries_pass_review_and_are_not_tools(demo_catalog: Catalog) -> None:
    names = Registry(FIGURES_DIR).names()
    assert names == ["activity_parts", "activity_periods", "connect_days"]
    tools = {t.name for t in build_tools(demo_catalog)}
    assert not tools & set(names)
    assert "explain_change" in tools


@pytest.mark.parametrize("figure", ["dau", "minutes_per_user_day", "core_action_rate"])
@pytest.mark.parametrize("split", ["none", "country", "platform", "channel"])
def test_fast_parts_equal_the_metrics(demo_catalog: Catalog, figure: str, split: str) -> None:
    from datetime import date

    spec = FIGURES[figure]
    a = Period(date(2026, 11, 9), date(2026, 11, 15))
    b = Period(date(2026, 11, 16), date(2026, 11, 22))
    fast = FastReader(demo_catalog, spec, {}, (a, b))
    for period in (a, b):
        got = {s: cell(spec, r) for s, r in fast.rows(period, split).items()}
        args = {**spec.args, "start": period.start, "end": period.end}
        if split != "none":
            args["group_by"] = split
        want_rows = pick(spec, Catalog(demo_catalog.db_path, settings=demo_catalog.settings
                                       .model_copy(update={"min_group_size": 1}))
                         .run(spec.metric, args).rows)
        want = {s: cell(spec, r) for s, r in want_rows.items()}
        assert set(got) == set(want)
        for seg, c in want.items():
            assert got[seg].value == pytest.approx(c.value, rel=1e-9), (seg, period)
            assert got[seg].size == c.size


def test_history_series_equals_weekly_metric(demo_catalog: Catalog) -> None:
    from datetime import date

    spec = FIGURES["dau"]
    span = Period(date(2026, 10, 19), date(2026, 11, 22))
    fast = FastReader(demo_catalog, spec, {})
    series = {k: cell(spec, r).value for k, r in fast.series(span, 7).items()}
    weekly = demo_catalog.run("active_users", {"start": span.start, "end": span.end,
                                               "group_by": "week"}).rows
    assert list(series.values()) == pytest.approx([r["avg_dau"] for r in weekly])


def test_connect_days_equal_the_latency_metric(demo_catalog: Catalog) -> None:
    from assistant.metrics.change.fast import figures_catalog

    days = figures_catalog(demo_catalog).run(
        "connect_days", {"start": "2026-11-16", "end": "2026-11-18"}).rows
    assert [r["segment"] for r in days] == ["2026-11-16", "2026-11-17", "2026-11-18"]
    raw = Catalog(demo_catalog.db_path,
                  settings=demo_catalog.settings.model_copy(update={"min_group_size": 1}))
    for r in days:
        want = raw.run("latency_vs_activity", {"start": r["segment"],
                                                        "end": r["segment"]}).rows
        fast = next(x for x in want if x["bucket_order"] == 1)
        assert r["fast_calls"] == fast["calls"]
        assert r["share"] == pytest.approx(fast["share"])
        assert r["calls"] == sum(x["calls"] for x in want)

"""Any JSON-like value for any parameter: refused with a clear ParameterError, or run safely."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import ParameterError
from assistant.metrics.catalog import MetricResult
from assistant.metrics.privacy import check_date_reach
from assistant.metrics.registry import get_registry

METRICS = get_registry().names()

json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
    | st.text(max_size=30).filter(lambda t: not t[:1].isdigit()),  # no far-off ISO dates
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=10,
)
# Values that are close to valid, so the fuzzing also reaches the SQL, not only the validator.
plausible = st.sampled_from([
    "2026-11-16", "2026-11-22", "2026-10-01", "1999-01-01", "2030-01-01", "2026-02-30",
    ["BR"], ["br", "Brazil", "巴西"], ["XX"], ["BR", "ID", "US"], [], ["SEA"], ["EU", "MENA"],
    ["ios"], ["android", "web"], "none", "day", "week", "country", "region", "platform",
    "channel", [1], [1, 7], [0], [30], 600, 0, -1, 10**9, 1.5, True, "600",
    ["chat_start"], ["call_connected", "room_join"],
])
EXAMPLES = 40


def near_valid(param) -> st.SearchStrategy:
    """Values of the right type for one parameter, edges and just-outside values included."""
    t = param.type
    if t == "date":
        # Dates from 1900 to 2100; the year-1 and year-9999 edges are tested separately below.
        near = st.dates(date(2026, 10, 1), date(2026, 12, 10)).map(str)
        return st.one_of(near, near, near, st.dates(date(1900, 1, 1), date(2100, 12, 31)).map(str))
    if t == "int":
        lo, hi = param.min if param.min is not None else 0, param.max or 10_000
        return st.integers(lo - 2, hi + 2)
    if t == "int_list":
        lo, hi = param.min if param.min is not None else 0, param.max or 100
        return st.lists(st.integers(lo - 1, hi + 1), max_size=4)
    if t == "choice":
        return st.sampled_from([*param.allowed, "month", "user_id"])
    if t == "country_list":
        return st.lists(st.sampled_from(["BR", "ID", "us", "Brazil", "巴西", "XX", "DE"]),
                        max_size=4)
    pool = {"region_list": ["SEA", "EU", "MENA", "XX"], "platform_list": ["ios", "web", "pc"]}
    return st.lists(st.sampled_from([*(param.allowed or pool.get(t, ["x"])), "bogus"]),
                    max_size=3)


def args_for(name: str) -> st.SearchStrategy[dict]:
    metric = get_registry().get(name)
    keys = [*metric.params, *metric.params, "sql", "limit", "user_id", ""]

    def values(chosen: list[str]) -> st.SearchStrategy[dict]:
        return st.fixed_dictionaries({
            k: (st.one_of(*[near_valid(metric.params[k])] * 4, plausible, json_like)
                if k in metric.params else json_like)
            for k in chosen
        })

    return st.lists(st.sampled_from(keys), max_size=3).map(lambda ks: list(dict.fromkeys(ks))
                                                           ).flatmap(values)


@pytest.mark.parametrize("name", METRICS)
def test_any_arguments_are_refused_clearly_or_run_safely(demo_catalog, name):
    params = list(demo_catalog.registry.get(name).params)
    counter = {"tried": 0, "refused": 0, "ran": 0}

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(args=args_for(name))
    def check(args: dict) -> None:
        counter["tried"] += 1
        try:
            result = demo_catalog.run(name, args)
        except ParameterError as exc:
            counter["refused"] += 1
            msg = str(exc)
            assert msg.strip() and "Traceback" not in msg
            # the message names the parameter at fault, or the dates' problem
            named = [p for p in [*params, *args] if str(p) and repr(str(p)) in msg
                     or f"{p}:" in msg]
            assert named or "date" in msg or "No data" in msg, (args, msg)
            if "is not allowed" in msg:
                assert "allowed values are" in msg
            if "has no parameter" in msg:
                assert "Its parameters are" in msg
            return
        counter["ran"] += 1
        assert isinstance(result, MetricResult)
        demo_catalog.registry.get(name).validate(
            {k: v for k, v in result.params.items() if k in params})
        assert len(result.rows) <= demo_catalog.settings.max_result_rows
        assert result.summary()

    check()
    # Every example was either refused clearly or ran; both paths were really exercised,
    # so the fuzzing reached the SQL and not only the validator.
    assert counter["tried"] >= EXAMPLES // 2, counter
    assert counter["refused"] + counter["ran"] == counter["tried"], counter
    assert counter["refused"] >= 1 and counter["ran"] >= 1, counter


EDGE_DATES = [{"end": "0001-01-01"}, {"start": "9999-12-31"}, {"start": "0001-01-01"},
              {"end": "9999-12-31"}]


@pytest.mark.parametrize("args", EDGE_DATES[:2], ids=["end-year-1", "start-year-9999"])
def test_dates_at_the_calendar_edges_are_refused_clearly(demo_catalog, args):
    with pytest.raises(ParameterError, match="date|start|end"):
        demo_catalog.run("retention", args)


@pytest.mark.parametrize("args", EDGE_DATES,
                         ids=lambda a: "-".join(f"{k}{v[:4]}" for k, v in a.items()))
def test_date_reach_guard_refuses_the_edges(args):
    start = date.fromisoformat(args["start"]) if "start" in args else None
    end = date.fromisoformat(args["end"]) if "end" in args else None
    with pytest.raises(ParameterError, match="too far from the data") as info:
        check_date_reach(start, end, date(2026, 10, 15), date(2026, 11, 25))
    assert ("start" in args and "start:" in str(info.value)) or "end:" in str(info.value)


def test_date_reach_guard_lets_ordinary_ranges_through():
    check_date_reach(date(2026, 11, 16), date(2026, 11, 22), date(2026, 10, 15), date(2026, 11, 25))
    check_date_reach(None, None, None, date(2026, 11, 25))
    check_date_reach(date(2010, 1, 1), date(2040, 1, 1), date(2026, 10, 15), date(2026, 11, 25))


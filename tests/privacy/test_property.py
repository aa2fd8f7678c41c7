"""Any two answers: never a difference of 1..k-1 people between nested populations."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.agent.graph import Conversation
from assistant.metrics.privacy import Withheld, populations_of
from tests.privacy.world import RANGE, K

METRICS = ("active_users", "usage_time", "social_quality")
EXAMPLES = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
filters = st.fixed_dictionaries({
    "countries": st.lists(st.sampled_from(["BR", "JP"]), unique=True, max_size=2),
    "regions": st.lists(st.sampled_from(["LATAM", "EA"]), unique=True, max_size=2),
    "platforms": st.lists(st.sampled_from(["ios", "android", "web"]), unique=True, max_size=3),
})


@st.composite
def ranges(draw: st.DrawFn) -> dict[str, str]:
    start = date(2026, 11, 15) + timedelta(days=draw(st.integers(0, 6)))
    end = start + timedelta(days=draw(st.integers(0, 8)))
    return {"start": start.isoformat(), "end": min(end, date(2026, 11, 22)).isoformat()}


def answer(cat, name: str, args: dict):
    """The populations an answer shows, or None when it is withheld."""
    try:
        return populations_of(cat.run(name, args))
    except Withheld:
        return None


def small_gap(a, b) -> bool:
    return (a.within(b) or b.within(a)) and 0 < abs(a.size - b.size) < K


@EXAMPLES
@given(name=st.sampled_from(METRICS), first=filters, second=filters)
def test_two_separate_answers_never_differ_by_a_small_group(cat, name, first, second):
    # the same week, any two filters, asked in separate conversations
    a = answer(cat, name, {**RANGE, **first})
    b = answer(cat, name, {**RANGE, **second})
    if a and b:
        assert not any(small_gap(p, q) for p in a for q in b), (first, second, a, b)


@EXAMPLES
@given(name=st.sampled_from(METRICS), first=filters, second=filters,
       r1=ranges(), r2=ranges())
def test_two_answers_of_one_conversation_never_differ_by_a_small_group(
    cat, name, first, second, r1, r2
):
    # any filters and any dates, one after the other in one conversation
    conv = Conversation()
    shown = []
    for args in ({**r1, **first}, {**r2, **second}):
        try:
            result = cat.run(name, args)
            conv.admit(result, K)
        except Withheld:
            continue
        shown.append(populations_of(result))
    if len(shown) == 2:
        assert not any(small_gap(p, q) for p in shown[0] for q in shown[1])

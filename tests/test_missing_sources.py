"""A metric whose source table holds no rows says there is no such data, never 0%."""

from __future__ import annotations

import pytest

from assistant.errors import DataError
from tests.metrics.rows import sessions

USERS = [
    {"user_id": u, "signup_at": "2026-09-01 00:00", "country": "BR", "platform": "ios",
     "channel": "organic"}
    for u in ("a", "b", "c")
]
SESSIONS = sessions(("a", "2026-11-06 10:00"), ("b", "2026-11-06 11:00"), ("c", "2026-11-07 09:00"))
RANGE = {"start": "2026-11-06", "end": "2026-11-07"}


@pytest.mark.parametrize(
    ("metric", "table"),
    [("paid_conversion", "payments"), ("latency_vs_activity", "calls"),
     ("live_quality", "live_views"), ("ai_to_human", "calls")],
)
def test_empty_source_is_reported_not_zero(make_catalog, metric: str, table: str) -> None:
    catalog = make_catalog({"users": USERS, "sessions": SESSIONS})
    with pytest.raises(DataError) as err:
        catalog.run(metric, RANGE)
    assert f"No {table} data is loaded" in str(err.value)
    assert "尚未加载" in str(err.value)


def test_metrics_on_present_tables_still_answer(make_catalog) -> None:
    catalog = make_catalog({"users": USERS, "sessions": SESSIONS})
    result = catalog.run("active_users", RANGE)
    assert result.rows


def test_a_loaded_source_answers(make_catalog) -> None:
    payments = [{"payment_id": "p1", "user_id": "a", "paid_at": "2026-11-06 12:00",
                 "amount_usd": 4.99, "product": "coins"}]
    catalog = make_catalog({"users": USERS, "sessions": SESSIONS, "payments": payments})
    result = catalog.run("paid_conversion", RANGE)
    assert result.rows

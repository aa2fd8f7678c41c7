"""Planted changes are found: the segment named first, the alert on the day, not before."""

from __future__ import annotations

from datetime import timedelta

from assistant.config import Settings
from assistant.metrics.catalog import Catalog
from assistant.metrics.change.alerts import alerts
from assistant.metrics.change.explain import explain_change
from assistant.present.change_narrative import narrate
from tests.change.conftest import OUTAGE_DAY


def _catalog(planted_db: dict) -> Catalog:
    path = planted_db["path"]
    return Catalog(path, settings=Settings(db_path=path))


def test_planted_d1_drop_is_named_first(planted_db: dict, capsys) -> None:
    assert planted_db["removed"] > 0.09 * planted_db["cohort"]  # the plant took hold
    result = explain_change(_catalog(planted_db), {"figure": "d1"})
    assert result.b.start.isoformat() == "2026-11-16"
    assert result.change is not None and result.change < 0
    first = result.top[0]
    # Android in Brazil: Brazil named first and Android inside it, or the other way round
    named = {(first.split, first.segment), *((p.split, p.segment) for p in result.drill)}
    assert named == {("country", "BR"), ("platform", "android")}
    text = narrate(result, "en", "why did D1 drop last week?")
    assert text.index("Brazil") < text.index("Android")
    assert text.startswith("D1 retention fell")
    with capsys.disabled():
        print(f"\nplanted D1: {result.summary().splitlines()[1]}; verdict {result.verdict.key}")


def test_planted_outage_alerts_on_the_day_not_the_day_before(planted_db: dict) -> None:
    found = alerts(_catalog(planted_db), since=OUTAGE_DAY - timedelta(days=7),
                   figures=["fast_connect_share"])
    days = {a.day for a in found}
    assert OUTAGE_DAY in days
    assert OUTAGE_DAY - timedelta(days=1) not in days
    alert = next(a for a in found if a.day == OUTAGE_DAY)
    assert alert.direction == "down" and alert.value < alert.low


def test_outage_week_names_brazil(planted_db: dict) -> None:
    result = explain_change(_catalog(planted_db), {"figure": "fast_connect_share",
                                                   "start": OUTAGE_DAY, "end": OUTAGE_DAY})
    assert result.change is not None and result.change < 0
    assert (result.top[0].split, result.top[0].segment) in {("country", "BR"),
                                                            ("region", "LATAM")}
    assert result.verdict.beyond

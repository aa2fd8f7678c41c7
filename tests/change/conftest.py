"""A larger demo database with planted changes, built once per test run."""

from __future__ import annotations

from datetime import date

import pytest

from tests.change.plant import plant_d1_drop, plant_outage

PLANT_END = date(2026, 11, 25)  # a Wednesday: the last complete week is 2026-11-16 .. 22
D1_WEEK = date(2026, 11, 16)
OUTAGE_DAY = date(2026, 11, 19)


@pytest.fixture(scope="session")
def planted_db(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """150,000 users over 12 weeks; D1 of Android in Brazil down 10 pp in the week of
    2026-11-16, and every Brazilian call slow to connect on 2026-11-19."""
    from assistant.store import demo

    path = tmp_path_factory.mktemp("planted") / "planted.duckdb"
    demo.generate(path, users=150000, days=84, end_date=PLANT_END, seed=11, progress=False)
    cohort, removed = plant_d1_drop(path, "BR", "android", D1_WEEK, 0.10)
    slowed = plant_outage(path, "BR", OUTAGE_DAY)
    return {"path": path, "cohort": cohort, "removed": removed, "slowed": slowed}

"""Fixtures every browser test module shares: its own demo, the app on it, one browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chromium import launched
from tests.ui_server import demo_database, running_app

WAIT_MS = 20_000  # generous: the machine is shared; answers take about a second
# Every answer ends by stating the dates it used.
ANSWERED = re.compile(r"(Range|时间范围|時間範圍)[:：] ?\d{4}-\d\d-\d\d")


@pytest.fixture(scope="module")
def demo_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo database of the module's own (tests may load more data into it)."""
    return demo_database(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]))


@pytest.fixture(scope="module")
def app(demo_db: Path) -> Iterator:
    with running_app(demo_db) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with launched() as chromium:
        yield chromium

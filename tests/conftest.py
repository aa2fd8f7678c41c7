"""Shared fixtures: tiny hand-built databases, and no real network in tests.

Long tests carry `@pytest.mark.slow` and run only under `make reliability`, which sets
RELIABILITY=1: that variable is the one switch, so `make test` stays short.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.config import Settings
from assistant.metrics.catalog import Catalog
from assistant.store import db, rollups


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("RELIABILITY"):
        return
    skip = pytest.mark.skip(reason="slow: run by make reliability (RELIABILITY=1)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """golden(name, text): text must equal tests/golden/<name>.

    A missing or different file fails. After an intended change, regenerate with
    UPDATE_GOLDEN=1 and read the diff before committing it.
    """

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if os.environ.get("UPDATE_GOLDEN"):
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"no golden file {path}: create it with UPDATE_GOLDEN=1"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"{name} changed: review, then regenerate with UPDATE_GOLDEN=1"

    return check


USER_DEFAULTS = {"timezone": None, "language": None, "channel": None}


def build_db(path: Path, tables: dict[str, list[dict[str, Any]]]) -> Path:
    """Write rows (dicts, column -> value) into a new database with the real schema."""
    con = db.connect_write(path)
    try:
        for table, rows in tables.items():
            for row in rows:
                if table == "users":
                    row = {**USER_DEFAULTS, **row}
                    if row["timezone"] is None:
                        row["timezone"] = con.execute(
                            "SELECT timezone FROM regions WHERE country = ?", [row["country"]]
                        ).fetchone()[0]
                cols = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                con.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values()))
        # as after a real load: rollups for UTC (a catalog in another zone makes its own)
        rollups.rebuild(con, "UTC")
    finally:
        con.close()
    return path


@pytest.fixture
def make_catalog(tmp_path: Path) -> Callable[..., Catalog]:
    """make_catalog(tables, min_group_size=1, report_timezone='UTC') -> Catalog on a new file."""
    counter = iter(range(1000))

    def make(tables: dict[str, list[dict[str, Any]]], **settings: Any) -> Catalog:
        path = build_db(tmp_path / f"tiny{next(counter)}.duckdb", tables)
        settings.setdefault("min_group_size", 1)
        return Catalog(path, settings=Settings(db_path=path, **settings))

    return make


@pytest.fixture(autouse=True)
def _no_outside_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests may talk to loopback servers they start; nothing else."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")
        ):
            raise OSError(f"tests may not reach {host}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


DEMO_END = "2026-11-25"  # a Wednesday: "last week" is 2026-11-16 .. 2026-11-22


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo database, built once per test run (deterministic seed)."""
    from datetime import date

    from assistant.store import demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    demo.generate(path, users=3000, days=42, end_date=date.fromisoformat(DEMO_END), seed=7,
                     progress=False)
    return path


@pytest.fixture
def demo_catalog(demo_db: Path) -> Iterator[Catalog]:
    """A catalog on the demo database, closed after the test so others can open the file."""
    catalog = Catalog(demo_db, settings=Settings(db_path=demo_db))
    yield catalog
    catalog.close()

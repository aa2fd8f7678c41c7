"""The privacy world's database, built once for the folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.metrics.catalog import Catalog
from tests.conftest import build_db
from tests.privacy.world import K, world


@pytest.fixture(scope="session")
def world_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("privacy") / "world.duckdb", world())


@pytest.fixture
def cat(world_db: Path) -> Catalog:
    return Catalog(world_db, settings=Settings(db_path=world_db, min_group_size=K))

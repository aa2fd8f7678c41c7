"""One local Spark for the whole run, and DuckDB/Spark catalog pairs on the demo data.

Without Java or pyspark the suite is skipped with the reason, except in CI (the CI
variable set), where a missing engine is a failure.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.metrics.catalog import Catalog


def _missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install '.[spark]')"
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and Path(java_home, "bin", "java").exists()):
        return "no Java runtime (install openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="session")
def spark_data(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo database's tables as Parquet; the local Spark stops at the end of the run."""
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the Spark parity suite cannot run in CI: {reason}")
        pytest.skip(reason)
    from assistant.engines.spark import stop_local
    from assistant.engines.spark_tables import export_parquet

    folder = tmp_path_factory.mktemp("parquet")
    export_parquet(demo_db, folder)
    yield folder
    stop_local()


@pytest.fixture(scope="session")
def catalogs(demo_db: Path, spark_data: Path) -> Callable[[str], tuple[Catalog, Catalog]]:
    """catalogs(zone) -> (DuckDB catalog, Spark catalog), made once per zone.

    UTC reads rollups written by the Spark batch job; the other zone's are built in the
    session, as for a zone nobody wrote rollups for.
    """
    from assistant.engines.spark import build_and_write

    made: dict[str, tuple[Catalog, Catalog]] = {}

    def get(zone: str) -> tuple[Catalog, Catalog]:
        if zone not in made:
            common = {"db_path": demo_db, "report_timezone": zone, "min_group_size": 1}
            spark = Settings(**common, engine="spark", spark_data=str(spark_data))
            if zone == "UTC":
                build_and_write(spark, demo_db, zone)
            made[zone] = (Catalog(demo_db, settings=Settings(**common)),
                          Catalog(demo_db, settings=spark))
        return made[zone]

    return get

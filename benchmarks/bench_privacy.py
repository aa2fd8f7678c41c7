"""What the privacy checks cost per answer: each metric with and without them, side by side.

    PYTHONPATH=. python benchmarks/bench_privacy.py [--db PATH] [--runs 5]

Without --db it builds (or reuses) benchmarks/data/demo_default.duckdb (20,000 users, 56
days ending 2026-11-22, as benchmarks/run.py does). "Without" runs the catalog with
minimum group size 1, where the checks have nothing to find and are skipped; "with" uses
the default minimum (10): the filter-complement check (its population query, or the
metric again with the other filters for the metrics it has no population query for),
suppression of rows and people counts. Every run is cold: a fresh catalog (no cached
result) and an empty cache of measured populations, after opening the connection and
reading the data range outside the clock. Each figure is the median of --runs runs.
Cases: each metric with its default parameters, and with a country and two platforms
(countries=[BR], platforms=[ios, android]), the case the complement check works hardest on.
The "checks" column is the time spent in the privacy step itself (privacy.protect, timed
around the call), the most precise figure on a busy machine; "without" and "with" are
whole runs, interleaved, so load drift hits both alike. A last table times whole offline
answers (Assistant.ask) the same two ways.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.agent.graph import Assistant  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.errors import UserError  # noqa: E402
from assistant.metrics import privacy  # noqa: E402
from assistant.metrics.catalog import Catalog  # noqa: E402
from assistant.metrics.privacy import guard  # noqa: E402

DEFAULT_DB = HERE / "data" / "demo_default.duckdb"
FILTERED = {"countries": ["BR"], "platforms": ["ios", "android"]}
QUESTIONS = [
    "How many daily active users did we have last week?",
    "What is the paid conversion rate in Brazil on iOS and Android?",
    "上周巴西的次日留存是多少？",
]


def ensure_db(path: Path) -> Path:
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "assistant", "demo", "--db", str(path),
                        "--end-date", "2026-11-22"], check=True, cwd=ROOT)
    return path


def catalog(db: Path, k: int) -> Catalog:
    cat = Catalog(db, settings=Settings(db_path=db, min_group_size=k, query_timeout_s=120))
    cat.data_range  # noqa: B018 - open the connection and read the range off the clock
    guard.clear_cache()
    return cat


_spent: list[float] = []
_protect = privacy.protect


def _timed_protect(*args: Any) -> int:
    t0 = time.perf_counter()
    try:
        return _protect(*args)
    finally:
        _spent.append((time.perf_counter() - t0) * 1000)


privacy.protect = _timed_protect  # the catalog calls privacy.protect: timed, not changed


def time_run(db: Path, name: str, args: dict[str, Any], runs: int) -> tuple[float, float,
                                                                            float, str]:
    """Median ms without the checks, with them, of the checks alone; outcome with them."""
    off, on, checks, outcome = [], [], [], "shown"
    for _ in range(runs):
        for k, times in ((1, off), (10, on)):
            cat = catalog(db, k)
            _spent.clear()
            t0 = time.perf_counter()
            try:
                cat.run(name, args)
            except UserError as exc:
                outcome = type(exc).__name__
            times.append((time.perf_counter() - t0) * 1000)
            if k == 10:
                checks.append(sum(_spent))
            cat.close()
    med = statistics.median
    return med(off), med(on), med(checks), outcome


def time_ask(db: Path, k: int, question: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        cat = catalog(db, k)
        assistant = Assistant(cat, llm=None)
        assistant.ask("DAU?")  # warm-up: the graph and the planner, not the metric asked
        guard.clear_cache()
        t0 = time.perf_counter()
        assistant.ask(question)
        times.append((time.perf_counter() - t0) * 1000)
        cat.close()
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    db = args.db or ensure_db(DEFAULT_DB)
    probe = catalog(db, 1)
    rng = probe.data_range
    print(f"{db}: {rng.users:,} users, {rng.first_day} to {rng.latest_complete_day}; "
          f"{args.runs} cold runs each, median ms; {date.today()}")
    print(f"{'metric':<22}{'case':<10}{'without':>9}{'with':>9}{'checks':>9}  outcome")
    spent = []
    for name in probe.registry.names():
        for case, extra in (("default", {}), ("BR i+a", FILTERED)):
            off, on, checks, outcome = time_run(db, name, extra, args.runs)
            spent.append(checks)
            print(f"{name:<22}{case:<10}{off:>9.1f}{on:>9.1f}{checks:>9.1f}  {outcome}")
    print(f"privacy step per metric answer: median {statistics.median(spent):.1f} ms, "
          f"max {max(spent):.1f} ms")
    print(f"\n{'offline answer':<64}{'without':>9}{'with':>9}")
    for q in QUESTIONS:
        off, on = time_ask(db, 1, q, args.runs), time_ask(db, 10, q, args.runs)
        print(f"{q:<64}{off:>9.1f}{on:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

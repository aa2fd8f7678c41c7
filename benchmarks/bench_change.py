"""Time a full change explanation against the single metric it is built on.

    PYTHONPATH=. python benchmarks/bench_change.py --db benchmarks/data/demo_200k.duckdb

For each figure: the metric alone (default range, no split) and the full explanation (two
periods, the four breakdowns, the history of earlier weeks, the interval, the drill into
the segment that stands out), both cold — a fresh Catalog per run, so nothing comes from a
result cache — after the connection is open and the data range read, as in a running app.
Prints the median of --runs runs and the queries the explanation really ran (cache misses).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from assistant.config import Settings
from assistant.metrics.catalog import Catalog
from assistant.metrics.change import compare, fast
from assistant.metrics.change.explain import explain_change
from assistant.metrics.change.figures import FIGURES

TARGET_S = 1.0


def _catalog(path: Path) -> Catalog:
    """A fresh catalog (empty result cache) with its connections open, as in a running app."""
    cat = Catalog(path, settings=Settings(db_path=path, query_timeout_s=120))
    cat.latest_day()
    compare.sizes_catalog(cat).latest_day()  # the explanation's readers, opened off the clock
    fast.figures_catalog(cat).latest_day()
    return cat


def _executed(cat: Catalog) -> int:
    """Queries that really ran (cache misses) on the catalog and its two readers."""
    return (cat.executions + compare.sizes_catalog(cat).executions
            + fast.figures_catalog(cat).executions)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=Path("benchmarks/data/demo_200k.duckdb"))
    ap.add_argument("--figures", nargs="*", default=["dau", "d1", "paid_conversion",
                                                     "minutes_per_user_day"])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(f"database: {args.db} ({args.db.stat().st_size / 1e6:,.0f} MB)")
    print(f"{'figure':<22} {'metric alone':>13} {'explanation':>12} {'queries':>8}  target")
    for name in args.figures:
        spec = FIGURES[name]
        single, full, queries = [], [], 0
        for _ in range(args.runs):
            cat = _catalog(args.db)
            t0 = time.perf_counter()
            cat.run(spec.metric, dict(spec.args))
            single.append(time.perf_counter() - t0)
            cat = _catalog(args.db)
            t0 = time.perf_counter()
            explain_change(cat, {"figure": name})
            full.append(time.perf_counter() - t0)
            queries = _executed(cat)
        s, f = statistics.median(single), statistics.median(full)
        print(f"{name:<22} {s * 1000:>10.0f} ms {f * 1000:>9.0f} ms {queries:>8}  "
              f"{'met' if f < TARGET_S else 'missed'} (< {TARGET_S:.0f} s)")


if __name__ == "__main__":
    main()

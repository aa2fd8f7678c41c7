"""Time the weekly report (Markdown and HTML) on a database; prints the median of a few runs.

    PYTHONPATH=. python benchmarks/bench_report.py [--db data/demo.duckdb] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from assistant.config import Settings, get_settings
from assistant.errors import UserError
from assistant.metrics.catalog import Catalog
from assistant.present.report import build_report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=get_settings().db_path)
    parser.add_argument("--week", default="last")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    catalog = Catalog(args.db, settings=Settings(db_path=args.db))
    try:
        rng = catalog.data_range
        print(f"{args.db}: {rng.users:,} users, {rng.sessions:,} sessions, "
              f"{rng.first_day} to {rng.latest_complete_day}")
        build_report(catalog, args.week, args.lang, "md")  # warm-up: file cache, templates
    except UserError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    for kind in ("md", "html"):
        times, size = [], 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            size = len(build_report(catalog, args.week, args.lang, kind))
            times.append(time.perf_counter() - t0)
        print(f"report {kind:<4}: median {statistics.median(times):.2f} s "
              f"(min {min(times):.2f}, max {max(times):.2f}, {args.runs} runs, "
              f"{size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

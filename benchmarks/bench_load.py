"""Load throughput: 100k users, then 1M sessions from CSV and from Parquet.

Run: PYTHONPATH=. python benchmarks/bench_load.py [--sessions N] [--users N] [--repeat N]
Prints rows per second for each load (validation + writing), and for reloading the same
sessions file (every row already present, nothing written). Each figure is the best of
--repeat runs, each into a fresh copy of the database, since shared machines are noisy.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from assistant.store.loader import load_paths


def generate(folder: Path, users: int, sessions: int) -> None:
    """users.csv, sessions.csv and sessions.parquet with the same rows; valid by design."""
    con = duckdb.connect()
    con.execute(
        f"""CREATE TABLE users AS SELECT
              'u' || i AS user_id,
              TIMESTAMP '2026-09-01' + to_seconds(i * 37 % (60 * 86400)) AS signup_at,
              ['BR', 'ID', 'US', 'IN', 'TH', 'MX'][1 + i % 6] AS country,
              ['ios', 'android', 'web'][1 + i % 3] AS platform,
              '' AS timezone
            FROM range({users}) t(i)"""
    )
    con.execute(
        f"""CREATE TABLE sessions AS SELECT
              's' || i AS session_id,
              'u' || (i * 7919 % {users}) AS user_id,
              TIMESTAMP '2026-11-01' + to_seconds(i * 13 % (28 * 86400)) AS started_at,
              TIMESTAMP '2026-11-01' + to_seconds(i * 13 % (28 * 86400) + 30 + i % 3600)
                AS ended_at
            FROM range({sessions}) t(i)"""
    )
    con.execute(f"COPY users TO '{folder / 'users.csv'}' (HEADER)")
    (folder / "csv").mkdir()
    (folder / "parquet").mkdir()
    con.execute(f"COPY sessions TO '{folder / 'csv' / 'sessions.csv'}' (HEADER)")
    con.execute(f"COPY sessions TO '{folder / 'parquet' / 'sessions.parquet'}' (FORMAT parquet)")
    con.close()


def timed(db_path: Path, path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    report = load_paths(db_path, [path], progress=False)
    return time.perf_counter() - start, report.rows_read


def line(label: str, rows: int, seconds: float) -> None:
    print(f"{label:<17} {rows:>10,} rows {seconds:6.2f} s {rows / seconds:>12,.0f} rows/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    try:
        start = time.perf_counter()
        generate(tmp, args.users, args.sessions)
        print(f"generated files in {time.perf_counter() - start:.1f} s")
        base = tmp / "base.duckdb"
        seconds, rows = timed(base, tmp / "users.csv")
        line("users CSV", rows, seconds)
        for fmt, name in (("csv", "sessions.csv"), ("parquet", "sessions.parquet")):
            first, again = [], []
            for run in range(args.repeat):
                target = tmp / f"{fmt}{run}.duckdb"
                shutil.copy(base, target)
                first.append(timed(target, tmp / fmt / name))
                again.append(timed(target, tmp / fmt / name))
                target.unlink()
            line(f"sessions {fmt}", first[0][1], min(t for t, _ in first))
            line(f"  reload {fmt}", again[0][1], min(t for t, _ in again))
        print(
            f"(best of {args.repeat}; load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs)"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

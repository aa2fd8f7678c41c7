"""DuckDB vs Spark (local) on the same data: every metric, the rollup build, the start-up.

    PYTHONPATH=. python benchmarks/bench_spark.py [--users 20000] [--master local[2]]

One run of each figure, side by side (Spark's figures vary more than DuckDB's; one run is
what this comparison can afford on a shared machine). Builds or reuses
benchmarks/data/demo_<users>.duckdb (56 days ending 2026-11-22, seed 7) and its Parquet
export next to it; prints a table and writes benchmarks/results/spark_<users>.json.
Metric times are "cold" as in run.py: a fresh Catalog per call, so nothing comes from
the result cache; the engine (connection, Spark session, rollups) is open before the
clock starts, as in a running app.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.engines import spark as spark_engine  # noqa: E402
from assistant.engines import spark_tables  # noqa: E402
from assistant.metrics.catalog import Catalog  # noqa: E402
from assistant.store import db, rollups  # noqa: E402

END_DATE = date(2026, 11, 22)
TZ = "UTC"


def _breakdown(name: str) -> dict:
    return {"countries": ["BR"]} if name == "activity_scorecard" else {"group_by": "country"}


def _timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--users", type=int, default=20_000)
    ap.add_argument("--master", default="local[2]")
    args = ap.parse_args()
    data = HERE / "data"
    path = data / f"demo_{args.users}.duckdb"
    figures: dict[str, float] = {}
    if not path.is_file():
        from assistant.store import demo

        figures["demo build (DuckDB)"], _ = _timed(lambda: demo.generate(
            path, users=args.users, days=56, end_date=END_DATE, seed=7, progress=False))
    parquet = spark_tables.default_parquet_dir(path)
    figures["export to Parquet"], _ = _timed(lambda: spark_tables.export_parquet(path, parquet))

    # rollup build: DuckDB's as TEMP tables on a read connection, Spark's written as Parquet
    con = db.connect_read(path)
    figures["rollup build, DuckDB"] = rollups.rebuild(con, TZ, temp=True)
    con.close()
    duck_settings = Settings(db_path=path, report_timezone=TZ, query_timeout_s=600)
    spark_settings = Settings(
        db_path=path, report_timezone=TZ, engine="spark", spark_master=args.master,
        spark_data=str(parquet), spark_query_timeout_s=600,
    )
    figures["Spark local start"], _ = _timed(lambda: spark_engine.new_session(spark_settings))
    figures["rollup build, Spark (Parquet)"], _ = _timed(
        lambda: spark_engine.build_and_write(spark_settings, path, TZ))

    duck = Catalog(path, settings=duck_settings)
    spark = Catalog(path, settings=spark_settings)
    figures["DuckDB open + data range"], _ = _timed(lambda: duck.data_range)
    figures["Spark open (views, version, rollups) + data range"], _ = _timed(
        lambda: spark.data_range)

    rows = []
    for metric in duck.registry:
        for label, call in (("default", {}), ("breakdown", _breakdown(metric.name))):
            times = []
            for shared in (duck, spark):
                fresh = Catalog(path, settings=shared.settings, registry=shared.registry)
                fresh.engine = shared.engine  # open engine, empty result cache
                seconds, result = _timed(lambda f=fresh, n=metric.name, a=call: f.run(n, a))
                times.append((seconds, result))
            (d_s, d_r), (s_s, s_r) = times
            same = len(d_r.rows) == len(s_r.rows)
            rows.append({"metric": metric.name, "case": label, "duckdb_ms": d_s * 1000,
                         "spark_ms": s_s * 1000, "rows": len(d_r.rows), "same_rows": same})
            print(f"{metric.name:<22} {label:<9} duckdb {d_s * 1000:8.0f} ms   "
                  f"spark {s_s * 1000:8.0f} ms", flush=True)
    spark_engine.stop_local()

    print(f"\n{args.users:,} users, {os.cpu_count()} cores, load "
          f"{os.getloadavg()[0]:.1f} at the end")
    print("| metric | case | DuckDB ms | Spark local ms | ratio |\n|---|---|---:|---:|---:|")
    for r in rows:
        print(f"| `{r['metric']}` | {r['case']} | {r['duckdb_ms']:.0f} | {r['spark_ms']:.0f} "
              f"| {r['spark_ms'] / max(r['duckdb_ms'], 0.01):.0f}x |")
    print("\n| step | seconds |\n|---|---:|")
    for k, v in figures.items():
        print(f"| {k} | {v:.1f} |")
    out = HERE / "results" / f"spark_{args.users}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"users": args.users, "figures": figures, "metrics": rows,
                               "load_avg": os.getloadavg()}, indent=2))


if __name__ == "__main__":
    main()

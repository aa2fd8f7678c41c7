"""Performance suite: every figure the product promises, measured side by side in one run.

    PYTHONPATH=. python benchmarks/run.py [--quick] [--skip-1m]      (or: make bench)

Builds (or reuses) the demo databases in benchmarks/data/, runs each measurement in its own
subprocess (so memory figures are that measurement's own and one crash cannot take the rest
down), prints a table of figures, targets and ratios, and writes the same to
benchmarks/results/latest.json. What each figure means: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# `make bench` runs this file directly: the package and the sibling modules must import
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

DATA = HERE / "data"
RESULTS = HERE / "results"
END_DATE = "2026-11-22"  # a Sunday, so "last week" is a whole ISO week
SIZES = {  # name -> (users, path)
    "20k": (20_000, DATA / "demo_default.duckdb"),
    "100k": (100_000, DATA / "demo_100k.duckdb"),
    "1m": (1_000_000, DATA / "demo_1m.duckdb"),
}
TZ = "UTC"
COMMON = ("active_users", "retention", "usage_time", "peak_hours")
PANDAS_MIN_FREE_GB = 10  # 1M users in pandas peaks near 4 GB; leave room for the others

QUESTIONS = [  # ~10 fixed questions, each a different metric or different parameters
    "How many daily active users did we have last week?",
    "What was D1 retention in Brazil last week?",
    "What is the paid conversion rate by platform?",
    "Does call connect time affect whether people come back?",
    "Does HD live video keep viewers watching longer?",
    "印尼用户什么时候最活跃？",
    "AI 陪伴能带来真人社交吗？",
    "上周的核心动作完成率是多少？",
    "各国的社交质量怎么样？",
    "各国用户每天用多少分钟？",
    "本周活跃度四个维度怎么样？",
]
# asked first, outside the timed set: builds each language's agent graph and loads plotly
WARM_UP = ["What is the ARPU in Mexico?", "墨西哥的日活是多少？"]
SERVE_QUESTION = "How many daily active users did we have last week?"


# ----- helpers used by workers and the orchestrator ---------------------------------------


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def vm_status(pid: int | str = "self") -> dict[str, float]:
    """VmRSS and VmHWM (peak RSS) of a process, in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return out


def settings_for(db: Path, **extra: Any):
    from assistant.config import Settings

    return Settings(db_path=db, query_timeout_s=120, report_timezone=TZ,
                    openai_api_key=None, **extra)


def fresh_catalog(db: Path):
    """A new catalog with its connection open and data range read, so a timed run() is the
    first call for its parameters: nothing cached from before (result caches live on a
    catalog or are cleared here). Another open catalog keeps DuckDB's database instance, so
    the buffer pool stays as warm as in a running app."""
    import assistant.metrics.catalog as catalog_module
    from assistant.metrics.catalog import Catalog

    cat = Catalog(db, settings=settings_for(db))
    cat.data_range  # noqa: B018 - opens the connection and reads the range outside the timing
    if getattr(cat, "_temp_rollups", False):  # each fresh catalog would rebuild them: stop
        raise RuntimeError(f"the rollups in {db.name} are stale; rebuild the database")
    for owner in (cat, catalog_module):
        for attr in ("clear_cache", "cache_clear"):
            fn = getattr(owner, attr, None)
            if callable(fn):
                fn()
    return cat


def variants(metric) -> list[tuple[str, dict]]:
    """Default parameters, and a typical breakdown: by country, else a country filter."""
    gb = metric.params.get("group_by")
    if gb is not None and "country" in gb.allowed:
        return [("default", {}), ("by_country", {"group_by": "country"})]
    return [("default", {}), ("by_country", {"countries": ["BR"]})]


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """Milliseconds taken by fn(*args, **kwargs), and its result."""
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return (time.perf_counter() - t0) * 1000, out


# ----- workers: each runs in its own process and returns a JSON-able dict -----------------


def w_metrics(db: Path, runs: int, **_: Any) -> dict:
    """Every metric, default and by country: cold (fresh catalog) and warm (same catalog)."""
    keeper = fresh_catalog(db)
    rows, errors = [], []
    for name in keeper.registry.names():
        metric = keeper.registry.get(name)
        for label, args in variants(metric):
            cold, warm, query, executed = [], [], [], []
            try:
                for _ in range(runs):
                    cat = fresh_catalog(db)
                    ms, res = timed(cat.run, name, args)
                    cold.append(ms)
                    query.append(res.elapsed_ms)
                    executed.append(getattr(cat, "executions", 1))  # 1: really ran, no cache
                    cat.close()
                keeper.run(name, args)  # fills any result cache
                for _ in range(runs):
                    warm.append(timed(keeper.run, name, args)[0])
            except Exception as exc:  # reported, and the orchestrator may rebuild the data
                errors.append(f"{name} {args}: {type(exc).__name__}: {exc}"[:400])
                continue
            rows.append({"metric": name, "variant": label, "args": args,
                         "cold_ms": median(cold), "warm_ms": median(warm),
                         "query_ms": median(query), "cold_runs": cold, "warm_runs": warm,
                         "cold_all_executed": all(n == 1 for n in executed),
                         "rows": len(res.rows), "params": res.params})
    return {"rows": rows, "errors": errors, "memory_mb": vm_status()}


def w_pandas(db: Path, runs: int, both: str = "0", **_: Any) -> dict:
    """Load whole tables into pandas, then each metric in pandas and in SQL, side by side."""
    import duckdb
    import pandas_baseline as pb

    con = duckdb.connect(str(db), read_only=True)
    tables, load = {}, {}
    for t in sorted(pb.COLUMNS):
        ms, frames = timed(pb.load, con, [t])
        tables.update(frames)
        load[t] = {"ms": ms, "rows": len(frames[t])}
    con.close()  # one process may not mix this plain connection with the catalog's
    keeper = fresh_catalog(db)
    out = []
    for name in keeper.registry.names():
        metric = keeper.registry.get(name)
        for label, args in variants(metric)[: 2 if both == "1" else 1]:
            _, values = keeper.resolve(name, args)
            values.pop("_notes", None)
            values.update(tz=keeper.settings.report_timezone, last_day=keeper.latest_day())
            sql_ms, pd_ms = [], []
            try:
                for _ in range(runs):  # interleaved, so both see the same machine load
                    cat = fresh_catalog(db)
                    ms, res = timed(cat.run, name, args)
                    sql_ms.append(ms)
                    cat.close()
                    ms, frame = timed(pb.run, name, tables, values)
                    pd_ms.append(ms)
                problems = pb.compare(name, res.rows, frame, metric.size_column,
                                      keeper.settings.min_group_size)
                shown = sum(1 for r in res.rows if not r.get("suppressed"))
            except Exception as exc:
                out.append({"metric": name, "variant": label,
                            "error": f"{type(exc).__name__}: {exc}"[:400]})
                continue
            out.append({"metric": name, "variant": label, "sql_ms": median(sql_ms),
                        "pandas_ms": median(pd_ms), "sql_runs": sql_ms, "pandas_runs": pd_ms,
                        "ratio": median(pd_ms) / median(sql_ms), "rows_compared": shown,
                        "match": not problems and shown > 0, "problems": problems[:5]})
    return {"load": load, "load_ms": sum(v["ms"] for v in load.values()), "rows": out,
            "memory_mb": vm_status()}


def w_ask(db: Path, runs: int, **_: Any) -> dict:
    """Offline question -> answer with its chart, per question: first ask and repeats."""
    from assistant.agent.graph import Assistant

    cat = fresh_catalog(db)
    bot = Assistant(cat, llm=None)

    def ask(q: str) -> tuple[Any, Any]:
        answer = bot.ask(q)
        fig = answer.results[0].figure(answer.language) if answer.results else None
        return answer, fig

    for q in WARM_UP:
        ask(q)
    out = []
    for q in QUESTIONS:
        times = []
        for _ in range(max(runs, 2)):
            ms, (answer, fig) = timed(ask, q)
            times.append(ms)
        out.append({"question": q, "first_ms": times[0], "repeat_ms": median(times[1:]),
                    "tools": [s.name for s in answer.steps],
                    "errors": [s.error for s in answer.steps if s.error],
                    "chart": fig is not None})
    return {"rows": out, "first_ms": median([r["first_ms"] for r in out]),
            "repeat_ms": median([r["repeat_ms"] for r in out]), "memory_mb": vm_status()}


def w_report(db: Path, runs: int, **_: Any) -> dict:
    """The weekly report, Markdown and HTML: cold (fresh catalog each run), then warm."""
    from assistant.present.report import build_report

    out = {}
    for fmt in ("md", "html"):
        cold, size = [], 0
        for _ in range(runs):
            cat = fresh_catalog(db)
            ms, body = timed(build_report, cat, "last", "en", fmt)
            cold.append(ms)
            size = len(body)
        warm = timed(build_report, cat, "last", "en", fmt)[0]
        cat.close()
        out[fmt] = {"cold_ms": median(cold), "cold_runs": cold, "warm_ms": warm, "bytes": size}
    return out


def w_profile(db: Path, runs: int, metric: str = "", args: str = "{}", **_: Any) -> dict:
    """EXPLAIN ANALYZE of one metric's SQL on a plain read-only connection: where time goes."""
    import gc

    import duckdb

    cat = fresh_catalog(db)
    m, values = cat.resolve(metric, json.loads(args))
    values.pop("_notes", None)
    bound = {**values, "tz": cat.settings.report_timezone, "last_day": cat.latest_day()}
    bound = {k: v for k, v in bound.items() if f"${k}" in m.sql}
    cat.close()
    del cat
    gc.collect()
    con = duckdb.connect(str(db), read_only=True)
    try:  # the rollups the SQL reads: TEMP copies when the file's are stale, as the catalog
        from assistant.store import rollups

        if not rollups.is_current(con, TZ):
            rollups.rebuild(con, TZ, temp=True)
    except (ImportError, AttributeError):
        pass
    con.execute(m.sql, bound).fetchall()  # warm the buffer pool like the timed runs
    plan = json.loads(con.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + m.sql, bound)
                      .fetchall()[0][1])
    ops: list[dict] = []

    def walk(node: dict) -> None:
        info = node.get("extra_info") or {}
        detail = " ".join(f"{k}={info[k]}" for k in ("CTE Name", "Table", "Join Type",
                                                     "Conditions", "Groups", "Aggregates",
                                                     "Function") if k in info)
        ops.append({"op": node["name"], "s": node.get("timing", 0.0),
                    "rows": node.get("operator_cardinality", node.get("intermediate_rows")),
                    "detail": detail[:90]})
        for child in node.get("children", []):
            walk(child)

    for node in plan.get("operator", []):
        walk(node)
    ops.sort(key=lambda o: -o["s"])
    q = plan.get("query", {})
    return {"metric": metric, "args": json.loads(args), "total_s": q.get("total_time"),
            "cpu_s": q.get("cpu_time"), "rows_scanned": q.get("total_rows_scanned"),
            "peak_buffer_mb": (plan.get("system", {}).get("peak_buffer_memory") or 0) / 2**20,
            "top": ops[:6]}


def phase_timer(loader: Any) -> dict[str, float]:
    """Seconds spent in each step of a load, summed over loads: where loading time goes.
    Wraps the loader's steps by name; a step renamed since is simply not reported."""
    import functools

    spent: dict[str, float] = {}

    def wrap(fn: Callable, label: str) -> Callable:
        @functools.wraps(fn)
        def inner(*a: Any, **k: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - t0
        return inner

    steps = getattr(loader, "pipeline", None)  # the module that calls each step by name
    for attr in ("read_file", "check_rows", "build_table", "check_sets", "new_rows"):
        if steps is not None and hasattr(steps, attr):
            setattr(steps, attr, wrap(getattr(steps, attr), f"validate: {attr}"))
    if steps is not None and hasattr(steps, "write"):
        steps.write = wrap(steps.write, "write (with the hooks below)")
    hooks = getattr(loader, "AFTER_LOAD", None)
    if isinstance(hooks, list):
        hooks[:] = [wrap(h, f"  after load: {h.__name__}") for h in hooks]
    return spent


def w_load(db: Path, runs: int, **_: Any) -> dict:
    """CSV and Parquet load throughput (bench_load's files: 100k users, 1M sessions)."""
    import bench_load

    from assistant.store import loader

    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    try:
        bench_load.generate(tmp, 100_000, 1_000_000)
        base = tmp / "base.duckdb"
        users_s, users_rows = bench_load.timed(base, tmp / "users.csv")
        out = {"users_csv_rows_per_s": users_rows / users_s}
        phases = phase_timer(loader)
        for fmt, name in (("csv", "sessions.csv"), ("parquet", "sessions.parquet")):
            rates = []
            phases.clear()
            for i in range(runs):
                target = tmp / f"{fmt}{i}.duckdb"
                shutil.copy(base, target)
                seconds, rows = bench_load.timed(target, tmp / fmt / name)
                rates.append(rows / seconds)
                target.unlink()
            out[fmt] = {"rows_per_s": median(rates), "best": max(rates), "runs": rates,
                        "rows": rows, "phases_s": {k: v / runs for k, v in phases.items()}}
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def w_serve(db: Path, runs: int, port: str = "0", **_: Any) -> dict:
    """The web app as `assistant serve` starts it; stays up until stdin closes. Prints when
    each start-up phase ended (wall clock), for the orchestrator to break the time down."""
    print(f"PHASE python {time.time()}", flush=True)
    import gradio  # noqa: F401 - timed on its own: the largest part of start-up

    print(f"PHASE import_gradio {time.time()}", flush=True)
    from assistant.apps import web

    print(f"PHASE import_app {time.time()}", flush=True)
    blocks = web.serve(db, host="127.0.0.1", port=int(port), settings=settings_for(db),
                    prevent_thread_lock=True)
    print(f"PHASE serve_returned {time.time()}", flush=True)
    for th in threading.enumerate():
        if th.name == "warm-up":
            th.join(120)
    print("WARM", flush=True)
    sys.stdin.read()
    blocks.close()
    return {}


WORKERS = {"metrics": w_metrics, "pandas": w_pandas, "ask": w_ask, "report": w_report,
           "profile": w_profile, "load": w_load, "serve": w_serve}


# ----- orchestrator ----------------------------------------------------------------------


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OPENAI_", "ASSISTANT_OPENAI"))}
    env.update(PYTHONPATH=os.pathsep.join([str(ROOT), str(HERE)]),
               GRADIO_ANALYTICS_ENABLED="False", ASSISTANT_REPORT_TIMEZONE=TZ,
               PYTHONUNBUFFERED="1")
    return env


def worker(kind: str, db: Path, runs: int, timeout: float, **extra: str) -> dict:
    """Run one worker in a subprocess; its dict, or {'error': ...} when it fails."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--db", str(db),
           "--runs", str(runs), "--json-out", str(out)]
    for k, v in extra.items():
        cmd += ["--opt", f"{k}={v}"]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, env=child_env(), capture_output=True, text=True,
                              timeout=timeout)
        if proc.returncode != 0:
            return {"error": " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-4:])}
        data = json.loads(out.read_text())
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    finally:
        out.unlink(missing_ok=True)
    data["wall_s"] = time.perf_counter() - t0
    return data


def db_problem(path: Path) -> str | None:
    """Why a demo database cannot be used as is (None when it can)."""
    if not path.is_file():
        return "missing"
    import duckdb

    from assistant.store import db as dbmod

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        return f"cannot open: {exc}"
    try:
        have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        missing = [t for t in (*dbmod.TABLES, "regions") if t not in have]
        if missing:
            return f"tables missing: {', '.join(missing)}"
        try:  # rollups the metrics read, when this version of the product has them
            from assistant.store import rollups
        except ImportError:
            return None
        if hasattr(rollups, "is_current") and not rollups.is_current(con, TZ):
            return "rollups missing or stale"
        return None
    finally:
        con.close()


def build(size: str, log: Callable[[str], None]) -> float:
    users, path = SIZES[size]
    log(f"building the {size} demo ({users:,} users, 56 days) at {path.relative_to(ROOT)} ...")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant", "demo", "--users", str(users),
                    "--days", "56", "--end-date", END_DATE, "--db", str(path)],
                   env=child_env(), check=True, capture_output=True, timeout=1200)
    return time.perf_counter() - t0


def ensure_db(size: str, log: Callable[[str], None], notes: list[str]) -> Path:
    path = SIZES[size][1]
    problem = db_problem(path)
    if problem:
        log(f"{size} database: {problem}")
        seconds = build(size, log)
        notes.append(f"{size} demo (re)built ({problem}) in {seconds:.0f} s")
    return path


def metrics_with_rebuild(size: str, runs: int, log, notes: list[str]) -> dict:
    """Metric timings; a database the metrics fail on is rebuilt once (schema moved on)."""
    path = ensure_db(size, log, notes)
    res = worker("metrics", path, runs, timeout=900)
    if res.get("error") or res.get("errors"):
        why = str(res.get("error") or res["errors"][0])[:200]
        log(f"metrics failed on the {size} demo ({why}); rebuilding it")
        notes.append(f"{size} demo rebuilt because metrics failed on it")
        build(size, log)
        res = worker("metrics", path, runs, timeout=900)
    return res


class LoadSampler(threading.Thread):
    """The 1-minute load average every few seconds: how noisy the machine was."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(5):
            self.samples.append(os.getloadavg()[0])


def busiest_processes(n: int = 8) -> list[str]:
    """What else was busy (CPU% over the process lifetime, RSS KB, command): the noise."""
    try:
        out = subprocess.run(["ps", "-eo", "pcpu,rss,args", "--sort=-pcpu"], text=True,
                             capture_output=True, timeout=10).stdout.splitlines()[1: n + 1]
    except (OSError, subprocess.SubprocessError):
        return []
    mine = str(Path(__file__).name)
    return [" ".join(line.split())[:110] for line in out
            if float(line.split()[0]) >= 5 and mine not in line]


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    return {"nproc": os.cpu_count(), "memory_gb": round(mem / 2**20, 1), "cpu": cpu,
            "python": platform.python_version(), "kernel": platform.release()}


def mem_available_gb() -> float:
    line = next(x for x in Path("/proc/meminfo").read_text().splitlines()
                if x.startswith("MemAvailable"))
    return int(line.split()[1]) / 2**20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def startup(db: Path, timeout: float = 120) -> dict:
    """Seconds from starting the app's process to the port answering and to the first
    /ask answer through gradio_client; then its resident memory, idle."""
    from gradio_client import Client  # imported before the clock starts: the client side

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "serve", "--db", str(db),
           "--runs", "1", "--json-out", os.devnull, "--opt", f"port={port}"]
    t0, wall0 = time.perf_counter(), time.time()
    proc = subprocess.Popen(cmd, env=child_env(), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")),
                              daemon=True)
    reader.start()
    out: dict[str, Any] = {}
    try:
        while time.perf_counter() - t0 < timeout:
            if proc.poll() is not None:
                return {"error": "the app exited during start-up"}
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        out["listening_s"] = time.perf_counter() - t0
        client = Client(url, verbose=False, analytics_enabled=False, download_files=False)
        text, data = client.predict(SERVE_QUESTION, api_name="/ask")
        out["first_answer_s"] = time.perf_counter() - t0
        out["answer_ok"] = bool(data.get("results")) and not data.get("error")
        while "WARM\n" not in lines and time.perf_counter() - t0 < timeout:
            time.sleep(0.1)
        time.sleep(2)  # settle: idle means nothing in flight
        out["idle_rss_mb"] = vm_status(proc.pid)["VmRSS"]
        ms, _ = timed(client.predict, SERVE_QUESTION, api_name="/ask")
        out["second_answer_ms"] = ms
        out["phases_s"] = {parts[1]: float(parts[2]) - wall0 for line in lines
                           if (parts := line.split())[:1] == ["PHASE"]}
        if hasattr(client, "close"):
            client.close()
        return out
    except Exception as exc:
        return {**out, "error": f"{type(exc).__name__}: {exc}"[:300]}
    finally:
        try:
            proc.stdin.close()
            proc.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()


def fig(results: list, key: str, label: str, value: float | None, unit: str,
        target: float | None = None, better: str = "lower", note: str = "",
        **extra: Any) -> None:
    """One reported figure: met is None when there is no target or no value."""
    met = None
    if target is not None and value is not None:
        met = value < target if better == "lower" else value >= target
    results.append({"id": key, "label": label, "value": value, "unit": unit,
                    "target": target, "better": better, "met": met, "note": note, **extra})


def metric_target(name: str, size: str) -> float:
    if size == "20k":
        return 100
    return 300 if name in COMMON else 1000


def run_all(args: argparse.Namespace) -> dict:
    from rich.console import Console

    console = Console()
    log = lambda msg: console.print(f"[dim]{time.strftime('%H:%M:%S')}[/] {msg}")  # noqa: E731
    runs = 1 if args.quick else args.runs
    sampler = LoadSampler()
    sampler.start()
    t_start = time.perf_counter()
    notes: list[str] = []
    out: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(), "args": {"quick": args.quick, "skip_1m": args.skip_1m,
                                       "runs": runs},
        "busy_before": busiest_processes(), "notes": notes,
    }
    figures: list[dict] = []
    big = "20k" if args.skip_1m else "1m"

    for size in ("20k", *(() if args.skip_1m else ("1m",))):
        log(f"metrics on the {size} demo (cold and warm, {runs} run(s) each) ...")
        res = metrics_with_rebuild(size, runs, log, notes)
        out[f"metrics_{size}"] = res
        for r in res.get("rows", []):
            fig(figures, f"metric.{size}.{r['metric']}.{r['variant']}",
                f"{r['metric']} ({r['variant']}) at {size}, cold", r["cold_ms"], "ms",
                metric_target(r["metric"], size), note=f"warm {_ms(r['warm_ms'])} ms",
                warm=r["warm_ms"], best=min(r["cold_runs"]))
        for e in res.get("errors", []) + ([res["error"]] if res.get("error") else []):
            notes.append(f"metric error at {size}: {e}")
    if not args.skip_1m:
        hwm = out["metrics_1m"].get("memory_mb", {}).get("VmHWM")
        fig(figures, "memory.metrics_1m", "peak memory, all metrics at 1m", hwm, "MB", 2048)

    ensure_db("20k", log, notes)
    log("pandas baseline on the 20k demo (both variants; must match the SQL) ...")
    out["pandas_20k"] = worker("pandas", SIZES["20k"][1], runs, timeout=600, both="1")
    pd_size = "20k"
    if not args.skip_1m:
        free = mem_available_gb()
        pd_size = "1m" if free >= PANDAS_MIN_FREE_GB else "100k"
        if pd_size == "100k":
            notes.append(f"pandas ran on 100k users: only {free:.1f} GB free")
            ensure_db("100k", log, notes)
        ensure_db(pd_size, log, notes)
        log(f"pandas baseline on the {pd_size} demo ({free:.0f} GB free) ...")
        out[f"pandas_{pd_size}"] = worker("pandas", SIZES[pd_size][1], runs, timeout=1200)
    out["pandas_size"] = pd_size
    mismatches = [r for r in out["pandas_20k"].get("rows", []) if not r.get("match")]
    if out["pandas_20k"].get("error") or mismatches:
        notes.append("pandas and SQL DISAGREE on the 20k demo: ratios not comparable: "
                     + json.dumps(mismatches or out["pandas_20k"].get("error"))[:600])
    pdres = out[f"pandas_{pd_size}"]
    for r in pdres.get("rows", []):
        if "ratio" in r:
            fig(figures, f"pandas.{pd_size}.{r['metric']}", f"pandas / SQL, {r['metric']} "
                f"at {pd_size}", r["ratio"], "x", None if pd_size == "20k" else 10,
                better="higher",
                note=f"pandas {r['pandas_ms']:.0f} ms, SQL {r['sql_ms']:.0f} ms"
                + ("" if r["match"] else ", FIGURES DIFFER"))
    if pdres.get("load_ms") is not None:
        fig(figures, f"pandas.{pd_size}.load", f"pandas: loading the tables at {pd_size}",
            pdres["load_ms"] / 1000, "s")
        fig(figures, f"memory.pandas_{pd_size}", f"peak memory, pandas at {pd_size}",
            pdres.get("memory_mb", {}).get("VmHWM"), "MB")

    db_big = SIZES[big][1]
    ensure_db(big, log, notes)
    log(f"offline question -> answer + chart at {big} ...")
    out["ask"] = worker("ask", db_big, runs, timeout=600)
    fig(figures, "ask.first", f"question -> answer + chart at {big} (median, first ask)",
        out["ask"].get("first_ms"), "ms", 500,
        note=f"repeat {out['ask'].get('repeat_ms') or 0:.0f} ms")

    ensure_db(big, log, notes)
    log(f"weekly report at {big} ...")
    out["report"] = worker("report", db_big, runs, timeout=900)
    for fmt in ("md", "html"):
        r = out["report"].get(fmt, {})
        fig(figures, f"report.{fmt}", f"weekly report ({fmt}) at {big}, cold",
            (r.get("cold_ms") or 0) / 1000 or None, "s", 10,
            note=f"warm {(r.get('warm_ms') or 0) / 1000:.1f} s")

    log("loading throughput (100k users, 1M sessions) ...")
    out["load"] = worker("load", SIZES["20k"][1], runs, timeout=900)
    for fmt in ("csv", "parquet"):
        r = out["load"].get(fmt, {})
        fig(figures, f"load.{fmt}", f"loading sessions from {fmt.upper()}",
            r.get("rows_per_s"), "rows/s", 1_000_000, better="higher",
            note=f"best {r.get('best') or 0:,.0f}")

    ensure_db("20k", log, notes)
    log("web app start-up and idle memory (20k demo) ...")
    starts = [startup(SIZES["20k"][1]) for _ in range(1 if args.quick else 3)]
    out["startup_20k"] = starts
    ok = [s for s in starts if "first_answer_s" in s]
    fig(figures, "startup.first_answer", "web app: process start -> first /ask answer (20k)",
        median([s["first_answer_s"] for s in ok]), "s", 2,
        note=f"port answers after {median([s['listening_s'] for s in ok]) or 0:.1f} s")
    fig(figures, "memory.web_idle", "web app idle memory (20k demo, after warm-up)",
        median([s["idle_rss_mb"] for s in ok if "idle_rss_mb" in s]), "MB")
    if not args.skip_1m and not args.quick:
        ensure_db(big, log, notes)
        out["startup_1m"] = s1 = startup(db_big)
        fig(figures, "startup.first_answer_1m", "web app: start -> first /ask answer (1m)",
            s1.get("first_answer_s"), "s", 2)
        fig(figures, "memory.web_idle_1m", "web app idle memory (1m demo)",
            s1.get("idle_rss_mb"), "MB")
    for s in starts:
        if s.get("error"):
            notes.append(f"start-up: {s['error']}")

    # where the time goes, for each metric that missed its time target (its slower
    # variant) or the 10x pandas ratio (default parameters, as compared)
    todo: dict[str, dict] = {}
    rows = {(r["metric"], r["variant"]): r for r in out.get(f"metrics_{big}", {}).get("rows", [])}
    for f in figures:
        if f["id"].startswith(f"metric.{big}.") and f["met"] is False:
            _, _, name, variant = f["id"].split(".")
            worse = max((v for v in ("default", "by_country") if (name, v) in rows),
                        key=lambda v, name=name: rows[(name, v)]["cold_ms"])
            todo[name] = rows[(name, worse)]["args"]
        elif f["id"].startswith("pandas.") and f["met"] is False:
            todo.setdefault(f["id"].split(".")[2], {})
    out["profiles"] = []
    if todo:
        ensure_db(big, log, notes)
    for name, margs in list(todo.items())[: (3 if args.quick else 11)]:
        log(f"profiling {name} {margs} (missed a target) ...")
        out["profiles"].append(worker("profile", db_big, 1, timeout=300, metric=name,
                                      args=json.dumps(margs)))

    sampler.stop.set()
    out.update(figures=figures, wall_s=time.perf_counter() - t_start,
               busy_after=busiest_processes(),
               load_average={"min": min(sampler.samples, default=None),
                             "median": median(sampler.samples),
                             "max": max(sampler.samples, default=None),
                             "samples": len(sampler.samples)})
    return out


# ----- printing ----------------------------------------------------------------------------


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit == "rows/s":
        return f"{value / 1e6:.2f} M/s"
    if unit == "x":  # two decimals near the 10x line, so 9.96x does not read as 10.0x
        return f"{value:.2f}x" if value < 20 else f"{value:.0f}x"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:,.0f} {unit}".strip()


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def _met(met: bool | None) -> str:
    return {True: "met", False: "MISSED", None: "-"}[met]


def metric_table(out: dict) -> tuple[list[str], list[list[str]]]:
    """One row per metric: cold / warm medians at each size, target, pandas ratio."""
    figures = {f["id"]: f for f in out["figures"]}
    pd_size = out.get("pandas_size", "20k")
    big = "1m" if any(k.startswith("metric.1m.") for k in figures) else "20k"
    head = ["metric", "20k default", "20k by country", "1m default", "1m by country",
            f"target ({big})", "met", f"pandas ({pd_size})", "ratio", ">= 10x", "same figures"]
    pandas_rows = {r["metric"]: r for r in out.get(f"pandas_{pd_size}", {}).get("rows", [])}
    check = {(r["metric"], r["variant"]): r for r in out.get("pandas_20k", {}).get("rows", [])}
    names = sorted({k.split(".")[2] for k in figures if k.startswith("metric.")})
    rows = []
    for name in names:
        cells = [name]
        for size in ("20k", "1m"):
            for variant in ("default", "by_country"):
                f = figures.get(f"metric.{size}.{name}.{variant}")
                cells.append("-" if f is None else f"{f['value']:.0f} / {_ms(f['warm'])}")
        mets = [figures[k]["met"] for k in (f"metric.{big}.{name}.default",
                                            f"metric.{big}.{name}.by_country") if k in figures]
        cells += [f"< {metric_target(name, big):.0f} ms", _met(all(mets) if mets else None)]
        p = pandas_rows.get(name, {})
        cells += [_num(p.get("pandas_ms"), "ms"), _num(p.get("ratio"), "x"),
                  _met(p["ratio"] >= 10 if "ratio" in p and pd_size != "20k" else None)]
        same = [check.get((name, v), {}).get("match") for v in ("default", "by_country")]
        cells.append("yes" if all(same) else "NO")
        rows.append(cells)
    return head, rows


def other_table(out: dict) -> tuple[list[str], list[list[str]]]:
    rows = []
    for f in out["figures"]:
        if f["id"].startswith(("metric.", "pandas.")) and not f["id"].endswith(".load"):
            continue
        target = "-" if f["target"] is None else (
            ("< " if f["better"] == "lower" else ">= ") + _num(f["target"], f["unit"]))
        rows.append([f["label"], _num(f["value"], f["unit"]), target, _met(f["met"]), f["note"]])
    return ["figure", "value", "target", "met", "note"], rows


def summary_lines(out: dict) -> list[str]:
    """Machine, noise, notes, and where the time goes for what missed its target."""
    met = [f["met"] for f in out["figures"] if f["met"] is not None]
    la, m = out["load_average"], out["machine"]
    lines = [f"{sum(met)} of {len(met)} targets met. {m['nproc']} CPUs ({m['cpu']}), "
             f"{m['memory_gb']} GB RAM; load average during the run {la['min'] or 0:.1f} to "
             f"{la['max'] or 0:.1f} (median {la['median'] or 0:.1f}); "
             f"run took {out['wall_s'] / 60:.1f} min."]
    lines += [f"note: {n}" for n in out["notes"]]
    lines += [f"busy at start: {b}" for b in out.get("busy_before", [])]
    for s in out.get("startup_20k", [])[:1]:
        if s.get("phases_s"):
            lines.append("start-up phases (s since process start): " + ", ".join(
                f"{k} {v:.2f}" for k, v in s["phases_s"].items())
                + f", port answers {s['listening_s']:.2f}, first /ask answer "
                f"{s['first_answer_s']:.2f}")
    for fmt in ("csv", "parquet"):
        r = out.get("load", {}).get(fmt, {})
        if r.get("phases_s"):
            lines.append(f"load {fmt} phases per 1M rows: " + ", ".join(
                f"{k.strip()} {v:.2f} s" for k, v in r["phases_s"].items()))
    for p in out.get("profiles", []):
        if "top" not in p:
            lines.append(f"profile failed: {p.get('error')}")
            continue
        lines.append(f"profile {p['metric']} {json.dumps(p['args'])}: EXPLAIN ANALYZE "
                     f"{p['total_s']:.2f} s, {p['rows_scanned'] or 0:,} rows scanned, "
                     f"peak buffer {p['peak_buffer_mb']:.0f} MB; top operators:")
        lines += [f"    {op['s']:6.3f} s  {op['op']:<18} {op['rows'] or 0:>10,} rows  "
                  f"{op['detail']}" for op in p["top"][:4]]
    return lines


def print_tables(out: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=170)
    for title, (head, rows) in (
        ("Vetted metrics: median ms, cold (fresh catalog) / warm (cached)", metric_table(out)),
        ("Other figures", other_table(out)),
    ):
        t = Table(title=title)
        for i, col in enumerate(head):
            t.add_column(col, justify="left" if i == 0 or col == "note" else "right")
        for row in rows:
            t.add_row(*[f"[red]{c}[/]" if c in ("MISSED", "NO") else c for c in row])
        console.print(t)
    for line in summary_lines(out):
        console.print(line, markup=False, highlight=False)


def markdown(out: dict) -> str:
    """The same tables in Markdown, for the README."""
    parts = [f"Run {out['started']}, `{' '.join(out.get('argv', []))}`\n"]
    for head, rows in (metric_table(out), other_table(out)):
        parts.append("| " + " | ".join(head) + " |")
        parts.append("|" + "---|" * len(head))
        parts += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in rows]
        parts.append("")
    parts.append("```")
    parts += summary_lines(out)
    parts.append("```")
    return "\n".join(parts) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run of each, fewer extras")
    parser.add_argument("--skip-1m", action="store_true", help="only the 20k-user demo")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json-out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--opt", action="append", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        extra = dict(o.split("=", 1) for o in args.opt)
        result = WORKERS[args.worker](args.db, args.runs, **extra)
        args.json_out.write_text(json.dumps(result, default=str))
        return 0
    out = run_all(args)
    out["argv"] = ["benchmarks/run.py", *sys.argv[1:]]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1, default=str))
    args.out.with_suffix(".md").write_text(markdown(out))
    print_tables(out)
    print(f"written to {args.out} (and {args.out.with_suffix('.md').name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

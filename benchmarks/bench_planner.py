"""Offline planner speed: planning alone, and a whole offline answer, in-process.

    PYTHONPATH=. python benchmarks/bench_planner.py [--questions N]

Uses the 20k-user demo database of the performance suite (benchmarks/data/, built by
run.py's `ensure_db` when missing). Each question is asked once in a new conversation, so
answers are not served from the catalog's cache. Figures: the intent model's one-off
training time, then median and 95th percentile of planning and of the whole answer.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)


def questions(limit: int) -> list[str]:
    """First turns of the evaluation sets, both languages, in file order."""
    out: list[str] = []
    for name in ("questions.yaml", "heldout.yaml"):
        data = yaml.safe_load((ROOT / "tests" / "eval" / name).read_text("utf-8"))
        out += [c["turns"][0]["q"] for c in data["cases"]]
    return out[:limit]


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=120)
    args = parser.parse_args()
    from run import ensure_db

    from assistant.agent import planner
    from assistant.agent.graph import Assistant, Conversation
    from assistant.agent.understand import intent
    from assistant.config import Settings
    from assistant.metrics.catalog import Catalog

    notes: list[str] = []
    db = ensure_db("20k", print, notes)
    t0 = time.perf_counter()
    intent.scores("warm up")
    train_ms = (time.perf_counter() - t0) * 1000
    qs = questions(args.questions)
    latest = date(2026, 11, 22)
    plan_ms = []
    for q in qs:
        t0 = time.perf_counter()
        planner.plan(q, latest_day=latest)
        plan_ms.append((time.perf_counter() - t0) * 1000)
    catalog = Catalog(db, settings=Settings(db_path=db, report_timezone="UTC"))
    assistant = Assistant(catalog, llm=None)
    assistant.ask("DAU last week", Conversation())  # connection, rollup check, graph build
    answer_ms = []
    for q in qs:
        t0 = time.perf_counter()
        assistant.ask(q, Conversation())
        answer_ms.append((time.perf_counter() - t0) * 1000)
    print(f"questions: {len(qs)} (20k-user demo, offline planner, in-process)")
    print(f"intent model training at first use: {train_ms:.0f} ms")
    print(f"planning:     median {statistics.median(plan_ms):.1f} ms, "
          f"p95 {pct(plan_ms, .95):.1f} ms")
    print(f"whole answer: median {statistics.median(answer_ms):.1f} ms, "
          f"p95 {pct(answer_ms, .95):.1f} ms (target: median < 100 ms)")


if __name__ == "__main__":
    main()

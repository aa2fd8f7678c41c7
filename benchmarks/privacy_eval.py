"""How many evaluation questions lose their answer to the privacy rules, and which.

    PYTHONPATH=. python benchmarks/privacy_eval.py DB [DB ...]

Every conversation of tests/eval/questions.yaml goes through the offline planner and the
catalog (minimum group size 10), turn after turn in one Conversation. Each call is run
twice: with the rules as they are, and with only the rules that came before the filter
complements, people counts and trend suppression (small rows and breakdown complements).
A call "loses its answer" when it is shown the old way but withheld, or has every row
hidden, the new way. Use the test demo (3,000 users, 42 days ending 2026-11-25, seed 7)
or the default demo (`assistant demo --end-date 2026-11-25`).
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

import yaml  # noqa: E402

from assistant.agent.graph import Conversation  # noqa: E402
from assistant.agent.planner import ToolCall, plan  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.errors import UserError  # noqa: E402
from assistant.metrics.catalog import Catalog  # noqa: E402
from assistant.metrics.privacy import Withheld, guard, rules  # noqa: E402

EVAL = HERE.parent / "tests" / "eval" / "questions.yaml"


def outcomes(db: Path, new: bool) -> dict[tuple, tuple[str, str, str]]:
    cat = Catalog(db, settings=Settings(db_path=db))
    spec = yaml.safe_load(EVAL.read_text(encoding="utf-8"))
    latest = date.fromisoformat(spec["latest_day"])
    out = {}
    for case in spec["cases"]:
        conv, previous = Conversation(), None
        for t, turn in enumerate(case["turns"]):
            planned = plan(turn["q"], latest_day=latest, previous=previous)
            for c, call in enumerate(planned.calls):
                key = (case["id"], t, c)
                try:
                    result = cat.run(call.name, call.args)
                    if new:
                        conv.admit(result, cat.settings.min_group_size)
                    kind = "shown" if result.visible_rows else "all rows hidden"
                except Withheld:
                    kind = "withheld"
                except UserError:
                    kind = "refused"
                out[key] = (kind, call.name, turn["q"])
            if planned.calls:
                previous = ToolCall(planned.calls[-1].name, planned.calls[-1].args)
    cat.close()
    return out


def main() -> int:
    for db in map(Path, sys.argv[1:]):
        new = outcomes(db, True)
        saved = (guard.check_complements, dict(rules.RULES), guard.TRENDS)
        guard.check_complements = lambda *a, **k: None
        rules.RULES.clear()
        guard.TRENDS = frozenset()
        old = outcomes(db, False)
        guard.check_complements, guard.TRENDS = saved[0], saved[2]
        rules.RULES.update(saved[1])
        lost = {k: v for k, v in new.items() if v[0] != "shown" and old[k][0] == "shown"}
        print(f"{db}: {len(new)} calls, {len(lost)} lost their answer: "
              f"{dict(Counter(v[0] for v in lost.values()))}; "
              f"by metric {dict(Counter(v[1] for v in lost.values()))}")
        for (case, _, _), (kind, name, q) in lost.items():
            print(f"  {case:<10} {kind:<16} {name:<20} {q}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

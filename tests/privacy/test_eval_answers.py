"""The demo questions of the evaluation set under the privacy rules.

Each conversation of tests/eval/questions.yaml goes through the offline planner and the
catalog on the test demo database (3,000 users, minimum group size 10), turn after turn
in one Conversation, as in the app. A question loses its answer when a call is withheld.
On this small database 8 of 319 calls are: each leaves out a group that really is small
(Vietnam's few non-Android users of a weekend, India's web users of a week, the
Philippines' callers of one connect-time bucket) — checked here with the metric itself,
run without the rules. Answers whose rows are all hidden (fewer than 10 payers, say) are
counted by benchmarks/privacy_eval.py.
"""

from __future__ import annotations

from datetime import date

import yaml

from assistant.agent.graph import Conversation
from assistant.agent.planner import ToolCall, plan
from assistant.config import Settings
from assistant.errors import UserError
from assistant.metrics.catalog import Catalog
from assistant.metrics.privacy import Withheld
from tests.test_planner import EVAL

LOST = {"en-59", "zh-60", "en-fu-07", "zh-fu-02", "zh-fu-07", "en-t10", "zh-t09", "zh-h13"}


def run_eval(catalog: Catalog) -> tuple[int, list[tuple[str, ToolCall, Withheld]]]:
    """Calls run, and the withheld ones: (case id, call, why)."""
    spec = yaml.safe_load(EVAL.read_text(encoding="utf-8"))
    latest = date.fromisoformat(spec["latest_day"])
    ran, withheld = 0, []
    k = catalog.settings.min_group_size
    for case in spec["cases"]:
        conv, previous = Conversation(), None
        for turn in case["turns"]:
            result = plan(turn["q"], latest_day=latest, previous=previous)
            for call in result.calls:
                ran += 1
                try:
                    conv.admit(catalog.run(call.name, call.args), k)
                except Withheld as exc:
                    withheld.append((case["id"], call, exc))
                except UserError:
                    pass
            if result.calls:
                previous = ToolCall(result.calls[-1].name, result.calls[-1].args)
    return ran, withheld


def sizes(catalog: Catalog, name: str, args: dict) -> dict[tuple, int]:
    metric = catalog.registry.get(name)
    labels = [c for c, col in metric.columns.items() if col.format == "label"
              and c != "segment"]
    rows = catalog.run(name, {**args, "group_by": "none"} if "group_by" in metric.params
                       else args).rows
    return {tuple(r[c] for c in labels): r[metric.size_column] for r in rows}


def test_only_questions_about_a_really_small_left_out_group_lose_their_answer(
    demo_catalog, demo_db
):
    ran, withheld = run_eval(demo_catalog)
    assert ran == 319
    assert {case for case, _, _ in withheld} == LOST
    unprotected = Catalog(demo_db, settings=Settings(db_path=demo_db, min_group_size=1))
    for _, call, why in withheld:
        assert why.key in ("rest", "part")
        wider, narrow = dict(call.args), dict(call.args)
        if why.key == "part":  # the answer minus the same without that value
            f = why.values["filter"]
            narrow[f] = [v for v in call.args[f] if v != why.values["value"]]
        else:  # the same without the filter minus the answer
            wider[next(iter(why.values["kept"]))] = []
        a, b = sizes(unprotected, call.name, wider), sizes(unprotected, call.name, narrow)
        gaps = [a[label] - b.get(label, 0) for label in a]
        assert any(0 < g < 10 for g in gaps), (call, gaps)

"""The frozen held-out part of the planner's labelled set: written before the planner's
vocabulary and model, never tuned on, pinned by its hash so it cannot drift."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from tests.test_planner import report, run_eval

HELDOUT = Path(__file__).parent / "eval" / "heldout.yaml"
HELDOUT_SHA256 = "7253d3b883f44e60779405d36d20a2ddab8a0518feb8707a1b73af9aa8ce0668"
# Written after the planner was finished and scored once (107/110); pinned the same way.
AFTER = Path(__file__).parent / "eval" / "after.yaml"
AFTER_SHA256 = "a45b126e6e9fa8e71c3be7662dada0e5dd7bde8caef19f8e0f6df83a00e4d77c"
# A second frozen part, written from the product contract and the labelling rules alone by
# someone who never saw the planner's code, vocabulary or other question sets, and pinned
# before the work round it scores.
HELDOUT2 = Path(__file__).parent / "eval" / "heldout2.yaml"
HELDOUT2_SHA256 = "3ac23696c7e3a46776d180b6b310ccccf77d33e68353632cf9eb9dfce05c7570"
# A third frozen part, written the same blind way (a representative mix, not aimed at known
# weaknesses) and pinned before the work round guided by dev3.yaml and dev4.yaml.
HELDOUT3 = Path(__file__).parent / "eval" / "heldout3.yaml"
HELDOUT3_SHA256 = "4e0bbe462e744661594f85e5292747c23110ddb640bf84a1773f879ac47781d7"
# A fourth frozen part, written the same blind way (representative, about 10% of its Chinese
# in Traditional characters) and pinned before the work round guided by dev7.yaml and
# dev8.yaml.
HELDOUT4 = Path(__file__).parent / "eval" / "heldout4.yaml"
HELDOUT4_SHA256 = "e4c6b3b8816988e19a691b70e4a87245e5fa71701175e3d281af787d6e2e5c8c"
# A fifth frozen part, written the same blind way while the round after the fourth was under
# way, pinned before it was scored and before any further work.
HELDOUT5 = Path(__file__).parent / "eval" / "heldout5.yaml"
# 100 new questions written blind after the work was finished, pinned, then scored once.
AFTER2 = Path(__file__).parent / "eval" / "after2.yaml"
AFTER2_SHA256 = "3ef8e4506b7cf1b34bb645451cb40f97972ca71f19d6771c4b47d2135f0b9438"
HELDOUT5_SHA256 = "ed01a4f628a163e5d7c01931ba598584f1565d7c57e76d6d20c5ed36a94e3c1d"


def test_scoring_parts_are_frozen() -> None:
    assert hashlib.sha256(HELDOUT.read_bytes()).hexdigest() == HELDOUT_SHA256
    assert hashlib.sha256(AFTER.read_bytes()).hexdigest() == AFTER_SHA256
    assert hashlib.sha256(HELDOUT2.read_bytes()).hexdigest() == HELDOUT2_SHA256
    assert hashlib.sha256(HELDOUT3.read_bytes()).hexdigest() == HELDOUT3_SHA256
    assert hashlib.sha256(HELDOUT4.read_bytes()).hexdigest() == HELDOUT4_SHA256
    assert hashlib.sha256(HELDOUT5.read_bytes()).hexdigest() == HELDOUT5_SHA256
    assert hashlib.sha256(AFTER2.read_bytes()).hexdigest() == AFTER2_SHA256


# Short questions that happen to be worded identically in the training file (fragments, and
# two questions both sets took from the same product brief). The list may only shrink.
SAME_WORDING = {
    "and last week?", "上周呢", "上个月呢", "巴西上周的日活", "欧洲的社交质量", "今天天气怎么样",
    "巴西和墨西哥的7日留存对比", "安卓和iOS的日活对比", "哪个国家跌得最多",
}


def _fragment(question: str) -> bool:
    """A follow-up fragment ("and by platform?", "上周呢"): anyone writes it the same way."""
    return len(question.split()) <= 3 and len(question) <= 16


def test_scoring_parts_do_not_train_the_model() -> None:
    from assistant.agent.understand.intent import training_texts

    trained = set(training_texts())
    for path in (HELDOUT, AFTER, HELDOUT2, HELDOUT3, HELDOUT4, HELDOUT5, AFTER2):
        for case in yaml.safe_load(path.read_text("utf-8"))["cases"]:
            for turn in case["turns"]:
                q = turn["q"]
                assert q not in trained or q in SAME_WORDING or _fragment(q), q


def _meets(path: Path, min_rows: int, overall: float, per_language: float) -> None:
    """Score a frozen part as it is: enough turns, at least 40% Chinese, and the floors met
    overall and in each language."""
    rows, _ = run_eval(path)
    assert len(rows) >= min_rows
    by_lang = report(rows)
    assert len(by_lang["zh"]) >= 0.4 * len(rows)
    assert sum(r["ok"] for r in rows) / len(rows) >= overall
    for lang, group in by_lang.items():
        assert sum(r["ok"] for r in group) / len(group) >= per_language, lang


# Each frozen part's floors (turns at least, overall, per language), set at its figure as it
# came out. The goal is 95% overall and in each language.
FLOORS = {
    # Never tuned on: 92.5% first, then 255/267 = 95.5% (en 94.8%, zh 96.2%), then 253/267 =
    # 94.8% (en 93.3%, zh 96.2%) after "Africa" came to mean the whole continent where this
    # part's labels say Sub-Saharan Africa (four turns), then 252/267 = 94.4% (en 92.5%,
    # zh 96.2%) after the round guided by dev3/dev4.
    "heldout": (HELDOUT, 250, 0.94, 0.92),
    # Scored once, after the round it was frozen before: 327/354 = 92.4% (en 156/168 = 92.9%,
    # zh 171/186 = 91.9%). Its kinds of failure were then worked on in general form (not its
    # wording), so its later figure, 348/354 = 98.3%, is no longer a held-out figure.
    "heldout2": (HELDOUT2, 350, 0.92, 0.915),
    # Scored once, after the round guided by dev3/dev4: 338/361 = 93.6% (en 166/176 = 94.3%,
    # zh 172/185 = 93.0%).
    "heldout3": (HELDOUT3, 350, 0.935, 0.925),
    # Scored once, after the round guided by dev5-dev12: 347/367 = 94.6% (en 169/177 = 95.5%,
    # zh 178/190 = 93.7%).
    "heldout4": (HELDOUT4, 350, 0.945, 0.935),
    # Scored once, right after it was pinned and before any further work: 333/346 = 96.2%
    # (en 165/172 = 95.9%, zh 168/174 = 96.6%): the goal, in each language. Two of its misses
    # then showed bugs fixed in general form ("threshold 1.5s" read as 1 ms; editing a figure
    # not refused): 336/346 since, so later rounds need a new frozen part.
    "heldout5": (HELDOUT5, 340, 0.95, 0.95),
    # 100 questions written after the work, scored once: 96/100 (en 48/50, zh 48/50). One miss
    # showed a general bug ("longer … HD than SD ones, in September" compared September with
    # this month), fixed in general form afterwards: 97/100 now.
    "after2": (AFTER2, 100, 0.96, 0.96),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_frozen_part_accuracy_per_language(name: str) -> None:
    _meets(*FLOORS[name])

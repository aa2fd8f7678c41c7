"""The frozen held-out part of the planner's labelled set: written before the planner's
vocabulary and model, never tuned on, pinned by its hash so it cannot drift."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.test_planner import report, run_eval

HELDOUT = Path(__file__).parent / "eval" / "heldout.yaml"
HELDOUT_SHA256 = "7253d3b883f44e60779405d36d20a2ddab8a0518feb8707a1b73af9aa8ce0668"


def test_heldout_is_frozen() -> None:
    assert hashlib.sha256(HELDOUT.read_bytes()).hexdigest() == HELDOUT_SHA256


def test_heldout_accuracy_per_language() -> None:
    rows, data = run_eval(HELDOUT)
    assert len(rows) >= 250
    by_lang = report(rows)
    assert len(by_lang["zh"]) >= 0.4 * len(rows)
    for lang, group in by_lang.items():
        assert sum(r["ok"] for r in group) / len(group) >= 0.95, lang

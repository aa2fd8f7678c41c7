"""What the planner will not answer: personal data and raw access (refusal), and questions
outside the product's data (forecasts, competitors, figures the contract does not hold)."""

from __future__ import annotations

from assistant.agent.understand.text import any_of, vocab


def scope_kind(low: str) -> str | None:
    """'refusal', 'out_of_scope' or None, from exact, unambiguous words."""
    v = vocab()
    if any_of(v["refuse"], low):
        return "refusal"
    if any_of(v["out_of_scope"], low):
        return "out_of_scope"
    return None

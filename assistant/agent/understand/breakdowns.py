"""Breakdown words: the most specific one wins ("活跃走势，分周看" is by week, not by day)."""

from __future__ import annotations

from assistant.agent.understand.text import Span, compiled, resolve, vocab

SPECIFICITY = {"day": 1, "week": 2, "country": 3, "region": 3, "platform": 3, "channel": 3}


def find_breakdown(low: str) -> tuple[str | None, bool, list[Span]]:
    """(group_by or None, whether a 'no breakdown' word was said, spans read)."""
    cands = [
        (m.start(), m.end(), value)
        for value, words in vocab()["group_by"].items()
        for w in words
        for m in compiled(w).finditer(low)
    ]
    cands += [
        (m.start(), m.end(), "none")
        for w in vocab()["reset"]["group_by"]
        for m in compiled(w).finditer(low)
    ]
    masked = [
        (m.start(), m.end()) for w in vocab()["not_breakdown"] for m in compiled(w).finditer(low)
    ]
    cands = [c for c in cands if not any(a <= c[0] and c[1] <= b for a, b in masked)]
    found = resolve(cands)
    spans = [(a, b) for a, b, _ in found]
    reset = any(v == "none" for _, _, v in found)
    values = [v for _, _, v in found if v != "none"]
    if not values:
        return None, reset, spans
    best = max(SPECIFICITY[v] for v in values)
    return next(v for v in values if SPECIFICITY[v] == best), reset, spans

"""Privacy across the two periods of one answer: a segment hidden in either is hidden in both.

A segment shown for period A but hidden for period B would give B's figures away through
its change; so hiding is joined over the periods, and the rule that hidden groups together
reach the minimum size (privacy.complementary_suppression) then holds for each period. A
country split is also closed within each region (region minus its visible countries must
not single a country out), and a hidden region hides its countries.
"""

from __future__ import annotations

from typing import Any

from assistant.metrics import privacy
from assistant.store.regions import countries


def hidden_segments(
    split: str,
    periods: list[dict[Any, dict[str, Any]]],
    size_column: str,
    min_size: int,
    hidden_regions: set[str] | frozenset[str] = frozenset(),
) -> set[Any]:
    """Segments of one breakdown to hide in every period of an answer.

    `periods` holds, per period, the metric rows by segment as the catalog returned them
    (suppressed rows carry no size: the catalog already closed them, so they stand in with
    the minimum size). `hidden_regions` are regions hidden in the region breakdown.
    """
    known = countries()
    rows: list[dict[str, Any]] = []
    for i, by_seg in enumerate(periods):
        for seg in set().union(*periods):
            row = by_seg.get(seg)
            suppressed = bool(row and row.get("suppressed"))
            size = min_size if suppressed else int((row or {}).get(size_column) or 0)
            region = getattr(known.get(seg), "region", None) if split == "country" else None
            rows.append({
                "segment": seg, "period": i, "size": size, "region": region,
                "suppressed": suppressed or (region in hidden_regions and size > 0),
            })
    if split == "country":
        privacy.complementary_suppression(rows, "size", min_size, [], ("period", "region"),
                                          same_across="segment")
    privacy.complementary_suppression(rows, "size", min_size, [], ("period",),
                                      same_across="segment")
    return {r["segment"] for r in rows if r["suppressed"]}

"""Privacy across the two periods of one answer: a segment hidden in either is hidden in both.

A segment shown for period A but hidden for period B would give B's figures away through
its change; so hiding is joined over the periods, and the rule that hidden groups together
reach the minimum size (privacy.complementary_suppression) then holds for each period. A
country split is also closed within each region (region minus its visible countries must
not single a country out), and a hidden region hides its countries. Sizes are the true
ones (compare.sizes_catalog): the catalog's own suppression would blank them.
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

    `periods` holds, per period, the metric rows by segment with their true sizes.
    `hidden_regions` are regions hidden in the region breakdown (their countries go too).
    """
    known = countries()
    segments = set().union(*periods)

    def rows(hidden: set[Any]) -> list[dict[str, Any]]:
        out = []
        for i, by_seg in enumerate(periods):
            for seg in segments:
                size = int((by_seg.get(seg) or {}).get(size_column) or 0)
                region = getattr(known.get(seg), "region", None) if split == "country" else None
                out.append({"segment": seg, "period": i, "size": size, "region": region,
                            "suppressed": seg in hidden or (region in hidden_regions and size > 0)})
        return out

    hidden: set[Any] = set()
    # within each region first (region minus its shown countries), then the whole breakdown;
    # each pass starts from true sizes (a pass blanks the sizes of what it hides)
    for parts in ((("period", "region"),) if split == "country" else ()) + (("period",),):
        batch = rows(hidden)
        privacy.complementary_suppression(batch, "size", min_size, [], parts,
                                          same_across="segment")
        hidden |= {r["segment"] for r in batch if r["suppressed"]}
    return hidden

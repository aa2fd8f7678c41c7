"""No contributor under the minimum size is named, or recoverable by subtraction — also not
by subtracting one period's figures from the other's."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.metrics.catalog import Catalog
from assistant.metrics.change.decompose import OTHER, REST
from assistant.metrics.change.explain import explain_change
from assistant.metrics.change.figures import FIGURES
from assistant.store.regions import countries

MIN = 40


def _sizes(path: Path, figure: str, start: str, end: str, split: str) -> dict[str, int]:
    """True group sizes, read with no minimum (what the answer must not give away)."""
    spec = FIGURES[figure]
    cat = Catalog(path, settings=Settings(db_path=path, min_group_size=1))
    rows = cat.run(spec.metric, {**spec.args, "start": start, "end": end, "group_by": split})
    return {r["segment"]: r[spec.size] for r in rows.rows
            if all(str(r.get(k)) == str(v) for k, v in spec.match.items())}


@pytest.mark.parametrize("figure", ["d1", "dau", "paid_conversion"])
def test_small_contributors_are_never_named_or_recoverable(demo_db: Path, figure: str) -> None:
    cat = Catalog(demo_db, settings=Settings(db_path=demo_db, min_group_size=MIN))
    result = explain_change(cat, {"figure": figure})
    text = result.summary() + str(result.to_json())
    chart = result.figure("en")
    labels = {str(x) for t in chart.data for x in (getattr(t, "x", None) or [])}
    assert result.hidden > 0  # the check below has something to check
    for split, parts in result.parts.items():
        shown = {p.segment for p in parts if p.segment not in (OTHER, REST)}
        periods = [(result.a.start.isoformat(), result.a.end.isoformat()),
                   (result.b.start.isoformat(), result.b.end.isoformat())]
        sizes = [_sizes(demo_db, figure, s, e, split) for s, e in periods]
        for seg in shown:
            # shown only when large enough in both periods (else A - change gives B away)
            assert all(sz.get(seg, 0) == 0 or sz[seg] >= MIN for sz in sizes), (split, seg)
        for sz in sizes:
            unshown = [n for s, n in sz.items() if s not in shown]
            assert sum(unshown) == 0 or sum(unshown) >= MIN, (split, unshown)
            if split == "country":  # region minus its shown countries
                by_region: dict[str, int] = {}
                for s, n in sz.items():
                    if s not in shown:
                        region = countries()[s].region
                        by_region[region] = by_region.get(region, 0) + n
                regions_shown = {p.segment for p in result.parts.get("region", [])}
                for region, n in by_region.items():
                    if region in regions_shown:
                        assert n >= MIN, (region, n)
        for seg, n in sizes[0].items():
            if 0 < n < MIN or 0 < sizes[1].get(seg, 0) < MIN:
                assert seg not in shown
                assert f'"{seg}"' not in text
                if split == "country":
                    assert countries()[seg].name_en not in labels

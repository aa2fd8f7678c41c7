"""Where a change came from: each segment's contribution, split into rate and mix effects.

For a figure that is a ratio of totals (a rate or a mean), R = sum_i w_i r_i with w_i the
segment's share of the denominator and r_i its own rate. The symmetric (midpoint) split

    R_B - R_A = sum_i  wbar_i (r_Bi - r_Ai)          rate effect: the segment's rate moved
              + sum_i (rbar_i - Rbar) (w_Bi - w_Ai)   mix effect: its share of people moved

adds up exactly to the total change (bars are the two periods' averages; subtracting Rbar
changes nothing because the shares' changes add up to zero, but it makes a segment with an
average rate gaining share contribute nothing). For counts (DAU) a segment's contribution
is simply its own change. A segment "stands out" by its excess over moving with everyone:
its contribution minus its average share times the total change.

Segments hidden for privacy are never shown alone: together they form one "other" part,
whose figures are the total minus the visible segments (which anyone could work out).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.metrics.change.figures import Cell, Figure

OTHER = "__other__"  # the hidden segments of a breakdown, together
REST = "__rest__"  # what a figure that is no weighted mean of its segments leaves over
STAND_OUT = 0.25  # excess as a share of the largest movement that reads as standing out


@dataclass
class Part:
    """One segment's share of the change (in the figure's unit: pp for rates)."""

    split: str
    segment: str
    a: float | None  # the segment's figure in A and B
    b: float | None
    size_a: int | None
    size_b: int | None
    rate: float  # rate effect (all of a count's change)
    mix: float  # mix effect (0 for counts)
    excess: float = 0.0  # contribution beyond moving with everyone

    @property
    def contribution(self) -> float:
        return self.rate + self.mix

    @property
    def named(self) -> bool:
        return self.segment not in (OTHER, REST)


def _val(c: Cell) -> tuple[float, float]:
    return (c.num or 0.0, c.den or 0.0)


def decompose(
    figure: Figure, split: str, cells: dict[str, tuple[Cell, Cell]], total: tuple[Cell, Cell]
) -> list[Part]:
    """The parts of the total change along one breakdown; they add up to the total change."""
    ta, tb = total
    if ta.value is None or tb.value is None:
        return []
    change = tb.value - ta.value
    visible = {s: ab for s, ab in cells.items() if not (ab[0].hidden or ab[1].hidden)}
    parts: list[Part] = []
    if figure.kind == "count":
        other_a = ta.value - sum(a.value or 0.0 for a, _ in visible.values())
        other_b = tb.value - sum(b.value or 0.0 for _, b in visible.values())
        rows = [(s, a.value or 0.0, b.value or 0.0, a.size, b.size)
                for s, (a, b) in visible.items()]
        if len(visible) < len(cells) or abs(other_a) + abs(other_b) > 1e-9:
            rows.append((OTHER, other_a, other_b, None, None))
        for seg, va, vb, na, nb in rows:
            sa_, sb_ = (va / ta.value if ta.value else 0.0), (vb / tb.value if tb.value else 0.0)
            share = (sa_ + sb_) / 2
            parts.append(Part(split, seg, va, vb, na, nb, vb - va, 0.0, vb - va - share * change))
        return _with_rest(parts, split, change)
    (na_t, da_t), (nb_t, db_t) = _val(ta), _val(tb)
    rows2 = [(s, *_val(a), *_val(b), a.size, b.size) for s, (a, b) in visible.items()]
    if figure.kind != "index":
        oa = (na_t - sum(r[1] for r in rows2), da_t - sum(r[2] for r in rows2))
        ob = (nb_t - sum(r[3] for r in rows2), db_t - sum(r[4] for r in rows2))
        if len(visible) < len(cells) or oa[1] > 1e-9 or ob[1] > 1e-9:
            rows2.append((OTHER, *oa, *ob, None, None))
        ra_t, rb_t = na_t / da_t, nb_t / db_t
    else:  # an index: weights from the denominator, each segment's own value as its rate
        rows2 = [(s, (a.value or 0.0) * (a.den or 0.0), a.den or 0.0,
                  (b.value or 0.0) * (b.den or 0.0), b.den or 0.0, a.size, b.size)
                 for s, (a, b) in visible.items()]
        da_t = sum(r[2] for r in rows2) or 1.0
        db_t = sum(r[4] for r in rows2) or 1.0
        ra_t, rb_t = ta.value, tb.value
    rbar_t = (ra_t + rb_t) / 2
    for seg, na, da, nb, db, sa, sb in rows2:
        wa, wb = (da / da_t if da_t else 0.0), (db / db_t if db_t else 0.0)
        ra = na / da if da > 0 else None
        rb = nb / db if db > 0 else None
        ra_, rb_ = (ra if ra is not None else rb or 0.0), (rb if rb is not None else ra or 0.0)
        wbar = (wa + wb) / 2
        rate = wbar * (rb_ - ra_)
        mix = ((ra_ + rb_) / 2 - rbar_t) * (wb - wa)
        parts.append(Part(split, seg, ra, rb, sa, sb, rate, mix, rate + mix - wbar * change))
    return _with_rest(parts, split, change)


def _with_rest(parts: list[Part], split: str, change: float) -> list[Part]:
    """Close the sum: whatever the parts leave of the total change (rounding aside)."""
    rest = change - sum(p.contribution for p in parts)
    if abs(rest) > 1e-9 * max(1.0, abs(change)):
        parts.append(Part(split, REST, None, None, None, None, rest, 0.0, 0.0))
    return parts


def standing_out(parts: Sequence[Part], change: float, limit: int = 3) -> list[Part]:
    """Named segments that moved unlike everyone else, the largest excess first.

    A region is left out when a country in it already says the same (most of its excess).
    """
    scale = max([abs(change), *(abs(p.contribution) for p in parts)] or [0.0])
    if scale == 0:
        return []
    cands = sorted(
        (p for p in parts if p.named and abs(p.excess) >= STAND_OUT * scale),
        key=lambda p: -abs(p.excess),
    )
    from assistant.store.regions import countries

    chosen: list[Part] = []
    for p in cands:
        if p.split == "region" and any(
            c.split == "country" and _region_of(c.segment, countries()) == p.segment
            and abs(c.excess) >= 0.5 * abs(p.excess) and c.excess * p.excess > 0
            for c in chosen + cands
        ):
            continue
        chosen.append(p)
        if len(chosen) == limit:
            break
    return chosen


def _region_of(code: str, known: dict) -> str | None:
    country = known.get(code)
    return getattr(country, "region", None) if country is not None else None

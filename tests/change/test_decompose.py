"""Contributions by segment: hand-computed parts that add up exactly to the total change."""

from __future__ import annotations

import pytest

from assistant.metrics.change.decompose import OTHER, decompose, standing_out
from assistant.metrics.change.figures import FIGURES, Cell


def prop(num: float, den: float) -> Cell:
    return Cell(num / den, num, den, int(den))


def test_rate_and_mix_effects_by_hand() -> None:
    # X: 2/10 -> 6/20, Y: 3/10 -> 1/5. Whole: 5/20 = 0.25 -> 7/25 = 0.28, change +0.03.
    # shares: X .5 -> .8, Y .5 -> .2; rates X .2 -> .3, Y .3 -> .2; Rbar = .265
    # X rate = .65 * .1 = .065, mix = (.25 - .265) * .3 = -.0045 -> +.0605
    # Y rate = .35 * -.1 = -.035, mix = (.25 - .265) * -.3 = +.0045 -> -.0305
    cells = {"X": (prop(2, 10), prop(6, 20)), "Y": (prop(3, 10), prop(1, 5))}
    parts = {p.segment: p for p in decompose(FIGURES["d1"], "platform", cells,
                                             (prop(5, 20), prop(7, 25)))}
    assert set(parts) == {"X", "Y"}
    assert parts["X"].rate == pytest.approx(0.065, abs=1e-12)
    assert parts["X"].mix == pytest.approx(-0.0045, abs=1e-12)
    assert parts["Y"].rate == pytest.approx(-0.035, abs=1e-12)
    assert parts["Y"].mix == pytest.approx(0.0045, abs=1e-12)
    assert parts["X"].contribution + parts["Y"].contribution == pytest.approx(0.03, abs=1e-15)
    # excess over moving with everyone: contribution - average share * total change
    assert parts["X"].excess == pytest.approx(0.0605 - 0.65 * 0.03, abs=1e-12)


def test_counts_add_up_and_hidden_segments_form_one_part() -> None:
    # DAU 100 = A 60 + B 30 + hidden 10 -> 120 = A 62 + B 44 + hidden 14
    count = lambda v: Cell(v, v, 1.0, 50)  # noqa: E731
    hidden = Cell(None, None, None, None, hidden=True)
    cells = {"A": (count(60), count(62)), "B": (count(30), count(44)), "C": (hidden, hidden)}
    parts = {p.segment: p for p in decompose(FIGURES["dau"], "country", cells,
                                             (count(100), count(120)))}
    assert "C" not in parts  # never named alone
    assert parts[OTHER].contribution == pytest.approx(4)
    assert parts["A"].contribution == pytest.approx(2)
    assert parts["B"].contribution == pytest.approx(14)
    assert sum(p.contribution for p in parts.values()) == pytest.approx(20, abs=1e-12)
    # B's share .3 -> .367: moving with everyone it would have gained .333 * 20 = 6.7
    assert parts["B"].excess == pytest.approx(14 - (0.3 + 44 / 120) / 2 * 20)


def test_segment_that_moved_with_everyone_does_not_stand_out() -> None:
    # every segment grew 10%: no part stands out, whatever its size
    count = lambda v: Cell(v, v, 1.0, 50)  # noqa: E731
    cells = {s: (count(v), count(v * 1.1)) for s, v in (("A", 700), ("B", 200), ("C", 100))}
    parts = decompose(FIGURES["dau"], "country", cells, (count(1000), count(1100)))
    assert standing_out(parts, 100.0) == []
    # one segment carrying the change stands out, the others (against the tide) less so
    cells["C"] = (count(100), count(200))
    parts = decompose(FIGURES["dau"], "country", {**cells, "A": (count(700), count(700)),
                                                  "B": (count(200), count(200))},
                      (count(1000), count(1100)))
    assert [p.segment for p in standing_out(parts, 100.0)][:1] == ["C"]


def test_parts_add_up_on_the_demo_for_every_figure(demo_catalog) -> None:
    from assistant.metrics.change.explain import explain_change

    for name in ("dau", "d1", "minutes_per_user_day", "paid_conversion", "arpu"):
        result = explain_change(demo_catalog, {"figure": name})
        for split, parts in result.parts.items():
            total = sum(p.contribution for p in parts)
            assert total == pytest.approx(result.change, rel=1e-9, abs=1e-12), (name, split)
            assert not any(p.segment == "__rest__" for p in parts), (name, split)

"""Intervals against published values, and the false-alarm rate over seeded null weeks."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.metrics.change import noise

NULL_WEEKS = 400  # per kind of figure
FALSE_ALARM_RATE = 0.05  # the stated rate: "beyond normal variation" when nothing changed


def test_wilson_and_newcombe_match_published_values() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 vs 48/80
    lo, hi = noise.newcombe(48, 80, 56, 70)
    assert (round(lo, 4), round(hi, 4)) == (0.0524, 0.3339)
    # Wilson interval of 0/10: 0 to 0.2775
    assert noise.wilson(0, 10)[1] == pytest.approx(0.2775, abs=1e-4)


def test_poisson_ratio_is_symmetric_on_the_log_scale() -> None:
    lo, hi = noise.poisson_ratio(10000, 10000)
    assert (1 + lo) * (1 + hi) == pytest.approx(1.0)
    assert hi == pytest.approx(np.exp(1.959963984540054 * np.sqrt(2e-4)) - 1)


def test_history_band_is_a_t_prediction_interval() -> None:
    band = noise.history_band([0.01, -0.01, 0.02, -0.02, 0.0], level=0.95)
    # mean 0, s = sqrt(0.001 / 4) = 0.0158; t(0.975, 4) = 2.776; sqrt(1 + 1/5)
    assert band is not None and band.n == 5
    assert band.high == pytest.approx(2.7764451 * 0.0158114 * 1.0954451, rel=1e-5)
    assert noise.history_band([0.01, 0.02, 0.03]) is None  # too little history


def _null_week(kind: str, rng: np.random.Generator) -> bool:
    """14 equal weeks of one figure with no change planted: is the last called beyond?"""
    weeks = 14
    if kind == "proportion":  # D1-like: 4,000 signups a week, a small weekly wobble
        n = rng.poisson(4000, weeks)
        k = rng.binomial(n, 0.35 + rng.normal(0, 0.008, weeks))
        vals = k / n
        ci = noise.newcombe(k[-2], n[-2], k[-1], n[-1])
        changes = np.diff(vals)
        change = vals[-1] - vals[-2]
    elif kind == "count":  # DAU-like: 5,000 a day, 2% weekly wobble, 7 days a week
        vals = rng.poisson(7 * 5000 * np.exp(rng.normal(0, 0.02, weeks))) / 7
        ci = noise.poisson_ratio(vals[-2] * 7, vals[-1] * 7)
        changes = vals[1:] / vals[:-1] - 1
        change = changes[-1]
    else:  # minutes per user-day: daily user-days and minutes, days as replicates
        users = rng.poisson(5000, (weeks, 7)).astype(float)
        per = 18 * np.exp(rng.normal(0, 0.01, (weeks, 1)) + rng.normal(0, 0.02, (weeks, 7)))
        minutes = users * per
        vals = minutes.sum(1) / users.sum(1)
        se = [noise.replicate_se(minutes[w], users[w], users[w].sum()) for w in (-2, -1)]
        ci = noise.relative_ci(vals[-2], vals[-1], se[0], se[1])
        changes = vals[1:] / vals[:-1] - 1
        change = changes[-1]
    band = noise.history_band(list(changes[:-1]))
    return noise.judge(float(change), ci, band).beyond


@pytest.mark.parametrize("kind", ["proportion", "count", "mean"])
def test_false_alarm_rate_over_null_weeks(kind: str, capsys: pytest.CaptureFixture) -> None:
    alarms = sum(_null_week(kind, np.random.default_rng(1000 + i)) for i in range(NULL_WEEKS))
    rate = alarms / NULL_WEEKS
    with capsys.disabled():
        print(f"\n{kind}: 'beyond normal variation' in {alarms} of {NULL_WEEKS} null weeks "
              f"({rate:.1%})")
    assert rate <= FALSE_ALARM_RATE

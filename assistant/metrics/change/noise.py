"""Is a change real? An interval for the change, and the figure's own normal variation.

Two checks, both needed before a change is called "beyond normal variation":
1. The 95% interval of the change excludes zero: Wilson / Newcombe for proportions, a
   Poisson interval of the ratio for counts, and for means and indexes the period's days
   taken as replicates (a ratio estimator's linearised variance; the central limit theorem
   over days, which also carries the figure's day-to-day swings).
2. The change lies outside the band the figure's own history predicts: the last 8 to 12
   changes between equal-length periods give a 97.5% prediction interval (mean ± t · s ·
   sqrt(1 + 1/n)), so a change like the usual ones is "within normal variation".
With fewer than MIN_HISTORY earlier changes nothing is called "beyond normal variation": a
change whose interval excludes zero is "more than sampling noise", no more.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

Z = 1.959963984540054  # two-sided 95%
MIN_HISTORY = 4
MAX_HISTORY = 12
# The band's level. Its t interval assumes independent changes, but changes between
# periods share a period (an unusual week A makes both A's change and B's change unusual),
# so at 95% the two checks together said "beyond" in 4-5% of null weeks: too close to the
# stated false-alarm rate of 5%. At 97.5% they stay well under it.
BAND_LEVEL = 0.975


def wilson(k: float, n: float, z: float = Z) -> tuple[float, float]:
    """Wilson score interval of a proportion k / n."""
    if n <= 0:
        return (0.0, 1.0)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def newcombe(k1: float, n1: float, k2: float, n2: float, z: float = Z) -> tuple[float, float]:
    """Newcombe's hybrid score interval (method 10) of p2 - p1."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1, z)
    l2, u2 = wilson(k2, n2, z)
    d = p2 - p1
    lo = d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    hi = d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return (lo, hi)


def poisson_ratio(xa: float, xb: float, z: float = Z) -> tuple[float, float]:
    """Interval of the relative change xb / xa - 1 of two Poisson counts (log scale)."""
    if xa <= 0 or xb <= 0:
        return (-math.inf, math.inf)
    se = math.sqrt(1 / xa + 1 / xb)
    r = math.log(xb / xa)
    return (math.exp(r - z * se) - 1, math.exp(r + z * se) - 1)


def replicate_se(nums: Sequence[float], dens: Sequence[float], den_total: float) -> float | None:
    """Standard error of sum(nums) / den_total with days as independent replicates.

    The days' denominators are scaled to add up to the period's (daily actives do not add
    up to the period's actives); the linearised ratio x_d - R y_d then carries both the
    numerator's and the denominator's day-to-day variation.
    """
    n = len(nums)
    if n < 2 or den_total <= 0:
        return None
    scale = den_total / (sum(dens) or 1.0)
    ratio = sum(nums) / den_total
    resid = [x - ratio * y * scale for x, y in zip(nums, dens, strict=True)]
    mean = sum(resid) / n
    var = n / (n - 1) * sum((r - mean) ** 2 for r in resid)
    return math.sqrt(var) / den_total


def relative_ci(a: float, b: float, se_a: float, se_b: float, z: float = Z) -> tuple[float, float]:
    """Interval of b / a - 1 by the delta method."""
    if a == 0:
        return (-math.inf, math.inf)
    rel = b / a - 1
    se = math.sqrt((se_b / a) ** 2 + (b * se_a / a**2) ** 2)
    return (rel - z * se, rel + z * se)


@dataclass
class Band:
    """The usual range of the figure's period-over-period change, from its history."""

    low: float
    high: float
    n: int  # how many earlier changes it rests on

    @property
    def centre(self) -> float:
        return (self.low + self.high) / 2

    @property
    def half(self) -> float:
        return (self.high - self.low) / 2


def history_band(changes: Sequence[float], level: float = BAND_LEVEL) -> Band | None:
    """Prediction interval of the next change from the last earlier changes."""
    xs = [c for c in changes if c is not None and math.isfinite(c)][-MAX_HISTORY:]
    n = len(xs)
    if n < MIN_HISTORY:
        return None
    mean = sum(xs) / n
    s = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * s * math.sqrt(1 + 1 / n)
    return Band(mean - half, mean + half, n)


@dataclass
class Verdict:
    """Whether a change is beyond the figure's normal variation, and why."""

    beyond: bool
    ci: tuple[float, float] | None
    band: Band | None

    @property
    def ci_excludes_zero(self) -> bool | None:
        if self.ci is None:
            return None
        return self.ci[0] > 0 or self.ci[1] < 0

    @property
    def key(self) -> str:
        """Which sentence says it (prompts/change.yaml verdicts)."""
        if self.beyond:
            return "beyond"
        if self.band is None and self.ci_excludes_zero:
            return "beyond_ci"  # more than sampling noise; no history to call it unusual
        if self.band is not None:
            return "within_band"
        if self.ci is not None:
            return "within_ci"
        return "unknown"


def judge(change: float | None, ci: tuple[float, float] | None, band: Band | None) -> Verdict:
    """Beyond normal variation only when the interval excludes zero and the history agrees;
    without history there is no normal variation to be beyond (see Verdict.key)."""
    if change is None or band is None:
        return Verdict(False, ci, band)
    ok_ci = ci is None or ci[0] > 0 or ci[1] < 0
    ok_band = band is None or not band.low <= change <= band.high
    return Verdict(ok_ci and ok_band, ci, band)

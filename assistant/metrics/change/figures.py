"""The headline figures a change can be explained for, each read from a vetted metric.

Every number comes from a metric of `tools/` run through the catalog (its bound parameters,
its small-group suppression): a figure names the metric, the row that holds it and the
columns that give its numerator and denominator, so segments can be added back up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# How a figure behaves under addition over segments and which interval its change gets:
# count      - segments add up (DAU); Poisson interval
# proportion - numerator / denominator of people or calls; Wilson / Newcombe interval
# mean       - total / denominator (minutes per user-day, ARPU); days as replicates (CLT)
# index      - not a weighted mean of its segments (HD uplift); days as replicates
KINDS = ("count", "proportion", "mean", "index")
SPLITS = ("country", "region", "platform", "channel")


@dataclass(frozen=True)
class Figure:
    name: str
    metric: str
    kind: str
    value: str  # the metric column holding the figure
    size: str  # the metric column counting people (suppression and weights)
    fmt: str  # pct | float | minutes | usd
    num: str | None = None  # proportion: the numerator column
    den: str | None = None  # proportion / mean: the denominator column
    match: dict[str, Any] = field(default_factory=dict)  # which row of a segment holds it
    args: dict[str, Any] = field(default_factory=dict)  # fixed metric arguments
    units: str = ""  # count: what one unit of the value is counted over (days, weeks)
    splits: tuple[str, ...] = SPLITS
    trends: bool = True  # the metric has day/week trends
    lag_days: int = 0  # cohorts need this many later days complete (retention)
    alert: bool = True  # judged day by day in alerts

    @property
    def rate_like(self) -> bool:
        """Changes read in percentage points (a rate), not in per cent of the value."""
        return self.fmt == "pct"


FIGURES: dict[str, Figure] = {f.name: f for f in (
    Figure("dau", "active_users", "count", "avg_dau", "active_users", "int", units="days"),
    Figure("wau", "active_users", "count", "avg_wau", "active_users", "int", units="weeks",
           alert=False),
    Figure("mau", "active_users", "count", "mau_30d", "active_users", "int", alert=False),
    Figure("d1", "retention", "proportion", "rate", "cohort_users", "pct", "retained",
           "cohort_users", {"day_n": 1}, {"days": [1]}, lag_days=1),
    Figure("d7", "retention", "proportion", "rate", "cohort_users", "pct", "retained",
           "cohort_users", {"day_n": 7}, {"days": [7]}, lag_days=7, alert=False),
    Figure("d30", "retention", "proportion", "rate", "cohort_users", "pct", "retained",
           "cohort_users", {"day_n": 30}, {"days": [30]}, lag_days=30, alert=False),
    Figure("minutes_per_user_day", "usage_time", "mean", "minutes_per_user_day",
           "active_users", "minutes", den="user_days"),
    Figure("core_action_rate", "core_action_rate", "proportion", "rate", "active_users",
           "pct", "users_done", "active_users", {"action": "any"}),
    Figure("lasting_connection_rate", "social_quality", "proportion", "lasting_rate",
           "active_users", "pct", "with_lasting", "active_users", alert=False),
    Figure("paid_conversion", "paid_conversion", "proportion", "conversion", "active_users",
           "pct", "payers", "active_users"),
    Figure("arpu", "paid_conversion", "mean", "arpu", "active_users", "usd",
           den="active_users"),
    # the share of calls in the fastest bucket: calls / (calls / share) gives the total
    Figure("fast_connect_share", "latency_vs_activity", "proportion", "share", "callers",
           "pct", "calls", None, {"bucket_order": 1}, {"threshold_ms": 600},
           splits=("country", "region", "platform"), trends=False),
    Figure("hd_uplift", "live_quality", "index", "uplift", "viewers", "pct", den="views",
           match={"quality": "HD vs SD"}),
    Figure("ai_to_human_rate", "ai_to_human", "proportion", "bridge_rate", "ai_first_users",
           "pct", "moved_to_human", "ai_first_users", lag_days=7),
)}


def pick(figure: Figure, rows: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    """The figure's row of each segment, keyed by segment."""
    out: dict[Any, dict[str, Any]] = {}
    for row in rows:
        if all(str(row.get(k)) == str(v) for k, v in figure.match.items()):
            out[row.get("segment")] = row
    return out


@dataclass
class Cell:
    """One segment's figure in one period: value, numerator, denominator, people."""

    value: float | None
    num: float | None
    den: float | None
    size: int | None
    hidden: bool = False


def cell(figure: Figure, row: dict[str, Any] | None) -> Cell:
    """Read a metric row as the figure's numerator and denominator."""
    if row is None:
        return Cell(None, None, None, 0)
    if row.get("suppressed"):
        return Cell(None, None, None, None, hidden=True)
    value = row.get(figure.value)
    size = row.get(figure.size)
    value = float(value) if value is not None else None
    if figure.kind == "count":
        return Cell(value, value, 1.0, size)
    if figure.kind == "proportion":
        num = float(row[figure.num]) if row.get(figure.num) is not None else None
        if figure.den:
            den = float(row[figure.den]) if row.get(figure.den) is not None else None
        else:  # only the share is given: the total is num / share
            den = num / value if num is not None and value else None
        return Cell(value, num, den, size)
    den = float(row[figure.den]) if row.get(figure.den) is not None else None
    num = value * den if value is not None and den is not None else None
    return Cell(value, num, den, size)

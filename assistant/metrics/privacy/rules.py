"""Which figures of each metric describe people, declared once.

Every metric with a size column (its YAML header's `size_column`) counts a population:
the people the answer is about. Some metrics also show counts of people *inside* that
population (payers, users who did an action, retained users ...). Each such count obeys
the minimum group size on its own, and so does the rest of its base (active users who did
not pay, say): either could be a group of 3. Figures computed from a count (a rate, money
of the payers) follow it: when the count is withheld they are withheld with it.

`population` names how the size column is measured for the filter-complement check, by a
query of assistant/store/population.py ("active": users with a session in the range,
"cohort": users who signed up in it, per day N, ...); None: the metric's own query is run
again with the other filters (AI-first users, callers per connect-time bucket).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Count:
    """A column counting people, and the figures computed from it (`follows`).

    When it, or base - it, is small, its row is hidden whole (the follows with it).
    """

    column: str
    follows: tuple[str, ...] = ()
    within: str | None = None  # the base column it is part of (base - count is people too)
    rate: bool = False  # the column is a share of `within`: count = round(rate * base)
    unit: str | None = None  # only rows whose `unit` column equals this (mixed-unit tables)


@dataclass(frozen=True)
class Rules:
    population: str | None
    counts: tuple[Count, ...] = ()


RULES: dict[str, Rules] = {
    "active_users": Rules("active", (
        Count("peak_dau"),
        Count("mau_30d", follows=("stickiness",)),
    )),
    "activity_scorecard": Rules("active", (
        # depth and social rows: `current` is a share of the active users (core-action
        # doers, users with a lasting connection); rate * active users is a count of people
        Count("current", follows=("change", "verdict"), within="active_users", rate=True,
              unit="pct"),
    )),
    "ai_to_human": Rules(None, (
        Count("moved_to_human", follows=("bridge_rate", "median_days_to_human"),
              within="ai_first_users"),
    )),
    "core_action_rate": Rules("active", (
        Count("users_done", follows=("rate",), within="active_users"),
    )),
    "latency_vs_activity": Rules(None),  # callers of each bucket is the size column itself
    "live_quality": Rules("viewers"),  # viewers of each quality is the size column itself
    "paid_conversion": Rules("active", (
        # money follows the payers: no revenue or ARPPU for a handful of payers
        Count("payers", follows=("conversion", "revenue", "arpu", "arppu"),
              within="active_users"),
    )),
    "peak_hours": Rules("local_active"),
    "retention": Rules("cohort", (
        Count("retained", follows=("rate",), within="cohort_users"),
    )),
    "social_quality": Rules("active", (
        Count("with_lasting", follows=("lasting_rate",), within="active_users"),
    )),
    "usage_time": Rules("active"),
}


def rules_for(metric: str) -> Rules:
    """The metric's rules; a metric not listed is measured by its own query, no counts."""
    return RULES.get(metric, Rules(None))

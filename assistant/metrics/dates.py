"""Calendar facts every part of the product reads the same way: ISO weeks and their labels."""

from __future__ import annotations

from datetime import date, timedelta


def week_monday(day: date) -> date:
    """Monday of the ISO week holding `day`."""
    return day - timedelta(days=day.isoweekday() - 1)


def iso_week(day: date) -> str:
    """The ISO week label of a day: 2026-11-18 -> '2026-W47'."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def last_complete_week(latest: date) -> date:
    """Monday of the latest ISO week whose Sunday is a complete day (`latest` or before)."""
    sunday = latest - timedelta(days=latest.isoweekday() % 7)
    return sunday - timedelta(days=6)


def complete_weeks(first: date | None, latest: date | None, limit: int) -> list[tuple[str, date]]:
    """Complete ISO weeks inside [first, latest], newest first: ('2026-W47', its Monday)."""
    if first is None or latest is None:
        return []
    monday = last_complete_week(latest)
    weeks = []
    while monday >= first and len(weeks) < limit:
        weeks.append((iso_week(monday), monday))
        monday -= timedelta(days=7)
    return weeks

"""Date ranges an answer can be switched to, counted back from the latest complete day."""

from __future__ import annotations

from datetime import date, timedelta

from assistant.metrics.dates import complete_weeks

PRESETS = ("last7", "last14", "last28", "last_week", "this_week", "last_month")
CUSTOM = "custom"
MAX_WEEKS = 26


def preset_range(preset: str, latest: date) -> tuple[date, date]:
    """(start, end) of a preset; every range ends on or before `latest`."""
    if preset.startswith("last") and preset[4:].isdigit():
        return latest - timedelta(days=int(preset[4:]) - 1), latest
    if preset == "last_week":  # the latest complete ISO week
        sunday = latest - timedelta(days=(latest.weekday() + 1) % 7)
        return sunday - timedelta(days=6), sunday
    if preset == "this_week":  # Monday of the latest day's week, up to that day
        return latest - timedelta(days=latest.weekday()), latest
    if preset == "last_month":  # the latest complete calendar month
        after = latest + timedelta(days=1)
        end = latest if after.month != latest.month else latest.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    raise ValueError(f"unknown period {preset!r}")


def preset_of(start: date, end: date, latest: date) -> str:
    """The preset that gives exactly this range today, else 'custom'."""
    for preset in PRESETS:
        if preset_range(preset, latest) == (start, end):
            return preset
    return CUSTOM


def previous_range(start: date, end: date) -> tuple[date, date]:
    """The range of equal length that ends the day before `start`."""
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def iso_weeks(first: date | None, last: date | None) -> list[tuple[str, date]]:
    """Complete ISO weeks inside [first, last], newest first: (label '2026-W47', Monday)."""
    return complete_weeks(first, last, MAX_WEEKS)

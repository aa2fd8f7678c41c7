"""Planted changes: edits to a demo database that put a known change where tests look."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from assistant.store import db, rollups


def _returners(con, country: str, platform: str, week_start: date
               ) -> tuple[list[tuple[str, date]], list[str]]:
    """A segment's signups of one week (UTC days), and those active the day after."""
    cohort = con.execute(
        """SELECT user_id, CAST(signup_at AS DATE) AS day FROM users
           WHERE country = ? AND platform = ? AND CAST(signup_at AS DATE) BETWEEN ? AND ?
           ORDER BY user_id""",
        [country, platform, week_start, week_start + timedelta(days=6)],
    ).fetchall()
    back = [u for u, d in cohort if con.execute(
        "SELECT count(*) FROM sessions WHERE user_id = ? AND CAST(started_at AS DATE) = ?",
        [u, d + timedelta(days=1)]).fetchone()[0] > 0]
    return cohort, back


def plant_d1_drop(path: Path, country: str, platform: str, week_start: date,
                  pp: float = 0.10) -> tuple[int, int]:
    """Make D1 retention of one segment's signups of one week `pp` lower than the week
    before: the day-1 sessions of enough cohort members who came back are removed.
    Returns (cohort size, sessions days removed)."""
    con = db.connect_write(path)
    try:
        before, back_before = _returners(con, country, platform, week_start - timedelta(7))
        cohort, back = _returners(con, country, platform, week_start)
        target = round((len(back_before) / len(before) - pp) * len(cohort))
        k = len(back) - target
        assert 0 < k <= len(back), "the week already retains too few to plant this drop"
        days = dict(cohort)
        for user in back[:k]:
            con.execute(
                "DELETE FROM sessions WHERE user_id = ? AND CAST(started_at AS DATE) = ?",
                [user, days[user] + timedelta(days=1)])
        con.execute("INSERT INTO load_log VALUES (now(), 'plant_d1_drop', ?)", [k])
        rollups.rebuild(con, "UTC")
    finally:
        con.close()
    return len(cohort), k


def plant_outage(path: Path, country: str, day: date, connect_ms: int = 3000) -> int:
    """Every connected call from one country on one day takes `connect_ms` to connect."""
    con = db.connect_write(path)
    try:
        n = con.execute(
            """UPDATE calls SET
                   connected_at = requested_at + to_milliseconds(?),
                   ended_at = greatest(ended_at, requested_at + to_milliseconds(?))
               WHERE connected_at IS NOT NULL AND CAST(requested_at AS DATE) = ?
                 AND caller_id IN (SELECT user_id FROM users WHERE country = ?)""",
            [connect_ms, connect_ms, day, country]).fetchone()[0]
        con.execute("INSERT INTO load_log VALUES (now(), 'plant_outage', ?)", [n])
        rollups.rebuild(con, "UTC")
    finally:
        con.close()
    return n

"""Which week's digest reached which destination: the `digest_sends` table of the state store.

A destination is kept as a hash of its URL, never the URL (it holds tokens and passwords).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from assistant.store.state import open_state


def was_sent(db_path: Path, week_start: date, key: str) -> bool:
    with open_state(db_path) as con:
        row = con.execute(
            "SELECT status FROM digest_sends WHERE week_start = ? AND destination = ?",
            [week_start.isoformat(), key],
        ).fetchone()
    return bool(row and row[0] == "sent")


def record(db_path: Path, week_start: date, key: str, ok: bool, detail: str = "") -> None:
    """Remember the latest outcome; a failure never overwrites an earlier success."""
    with open_state(db_path) as con:
        con.execute(
            """INSERT INTO digest_sends (week_start, destination, status, detail)
               VALUES (?, ?, ?, ?)
               ON CONFLICT (week_start, destination) DO UPDATE SET
                   status = CASE WHEN digest_sends.status = 'sent' THEN 'sent'
                                 ELSE excluded.status END,
                   detail = CASE WHEN digest_sends.status = 'sent' THEN digest_sends.detail
                                 ELSE excluded.detail END,
                   at = datetime('now')""",
            [week_start.isoformat(), key, "sent" if ok else "failed", detail],
        )


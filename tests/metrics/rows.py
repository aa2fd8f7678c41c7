"""Row builders shared by the hand-computed metric tests."""

from __future__ import annotations


def sessions(*rows: tuple[str, str]) -> list[dict[str, str]]:
    """Zero-length sessions (user_id, started_at): what counts for activity is the start."""
    return [
        {"session_id": f"s{i}", "user_id": u, "started_at": t, "ended_at": t}
        for i, (u, t) in enumerate(rows)
    ]

"""The app's own small state (saved boards, digest send log): one SQLite file beside the database.

Kept apart from the analytics database on purpose: that file is opened read-only by the
app and replaced whole by loads, while this one is written by the app and must survive
both restarts and reloads. Created on first use.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Each feature declares its own tables here, once; `open_state` creates what is missing.
TABLES = {
    "boards": """
        CREATE TABLE IF NOT EXISTS board_items (
            board TEXT NOT NULL,
            position INTEGER NOT NULL,
            item TEXT NOT NULL,          -- JSON: metric name, parameters, title, language
            added_at TEXT NOT NULL DEFAULT (datetime('now')),
            PRIMARY KEY (board, position)
        )""",
    "digest_sends": """
        CREATE TABLE IF NOT EXISTS digest_sends (
            week_start TEXT NOT NULL,    -- ISO date of the week's Monday
            destination TEXT NOT NULL,   -- a hash of the destination URL, never the URL
            status TEXT NOT NULL,        -- 'sent' or 'failed'
            detail TEXT,
            at TEXT NOT NULL DEFAULT (datetime('now')),
            PRIMARY KEY (week_start, destination)
        )""",
}

_lock = threading.Lock()


def state_path(db_path: Path | str) -> Path:
    """`data/demo.duckdb` keeps its state in `data/demo.state.sqlite`."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + ".state.sqlite")


@contextmanager
def open_state(db_path: Path | str) -> Iterator[sqlite3.Connection]:
    """A connection to the state file, tables created, committed on success."""
    path = state_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock:
        con = sqlite3.connect(path, timeout=10)
        try:
            for ddl in TABLES.values():
                con.execute(ddl)
            yield con
            con.commit()
        except BaseException:
            con.rollback()
            raise
        finally:
            con.close()


# ----- boards: named lists of pinned answers, shared by name ---------------------------------


def board_names(db_path: Path | str) -> list[str]:
    with open_state(db_path) as con:
        return [r[0] for r in con.execute(
            "SELECT board FROM board_items GROUP BY board ORDER BY min(added_at), board")]


def board_items(db_path: Path | str, board: str) -> list[dict]:
    """A board's items in their order (JSON decoded)."""
    with open_state(db_path) as con:
        rows = con.execute(
            "SELECT item FROM board_items WHERE board = ? ORDER BY position", (board,)).fetchall()
    return [json.loads(r[0]) for r in rows]


def save_board(db_path: Path | str, board: str, items: list[dict]) -> None:
    """Replace a board's items (an empty list removes the board)."""
    with open_state(db_path) as con:
        con.execute("DELETE FROM board_items WHERE board = ?", (board,))
        con.executemany(
            "INSERT INTO board_items (board, position, item) VALUES (?, ?, ?)",
            [(board, i, json.dumps(item, ensure_ascii=False)) for i, item in enumerate(items)],
        )


def add_board_item(db_path: Path | str, board: str, item: dict) -> int:
    """Pin an item at the end of a board (created on first pin); returns the item count."""
    with open_state(db_path) as con:
        (n,) = con.execute("SELECT coalesce(max(position) + 1, 0) FROM board_items "
                           "WHERE board = ?", (board,)).fetchone()
        con.execute("INSERT INTO board_items (board, position, item) VALUES (?, ?, ?)",
                    (board, n, json.dumps(item, ensure_ascii=False)))
    return n + 1

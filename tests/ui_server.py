"""The web app on a small demo database, served on a free loopback port for end-to-end tests."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from assistant.config import Settings
from assistant.store import demo

END_DATE = date(2026, 11, 22)  # a Sunday: the last ISO week of the data is complete
AUTH = ("analyst", "meeting-2026")


def demo_database(folder: Path) -> Path:
    """About 2,000 users over 28 days ending on END_DATE; same seed, same data."""
    path = folder / "demo.duckdb"
    demo.generate(path, users=2000, days=28, end_date=END_DATE, seed=11)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Running:
    url: str
    started_s: float  # build + launch time


@contextmanager
def running_app(db_path: Path, auth: tuple[str, str] | None = None) -> Iterator[Running]:
    """The app as `assistant serve` starts it, in a background thread; always offline."""
    from assistant.apps import web

    settings = Settings(db_path=db_path, openai_api_key=None, max_question_chars=500,
                        max_upload_mb=5, web_concurrency=2)
    t0 = time.perf_counter()
    blocks = web.serve(db_path, host="127.0.0.1", port=free_port(),
                    auth=":".join(auth) if auth else None, settings=settings,
                    prevent_thread_lock=True)
    try:
        yield Running(blocks.local_url, time.perf_counter() - t0)
    finally:
        blocks.close()
        blocks.web_app.catalog.close()  # as a stopped process would: the file is free again

"""What the web app shares between people: the catalog, the assistant, the load gate, files.

Per-person state (the conversation, the latest result) lives in `gr.State` in the tabs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.agent import planner
from assistant.agent.graph import Assistant, Conversation
from assistant.config import Settings, get_settings
from assistant.errors import UserError
from assistant.metrics.catalog import Catalog
from assistant.metrics.change.alerts import alerts
from assistant.present import change_narrative
from assistant.present.numbers import fmt
from assistant.prompts import text
from assistant.store import db

from .text import ui_text

_NOT_YET = object()  # no alerts worked out yet (or the last try failed)

log = logging.getLogger(__name__)

LOAD_WAIT_S = 30.0  # how long a load waits for answers in progress to finish


class Busy(UserError):
    """The database is being replaced by a load; questions are turned away meanwhile."""


class Gate:
    """Questions share the database; a load needs it alone (it must close the reader)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextmanager
    def reading(self, lang: str = "en") -> Iterator[None]:
        with self._cond:
            if self._writing:
                raise Busy(ui_text("error_busy", lang))
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self, lang: str = "en") -> Iterator[None]:
        with self._cond:
            if self._writing:
                raise Busy(ui_text("error_busy", lang))
            self._writing = True  # from here new questions are turned away
            if not self._cond.wait_for(lambda: self._readers == 0, LOAD_WAIT_S):
                self._writing = False
                raise Busy(ui_text("error_busy", lang))
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


def session_key(request: Any) -> str:
    """A safe folder name for one browser session (the hash comes from the client)."""
    raw = getattr(request, "session_hash", None) or "anonymous"
    return hashlib.sha256(str(raw).encode()).hexdigest()[:24]


def plain(value: Any) -> Any:
    """JSON-safe copy (dates become ISO strings)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


class App:
    """One app over one database: shared catalog and assistant; sessions keep their own chat."""

    def __init__(self, db_path: Path | str, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.db_path = Path(db_path)
        self.catalog = Catalog(self.db_path, settings=self.settings)
        self.start_problem: str | None = None
        self._alerts_lock = threading.Lock()
        self._alerts: list = []
        self._alerts_for: object = _NOT_YET
        self._alerts_busy = False
        self.watch_alerts = False  # set once the page is built (serve): no imports race it
        try:
            self.catalog.data_range  # noqa: B018 - say plainly when the file cannot be read
        except UserError as exc:
            # A load holding the file, say: start anyway, say so, and read it when it is free.
            log.warning("starting without the database: %s", exc)
            self.start_problem = str(exc)
            self.catalog.close()
        self.assistant = Assistant(self.catalog)
        self.gate = Gate()
        self.out_dir = Path(tempfile.mkdtemp(prefix="activity-assistant-"))

    def folder(self, kind: str, session: str, fresh: bool = False) -> Path:
        """A per-session folder for downloads; `fresh` empties it first."""
        path = self.out_dir / kind / session
        if fresh:
            shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def title(self, name: str, lang: str) -> str:
        metric = self.catalog.registry.metrics.get(name)
        return metric.title.get(lang, name) if metric else name

    def backend_name(self, lang: str) -> str:
        backend = self.assistant.backend
        if backend == "offline":
            return text("backend_offline", lang)
        return ui_text("backend_model", lang, name=backend)

    def status(self, lang: str) -> str:
        """Who answers and what data there is; read afresh each time (loads change it)."""
        try:
            rng = self.catalog.data_range
        except UserError as exc:
            return ui_text("status_unreadable", lang, backend=self.backend_name(lang),
                           reason=str(exc))
        self.start_problem = None
        if rng.empty:
            return ui_text("status_empty", lang, backend=self.backend_name(lang))
        line = ui_text(
            "status", lang, backend=self.backend_name(lang), first=rng.first_day,
            last=rng.latest_complete_day, users=fmt(rng.users, "int", lang),
            sessions=fmt(rng.sessions, "int", lang),
        )
        flagged = self.alert_line(lang)
        return f"{line}  \n⚠ {flagged}" if flagged else line

    def alert_line(self, lang: str) -> str | None:
        """The latest daily alert, worked out once per data version in the background (it
        reads every headline figure's history): the status bar never waits for it."""
        version = self.catalog.version
        with self._alerts_lock:
            if self.watch_alerts and self._alerts_for != version and not self._alerts_busy:
                self._alerts_busy = True
                threading.Thread(target=self._find_alerts, args=(version,), daemon=True).start()
            found = self._alerts if self._alerts_for == version else []
        return change_narrative.status_line(found, lang)

    def _find_alerts(self, version: object) -> None:
        found: list = []
        try:
            with self.gate.reading():
                found = alerts(self.catalog)
        except Exception:  # a busy or unreadable file: no line, try again next time
            log.info("alerts not worked out this time", exc_info=True)
            version = _NOT_YET
        with self._alerts_lock:
            self._alerts, self._alerts_for, self._alerts_busy = found, version, False

    def table_counts(self, lang: str) -> dict[str, int]:
        with self.gate.reading(lang):
            return db.table_counts(self.catalog.con)

    def ask_api(self, question: str, conv: Conversation | None) -> tuple[str, dict, Conversation]:
        """One question, the whole answer: its text and the `ask --json` shape."""
        conv = conv if conv is not None else Conversation()
        lang = planner.detect_language(question or "")
        try:
            with self.gate.reading(lang):
                answer = self.assistant.ask(question or "", conv)
        except UserError as exc:
            return str(exc), {"error": str(exc), "language": lang}, conv
        except Exception:
            log.exception("answering %r failed", question)
            message = ui_text("error_generic", lang)
            return message, {"error": message, "language": lang}, conv
        return answer.text, plain(answer.to_json()), conv

    def warm_up(self) -> None:
        """Answer one example per language so the first person to ask does not wait."""
        try:
            for lang in ("en", "zh"):
                with self.gate.reading(lang):
                    answer = self.assistant.ask(ui_text("examples", lang)[0], Conversation())
                if answer.results:
                    answer.results[0].figure(lang)
        except Exception as exc:  # never fatal: the first real question just takes longer
            log.warning("warm-up failed: %r", exc)

    def reload(self) -> None:
        """After a load: new data, new date range, a fresh assistant (its prompts quote it)."""
        self.catalog.close()
        self.assistant = Assistant(self.catalog)

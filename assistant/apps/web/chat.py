"""A question answered step by step, as the chat shows it: tool steps, text, notices."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from assistant.agent import planner
from assistant.agent.graph import Answer, Conversation
from assistant.errors import UserError
from assistant.metrics import privacy

from .render import step_message
from .state import App
from .text import ui_text

log = logging.getLogger(__name__)


def answer_stream(app: App, question: str, history: list, conv: Conversation
                  ) -> Iterator[tuple[list, bool, Answer | None]]:
    """(history, finished, answer): the chat as it grows; last, finished (answer or None)."""
    history = list(history or [])
    q_lang = planner.detect_language(question)
    history.append({"role": "user", "content": question})
    yield history, False, None
    rows: dict[int, int] = {}  # step -> its message in the history
    text_row: int | None = None
    streamed = ""
    shown: set[str] = set()
    answer: Answer | None = None
    try:
        with app.gate.reading(q_lang):
            for ev in app.assistant.stream(question, conv):
                if ev.kind in ("step", "step_done") and ev.step is not None:
                    key = id(ev.step)
                    if key not in rows:
                        rows[key] = len(history)
                        history.append({})
                    title = app.title(ev.step.name, q_lang)
                    history[rows[key]] = step_message(ev.step, title, q_lang, len(rows))
                elif ev.kind == "notice":
                    shown.add(ev.text)
                    history.append({"role": "assistant", "content": f"*{ev.text}*"})
                elif ev.kind == "text" and ev.text:
                    if text_row is None:
                        text_row = len(history)
                        history.append({"role": "assistant", "content": ""})
                    streamed += ev.text  # made inert as a whole: a tag may span chunks
                    history[text_row] = {"role": "assistant",
                                         "content": privacy.inert_text(streamed)}
                elif ev.kind == "done" and ev.answer is not None:
                    answer = ev.answer
                    if answer.text:
                        final = {"role": "assistant", "content": answer.text}
                        if text_row is None:
                            history.append(final)
                        else:
                            history[text_row] = final
                    for notice in answer.notices:
                        if notice not in shown:
                            history.append({"role": "assistant", "content": f"*{notice}*"})
                if ev.kind != "done":
                    yield history, False, None
    except UserError as exc:
        log.info("question not answered: %s", exc)
        history.append({"role": "assistant", "content": str(exc)})
    except Exception:
        log.exception("answering %r failed", question)
        history.append({"role": "assistant", "content": ui_text("error_generic", q_lang)})
    for i in rows.values():  # pending steps of a failed answer must not spin forever
        meta = history[i].get("metadata") or {}
        if meta.get("status") == "pending":
            history[i] = {**history[i], "metadata": {**meta, "status": "done"}}
    yield history, True, answer


"""What `assistant digest` does: print, write, send or schedule the weekly digest."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from assistant.config import Settings
from assistant.errors import UserError
from assistant.metrics.catalog import Catalog
from assistant.present.digest import delivery, dispatch, schedule
from assistant.present.digest.chat import KINDS, chat_message
from assistant.present.digest.compose import check_lang, message
from assistant.present.digest.email import preview_html

FORMATS = ("email", *(k for k in KINDS if k != "markdown"))

Echo = Callable[[str], None]


def render(catalog: Catalog, week: str, lang: str, fmt: str) -> str:
    """The digest in one format: the email as an HTML page, a chat message as its text."""
    if fmt not in FORMATS:
        raise UserError(message("bad_format", lang, format=fmt))
    prepared = dispatch.prepare(catalog, week, [lang])[lang]
    if fmt == "email":
        return preview_html(prepared.digest, prepared.images)
    msg = chat_message(prepared.digest, fmt)
    return f"{msg.title}\n\n{msg.body}" if msg.title else msg.body


def send(catalog: Catalog, settings: Settings, week: str, lang: str | None, to: list[str],
         dry_run: bool, echo: Echo) -> bool:
    """Send now (or say what would be sent); True when every destination received it."""
    if lang:
        check_lang(lang)
    dests = delivery.destinations(to or settings.digest_to, settings.digest_lang, lang)
    started = time.perf_counter()
    prepared = dispatch.prepare(catalog, week, [d.lang for d in dests])
    if dry_run:
        for line in dispatch.dry_run_lines(prepared, dests):
            echo(line)
        return True
    report = dispatch.send_digest(catalog, dests, week, prepared=prepared)
    for line in report.lines():
        echo(line)
    echo(f"({time.perf_counter() - started:.1f} s)")
    return report.ok


def run_due(db_path: Path, settings: Settings, tz: str, lang: str | None, to: list[str],
            echo: Echo) -> bool:
    """One scheduled run now (for cron): the due week, if complete and not sent yet."""
    if lang:
        check_lang(lang)
    dests = delivery.destinations(to or settings.digest_to, settings.digest_lang, lang)
    now = datetime.now(schedule.zone(tz))
    result = schedule.run_once(Catalog(db_path, settings=settings), dests, now, echo=echo)
    return result.status != "partial"


def run_schedule(db_path: Path, settings: Settings, when: str, tz: str, lang: str | None,
                 to: list[str], echo: Echo) -> None:
    """Run until stopped, sending each week's digest at `when` in `tz`."""
    if lang:
        check_lang(lang)
    dests = delivery.destinations(to or settings.digest_to, settings.digest_lang, lang)
    schedule.weekly_trigger(when, tz)  # a bad time or zone fails now, not on Monday

    def stamped(line: str) -> None:
        echo(f"{datetime.now(schedule.zone(tz)):%Y-%m-%d %H:%M %Z} {line}")

    schedule.serve(lambda: Catalog(db_path, settings=settings), dests, when, tz, echo=stamped)


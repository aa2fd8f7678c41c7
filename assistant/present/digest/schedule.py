"""The weekly digest on a schedule: a long-running APScheduler process, or one cron run.

Each run (`run_once`) works out the week that should go out at `now` (the last full week
before it), waits while the data does not cover that week's Sunday, and sends to every
destination the send log has not recorded for that week; so a restart, a second run or a
cron line that fires twice never sends a week twice. A run that waits or has failures
checks again later, until the next weekly run.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from assistant.errors import UserError
from assistant.metrics.catalog import Catalog
from assistant.present.digest import delivery, dispatch, sendlog
from assistant.present.digest.compose import day_in_words, message, period_in_words

log = logging.getLogger(__name__)

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WHEN = re.compile(r"^\s*([a-z]{3})[a-z]*\.?\s+(\d{1,2}):(\d{2})\s*$")
RECHECK = timedelta(hours=1)

Echo = Callable[[str], None]


def weekly_trigger(when: str, tz: str) -> CronTrigger:
    """'mon 09:00' in a time zone -> the trigger firing then every week."""
    m = _WHEN.match(when.lower())
    if not m or m[1] not in DAYS or int(m[2]) > 23 or int(m[3]) > 59:
        raise UserError(message("bad_schedule", "en", when=when))
    return CronTrigger(day_of_week=m[1], hour=int(m[2]), minute=int(m[3]), timezone=zone(tz))


def zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(message("bad_timezone", "en", tz=tz)) from None


def due_week(now: datetime) -> date:
    """Monday of the last full week before `now` (in `now`'s own time zone)."""
    today = now.date()
    return today - timedelta(days=today.weekday() + 7)


@dataclass
class RunResult:
    status: str  # waiting | nothing_to_send | sent | partial
    week_start: date
    lines: list[str] = field(default_factory=list)
    outcomes: list[delivery.Outcome] = field(default_factory=list)


def run_once(
    catalog: Catalog, dests: list[delivery.Destination], now: datetime, *,
    attempts: int = delivery.ATTEMPTS, backoff: tuple[float, ...] = delivery.BACKOFF_S,
    sleep: delivery.Sleep | None = None, echo: Echo | None = None,
) -> RunResult:
    """One scheduled run at `now`: send the due week where the data and the send log allow."""
    say = echo or (lambda line: None)
    week = due_week(now)
    lang = dests[0].lang if dests else "en"
    period = period_in_words(week, week + timedelta(days=6), lang)
    latest = catalog.latest_day()
    if latest < week + timedelta(days=6):
        line = message("skip_no_data", lang, latest=day_in_words(latest, lang), period=period)
        log.info(line)
        say(line)
        return RunResult("waiting", week, [line])
    db_path = catalog.db_path
    pending = [d for d in dests if not sendlog.was_sent(db_path, week, d.key)]
    if not pending:
        line = message("skip_sent", lang, period=period)
        log.info(line)
        say(line)
        return RunResult("nothing_to_send", week, [line])
    report = dispatch.send_digest(catalog, pending, week.isoformat(), skip_sent=True,
                                  attempts=attempts, backoff=backoff, sleep=sleep)
    lines = report.lines()
    for line in lines:
        log.info(line)
        say(line)
    return RunResult("sent" if report.ok else "partial", week, lines, report.outcomes)


def serve(
    catalog_factory: Callable[[], Catalog], dests: list[delivery.Destination], when: str,
    tz: str, echo: Echo | None = None, scheduler: BlockingScheduler | None = None,
    clock: Callable[[], datetime] | None = None,
) -> BlockingScheduler:
    """Run the digest every week at `when` in `tz` until stopped.

    Blocks, unless a scheduler that is not started yet is passed in (tests do, with a clock).
    """
    trigger = weekly_trigger(when, tz)
    tzinfo = zone(tz)
    sched = scheduler or BlockingScheduler(timezone=tzinfo)
    now_in_tz = clock or (lambda: datetime.now(tzinfo))

    def job() -> None:
        now = now_in_tz()
        try:
            status = run_once(catalog_factory(), dests, now, echo=echo).status
        except UserError as exc:  # e.g. the database is being replaced: try again later
            log.warning("digest run failed: %s", exc)
            status = "waiting"
        if status in ("waiting", "partial"):
            again = now + RECHECK
            upcoming = trigger.get_next_fire_time(now, now)  # strictly after now
            if upcoming is None or again < upcoming:
                sched.add_job(job, DateTrigger(again, timezone=tzinfo), id="digest-recheck",
                              replace_existing=True)

    sched.add_job(job, trigger, id="digest-weekly", coalesce=True, misfire_grace_time=3600,
                  replace_existing=True)
    if scheduler is None:
        upcoming = trigger.get_next_fire_time(None, datetime.now(tzinfo))
        if echo:
            echo(message("scheduled", "en", when=when, tz=tz, next=upcoming))
        sched.start()
    return sched

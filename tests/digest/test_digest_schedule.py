"""The weekly schedule with a fake clock: sends a complete week once, survives restarts, waits
for data, retries a failing destination while the others receive the digest."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.blocking import BlockingScheduler

from assistant.config import Settings
from assistant.errors import UserError
from assistant.metrics.catalog import Catalog
from assistant.present.digest.delivery import destinations
from assistant.present.digest.schedule import due_week, run_once, serve, weekly_trigger
from assistant.store.state import state_path

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The demo data ends on Wed 25 Nov 2026.
MON_23 = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)  # due: 16-22 Nov, complete in the data
MON_30 = datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)  # due: 23-29 Nov, data ends on the 25th
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> Path:
    """A copy of the demo database, so this test's send log is its own."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    return path


def catalog(path: Path) -> Catalog:
    """A new catalog each run, as a new process would open."""
    return Catalog(path, settings=Settings(db_path=path))


def test_weekly_trigger_in_the_given_time_zone() -> None:
    trigger = weekly_trigger("mon 09:00", "Asia/Shanghai")
    wednesday = datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)
    upcoming = trigger.get_next_fire_time(None, wednesday)
    assert upcoming == datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
    assert upcoming.astimezone(UTC) == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    for bad in ("monday", "xyz 09:00", "mon 25:00", "mon 9"):
        with pytest.raises(UserError, match="not a weekly time"):
            weekly_trigger(bad, "UTC")
    with pytest.raises(UserError, match="not a time zone"):
        weekly_trigger("mon 09:00", "Mars/Olympus")


def test_due_week_is_the_last_full_week_before_now() -> None:
    assert due_week(MON_23) == date(2026, 11, 16)
    assert due_week(datetime(2026, 11, 29, 23, 59, tzinfo=SHANGHAI)) == date(2026, 11, 16)
    assert due_week(datetime(2026, 11, 30, 0, 1, tzinfo=SHANGHAI)) == date(2026, 11, 23)


def test_complete_week_is_sent_once_even_across_a_restart(db: Path, webhooks) -> None:
    urls = [f"json://127.0.0.1:{webhooks.port}/team-a",
            f"json://127.0.0.1:{webhooks.port}/team-b?lang=zh"]
    dests = destinations(urls, "en")
    first = run_once(catalog(db), dests, MON_23)
    assert first.status == "sent" and first.week_start == date(2026, 11, 16)
    assert [h.json["title"] for h in webhooks.hits] == [
        "Weekly activity digest · 16–22 Nov 2026", "每周活跃度摘要 · 2026年11月16日–22日"]

    again = run_once(catalog(db), dests, MON_23 + timedelta(hours=1))
    assert again.status == "nothing_to_send"
    assert again.lines == ["skip: 16–22 Nov 2026 was already sent to every destination"]

    # a restart: a new process, the same state file
    script = (
        "import sys; from datetime import datetime; from zoneinfo import ZoneInfo\n"
        "from assistant.config import Settings\n"
        "from assistant.metrics.catalog import Catalog\n"
        "from assistant.present.digest.delivery import destinations\n"
        "from assistant.present.digest.schedule import run_once\n"
        "cat = Catalog(sys.argv[1], settings=Settings(db_path=sys.argv[1]))\n"
        "now = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo('Asia/Shanghai'))\n"
        "print(run_once(cat, destinations(sys.argv[2:], 'en'), now).status)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(db), *urls], capture_output=True,
                          text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "nothing_to_send"
    assert len(webhooks.hits) == 2

    # the send log holds a hash of each URL, never the URL
    stored = state_path(db).read_bytes()
    assert b"127.0.0.1" not in stored and b"team-a" not in stored
    assert hashlib.sha256(dests[0].url.encode()).hexdigest().encode() in stored


def test_incomplete_week_waits(db: Path, webhooks, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="assistant.present.digest")
    dests = destinations([f"json://127.0.0.1:{webhooks.port}/team-a"], "en")
    result = run_once(catalog(db), dests, MON_30)
    assert result.status == "waiting" and result.week_start == date(2026, 11, 23)
    assert webhooks.hits == []
    assert ("skip: no new data (the data ends on 25 Nov 2026; waiting for 23–29 Nov 2026 to be "
            "complete)") in caplog.text


def test_failing_destination_is_retried_and_reported_while_others_receive(
    db: Path, webhooks,
) -> None:
    base = f"json://127.0.0.1:{webhooks.port}"
    dests = destinations([f"{base}/up-1", f"{base}/down", f"{base}/up-2"], "en")
    webhooks.fail = {"/down"}
    waits: list[float] = []
    result = run_once(catalog(db), dests, MON_23, sleep=waits.append)
    assert result.status == "partial"
    assert [len(webhooks.at(p)) for p in ("/up-1", "/down", "/up-2")] == [1, 3, 1]
    assert waits == [30.0, 120.0]
    assert [o.ok for o in result.outcomes] == [True, False, True]
    assert result.lines[1].startswith(
        f"FAILED for json://127.0.0.1:{webhooks.port} (en) after 3 attempt(s)")

    # the next run (an hour later) tries only the one that failed; it is back up now
    webhooks.fail = set()
    later = run_once(catalog(db), dests, MON_23 + timedelta(hours=1), sleep=waits.append)
    assert later.status == "sent" and len(later.outcomes) == 1
    assert [len(webhooks.at(p)) for p in ("/up-1", "/down", "/up-2")] == [1, 4, 1]


def test_scheduled_job_checks_again_in_an_hour_while_the_data_is_incomplete(
    db: Path, webhooks,
) -> None:
    dests = destinations([f"json://127.0.0.1:{webhooks.port}/team-a"], "en")
    clock = [MON_30]
    sched = serve(lambda: catalog(db), dests, "mon 09:00", "Asia/Shanghai",
                  scheduler=BlockingScheduler(timezone=SHANGHAI), clock=lambda: clock[0])
    (weekly,) = sched.get_jobs()
    assert weekly.id == "digest-weekly"
    assert weekly.trigger.get_next_fire_time(None, MON_23) == MON_23
    weekly.func()  # Monday 30 Nov 09:00: the data ends on the 25th
    recheck = next(j for j in sched.get_jobs() if j.id == "digest-recheck")
    assert recheck.trigger.run_date == MON_30 + timedelta(hours=1)
    assert webhooks.hits == []
    # the week after: 16-22 Nov was due then and is complete; a run sends it
    clock[0] = MON_23
    weekly.func()
    assert len(webhooks.hits) == 1


def test_cli_once_is_one_scheduled_run_for_cron(db: Path, webhooks) -> None:
    from typer.testing import CliRunner

    from assistant.apps.cli import app

    # today (30 Nov 2026 or later) the due week ends after the data's last day, 25 Nov
    result = CliRunner().invoke(app, ["digest", "--db", str(db), "--once", "--tz",
                                      "Asia/Shanghai", "--to",
                                      f"json://127.0.0.1:{webhooks.port}/team-a"])
    assert result.exit_code == 0, result.output
    assert "skip: no new data (the data ends on 25 Nov 2026" in result.output
    assert webhooks.hits == []

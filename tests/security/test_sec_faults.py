"""Faults: a broken model stream; a missing, locked or corrupt database; a loader killed."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from langchain_openai import ChatOpenAI

from assistant.agent.graph import OFFLINE_FALLBACK, Assistant
from assistant.config import Settings
from assistant.errors import DataError, UserError
from assistant.metrics.catalog import Catalog
from assistant.store import db
from tests.openai_server import Fault, ScriptedServer

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "OPENAI_API_KEY": ""}


def catalog_for(path: Path) -> Catalog:
    return Catalog(path, settings=Settings(db_path=path))


# ----- the model ----------------------------------------------------------------------------

GARBAGE_STREAMS = {
    "sse-not-json": "data: {not json\n\ndata: [DONE]\n\n",
    "sse-wrong-shape": 'data: {"choices": "nope"}\n\ndata: [DONE]\n\n',
    "html-error-page": "<html><body>502 Bad Gateway</body></html>",
    "empty-body": "",
}


@pytest.mark.parametrize("raw", list(GARBAGE_STREAMS.values()), ids=list(GARBAGE_STREAMS))
def test_garbage_from_the_model_falls_back_to_the_offline_planner(demo_catalog, raw):
    server = ScriptedServer().start()
    try:
        server.script = [Fault(status=200, raw=raw or " ")]
        llm = ChatOpenAI(model="m", api_key="sk-test", base_url=server.base_url, timeout=3,
                         max_retries=0, use_responses_api=False)
        answer = Assistant(demo_catalog, llm=llm).ask("When are users in Indonesia most active?")
    finally:
        server.stop()
    assert answer.backend == OFFLINE_FALLBACK
    assert answer.notices and "offline planner" in answer.notices[0]
    assert answer.steps[0].name == "peak_hours" and answer.steps[0].result is not None


def test_a_model_that_hangs_up_mid_stream_falls_back(demo_catalog):
    server = ScriptedServer().start()
    try:
        # a first chunk, then the connection closes without [DONE]
        server.script = [Fault(status=200, raw='data: {"id":"x","object":"chat.completion.chunk",'
                               '"created":0,"model":"m","choices":[{"index":0,"delta":'
                               '{"role":"assistant","content":"Hal"}}]}\n\n')]
        llm = ChatOpenAI(model="m", api_key="sk-test", base_url=server.base_url, timeout=3,
                         max_retries=0, use_responses_api=False, streaming=True)
        answer = Assistant(demo_catalog, llm=llm).ask("上周巴西的次日留存是多少？")
    finally:
        server.stop()
    # either the partial text is taken as a (tool-less) answer, or the planner answers
    assert answer.text.strip()
    assert answer.backend in ("m", OFFLINE_FALLBACK)
    if answer.backend == OFFLINE_FALLBACK:
        assert answer.steps[0].name == "retention"


# ----- the database -------------------------------------------------------------------------

def test_missing_database_is_a_clear_message(tmp_path):
    with pytest.raises(DataError) as info:
        catalog_for(tmp_path / "nope.duckdb").run("usage_time", {})
    msg = str(info.value)
    assert "No database at" in msg and "assistant demo" in msg and "Traceback" not in msg


@pytest.mark.parametrize("content", [os.urandom(4096), b"", b"DUCK" * 10000],
                         ids=["random-bytes", "empty-file", "repeated-magic"])
def test_corrupt_database_file_is_a_clear_message(tmp_path, content):
    path = tmp_path / "broken.duckdb"
    path.write_bytes(content)
    with pytest.raises(UserError) as info:
        catalog_for(path).run("usage_time", {})
    msg = str(info.value)
    assert "Cannot open the database" in msg or "no sessions" in msg.lower()
    assert "Traceback" not in msg


HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("BEGIN")
con.execute("CREATE TABLE IF NOT EXISTS held (x INT)")
print("holding", flush=True)
time.sleep(60)
"""


def test_database_locked_by_a_writer_gives_a_clear_message_and_recovers(demo_db, tmp_path):
    from assistant.apps.web import App

    path = tmp_path / "locked.duckdb"
    path.write_bytes(demo_db.read_bytes())
    app = App(path, Settings(db_path=path, openai_api_key=None))
    app.catalog.close()  # as during a load: the app lets go of the file
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(DataError) as info:
            catalog_for(path).run("usage_time", {})
        assert "another process is using it" in str(info.value)
        assert "Traceback" not in str(info.value) and "PID" not in str(info.value)
        # the running app answers with the message instead of failing
        text, data, _ = app.ask_api("usage time last week?", None)
        assert "another process" in text and "error" in data
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
    # once the writer is gone the same app answers again
    text, data, _ = app.ask_api("usage time last week?", None)
    assert "error" not in data and data["tool_calls"][0]["name"] == "usage_time", text


# ----- the loader killed half-way -----------------------------------------------------------

def table_counts(path: Path) -> dict[str, int]:
    con = db.connect_read(path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in db.TABLES}
    finally:
        con.close()


def write_big_sessions(folder: Path, users: list[str], n: int) -> Path:
    path = folder / "sessions.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["session_id", "user_id", "started_at", "ended_at"])
        for i in range(n):
            day = 1 + i % 20
            w.writerow([f"big{i}", users[i % len(users)], f"2026-11-{day:02d} 10:00:00",
                        f"2026-11-{day:02d} 10:20:00"])
    return path


@pytest.mark.slow
@pytest.mark.parametrize("fraction", [0.5, 0.8, 0.95])
def test_loader_killed_mid_load_leaves_the_previous_data(demo_db, tmp_path, fraction):
    path = tmp_path / "target.duckdb"
    path.write_bytes(demo_db.read_bytes())
    before = table_counts(path)
    con = db.connect_read(path)
    users = [r[0] for r in con.execute("SELECT user_id FROM users LIMIT 500").fetchall()]
    con.close()
    big = write_big_sessions(tmp_path, users, 1_500_000)
    cmd = [sys.executable, "-m", "assistant", "load", str(big), "--db"]
    # A full load on a copy measures how long it takes; the real one is killed part-way.
    probe = tmp_path / "probe.duckdb"
    probe.write_bytes(path.read_bytes())
    t0 = time.perf_counter()
    done = subprocess.run([*cmd, str(probe)], env=ENV, capture_output=True, text=True,
                          timeout=600)
    full = time.perf_counter() - t0
    assert done.returncode == 0, done.stdout + done.stderr
    assert table_counts(probe)["sessions"] == before["sessions"] + 1_500_000
    victim = subprocess.Popen([*cmd, str(path)], env=ENV, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    time.sleep(full * fraction)
    killed = victim.poll() is None
    victim.send_signal(signal.SIGKILL)
    victim.wait(30)
    print(f"\nfull load {full:.1f} s; killed at {fraction:.0%}: {killed}")
    after = table_counts(path)  # opens cleanly (WAL replayed or discarded)
    loaded = {**before, "sessions": before["sessions"] + 1_500_000}
    # All or nothing: the previous data exactly, or (killed just after its commit) the
    # whole load; never a part of it.
    assert after in (before, loaded), after
    if fraction <= 0.5:
        assert killed and after == before

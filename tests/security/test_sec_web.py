"""The web app on loopback: login, size limits, and file paths that must not leave the app."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from tests.ui_server import AUTH, Running, demo_database, running_app

PASSWD_MARKERS = ("root:x:0:0", "root:*:0:0", "/bin/bash", "daemon:")


@pytest.fixture(scope="module")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_database(tmp_path_factory.mktemp("sec_web"))


@pytest.fixture(scope="module")
def app(web_db: Path) -> Iterator[Running]:
    with running_app(web_db) as running:
        yield running


def client(url: str, auth: tuple[str, str] | None = None) -> Client:
    return Client(url, auth=auth, verbose=False, analytics_enabled=False, download_files=False)


TRAVERSALS = [
    "gradio_api/file=/etc/passwd",
    "gradio_api/file=../../../../../../etc/passwd",
    "gradio_api/file=%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "gradio_api/file=%252e%252e/%252e%252e/%252e%252e/%252e%252e/etc/passwd",
    "gradio_api/file=..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "gradio_api/file=%2fetc%2fpasswd",
    "gradio_api/file=//etc/passwd",
    "gradio_api/file=\\..\\..\\..\\etc\\passwd",
    "file=/etc/passwd",
    "gradio_api/file/etc/passwd",
    "static/../../../../etc/passwd",
    "assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "gradio_api/proxy=http://127.0.0.1:1/etc/passwd",
    "gradio_api/file=/proc/self/environ",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_file_paths_cannot_reach_outside_the_app(app, path):
    url = app.url + path
    r = httpx.get(url, follow_redirects=True, timeout=10)
    body = r.text
    assert not any(m in body for m in PASSWD_MARKERS), (url, r.status_code)
    assert "OPENAI" not in body and "PATH=" not in body
    # the raw path as typed (httpx would normalise '..'): send it byte for byte
    with httpx.Client(timeout=10) as c:
        req = c.build_request("GET", app.url)
        req.url = httpx.URL(app.url.rstrip("/") + "/" + path)
        raw = c.send(req)
    assert not any(m in raw.text for m in PASSWD_MARKERS), (path, raw.status_code)


def test_the_database_file_itself_is_not_served(app, web_db):
    for p in (f"gradio_api/file={web_db}", f"gradio_api/file={web_db.parent}"):
        r = httpx.get(app.url + p, timeout=10)
        assert r.status_code in (400, 403, 404), (p, r.status_code)
        assert b"DUCK" not in r.content[:64]


def test_oversized_question_is_refused_with_a_message(app):
    text, data = client(app.url).predict("DAU " + "x" * 20_000, api_name="/ask")
    assert data["tool_calls"] == [] and "too long" in text


def test_oversized_upload_is_refused(app):
    # the test app allows 5 MB; 6 MB must be turned away before it is stored
    blob = b"user_id,signup_at\n" + b"u,2026-01-01\n" * (6 * 1024 * 1024 // 13)
    r = httpx.post(app.url + "gradio_api/upload", files={"files": ("users.csv", blob)},
                   timeout=60)
    assert r.status_code in (400, 413), r.status_code
    assert "users.csv" not in r.text or "large" in r.text.lower() or "size" in r.text.lower()
    small = httpx.post(app.url + "gradio_api/upload",
                       files={"files": ("users.csv", b"user_id\n")}, timeout=30)
    assert small.status_code == 200  # the limit, not uploads as such, refused the big one


def test_with_login_the_api_refuses_unauthenticated_calls(web_db):
    with running_app(web_db, auth=AUTH) as running:
        for method, path, kw in [
            ("POST", "gradio_api/call/ask", {"json": {"data": ["DAU?", None]}}),
            ("POST", "gradio_api/queue/join", {"json": {"data": ["DAU?", None],
                                                        "fn_index": 0, "session_hash": "x"}}),
            ("GET", "gradio_api/info", {}),
            ("GET", "config", {}),
            ("POST", "gradio_api/upload", {"files": {"files": ("users.csv", b"user_id\n")}}),
            ("GET", "gradio_api/file=/etc/passwd", {}),
        ]:
            r = httpx.request(method, running.url + path, timeout=10, **kw)
            assert r.status_code in (401, 403), (path, r.status_code)
            assert not any(m in r.text for m in PASSWD_MARKERS)
        bad = httpx.post(running.url + "login", data={"username": AUTH[0], "password": "nope"})
        assert bad.status_code in (400, 401)


# ----- load -----------------------------------------------------------------------------------

FOLLOW_UPS = ["and by platform?", "and last month?", "and D7?", "and by week?",
              "what about usage time?", "and by platform?", "and core action rate?",
              "and paid conversion?", "and last week?"]
COUNTRIES = ["Brazil", "Indonesia", "India", "Mexico", "Philippines", "Egypt", "Vietnam",
             "Saudi Arabia", "Turkey", "Nigeria", "Colombia", "Pakistan", "Thailand",
             "United States", "Japan", "Germany", "United Kingdom", "United Arab Emirates",
             "Brazil", "Indonesia"]
CODES = ["BR", "ID", "IN", "MX", "PH", "EG", "VN", "SA", "TR", "NG", "CO", "PK", "TH", "US",
         "JP", "DE", "GB", "AE", "BR", "ID"]


@pytest.mark.slow
def test_twenty_people_ten_questions_each_keep_their_own_context(app):
    latencies: list[float] = []
    problems: list[str] = []
    lock = threading.Lock()

    def person(i: int) -> None:
        c = client(app.url)
        chain = [f"D1 retention in {COUNTRIES[i]} last week?", *FOLLOW_UPS]
        for q in chain:
            t0 = time.perf_counter()
            try:
                text, data = c.predict(q, api_name="/ask")
            except Exception as exc:  # noqa: BLE001 - any failure is a finding
                with lock:
                    problems.append(f"user {i} {q!r}: {exc!r}")
                continue
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                if "error" in data:
                    problems.append(f"user {i} {q!r}: {data['error']}")
                for call in data.get("tool_calls", []):
                    got = call["args"].get("countries")
                    if got != [CODES[i]]:
                        problems.append(f"user {i} {q!r}: countries {got}, wanted {CODES[i]}")

    threads = [threading.Thread(target=person, args=(i,)) for i in range(20)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    wall = time.perf_counter() - t0
    q = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else [0] * 19
    p50 = statistics.median(latencies)
    print(f"\nload: {len(latencies)} answers in {wall:.1f} s; p50 {p50:.2f} s, "
          f"p95 {q[18]:.2f} s, max {max(latencies):.2f} s")
    assert not problems, problems[:10]
    assert len(latencies) == 200

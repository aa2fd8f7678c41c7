"""The web app's named `ask` endpoint, through gradio_client, against a running server."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AuthenticationError

from tests.ui_server import AUTH, Running, demo_database, running_app

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_database(tmp_path_factory.mktemp("ui_api"))


@pytest.fixture(scope="module")
def app(demo_db: Path) -> Iterator[Running]:
    with running_app(demo_db) as running:
        yield running


def client(url: str, auth: tuple[str, str] | None = None) -> Client:
    return Client(url, auth=auth, verbose=False, analytics_enabled=False, download_files=False)


def ask(c: Client, question: str) -> tuple[str, dict]:
    text, data = c.predict(question, api_name="/ask")
    return text, data


def test_english_question_answered_in_english_by_the_right_metric(app: Running) -> None:
    c = client(app.url)
    t0 = time.perf_counter()
    text, data = ask(c, "How many daily active users did we have last week?")
    print(f"\nstart-up {app.started_s:.2f} s; first answer {time.perf_counter() - t0:.2f} s")
    assert data["language"] == "en"
    assert [call["name"] for call in data["tool_calls"]] == ["active_users"]
    # Last week = the ISO week before the latest complete day (Sunday 2026-11-22).
    args = data["tool_calls"][0]["args"]
    assert (args["start"], args["end"]) == ("2026-11-16", "2026-11-22")
    assert not HAN.search(text)
    assert "2026-11-16" in text and "2026-11-22" in text
    assert data["results"][0]["rows"], "the metric returned rows"


def test_chinese_question_answered_in_chinese(app: Running) -> None:
    c = client(app.url)
    t0 = time.perf_counter()
    text, data = ask(c, "上周巴西的次日留存是多少？")
    print(f"\nanswer {time.perf_counter() - t0:.2f} s")
    assert data["language"] == "zh"
    call = data["tool_calls"][0]
    assert call["name"] == "retention"
    assert call["args"]["countries"] == ["BR"]
    assert 1 in call["args"]["days"]
    assert "留存" in text and "巴西" in text


def test_follow_up_keeps_each_sessions_own_context(app: Running) -> None:
    first, other = client(app.url), client(app.url)
    ask(first, "What was D1 retention in Brazil last week?")
    ask(other, "What is the paid conversion rate by platform?")
    _, data = ask(first, "And for Indonesia?")
    call = data["tool_calls"][0]
    assert call["name"] == "retention"  # not the other person's metric
    assert call["args"]["countries"] == ["ID"]


def test_over_long_question_is_refused_with_a_message(app: Running) -> None:
    text, data = ask(client(app.url), "How many users " + "x" * 600)
    assert data["tool_calls"] == []
    assert "too long" in text and "500" in text


def test_login_required_when_auth_is_set(demo_db: Path) -> None:
    with running_app(demo_db, auth=AUTH) as running:
        with pytest.raises(AuthenticationError):
            client(running.url)
        with pytest.raises(ValueError, match="Could not login"):
            client(running.url, auth=(AUTH[0], "wrong password"))
        # Calling the endpoint directly, without the login cookie, is refused too.
        raw = httpx.post(f"{running.url}gradio_api/call/ask", json={"data": ["DAU?", None]})
        assert raw.status_code == 401
        text, data = ask(client(running.url, auth=AUTH), "上周的日活跃用户有多少？")
        assert data["language"] == "zh" and data["tool_calls"][0]["name"] == "active_users"

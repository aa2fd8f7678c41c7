"""Local servers the digest is delivered to: an SMTP server and an HTTP server for webhooks."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Mailbox:
    """Messages the local SMTP server received: (envelope recipients, raw bytes)."""

    messages: list[tuple[list[str], bytes]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


@pytest.fixture(autouse=True)
def _no_waiting_between_attempts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("assistant.present.digest.delivery.pause", lambda seconds: None)


@pytest.fixture
def smtp() -> Iterator[tuple[int, Mailbox]]:
    box = Mailbox()
    with socket.socket() as probe:  # a free port (the controller cannot start on port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, box
    finally:
        controller.stop()


@dataclass
class Hit:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw.decode("utf-8"))


class Webhooks:
    """Records every POST; paths listed in `fail` answer 500 (a destination that is down)."""

    def __init__(self) -> None:
        self.hits: list[Hit] = []
        self.fail: set[str] = set()
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = urlsplit(self.path)
                hooks.hits.append(Hit(parts.path, parse_qs(parts.query), dict(self.headers), raw))
                failing = any(parts.path.startswith(p) for p in hooks.fail)
                # Slack's webhooks answer the text "ok"; Lark, Feishu, DingTalk and WeCom a
                # JSON status with code 0
                body = b"ok" if parts.path.startswith("/slack/") else \
                    b'{"code": 0, "errcode": 0, "errmsg": "ok"}'
                self.send_response(500 if failing else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"

    def at(self, prefix: str) -> list[Hit]:
        return [h for h in self.hits if h.path.startswith(prefix)]


@pytest.fixture
def webhooks() -> Iterator[Webhooks]:
    hooks = Webhooks()
    thread = threading.Thread(target=hooks.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hooks
    finally:
        hooks.server.shutdown()
        hooks.server.server_close()


@pytest.fixture
def platforms_at(webhooks: Webhooks, monkeypatch: pytest.MonkeyPatch) -> Webhooks:
    """Point Apprise's fixed platform endpoints at the local server (its protocol boundary)."""
    from apprise.plugins.dingtalk import NotifyDingTalk
    from apprise.plugins.feishu import NotifyFeishu
    from apprise.plugins.lark import NotifyLark
    from apprise.plugins.slack import NotifySlack
    from apprise.plugins.wecombot import NotifyWeComBot

    base = webhooks.base
    monkeypatch.setattr(NotifySlack, "webhook_url", f"{base}/slack/services")
    monkeypatch.setattr(NotifyLark, "notify_url", f"{base}/lark/open-apis/bot/v2/hook/")
    monkeypatch.setattr(NotifyFeishu, "notify_url",
                        f"{base}/feishu/open-apis/bot/v2/hook/{{token}}/")
    monkeypatch.setattr(NotifyDingTalk, "notify_url",
                        f"{base}/dingtalk/robot/send?access_token={{token}}")
    monkeypatch.setattr(NotifyWeComBot, "notify_url",
                        f"{base}/wecom/cgi-bin/webhook/send?key={{key}}")
    for plugin in (NotifySlack, NotifyLark, NotifyFeishu, NotifyDingTalk, NotifyWeComBot):
        monkeypatch.setattr(plugin, "request_rate_per_sec", 0)
    return webhooks

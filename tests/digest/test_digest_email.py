"""The digest by email: a local SMTP server receives what `assistant digest --send` sends."""

from __future__ import annotations

import email
import re
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.apps.cli import app


def _send(demo_db: Path, url: str, *extra: str) -> str:
    result = CliRunner().invoke(app, ["digest", "--db", str(demo_db), "--week", "2026-W47",
                                      "--send", "--to", url, *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _parts(msg: Message) -> dict[str, list[Message]]:
    out: dict[str, list[Message]] = {}
    for part in msg.walk():
        out.setdefault(part.get_content_type(), []).append(part)
    return out


@pytest.mark.parametrize(("lang", "subject", "heading", "plain_words"), [
    ("en", "Weekly activity digest · 16–22 Nov 2026", "Headline numbers", "average DAU"),
    ("zh", "每周活跃度摘要 · 2026年11月16日–22日", "核心数字", "平均日活"),
])
def test_email_arrives_with_inline_charts_and_a_text_part(
    demo_db: Path, smtp, lang: str, subject: str, heading: str, plain_words: str,
) -> None:
    port, box = smtp
    url = f"mailto://127.0.0.1:{port}?from=digest@example.com&to=team@example.com&lang={lang}"
    output = _send(demo_db, url)
    assert f"mailto://127.0.0.1:{port}" in output and "team@example.com" not in output
    assert len(box.messages) == 1
    rcpt, raw = box.messages[0]
    assert rcpt == ["team@example.com"]
    assert len(raw) < 1_000_000
    msg = email.message_from_bytes(raw)
    assert str(make_header(decode_header(msg["Subject"]))) == subject
    assert msg.get_content_type() == "multipart/related"
    parts = _parts(msg)
    html = parts["text/html"][0].get_payload(decode=True).decode("utf-8")
    plain = parts["text/plain"][0].get_payload(decode=True).decode("utf-8")
    assert heading in html and plain_words in plain
    assert "<script" not in html.lower() and "W47" not in html
    # every chart the HTML references is an inline image part with that Content-ID
    refs = set(re.findall(r'src="cid:([^"]+)"', html))
    assert refs == {"changes.png", "daily.png"}
    images = {p["Content-ID"].strip("<>"): p for p in parts["image/png"]}
    assert set(images) == refs
    for part in images.values():
        assert part.get_content_disposition() == "inline"
        assert part.get_payload(decode=True).startswith(b"\x89PNG")
    # no link configured: the full report goes along as a Markdown file
    attached = [p for p in msg.walk() if p.get_content_disposition() == "attachment"]
    assert [p.get_filename() for p in attached] == [f"weekly-report-2026-11-16-{lang}.md"]


def test_dry_run_sends_nothing_and_shows_no_secret(demo_db: Path, smtp) -> None:
    port, box = smtp
    url = f"mailto://127.0.0.1:{port}?from=digest@example.com&to=secret-team@example.com"
    output = _send(demo_db, url, "--dry-run")
    assert box.messages == []
    assert re.search(rf"would send to mailto://127\.0\.0\.1:{port} \(en, email, \d+ KB\)", output)
    assert "secret-team" not in output


def test_unreachable_mail_server_is_reported_and_exits_1(
    demo_db: Path, smtp, monkeypatch: pytest.MonkeyPatch,
) -> None:
    port, _ = smtp
    waits: list[float] = []
    monkeypatch.setattr("assistant.present.digest.delivery.pause", waits.append)
    result = CliRunner().invoke(app, [
        "digest", "--db", str(demo_db), "--week", "2026-W47", "--send", "--to",
        "mailto://127.0.0.1:1?from=a@example.com&to=b@example.com", "--to",
        f"mailto://127.0.0.1:{port}?from=a@example.com&to=b@example.com",
    ])
    assert result.exit_code == 1
    assert waits == [30.0, 120.0]  # backoff between the three attempts
    assert "FAILED for mailto://127.0.0.1:1 (en) after 3 attempt(s)" in result.output
    assert f"sent to mailto://127.0.0.1:{port} (en)" in result.output

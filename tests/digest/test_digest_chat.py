"""The digest in chat apps: a local HTTP server receives what Apprise posts for each platform."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.apps.cli import app
from assistant.metrics.catalog import Catalog
from assistant.present.digest import send_now
from assistant.present.digest.delivery import mask

WEEK = "2026-W47"
SUBJECT_ZH = "每周活跃度摘要 · 2026年11月16日–22日"
SLACK = "slack://T0SECRET1/B0SECRET2/c0secret3tokenxyz"
LARK = "lark://lark-secret-token-123"
FEISHU = "feishu://feishu_secret_token_456"
DING_SECRET, DING_TOKEN = "dingsecret789", "dingtoken012"
WECOM = "wecombot://wecom-secret-key-345"
SECRETS = ("SECRET1", "SECRET2", "secret3", "lark-secret", "feishu_secret", DING_SECRET,
           DING_TOKEN, "wecom-secret")


def test_every_platform_gets_its_documented_shape_in_chinese(
    demo_catalog: Catalog, platforms_at, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    urls = [SLACK, LARK, FEISHU, f"dingtalk://{DING_SECRET}@{DING_TOKEN}", WECOM]
    report = send_now(demo_catalog, WEEK, "zh", to=urls)
    assert report.ok, report.lines()
    hooks = platforms_at

    # Slack incoming webhook, Block Kit: a header block and a mrkdwn section
    (slack,) = hooks.at("/slack/services/T0SECRET1/B0SECRET2/c0secret3tokenxyz")
    blocks = slack.json["attachments"][0]["blocks"]
    assert blocks[0] == {"type": "header",
                         "text": {"type": "plain_text", "text": SUBJECT_ZH, "emoji": True}}
    assert blocks[1]["type"] == "section" and blocks[1]["text"]["type"] == "mrkdwn"
    assert "*核心数字*" in blocks[1]["text"]["text"]
    assert "**" not in blocks[1]["text"]["text"]  # CommonMark bold became mrkdwn bold

    # Lark and Feishu custom bots: an interactive card with a lark_md element
    for path in ("/lark/open-apis/bot/v2/hook/lark-secret-token-123",
                 "/feishu/open-apis/bot/v2/hook/feishu_secret_token_456/"):
        (hit,) = [h for h in hooks.hits if h.path == path]
        assert hit.json["msg_type"] == "interactive"
        card = hit.json["card"]
        assert card["header"]["title"] == {"tag": "plain_text", "content": SUBJECT_ZH}
        element = card["elements"][0]
        assert element["tag"] == "div" and element["text"]["tag"] == "lark_md"
        assert "**核心数字**" in element["text"]["content"]
        assert "平均日活" in element["text"]["content"]
        assert "付费转化率" in element["text"]["content"]

    # DingTalk signed robot: markdown message; timestamp + HMAC-SHA256 signature in the query
    (ding,) = hooks.at("/dingtalk/robot/send")
    assert ding.query["access_token"] == [DING_TOKEN]
    stamp = ding.query["timestamp"][0]
    expected = base64.b64encode(hmac.new(DING_SECRET.encode(), f"{stamp}\n{DING_SECRET}".encode(),
                                         hashlib.sha256).digest()).decode()
    # the server decodes the query once and must find the Base64 signature itself
    assert ding.query["sign"] == [expected]
    assert ding.json["msgtype"] == "markdown"
    assert ding.json["markdown"]["title"] == SUBJECT_ZH
    assert ding.json["markdown"]["text"].startswith(f"# {SUBJECT_ZH}\n")
    assert "**核心数字**" in ding.json["markdown"]["text"]

    # WeCom group robot: a text message (what Apprise's wecombot sends), under 2048 bytes
    (wecom,) = hooks.at("/wecom/cgi-bin/webhook/send")
    assert wecom.query["key"] == ["wecom-secret-key-345"]
    assert wecom.json["msgtype"] == "text"
    content = wecom.json["text"]["content"]
    assert content.startswith(SUBJECT_ZH) and "平均日活" in content
    assert len(content.encode()) <= 2048

    # nothing logged or reported names a token or secret
    shown = caplog.text + "\n".join(report.lines())
    for secret in SECRETS:
        assert secret not in shown, secret
    assert "已发送到 dingtalk://…（zh）" in report.lines()


def test_generic_webhook_carries_the_charts_and_the_report(
    demo_catalog: Catalog, webhooks,
) -> None:
    report = send_now(demo_catalog, WEEK, "en", to=[f"json://127.0.0.1:{webhooks.port}/hook"])
    assert report.ok, report.lines()
    (hit,) = webhooks.at("/hook")
    assert hit.json["title"] == "Weekly activity digest · 16–22 Nov 2026"
    assert "**Headline numbers**" in hit.json["message"]
    files = {a["filename"]: a for a in hit.json["attachments"]}
    assert set(files) == {"changes.png", "daily.png", "weekly-report-2026-11-16-en.md"}
    assert base64.b64decode(files["daily.png"]["base64"]).startswith(b"\x89PNG")


def test_cli_sends_to_lark_in_both_languages(demo_db: Path, platforms_at) -> None:
    for lang, heading in (("en", "**Headline numbers**"), ("zh", "**核心数字**")):
        result = CliRunner().invoke(app, ["digest", "--db", str(demo_db), "--week", WEEK,
                                          "--send", "--to", LARK, "--lang", lang])
        assert result.exit_code == 0, result.output
        assert "lark://…" in result.output
        assert "lark-secret" not in result.output
        card = platforms_at.hits[-1].json["card"]
        assert heading in card["elements"][0]["text"]["content"]


@pytest.mark.parametrize(("url", "shown"), [
    ("mailto://user:pa55word@smtp.example.com:587/?to=a@b.example", "mailto://smtp.example.com:587"),
    ("mailtos://me:pw@mail.example.com", "mailtos://mail.example.com"),
    ("lark://token-abc", "lark://…"),
    ("dingtalk://secret@token", "dingtalk://…"),
    ("slack://T1/B2/C3", "slack://…"),
    ("json://127.0.0.1:8080/path/key", "json://127.0.0.1:8080"),
])
def test_mask_keeps_scheme_and_host_only(url: str, shown: str) -> None:
    assert mask(url) == shown


def test_bad_destination_is_a_plain_error(demo_catalog: Catalog) -> None:
    from assistant.errors import UserError

    with pytest.raises(UserError) as err:
        send_now(demo_catalog, WEEK, "en", to=["nosuchscheme://secret-abc"])
    assert "nosuchscheme://…" in err.value.message and "secret-abc" not in str(err.value)


def test_web_app_sends_to_a_picked_configured_destination(demo_db: Path, webhooks) -> None:
    from assistant.config import Settings
    from assistant.present.digest import configured

    base = f"json://127.0.0.1:{webhooks.port}"
    settings = Settings(db_path=demo_db, digest_to=f"{base}/a {base}/b?lang=zh")
    assert configured(settings) == [f"1. json://127.0.0.1:{webhooks.port} (en)",
                                    f"2. json://127.0.0.1:{webhooks.port} (zh)"]
    report = send_now(Catalog(demo_db, settings=settings), WEEK, pick=[2])
    assert report.ok and [h.path for h in webhooks.hits] == ["/b"]
    assert webhooks.hits[0].json["title"] == SUBJECT_ZH

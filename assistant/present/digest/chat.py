"""The digest as a chat message: the key figures in text, in each platform's own markup."""

from __future__ import annotations

import re
from dataclasses import dataclass

import jinja2

from assistant.config import PROMPTS_DIR
from assistant.errors import UserError
from assistant.present.digest.compose import Digest, label, message

# platform -> whether it reads Markdown (through Apprise) or plain text only
KINDS = {"slack": True, "lark": True, "dingtalk": True, "wecom": False, "text": False,
         "markdown": True}
WECOM_MAX_BYTES = 2048  # a WeCom robot's text message limit

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(PROMPTS_DIR / "digest")),
    autoescape=False,  # chat markup, not HTML
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class ChatMessage:
    title: str
    body: str
    markdown: bool


def chat_message(digest: Digest, kind: str) -> ChatMessage:
    """Title and body of the digest for one chat platform (or plain text)."""
    if kind not in KINDS:
        raise UserError(message("bad_format", digest.lang, format=kind))
    md = KINDS[kind]
    lang = digest.lang
    body = _env.get_template("chat.md.j2").render(
        d=digest, md=md,
        l={k: label(k, lang) for k in ("headlines", "no_movements", "full_report_link",
                                       "full_report")},
        verdict=lambda v: label(f"verdict_{v}", lang),
    )
    body = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
    if kind == "wecom":
        # the robot shows no title, so it leads the text; keep under the byte limit
        body = f"{digest.subject}\n{body}"
        while len(body.encode()) > WECOM_MAX_BYTES:
            body = body.rsplit("\n", 2)[0] + "\n"
        return ChatMessage("", body, False)
    return ChatMessage(digest.subject, body, md)

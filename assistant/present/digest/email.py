"""The digest as an email: HTML with inline styles and PNG charts referenced by cid:.

Apprise builds the MIME message (multipart/related with the images inline, and a plain-text
alternative made from the HTML); this module only lays the content out. For a browser preview
the same HTML carries the images as data: URIs instead.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import jinja2

from assistant.config import PROMPTS_DIR
from assistant.present.digest.compose import Digest, label

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(PROMPTS_DIR / "digest")),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_PLAIN_LABELS = ("headlines", "notices", "chart_changes", "chart_changes_alt", "chart_daily",
                 "chart_daily_alt", "no_movements", "full_report_link", "footer")


@dataclass
class Email:
    """What Apprise needs: subject, HTML, inline images and other attachments by file name."""

    subject: str
    html: str
    images: dict[str, bytes]
    attachments: dict[str, bytes] = field(default_factory=dict)


def render_html(digest: Digest, sources: dict[str, str], attached: str = "") -> str:
    """The email body; `sources` maps a chart's file name to its img src (cid: or data:)."""
    lang = digest.lang
    return _env.get_template("email.html.j2").render(
        d=digest, cid=sources, attached=attached,
        l={k: label(k, lang) for k in _PLAIN_LABELS},
        was=lambda v: label("was", lang, value=v),
        verdict=lambda v: label(f"verdict_{v}", lang),
    )


def build_email(digest: Digest, images: dict[str, bytes]) -> Email:
    """The email as sent: charts inline by cid, the full report attached when there is no link."""
    attachments = {}
    attached = ""
    if not digest.link and digest.report is not None:
        attachments[digest.report_name] = digest.report_markdown().encode()
        attached = label("full_report_attached", digest.lang, name=digest.report_name)
    html = render_html(digest, {name: f"cid:{name}" for name in images}, attached)
    return Email(digest.subject, html, images, attachments)


def preview_html(digest: Digest, images: dict[str, bytes]) -> str:
    """The email as a self-contained page (images as data: URIs), for a browser or the web app."""
    sources = {name: "data:image/png;base64," + base64.b64encode(png).decode()
               for name, png in images.items()}
    attached = "" if digest.link else label("full_report_attached", digest.lang,
                                            name=digest.report_name)
    return render_html(digest, sources, attached)

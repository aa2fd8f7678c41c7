"""Sending the digest through Apprise: one destination at a time, retried, secrets never shown.

A destination is an Apprise URL (mailto://, slack://, lark://, feishu://, dingtalk://,
wecombot://, json:// ...). Its scheme picks the layout; an extra `lang=zh` query parameter,
removed before Apprise sees the URL, picks its language. Anything printed or logged names a
destination by scheme and host only (`mask`), and a filter on Apprise's logger replaces every
part of a URL that could be a secret.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import apprise

from assistant.errors import UserError
from assistant.present.digest.chat import chat_message
from assistant.present.digest.compose import Digest, message
from assistant.present.digest.email import build_email

log = logging.getLogger(__name__)

KIND_BY_SCHEME = {"mailto": "email", "mailtos": "email", "slack": "slack", "lark": "lark",
                  "feishu": "lark", "dingtalk": "dingtalk", "wecombot": "wecom"}
# Apprise URL parameters the digest's layout relies on, added when the URL does not say
LAYOUT_PARAMS = {"email": {"inline": "yes"}, "slack": {"blocks": "yes", "footer": "no"}}
ATTEMPTS = 3
BACKOFF_S = (30.0, 120.0)  # waits before the 2nd and 3rd attempt

Sleep = Callable[[float], None]


# --- destinations ----------------------------------------------------------------------------


def _raw_host(netloc: str) -> str:
    return netloc.rsplit("@", 1)[-1].split(":")[0]


def _host_is_public(host: str) -> bool:
    """A host name or address, as opposed to a token standing in the host's place (lark://TOKEN)."""
    return "." in host or host == "localhost" or ":" in host


def mask(url: str) -> str:
    """'mailto://user:pw@smtp.example.com:587/?to=…' -> 'mailto://smtp.example.com:587'."""
    try:
        parts = urlsplit(url)
        host = _raw_host(parts.netloc)
        port = parts.port
    except ValueError:
        return url.split("://", 1)[0] + "://…" if "://" in url else "…"
    if not host or not _host_is_public(host):
        return f"{parts.scheme}://…"
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def _secrets(url: str) -> set[str]:
    """Every piece of a URL that may be a secret, as written and URL-encoded."""
    parts = urlsplit(url)
    host = _raw_host(parts.netloc)
    found = {url, url.split("://", 1)[-1], parts.netloc}
    userinfo = parts.netloc.rsplit("@", 1)[0] if "@" in parts.netloc else ""
    found |= {unquote(p) for p in userinfo.split(":") if p}
    if host and not _host_is_public(host):
        found.add(host)
    found |= {unquote(seg) for seg in parts.path.split("/") if seg}
    found |= {v for _, v in parse_qsl(parts.query)}
    found |= {quote(s, safe="") for s in found}
    return {s for s in found if len(s) >= 4}


class _Redact(logging.Filter):
    """Replaces known secrets in Apprise's log records before any handler sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def scrub(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.scrub(record.getMessage()), ()
        return True


_redact = _Redact()
# Apprise logs request URLs and payloads at debug level, urllib3 the request line
for _name in ("apprise", "urllib3.connectionpool"):
    logging.getLogger(_name).addFilter(_redact)


def _sign_dingtalk_once() -> None:
    """Apprise 2.3 URL-encodes DingTalk's signature and then passes it to requests as a
    query parameter, which encodes it again; DingTalk then answers "sign not match"
    (310000). Hand requests the plain Base64 signature so it is encoded exactly once."""
    from apprise.plugins.dingtalk import NotifyDingTalk

    original = NotifyDingTalk.get_signature
    if getattr(original, "signs_once", False):
        return

    def get_signature(self: NotifyDingTalk) -> tuple[str, str]:
        timestamp, signature = original(self)
        return timestamp, unquote(signature)

    get_signature.signs_once = True  # type: ignore[attr-defined]
    NotifyDingTalk.get_signature = get_signature


_sign_dingtalk_once()


@dataclass(frozen=True)
class Destination:
    url: str = field(repr=False)  # the Apprise URL as Apprise gets it: a secret
    lang: str

    @property
    def scheme(self) -> str:
        return self.url.split("://", 1)[0].lower()

    @property
    def kind(self) -> str:
        return KIND_BY_SCHEME.get(self.scheme, "markdown")

    @property
    def masked(self) -> str:
        return mask(self.url)

    @property
    def key(self) -> str:
        """What the send log keeps instead of the URL."""
        return hashlib.sha256(self.url.encode()).hexdigest()

    def __str__(self) -> str:
        return self.masked


def parse_destination(raw: str, default_lang: str, lang: str | None = None) -> Destination:
    """An Apprise URL with an optional `lang=` parameter -> a checked destination."""
    raw = raw.strip()
    _redact.secrets |= _secrets(raw)
    parts = urlsplit(raw)
    query = parse_qsl(parts.query, keep_blank_values=True)
    own = dict(query).get("lang")
    rest = [(k, v) for k, v in query if k != "lang"]
    url = urlunsplit(parts._replace(query=urlencode(rest, safe="@:/,")))
    _redact.secrets |= _secrets(url)
    chosen = lang or own or default_lang
    if chosen not in ("en", "zh"):
        raise UserError(message("bad_lang", default_lang, lang=chosen))
    if "://" not in url or apprise.Apprise.instantiate(url) is None:
        raise UserError(message("bad_destination", default_lang, url=mask(raw)),
                        hint=message("bad_destination_hint", default_lang))
    return Destination(url, chosen)


def destinations(urls: list[str], default_lang: str, lang: str | None = None) -> list[Destination]:
    if not urls:
        raise UserError(message("no_destinations", default_lang),
                        hint=message("no_destinations_hint", default_lang))
    return [parse_destination(u, default_lang, lang) for u in urls]


def _apprise_url(dest: Destination) -> str:
    """The URL with the parameters the layout needs (inline images, Slack blocks) added."""
    extra = LAYOUT_PARAMS.get(dest.kind, {})
    if not extra:
        return dest.url
    parts = urlsplit(dest.url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    have = {k for k, _ in query}
    query += [(k, v) for k, v in extra.items() if k not in have]
    return urlunsplit(parts._replace(query=urlencode(query, safe="@:/,")))


# --- messages --------------------------------------------------------------------------------


@dataclass
class Outgoing:
    """One message as Apprise takes it."""

    title: str
    body: str
    body_format: apprise.NotifyFormat
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.body.encode()) + sum(len(b) * 4 // 3 for b in self.files.values())


def outgoing(dest: Destination, digest: Digest, images: dict[str, bytes]) -> Outgoing:
    """The digest laid out for this destination's platform."""
    if dest.kind == "email":
        mail = build_email(digest, images)
        return Outgoing(mail.subject, mail.html, apprise.NotifyFormat.HTML,
                        {**mail.images, **mail.attachments})
    msg = chat_message(digest, dest.kind)
    fmt = apprise.NotifyFormat.MARKDOWN if msg.markdown else apprise.NotifyFormat.TEXT
    files: dict[str, bytes] = {}
    # Apprise uploads files to Slack only with a bot token (webhooks take none), and
    # generic webhooks carry them in the payload; Lark, DingTalk and WeCom robots take
    # no files through Apprise.
    bot = dest.kind == "slack" and urlsplit(dest.url).netloc.lower().startswith("xox")
    if bot or dest.kind == "markdown":
        files = dict(images)
    if dest.kind == "markdown" and not digest.link and digest.report is not None:
        files[digest.report_name] = digest.report_markdown().encode()
    return Outgoing(msg.title, msg.body, fmt, files)


# --- sending ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    destination: Destination
    ok: bool
    attempts: int
    reason: str = ""

    def line(self) -> str:
        d = self.destination
        if self.ok:
            return message("sent", d.lang, dest=d.masked, lang=d.lang, attempts=self.attempts)
        return message("failed", d.lang, dest=d.masked, lang=d.lang, attempts=self.attempts,
                       reason=self.reason or message("no_reason", d.lang))


def send_once(dest: Destination, out: Outgoing) -> tuple[bool, str]:
    """One attempt; (delivered, why not in a masked sentence)."""
    notifier = apprise.Apprise()
    if not notifier.add(_apprise_url(dest)):
        return False, message("bad_destination", dest.lang, url=dest.masked)
    with tempfile.TemporaryDirectory(prefix="digest-") as tmp:
        paths = []
        for name, data in out.files.items():
            path = Path(tmp) / name
            path.write_bytes(data)
            paths.append(str(path))
        attach = apprise.AppriseAttachment(paths) if paths else None
        with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
            ok = notifier.notify(body=out.body, title=out.title, body_format=out.body_format,
                                 attach=attach)
        warnings = [line for line in captured.getvalue().splitlines() if line.strip()]
    reason = _redact.scrub(" ".join(warnings[-2:]))
    return bool(ok), re.sub(r"\s+", " ", reason).strip()


def pause(seconds: float) -> None:
    """The wait between attempts (a test replaces it to run without waiting)."""
    time.sleep(seconds)


def deliver(dest: Destination, out: Outgoing, attempts: int = ATTEMPTS,
            backoff: tuple[float, ...] = BACKOFF_S, sleep: Sleep | None = None) -> Outcome:
    """Send, retrying with growing waits; the outcome says how many attempts it took."""
    sleep = sleep or pause
    reason = ""
    for attempt in range(1, attempts + 1):
        ok, reason = send_once(dest, out)
        if ok:
            log.info("digest sent to %s (attempt %d)", dest.masked, attempt)
            return Outcome(dest, True, attempt)
        log.warning("digest to %s failed (attempt %d of %d): %s", dest.masked, attempt,
                    attempts, reason)
        if attempt < attempts:
            sleep(backoff[min(attempt - 1, len(backoff) - 1)])
    return Outcome(dest, False, attempts, reason)

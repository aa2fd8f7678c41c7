"""The weekly digest: a short summary of the weekly report for email and chat apps.

`compose` picks the figures, `static_charts` draws them as PNG, `email` and `chat` lay them
out, `delivery` sends through Apprise, `dispatch` sends to many with a send log, and
`schedule` runs it every week. The web app's Weekly tab uses `preview` and `send_now`.
"""

from __future__ import annotations

from assistant.config import Settings
from assistant.metrics.catalog import Catalog
from assistant.present.digest.compose import check_lang, compose
from assistant.present.digest.delivery import destinations
from assistant.present.digest.dispatch import SendReport, send_digest
from assistant.present.digest.email import preview_html
from assistant.present.digest.static_charts import charts


def preview(catalog: Catalog, week: str | None = "last", lang: str = "en") -> str:
    """The digest email as it will arrive, as one HTML page (charts inline as data: URIs)."""
    digest = compose(catalog, week, check_lang(lang))
    return preview_html(digest, charts(digest))


def configured(settings: Settings) -> list[str]:
    """The configured destinations as a person may see them: '1. lark://… (zh)'."""
    dests = destinations(settings.digest_to, settings.digest_lang) if settings.digest_to else []
    return [f"{i}. {d.masked} ({d.lang})" for i, d in enumerate(dests, start=1)]


def send_now(catalog: Catalog, week: str | None = "last", lang: str | None = None,
             to: list[str] | None = None, pick: list[int] | None = None) -> SendReport:
    """Send the week's digest now to `to`, else to the configured destinations.

    `pick` keeps only some configured ones (1-based, as numbered by `configured`); `lang`
    overrides each destination's language. The report's `lines()` say what happened, naming
    destinations by scheme and host only.
    """
    settings = catalog.settings
    urls = to or settings.digest_to
    if not to and pick:
        urls = [u for i, u in enumerate(settings.digest_to, start=1) if i in pick]
    return send_digest(catalog, destinations(urls, settings.digest_lang, lang), week)

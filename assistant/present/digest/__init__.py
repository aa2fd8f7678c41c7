"""The weekly digest: a short summary of the weekly report for email and chat apps.

`compose` picks the figures, `static_charts` draws them as PNG, `email` and `chat` lay them
out, `delivery` sends through Apprise, `dispatch` sends to many with a send log, and
`schedule` runs it every week. The web app's Weekly tab uses `preview` and `send_now`.
"""

from __future__ import annotations

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


def send_now(catalog: Catalog, week: str | None = "last", lang: str | None = None,
             to: list[str] | None = None) -> SendReport:
    """Send the week's digest now to `to` (default: the configured destinations).

    `lang` overrides each destination's language. Outcomes are in the report's `lines()`,
    naming destinations by scheme and host only.
    """
    settings = catalog.settings
    dests = destinations(to or settings.digest_to, settings.digest_lang, lang)
    return send_digest(catalog, dests, week)

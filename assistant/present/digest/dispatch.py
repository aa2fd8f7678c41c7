"""Compose the digest once per language and send it to every destination, keeping a send log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from assistant.metrics.catalog import Catalog
from assistant.present.digest import delivery, sendlog
from assistant.present.digest.compose import Digest, compose, message
from assistant.present.digest.static_charts import charts


@dataclass
class Prepared:
    digest: Digest
    images: dict[str, bytes]


@dataclass
class SendReport:
    week_start: date | None
    outcomes: list[delivery.Outcome] = field(default_factory=list)
    skipped: list[delivery.Destination] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    @property
    def failed(self) -> list[delivery.Outcome]:
        return [o for o in self.outcomes if not o.ok]

    def lines(self) -> list[str]:
        return [o.line() for o in self.outcomes]


def prepare(catalog: Catalog, week: str | None, langs: list[str]) -> dict[str, Prepared]:
    """The digest and its charts in each language asked for."""
    out = {}
    for lang in dict.fromkeys(langs):
        digest = compose(catalog, week, lang)
        out[lang] = Prepared(digest, charts(digest))
    return out


def plan(prepared: dict[str, Prepared],
         dests: list[delivery.Destination]) -> list[tuple[delivery.Destination, delivery.Outgoing]]:
    """What each destination would get."""
    return [(d, delivery.outgoing(d, prepared[d.lang].digest, prepared[d.lang].images))
            for d in dests]


def dry_run_lines(prepared: dict[str, Prepared], dests: list[delivery.Destination]) -> list[str]:
    return [message("would_send", d.lang, dest=d.masked, lang=d.lang, kind=d.kind,
                    size=f"{out.size / 1024:,.0f} KB") for d, out in plan(prepared, dests)]


def send_digest(
    catalog: Catalog, dests: list[delivery.Destination], week: str | None = "last", *,
    skip_sent: bool = False, attempts: int = delivery.ATTEMPTS,
    backoff: tuple[float, ...] = delivery.BACKOFF_S, sleep: delivery.Sleep | None = None,
    prepared: dict[str, Prepared] | None = None,
) -> SendReport:
    """Send the week's digest to each destination in turn; one failing does not stop the rest.

    With `skip_sent`, destinations the send log says already got this week are left out.
    Every outcome is recorded in the send log (by a hash of the URL).
    """
    prepared = prepared or prepare(catalog, week, [d.lang for d in dests])
    week_start = next(iter(prepared.values())).digest.week_start
    db_path = catalog.db_path
    report = SendReport(week_start)
    for dest, out in plan(prepared, dests):
        if skip_sent and sendlog.was_sent(db_path, week_start, dest.key):
            report.skipped.append(dest)
            continue
        outcome = delivery.deliver(dest, out, attempts, backoff, sleep)
        sendlog.record(db_path, week_start, dest.key, outcome.ok, outcome.reason)
        report.outcomes.append(outcome)
    return report

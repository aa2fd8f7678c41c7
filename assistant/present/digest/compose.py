"""The digest's content: headline figures and the biggest movements, from the weekly report.

Nothing here is computed afresh: every figure is one the weekly report already collected
(`report.collect`), so the digest and the full report can never disagree. All wording lives
in `prompts/digest/labels.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from babel.dates import format_interval, format_skeleton

from assistant.errors import UserError
from assistant.metrics.catalog import Catalog
from assistant.present.labels import weekday_name
from assistant.present.report import Report, collect, render
from assistant.prompts import load_yaml, render_string

LANGS = ("en", "zh")
LOCALES = {"en": "en_GB", "zh": "zh_CN"}  # en_GB writes "23–29 Nov 2026", day first
MAX_MOVEMENTS = 5
# Sections of the report that hold "what moved": today's ranking and its successors.
MOVEMENT_SECTIONS = ("movers", "contributions", "contributors", "drivers")
_ISO_WEEK = re.compile(r"\b(\d{4})-W(\d{2})\b")


def label(key: str, lang: str, /, **values: Any) -> str:
    """A fixed wording of the digest in one language."""
    entry = load_yaml("digest/labels.yaml")["labels"][key]
    return render_string(entry.get(lang) or entry["en"], **values)


def message(key: str, lang: str, /, **values: Any) -> str:
    """A message about sending or scheduling the digest, in one language."""
    entry = load_yaml("digest/labels.yaml")["messages"][key]
    return render_string(entry.get(lang) or entry["en"], **values)


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise UserError(message("bad_lang", "en", lang=lang))
    return lang


def period_in_words(start: date, end: date, lang: str) -> str:
    """'23–29 Nov 2026' / '2026年11月23日–29日': the dates as people write them."""
    text = format_interval(start, end, "yMMMd", locale=LOCALES[lang])
    return re.sub(r"\s*[–-]\s*", "–", text)


def weeks_in_words(text: str, lang: str) -> str:
    """Replace ISO week labels ('2026-W48') in a report sentence with the dates in words."""

    def words(m: re.Match[str]) -> str:
        monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return period_in_words(monday, monday + timedelta(days=6), lang)

    return _ISO_WEEK.sub(words, text)


@dataclass(frozen=True)
class Headline:
    """One headline figure: this week, the week before, the change and its noise verdict."""

    key: str
    label: str
    value: str
    previous: str | None
    change: float | None  # relative, or points for rates; for the chart
    change_text: str | None
    verdict: str | None  # up | down | flat (flat: within noise); None when not judged


@dataclass(frozen=True)
class Movement:
    metric: str
    group: str
    change_text: str
    up: bool | None
    detail: str = ""  # "1.7% → 3.7%"


@dataclass
class Digest:
    """Everything a digest shows, in one language; the layouts (email, chat) only arrange it."""

    lang: str
    week_label: str  # ISO week, for file names and links only, never shown as such
    week_start: date
    week_end: date
    period: str
    period_line: str
    title: str
    subject: str
    headlines: list[Headline]
    movements_title: str
    movements: list[Movement]
    notices: list[str]
    link: str | None
    weekdays: list[str]
    daily_this: list[float | None] = field(default_factory=list)
    daily_prev: list[float | None] = field(default_factory=list)
    report: Report | None = None

    def report_markdown(self) -> str:
        """The full report as Markdown, to attach where a link is not configured."""
        return render(self.report, "md") if self.report else ""

    @property
    def report_name(self) -> str:
        return f"weekly-report-{self.week_start.isoformat()}-{self.lang}.md"


def movements(report: Report, limit: int = MAX_MOVEMENTS) -> tuple[str, list[Movement]]:
    """The report's biggest movements, from whichever section now holds them.

    Reads the section's facts (a list of dicts with metric, group, change_text and up), else
    its first table (metric, group, ..., change, ...). Returns the section's title and items.
    """
    section = next((s for s in report.sections if s.key in MOVEMENT_SECTIONS), None)
    if section is None:
        return "", []
    items = next((v for v in section.facts.values()
                  if isinstance(v, list) and v and isinstance(v[0], dict)), [])
    out = []
    for f in items[:limit]:
        before, after = f.get("prev"), f.get("cur")
        out.append(Movement(
            metric=str(f.get("metric", "")), group=str(f.get("group") or f.get("segment", "")),
            change_text=str(f.get("change_text", "")),
            up=f.get("up") if isinstance(f.get("up"), bool) else None,
            detail=f"{before} → {after}" if before is not None and after is not None else "",
        ))
    if not out and section.tables:
        table = section.tables[0]
        change_col = next((i for i, h in enumerate(table.headers)
                           if h == report.labels.get("change")), len(table.headers) - 1)
        for row in table.rows[:limit]:
            change = row[change_col]
            out.append(Movement(row[0], row[1] if len(row) > 1 else "", change,
                                not change.startswith(("−", "-")) if change else None))
    return section.title, out


def _headlines(report: Report) -> list[Headline]:
    """The scorecard's four figures with their verdicts, D7 retention and paid conversion."""
    lang, t = report.lang, report.labels
    sections = {s.key: s for s in report.sections}
    out: list[Headline] = []
    card = sections.get("scorecard")
    for row in (card.facts.get("rows", []) if card else []):
        shown = card.facts.get("shown", False)
        out.append(Headline(
            key=str(row["dimension"]), label=str(row["measure"]), value=str(row["current"]),
            previous=str(row["previous"]) if shown else None,
            change=row.get("change") if shown else None,
            change_text=row.get("change_text") if shown and row.get("change") is not None
            else None,
            verdict=row.get("verdict"),
        ))
    retention = sections.get("retention")
    d7 = next((r for r in retention.facts.get("rows", []) if r.get("n") == 7), None) \
        if retention else None
    if d7 is not None:
        start, end, _ = retention.facts["cur"]
        has_prev = retention.facts.get("prev") is not None and d7.get("change") is not None
        out.append(Headline(
            key="d7", label=label("retention_d7", lang,
                                  cohort=period_in_words(start, end, lang)),
            value=d7["rate"], previous=d7["prev"] if has_prev else None,
            change=d7.get("change"), change_text=d7["change_text"] if has_prev else None,
            verdict=None,
        ))
    conversion = sections.get("conversion")
    paid = next((f for f in conversion.facts.get("facts", []) if f.get("column") == "conversion"),
                None) if conversion else None
    if paid is not None:
        has_prev = paid.get("change") is not None
        out.append(Headline(
            key="paid_conversion", label=t.get("mover_paid_conversion", paid["label"]),
            value=paid["text"], previous=paid["prev_text"] if has_prev else None,
            change=paid.get("change"), change_text=paid["change_text"] if has_prev else None,
            verdict=None,
        ))
    return out


def _daily(report: Report) -> tuple[list[float | None], list[float | None]]:
    """Daily active users on each weekday of the week and of the week before."""
    result = report.results.get("daily")
    by_day = {str(r.get("segment")): r.get("active_users") for r in (result.rows if result else [])}
    w = report.week
    this = [by_day.get((w.start + timedelta(days=i)).isoformat()) for i in range(7)]
    prev = [by_day.get((w.start - timedelta(days=7 - i)).isoformat()) for i in range(7)]
    return this, prev


def digest_from_report(report: Report, link_template: str | None = None) -> Digest:
    """Lay the report's figures out as a digest (no database work here)."""
    lang, w = report.lang, report.week
    period = period_in_words(w.data_start, w.data_end, lang)
    comparable = not (w.prev_missing or w.prev_partial)
    period_line = (
        label("period_line", lang, period=period,
              prev_period=period_in_words(w.prev_start, w.prev_end, lang))
        if comparable else label("period_alone", lang, period=period)
    )
    title, items = movements(report)
    this, prev = _daily(report)
    link = None
    if link_template:
        link = link_template.format(week=w.label, start=w.start.isoformat(), lang=lang)
    return Digest(
        lang=lang, week_label=w.label, week_start=w.start, week_end=w.end, period=period,
        period_line=period_line, title=label("title", lang),
        subject=label("subject", lang, period=period),
        headlines=_headlines(report), movements_title=label("movements", lang) if title else "",
        movements=items, notices=[weeks_in_words(n, lang) for n in report.notices],
        link=link, weekdays=[weekday_name(i, lang, short=True) for i in range(1, 8)],
        daily_this=this, daily_prev=prev, report=report,
    )


def compose(catalog: Catalog, week: str | None = "last", lang: str = "en") -> Digest:
    """Collect the week's report and keep what a digest shows."""
    check_lang(lang)
    report = collect(catalog, week, lang)
    return digest_from_report(report, catalog.settings.digest_link)


def day_in_words(day: date, lang: str) -> str:
    """'25 Nov 2026' / '2026年11月25日'."""
    return format_skeleton("yMMMd", day, locale=LOCALES[lang])

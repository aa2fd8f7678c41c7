"""What an answer says about a metric result: the sentences, in order, each with its facts.

Everything that decides *what* to say lives here, once for both languages: which sentences
apply, the extremes, first and last periods, the fastest and slowest buckets, the busiest
windows, the gaps, every figure formatted. prompts/narratives.yaml holds only the wording
of each sentence per language, with descriptive slots (`{{ highest_segment }}`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.metrics.catalog import MetricResult
from assistant.present import labels
from assistant.present.numbers import fmt, points
from assistant.prompts import load_yaml, render_string

Row = dict[str, Any]
FLAT = 0.02  # a relative change under 2% either way reads as flat, like the scorecard verdict


def direction(first: float, last: float, kind: str = "float") -> str:
    """up, down or flat: flat under FLAT relative change, or when both read the same."""
    if first == last or fmt(first, kind) == fmt(last, kind):
        return "flat"
    if first == 0:
        return "up" if last > 0 else "down"
    change = last / first - 1
    if abs(change) < FLAT:
        return "flat"
    return "up" if change > 0 else "down"


@dataclass
class Spread:
    """One figure column over segments: extremes, and for a trend the first and last period."""

    rows: list[Row]
    column: str
    highest: Row
    lowest: Row
    first: Row
    last: Row
    direction: str

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def gap(self) -> float:
        return self.highest[self.column] - self.lowest[self.column]


def spread(rows: Sequence[Row], column: str, trend: bool, kind: str = "float") -> Spread | None:
    vals = [r for r in rows if r.get(column) is not None]
    if not vals:
        return None
    if trend:
        vals = sorted(vals, key=lambda r: str(r.get("segment")))
    first, last = vals[0], vals[-1]
    return Spread(vals, column, max(vals, key=lambda r: r[column]),
                  min(vals, key=lambda r: r[column]), first, last,
                  direction(first[column], last[column], kind))


def segments(rows: Sequence[Row]) -> list[Any]:
    return list(dict.fromkeys(r.get("segment") for r in rows))


@dataclass
class Story:
    """The sentences of one answer as they are decided, rendered in the reader's language."""

    result: MetricResult
    lang: str
    sentences: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        texts = load_yaml("narratives.yaml")
        self.words: dict[str, Any] = texts["_words"][self.lang]
        self.shared: dict[str, Any] = texts["_shared"]
        self.own: dict[str, Any] = texts.get(self.result.metric.name) or {}
        self.framework = load_yaml("framework.yaml")
        self.params = self.result.params
        self.group_by: str = self.params.get("group_by", "none")
        self.trend = self.group_by in ("day", "week")
        self.rows = self.result.visible_rows

    # --- wording --------------------------------------------------------------------------

    def phrase(self, key: str, **facts: Any) -> str:
        """The wording of `key` (the metric's own, else a shared one) with its facts."""
        entry = self.own.get(key) or self.shared[key]
        values = {"start": self.params.get("start"), "end": self.params.get("end"),
                  "scope": self.scope(), "window_days": self.params.get("window_days"),
                  "threshold_ms": self.params.get("threshold_ms")}
        return render_string(entry[self.lang], **(values | facts))

    def say(self, *phrases: str) -> None:
        """One sentence made of phrases, closed with the language's full stop."""
        sentence = "".join(phrases).strip()
        if sentence and not sentence.endswith((".", "。", "!", "?")):
            sentence += self.words["stop"]
        if sentence:
            self.sentences.append(sentence)

    def say_phrase(self, key: str, **facts: Any) -> None:
        self.say(self.phrase(key, **facts))

    def clauses(self, items: Sequence[str]) -> str:
        """Clauses of one sentence: 'a, b and c' / 'a，b，c'."""
        if len(items) <= 1:
            return "".join(items)
        return (self.words["clause_sep"].join(items[:-1]) + self.words["clause_last"]
                + items[-1])

    # --- figures and names ------------------------------------------------------------------

    def kind(self, column: str) -> str:
        spec = self.result.metric.columns.get(column)
        return spec.format if spec else "text"

    def figure(self, value: Any, column: str) -> str:
        return fmt(value, self.kind(column), self.lang)

    def difference(self, change: float, column: str) -> str:
        """A gap or change: percentage points for rates, the column's unit otherwise."""
        if self.kind(column) == "pct":
            return self.words["points"].format(points(change, self.lang))
        return self.figure(abs(change), column)

    def points(self, change: float) -> str:
        return points(change, self.lang)

    def segment(self, value: Any) -> str:
        return labels.segment_name(value, self.group_by, self.lang)

    def in_sentence(self, name: str) -> str:
        """A place name as a sentence needs it: 'the United States', 'the Philippines'."""
        w = self.words
        return w["article"].format(name) if name in w.get("with_article", []) else name

    def segment_phrase(self, value: Any) -> str:
        """A segment inside a sentence: 'in Brazil', 'on iOS', 'in the organic channel'."""
        phrase = self.words["segment_phrase"].get(self.group_by, "{}")
        return phrase.format(self.in_sentence(self.segment(value)))

    def scope(self, value: Any = None) -> str:
        """Who a sentence is about: the filters, a segment in place of the filter it narrows."""
        w = self.words
        places = [self.in_sentence(n) for n in labels.place_names(self.params, self.lang)]
        platforms = labels.platform_names(self.params, self.lang)
        segment = ""
        if self.group_by != "none" and value not in (None, "all"):
            segment = w["scope_segment"].format(self.segment_phrase(value))
            if self.group_by in ("country", "region"):
                places = []
            elif self.group_by == "platform":
                platforms = []
        out = w["scope_places"].format(labels.join(places, self.lang)) if places else ""
        out += w["scope_platforms"].format(labels.join(platforms, self.lang)) if platforms else ""
        return out + segment

    def groups(self) -> str:
        return self.words["groups"].get(self.group_by, "")

    def window(self, row: Row) -> str:
        """'Sunday 21:00-22:00' from a weekday (1 = Monday) and a local hour."""
        hour = int(row["hour"])
        return self.words["window"].format(
            weekday=labels.weekday_name(row["weekday"], self.lang),
            start=f"{hour:02d}:00", end=f"{hour + 1:02d}:00")

    def count_of(self, k: int, n: int) -> str:
        """'both', 'all 3', 'none of the 3', '2 of 3' (and the Chinese ways to say it)."""
        w = self.words["count"]
        key = ("all_two" if k == n == 2 else "all" if k == n else "none" if k == 0 else "some")
        return w[key].format(k=k, n=n)

    def lens(self) -> str:
        """The framework's observation about this metric, where it says something specific."""
        return self.framework["lenses"].get(self.result.metric.name, {}).get(self.lang, "")

    # --- the shared sentence shapes ----------------------------------------------------------

    def hidden(self) -> None:
        grouped = self.group_by in ("country", "region", "platform", "channel")
        self.say_phrase("hidden_groups" if grouped else "hidden_all")

    def nothing_to_show(self, shown: bool = True, **facts: Any) -> bool:
        """Say why there is no figure (no data, or every group hidden); True when said."""
        if not self.result.rows:
            self.say_phrase("empty", **facts)
        elif not self.rows or not shown:
            self.hidden()
        else:
            return False
        return True

    def compare(self, s: Spread, what: str, lead: bool = True) -> None:
        """One figure over segments: its value, its trend, or its highest and lowest."""
        col = s.column
        named = {"what": what, "What": what[:1].upper() + what[1:]}
        if s.count == 1:
            key = "single_total" if self.group_by == "none" else "single_segment"
            self.say(self.phrase(key, who=self.scope(s.first.get("segment")),
                                 value=self.figure(s.first[col], col), **named))
        elif self.trend:
            head = self.phrase(
                "trend_flat" if s.direction == "flat" else "trend", **named,
                first=self.figure(s.first[col], col),
                first_segment=self.segment(s.first["segment"]),
                last=self.figure(s.last[col], col),
                last_segment=self.segment(s.last["segment"]),
                direction=self.words["direction"][s.direction],
                change=self.difference(s.last[col] - s.first[col], col))
            mid_high = s.highest is not s.first and s.highest is not s.last
            mid_low = s.lowest is not s.first and s.lowest is not s.last
            key = {(True, True): "trend_highest_lowest", (True, False): "trend_highest",
                   (False, True): "trend_lowest"}.get((mid_high, mid_low))
            tail = self.phrase(
                key, highest=self.figure(s.highest[col], col),
                highest_segment=self.segment(s.highest["segment"]),
                lowest=self.figure(s.lowest[col], col),
                lowest_segment=self.segment(s.lowest["segment"])) if key else ""
            self.say(head, tail)
        elif s.gap == 0:
            self.say_phrase("all_equal", count=s.count, groups=self.groups(),
                            value=self.figure(s.highest[col], col), **named)
        else:
            self.say_phrase(
                "spread_across" if lead else "spread", count=s.count, groups=self.groups(),
                highest=self.figure(s.highest[col], col),
                highest_segment=self.segment_phrase(s.highest["segment"]),
                lowest=self.figure(s.lowest[col], col),
                lowest_segment=self.segment_phrase(s.lowest["segment"]),
                gap=self.difference(s.gap, col), **named)

    def compare_column(self, column: str, what_key: str, lead: bool = True,
                       at_least: int = 1, **facts: Any) -> None:
        """compare() over one column of the visible rows, named by a phrase of the metric."""
        s = spread(self.rows, column, self.trend, self.kind(column))
        if s and s.count >= at_least:
            self.compare(s, self.phrase(what_key, **facts), lead)


def period_days(params: dict[str, Any]) -> int:
    start, end = params.get("start"), params.get("end")
    return (date.fromisoformat(end) - date.fromisoformat(start)).days + 1 if start and end else 0


def most_common_window(best: list[Row]) -> tuple[Row | None, int]:
    common = Counter((r["weekday"], r["hour"]) for r in best).most_common(1)
    if not common:
        return None, 0
    row = next(r for r in best if (r["weekday"], r["hour"]) == common[0][0])
    return row, common[0][1]

"""What an explanation hands back: the two values, the verdict, the parts, and a summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from babel.units import format_unit

from assistant.metrics import privacy
from assistant.metrics.change.compare import Period
from assistant.metrics.change.decompose import Part
from assistant.metrics.change.figures import Figure
from assistant.metrics.change.noise import Verdict
from assistant.metrics.registry import Column
from assistant.present.numbers import fmt
from assistant.prompts import load_yaml


@dataclass
class ChangeResult:
    """B (the range or segment looked at) against A (the one compared with)."""

    spec: Figure
    params: dict[str, Any]
    versus: str
    a: Period
    b: Period
    label_a: str  # for segments: the segment of A; else the period
    label_b: str
    value_a: float | None
    value_b: float | None
    verdict: Verdict
    parts: dict[str, list[Part]] = field(default_factory=dict)
    top: list[Part] = field(default_factory=list)
    drill: list[Part] = field(default_factory=list)  # inside the first of `top`
    history: list[tuple[str, float | None]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    hidden: int = 0  # segments hidden for privacy, in all breakdowns
    elapsed_ms: float = 0.0
    queries: int = 0

    @property
    def name(self) -> str:
        return "explain_change"

    @property
    def change(self) -> float | None:
        """B - A in the figure's unit (a fraction for rates: 0.012 = 1.2 pp)."""
        if self.value_a is None or self.value_b is None:
            return None
        return self.value_b - self.value_a

    @property
    def relative(self) -> float | None:
        if self.change is None or not self.value_a:
            return None
        return self.change / self.value_a

    @property
    def measured(self) -> float | None:
        """The change as judged: pp for rates, relative for the rest."""
        return self.change if self.spec.rate_like else self.relative

    def fmt_change(self, value: float | None) -> str:
        """A change as people write it: +1.2 pp for rates, +5.6% for the rest."""
        if value is None:
            return "—"
        digits = 2 if 0 < abs(value * 100) < 0.05 else 1  # never "-0.0"
        if self.spec.rate_like:
            return f"{value * 100:+.{digits}f} pp"
        return f"{value * 100:+.{digits}f}%"

    def fmt_part(self, value: float, lang: str = "en") -> str:
        """A contribution in the figure's own unit."""
        if self.spec.rate_like:
            return f"{value * 100:+.2f} pp"
        if self.spec.fmt == "usd":
            return f"{'+' if value >= 0 else '-'}${abs(value):,.3f}"
        if self.spec.fmt == "minutes":
            sign = "+" if value >= 0 else "-"
            return sign + format_unit(abs(value), "duration-minute", length="short",
                                      format="#,##0.00", locale=lang)
        return f"{value:+,.1f}"

    def summary(self) -> str:
        """What the model reads: values, change, verdict, top contributors."""
        f = self.spec
        lines = [
            f"explain_change {f.name}: {self.label_b} vs {self.label_a}"
            + (f" ({self._filters()})" if self._filters() else " (all users)"),
            f"- value: {fmt(self.value_b, f.fmt)} vs {fmt(self.value_a, f.fmt)}; "
            f"change {self.fmt_change(self.measured)}",
        ]
        v = self.verdict
        if v.ci is not None:
            lines.append(f"- 95% interval of the change: {self.fmt_change(v.ci[0])} to "
                         f"{self.fmt_change(v.ci[1])}")
        if v.band is not None:
            lines.append(f"- normal variation from the last {v.band.n} changes: "
                         f"{self.fmt_change(v.band.low)} to {self.fmt_change(v.band.high)}")
        lines.append(f"- verdict: {v.key.replace('_', ' ')}")
        for p in self.top:
            lines.append(
                f"- stands out: {p.split} {privacy.quote_label(p.segment)} contributed "
                f"{self.fmt_part(p.contribution)} (rate {self.fmt_part(p.rate)}, mix "
                f"{self.fmt_part(p.mix)}; {self.fmt_part(p.excess)} beyond moving with everyone)"
            )
        for p in self.drill[:1]:
            lines.append(f"- within it: {p.split} {privacy.quote_label(p.segment)} "
                         f"{self.fmt_part(p.contribution)}")
        if not self.top and self.change is not None:
            lines.append("- no segment stands out: the change is broad")
        if self.hidden:
            lines.append(f"- {self.hidden} small segments hidden for privacy (counted in "
                         "'other')")
        lines += [f"note: {n}" for n in self.notes]
        lines.append(privacy.DATA_NOTE)
        return "\n".join(lines)

    def _filters(self) -> str:
        return "; ".join(f"{k}={','.join(map(str, v))}" for k, v in self.params.items()
                         if k in ("countries", "regions", "platforms", "channels") and v)

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.name,
            "figure": self.spec.name,
            "params": self.params,
            "a": {"label": self.label_a, "start": self.a.start.isoformat(),
                  "end": self.a.end.isoformat(), "value": self.value_a},
            "b": {"label": self.label_b, "start": self.b.start.isoformat(),
                  "end": self.b.end.isoformat(), "value": self.value_b},
            "change": self.change,
            "relative_change": self.relative,
            "verdict": {
                "key": self.verdict.key, "beyond": self.verdict.beyond,
                "ci": list(self.verdict.ci) if self.verdict.ci else None,
                "band": ([self.verdict.band.low, self.verdict.band.high]
                         if self.verdict.band else None),
            },
            "parts": {s: [_part_json(p) for p in ps] for s, ps in self.parts.items()},
            "top": [_part_json(p) for p in self.top],
            "drill": [_part_json(p) for p in self.drill],
            "notes": self.notes,
            "summary": self.summary(),
        }

    # The same face as a MetricResult, so chat, table, chart and CSV show it alike.
    @property
    def metric(self) -> TableSpec:
        return TableSpec.for_figure(self.spec)

    @property
    def columns(self) -> list[str]:
        shown = load_yaml("change.yaml")["columns"]
        return [c for c in self.metric.columns if shown[c].get("shown", True)]

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The whole, then one row per part: the segments that stand out first, then each
        breakdown's (the whole's interval and usual range ride along, not shown)."""
        v = self.verdict
        ci = v.ci or (None, None)
        band = (v.band.low, v.band.high) if v.band else (None, None)
        out: list[dict[str, Any]] = [{
            "split": "total", "segment": "all", "value_a": self.value_a,
            "value_b": self.value_b, "contribution": self.change, "rate_effect": None,
            "mix_effect": None, "excess": None, "level": 95, "relative": self.relative,
            "ci_low": ci[0], "ci_high": ci[1], "band_low": band[0], "band_high": band[1]}]
        seen: set[tuple[str, str]] = set()
        for p in [*self.top, *(p for ps in self.parts.values() for p in ps)]:
            if (p.split, p.segment) in seen or not p.named:
                continue
            seen.add((p.split, p.segment))
            out.append({"split": p.split, "segment": p.segment, "value_a": p.a,
                        "value_b": p.b, "contribution": p.contribution, "rate_effect": p.rate,
                        "mix_effect": p.mix, "excess": p.excess})
        return out

    @property
    def visible_rows(self) -> list[dict[str, Any]]:
        return self.rows

    @property
    def suppressed(self) -> int:
        return self.hidden

    @property
    def sql(self) -> str:
        return f"-- {self.spec.metric} (tools/{self.spec.metric}.sql), run once per period " \
               "and breakdown"

    def figure(self, lang: str = "en"):
        from assistant.present.change_chart import change_figure

        return change_figure(self, lang)


@dataclass
class TableSpec:
    """The table of an explanation, described like a metric's output columns."""

    name: str
    title: dict[str, str]
    columns: dict[str, Column]

    @classmethod
    def for_figure(cls, spec: Figure) -> TableSpec:
        words = load_yaml("change.yaml")
        kind = "pct" if spec.rate_like else spec.fmt
        cols = {}
        for name, labels in words["columns"].items():
            fmt_ = labels.get("format", "text")
            cols[name] = Column(name, labels["en"], labels["zh"],
                                kind if fmt_ in ("value", "part") else fmt_)
        names = words["figures"][spec.name]
        title = {lang: words["title"][lang].format(figure=names[lang]) for lang in ("en", "zh")}
        return cls("explain_change", title, cols)


def _part_json(p: Part) -> dict[str, Any]:
    return {"split": p.split, "segment": p.segment, "a": p.a, "b": p.b,
            "contribution": p.contribution, "rate_effect": p.rate, "mix_effect": p.mix,
            "excess": p.excess}

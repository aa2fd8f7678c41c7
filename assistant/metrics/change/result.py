"""What an explanation hands back: the two values, the verdict, the parts, and a summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.metrics import privacy
from assistant.metrics.change.compare import Period
from assistant.metrics.change.decompose import Part
from assistant.metrics.change.figures import Figure
from assistant.metrics.change.noise import Verdict
from assistant.present.numbers import fmt


@dataclass
class ChangeResult:
    """B (the range or segment looked at) against A (the one compared with)."""

    figure: Figure
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
        return self.change if self.figure.rate_like else self.relative

    def fmt_change(self, value: float | None) -> str:
        """A change as people write it: +1.2 pp for rates, +5.6% for the rest."""
        if value is None:
            return "—"
        if self.figure.rate_like:
            return f"{value * 100:+.1f} pp"
        return f"{value * 100:+.1f}%"

    def fmt_part(self, value: float) -> str:
        """A contribution in the figure's own unit."""
        if self.figure.rate_like:
            return f"{value * 100:+.2f} pp"
        if self.figure.fmt == "usd":
            return f"{'+' if value >= 0 else '-'}${abs(value):,.3f}"
        if self.figure.fmt == "minutes":
            return f"{value:+.2f} min"
        return f"{value:+,.1f}"

    def summary(self) -> str:
        """What the model reads: values, change, verdict, top contributors."""
        f = self.figure
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
            "figure": self.figure.name,
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

    def chart(self, lang: str = "en"):
        from assistant.present.change_chart import change_figure

        return change_figure(self, lang)


def _part_json(p: Part) -> dict[str, Any]:
    return {"split": p.split, "segment": p.segment, "a": p.a, "b": p.b,
            "contribution": p.contribution, "rate_effect": p.rate, "mix_effect": p.mix,
            "excess": p.excess}

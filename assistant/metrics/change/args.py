"""The arguments of `explain_change`, checked like a metric tool's."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import ParameterError
from assistant.metrics.change.figures import FIGURES, SPLITS
from assistant.metrics.registry import MAX_LIST, PLATFORMS, REGIONS, _check_countries

FigureName = Literal[tuple(FIGURES)]  # type: ignore[valid-type]
Split = Literal[SPLITS]  # type: ignore[valid-type]


class ChangeArgs(BaseModel):
    """Arguments of explain_change."""

    model_config = ConfigDict(extra="forbid")

    figure: FigureName = Field(description="fast_connect_share: calls connected within 600 ms.")
    start: date | None = Field(None, description="First day looked at.")
    end: date | None = Field(None, description="Last day looked at.")
    compare_start: date | None = Field(None, description="First day compared with.")
    compare_end: date | None = Field(None, description="Last day compared with.")
    versus: Literal["previous_period", "segments"] = Field(
        "previous_period", description="segments: the two values of one filter, e.g. "
        "platforms [ios, android].")
    countries: list[str] = Field(default_factory=list, max_length=MAX_LIST,
                                 description="ISO2 codes.")
    regions: list[Literal[REGIONS]] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=MAX_LIST)
    platforms: list[Literal[PLATFORMS]] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=3)
    channels: list[str] = Field(default_factory=list, max_length=MAX_LIST,
                                description="Only with versus=segments.")
    split_by: list[Split] = Field(  # type: ignore[valid-type]
        default_factory=lambda: list(SPLITS), max_length=4,
        description="Breakdowns to look for the source in.")

    @field_validator("countries", mode="after")
    @classmethod
    def _countries(cls, v: list[str]) -> list[str]:
        return _check_countries(v)

    @field_validator("countries", "regions", "platforms", "channels", "split_by", mode="after")
    @classmethod
    def _dedupe(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(v))


def parse(values: dict | None) -> ChangeArgs:
    """Checked arguments, or a plain-language error naming the bad field."""
    try:
        return ChangeArgs(**(values or {}))
    except ValidationError as exc:
        raise ParameterError(explain(exc)) from None


def explain(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors():
        name = ".".join(str(x) for x in e["loc"]) or "?"
        parts.append(f"{name}: {e['msg'].removeprefix('Value error, ')}")
    return "Bad value for explain_change: " + "; ".join(parts) + "."

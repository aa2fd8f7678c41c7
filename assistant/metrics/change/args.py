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
    """Why a headline figure moved: this range against the one before (or two segments
    within one range), with a 95% interval, the figure's normal week-to-week variation and
    the segments the change came from."""

    model_config = ConfigDict(extra="forbid")

    figure: FigureName = Field(description=(
        "dau, wau, mau, d1, d7, d30 (retention), minutes_per_user_day, core_action_rate, "
        "lasting_connection_rate, paid_conversion, arpu, fast_connect_share (calls connected "
        "within 600 ms), hd_uplift, ai_to_human_rate."))
    start: date | None = Field(None, description="First day looked at (default: the last "
                               "complete ISO week).")
    end: date | None = Field(None, description="Last day looked at.")
    compare_start: date | None = Field(None, description="First day of the range compared "
                                       "with (default: the equal range just before).")
    compare_end: date | None = Field(None, description="Last day of the range compared with.")
    versus: Literal["previous_period", "segments"] = Field(
        "previous_period", description="previous_period, or segments: compare the two values "
        "of one filter (e.g. platforms [ios, android]) within the same range.")
    countries: list[str] = Field(default_factory=list, max_length=MAX_LIST,
                                 description="ISO2 country codes to keep; empty for all.")
    regions: list[Literal[REGIONS]] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=MAX_LIST, description="Region codes to keep.")
    platforms: list[Literal[PLATFORMS]] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=3, description="Platforms to keep.")
    channels: list[str] = Field(default_factory=list, max_length=MAX_LIST,
                                description="Acquisition channels (only with versus=segments).")
    split_by: list[Split] = Field(  # type: ignore[valid-type]
        default_factory=lambda: list(SPLITS), max_length=4,
        description="Breakdowns that show where the change came from (default: all four).")

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

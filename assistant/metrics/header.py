"""The YAML header of a metric file, as a pydantic model: unknown fields and values refused.

`parse_header(path, data)` returns the checked header or raises `MetricFileError` naming
the file and the field ("retention.sql: chart.type: must be one of line, bar, ...").
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic import model_validator as _model_validator

DIMENSIONS = ("frequency", "duration", "depth", "social", "monetization", "overall")
PARAM_TYPES = (
    "date",
    "int",
    "int_list",
    "choice",
    "country_list",
    "region_list",
    "platform_list",
    "action_list",
)
CHART_TYPES = ("line", "bar", "heatmap", "table")
FORMATS = ("text", "label", "int", "float", "pct", "minutes", "usd", "ms")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class MetricFileError(ValueError):
    """A metric file that does not pass review: names the file and the field."""

    def __init__(self, path: Path, field_name: str, problem: str) -> None:
        super().__init__(f"{path.name}: {field_name}: {problem}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Texts(_Strict):
    en: Text
    zh: Text


class ParamSpec(_Strict):
    type: Literal[PARAM_TYPES]  # type: ignore[valid-type]
    description: Text
    default: Any = None
    allowed: list[str | int] | None = None
    min: int | None = None
    max: int | None = None


class ColumnSpec(_Strict):
    en: Text
    zh: Text
    format: Literal[FORMATS] = "text"  # type: ignore[valid-type]


class TrendSpec(_Strict):
    """The chart used instead when the result is split by day or week."""

    type: Literal[CHART_TYPES]  # type: ignore[valid-type]
    x: str | None = None
    y: str | None = None
    color: str | None = None
    x_format: str | None = None
    color_format: str | None = None


class ChartSpec(TrendSpec):
    z: str | None = None
    trend: TrendSpec | None = None


class Defaults(_Strict):
    span_days: int = Field(7, ge=1)
    end_lag_days: int = Field(0, ge=0)


class Header(_Strict):
    name: str
    title: Texts
    description: Texts
    dimension: Literal[DIMENSIONS]  # type: ignore[valid-type]
    params: dict[str, ParamSpec]
    columns: dict[str, ColumnSpec]
    chart: ChartSpec
    size_column: str | None = None
    headline: list[str] = []
    defaults: Defaults = Defaults()

    @_model_validator(mode="after")
    def _consistent(self, info: Any) -> Header:
        """The file name, choices with their values, and every column named is an output."""
        stem = (info.context or {}).get("stem")
        if stem is not None and self.name != stem:
            raise ValueError(f"name: {self.name!r} must equal the file name {stem!r}")
        for pname, p in self.params.items():
            if p.type == "choice" and not p.allowed:
                raise ValueError(f"params.{pname}.allowed: a choice needs allowed values")
        if self.size_column is not None and self.size_column not in self.columns:
            raise ValueError(f"size_column: {self.size_column!r} is not an output column")
        charts = [self.chart, *([self.chart.trend] if self.chart.trend else [])]
        named = [*self.headline, *(getattr(c, k) for c in charts for k in ("x", "y", "color"))]
        named.append(self.chart.z)
        for col in named:
            if col is not None and col not in self.columns:
                raise ValueError(f"chart/headline: {col!r} is not an output column")
        return self


def _problem(error: dict[str, Any]) -> tuple[str, str]:
    """(field, problem) in the words of a review, from one pydantic error."""
    field = ".".join(str(part) for part in error["loc"])
    kind, msg = error["type"], error["msg"].removeprefix("Value error, ")
    if not field and ": " in msg:  # raised by Header._consistent as "field: problem"
        return tuple(msg.split(": ", 1))  # type: ignore[return-value]
    if kind in ("missing", "string_too_short"):
        return field, "missing"
    if kind == "extra_forbidden":
        return field, "is not a known field"
    if kind == "literal_error":
        return field, f"{error['input']!r} is not one of {error['ctx']['expected']}"
    return field or "header", msg


def parse_header(path: Path, data: Any) -> Header:
    if not isinstance(data, dict):
        raise MetricFileError(path, "header", "must be a YAML mapping")
    try:
        return Header.model_validate(data, context={"stem": path.stem})
    except ValidationError as exc:
        raise MetricFileError(path, *_problem(exc.errors()[0])) from None

"""What the offline planner hands back: tool calls, or a reply, with choices to pick from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Language = Literal["en", "zh"]


@dataclass
class ToolCall:
    name: str
    args: dict[str, Any] = field(default_factory=dict)
    # The figure the question asked for when the tool reports several (ARPU of paid
    # conversion, MAU of active users): what "why did it fall?" explains next.
    focus: str | None = field(default=None, compare=False)


@dataclass
class Choice:
    """One clarifying option: `label` is shown on a button, `question` is asked when picked."""

    label: str
    question: str


@dataclass
class Plan:
    language: Language
    calls: list[ToolCall]
    reply: str | None = None
    choices: list[Choice] = field(default_factory=list)
    kind: str | None = None  # which reply (clarify, out_of_scope, ...) when there is no call

"""Offline planner: turns an English or Chinese question into vetted tool calls without an LLM.

The steps live in assistant/agent/understand/ (scope, periods, entities, breakdowns, intent
from a small learned model, follow-ups, change questions); all vocabulary and replies in
prompts/planner.yaml, the labelled training questions in prompts/planner_intents.yaml.
This module is the public face: `plan(question, latest_day=..., previous=...) -> Plan`.
"""

from __future__ import annotations

from assistant.agent.understand.calls import Choice, Language, Plan, ToolCall
from assistant.agent.understand.intent import warm_up
from assistant.agent.understand.plan import example_questions, hint, plan, question_focus, title
from assistant.agent.understand.text import detect_language, is_traditional, traditional, vocab

_vocab = vocab  # the name the tests and older callers use

__all__ = [
    "Choice", "Language", "Plan", "ToolCall", "detect_language", "example_questions", "plan",
    "hint", "is_traditional", "question_focus", "title", "traditional", "vocab", "warm_up",
]  # fmt: skip

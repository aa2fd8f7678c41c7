"""Clarifying choices travel from the planner to the answer, and the CLI chat takes a number."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from assistant.agent.graph import Assistant, Conversation
from assistant.apps.cli import app


def test_unknown_place_answer_carries_choices(demo_catalog) -> None:
    assistant = Assistant(demo_catalog, llm=None)
    answer = assistant.ask("DAU in Narnia last week", Conversation())
    assert answer.steps == [] and "Narnia" in answer.text
    assert answer.choices and answer.choices[-1].label == "All markets"
    assert answer.to_json()["choices"][-1]["question"] == "DAU in last week"


def test_cli_chat_numbers_the_choices_and_accepts_a_number(demo_db: Path) -> None:
    result = CliRunner().invoke(
        app, ["chat", "--db", str(demo_db)], input="DAU in Brasilla last week\n1\n\n"
    )
    assert result.exit_code == 0, result.output
    assert "I don't know the market 'Brasilla'; did you mean Brazil?" in result.output
    assert "\n  1. Brazil\n  2. All markets\n" in result.output
    # picking 1 asks that choice's question, which runs the active-users metric for Brazil
    assert "DAU in Brazil last week" in result.output
    assert "Range: 2026-11-16 to 2026-11-22; Brazil." in result.output

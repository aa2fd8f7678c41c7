"""The agent end to end: offline planner, and the real openai client against a scripted server."""

from __future__ import annotations

import re

import pytest
from langchain_openai import ChatOpenAI

from assistant.agent.graph import OFFLINE_FALLBACK, Assistant, Conversation
from assistant.config import Settings
from tests.openai_server import Fault, ScriptedServer, last_tool_content, say, tool_call

LAST_WEEK = {"start": "2026-11-16", "end": "2026-11-22"}


@pytest.fixture
def server():
    srv = ScriptedServer().start()
    yield srv
    srv.stop()


def llm_for(server: ScriptedServer, *, streaming: bool = True, timeout: float = 5.0) -> ChatOpenAI:
    return ChatOpenAI(
        model="test-model", api_key="sk-test", base_url=server.base_url, timeout=timeout,
        max_retries=0, use_responses_api=False, disable_streaming=not streaming,
    )


def test_offline_chinese_question_calls_retention_for_brazil(demo_catalog):
    answer = Assistant(demo_catalog, llm=None).ask("上周巴西的次日留存是多少？")
    assert answer.backend == "offline" and answer.language == "zh"
    [step] = answer.steps
    assert step.name == "retention"
    assert step.args["countries"] == ["BR"] and step.args["days"] == [1]
    assert (step.args["start"], step.args["end"]) == (LAST_WEEK["start"], LAST_WEEK["end"])
    rate = step.result.rows[0]["rate"]
    assert f"{rate * 100:.1f}%" in answer.text
    assert re.search(r"[\u4e00-\u9fff]", answer.text)
    assert "2026-11-16" in answer.text


def test_a_question_in_traditional_chinese_is_answered_in_traditional(demo_catalog):
    assistant = Assistant(demo_catalog, llm=None)
    simplified = assistant.ask("上周巴西的次日留存是多少？")
    answer = assistant.ask("上週巴西的次日留存是多少？")
    assert answer.steps[0].args == simplified.steps[0].args
    assert "为" in simplified.text and "为" not in answer.text and "為" in answer.text
    assert answer.suggestions and all("这" not in s and "么" not in s for s in answer.suggestions)


def test_offline_english_peak_hours_for_indonesia(demo_catalog):
    answer = Assistant(demo_catalog, llm=None).ask("When are users in Indonesia most active?")
    [step] = answer.steps
    assert step.name == "peak_hours" and step.args["countries"] == ["ID"]
    assert answer.language == "en" and not re.search(r"[\u4e00-\u9fff]", answer.text)
    assert step.result.figure("en") is not None


def test_offline_follow_up_keeps_context(demo_catalog):
    assistant = Assistant(demo_catalog, llm=None)
    conv = Conversation()
    assistant.ask("D1 retention in Brazil last week?", conv)
    answer = assistant.ask("and for Indonesia?", conv)
    [step] = answer.steps
    assert step.name == "retention" and step.args["countries"] == ["ID"]
    assert step.args["start"] == LAST_WEEK["start"]


@pytest.mark.parametrize("streaming", [True, False])
def test_llm_path_through_real_openai_client(demo_catalog, server, streaming):
    server.script = [
        tool_call("retention", {"countries": ["BR"], "days": [1], **LAST_WEEK}),
        say(lambda body: "D1 retention in Brazil: "
            + re.search(r"rate=([\d.]+%)", last_tool_content(body)).group(1)),
    ]
    answer = Assistant(demo_catalog, llm=llm_for(server, streaming=streaming)).ask(
        "What was D1 retention in Brazil last week?")
    # the model that really answered, not the settings' default name
    assert demo_catalog.settings.llm_model != "test-model"
    assert answer.backend == "test-model"
    assert [(s.name, s.args["countries"]) for s in answer.steps] == [("retention", ["BR"])]
    rate = answer.steps[0].result.rows[0]["rate"]
    assert answer.text == f"D1 retention in Brazil: {rate * 100:.1f}%"
    assert answer.unsupported == [] and answer.notices == []
    # the model saw only catalog tools (and the change explanation built on them), and the
    # tool result as a compact summary
    first = server.requests[0]
    assert {t["function"]["name"] for t in first["tools"]} == {
        *demo_catalog.registry.names(), "explain_change"}
    assert first.get("stream", False) is streaming
    assert len(server.requests[1]["messages"][-1]["content"]) < 2000


def test_llm_bad_arguments_come_back_as_allowed_values(demo_catalog, server):
    server.script = [
        tool_call("retention", {"group_by": "month"}),
        tool_call("retention", {"group_by": "week"}, call_id="call_2"),
        say("Done."),
    ]
    answer = Assistant(demo_catalog, llm=llm_for(server)).ask("retention by month")
    assert answer.steps[0].error and "allowed values are" in answer.steps[0].error
    assert answer.steps[1].result is not None
    error_msg = [m for m in server.requests[1]["messages"] if m["role"] == "tool"][0]
    assert "allowed values are none, day, week" in error_msg["content"]


def test_llm_invented_numbers_are_flagged(demo_catalog, server):
    server.script = [tool_call("usage_time", {}), say("People spend 987.6 minutes a day.")]
    answer = Assistant(demo_catalog, llm=llm_for(server)).ask("usage time?")
    assert answer.unsupported == ["987.6"]
    assert any("987.6" in n for n in answer.notices)


@pytest.mark.parametrize(
    "fault",
    [Fault(status=429), Fault(status=500), Fault(raw="not json at all"), Fault(delay_s=3)],
    ids=["rate-limited", "server-error", "malformed", "timeout"],
)
def test_llm_faults_fall_back_to_offline_planner(demo_catalog, server, fault):
    server.script = [fault]
    llm = llm_for(server, timeout=1.0)
    answer = Assistant(demo_catalog, llm=llm).ask("上周巴西的次日留存是多少？")
    assert answer.backend == OFFLINE_FALLBACK
    assert answer.notices and "离线" in answer.notices[0]
    assert answer.steps[0].name == "retention" and answer.steps[0].result is not None


def test_llm_endpoint_down_falls_back(demo_catalog):
    llm = ChatOpenAI(model="m", api_key="sk", base_url="http://127.0.0.1:9/v1", timeout=2,
                     max_retries=0, use_responses_api=False)
    answer = Assistant(demo_catalog, llm=llm).ask("When are users in Indonesia most active?")
    assert answer.backend == OFFLINE_FALLBACK and "offline planner" in answer.notices[0]
    assert answer.steps[0].name == "peak_hours"


def test_endless_tool_calls_stop_at_the_step_limit(demo_db, server):
    from assistant.metrics.catalog import Catalog

    catalog = Catalog(demo_db, settings=Settings(db_path=demo_db, agent_max_steps=2))
    server.script = [tool_call("usage_time", {}, call_id=f"c{i}") for i in range(10)]
    answer = Assistant(catalog, llm=llm_for(server)).ask("loop")
    assert "stopped after 2 steps" in answer.text
    assert len(server.requests) <= 3


def test_questions_too_long_or_empty_are_refused(demo_catalog):
    assistant = Assistant(demo_catalog, llm=None)
    assert "too long" in assistant.ask("x" * 5000).text
    assert "for example" in assistant.ask("  ").text  # no words to tell: English
    assert "太长" in assistant.ask("问" * 5000).text  # a Chinese question is refused in Chinese

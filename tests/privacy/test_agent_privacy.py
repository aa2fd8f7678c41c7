"""Through the agent: refusals and bad values as plain sentences in the question's language."""

from __future__ import annotations

import pytest
from langchain_openai import ChatOpenAI

from assistant.agent.graph import Assistant, Conversation
from tests.openai_server import ScriptedServer, last_tool_content, say, tool_call
from tests.privacy.world import NARROW, RANGE


@pytest.fixture
def server():
    srv = ScriptedServer().start()
    yield srv
    srv.stop()


def llm_for(server: ScriptedServer) -> ChatOpenAI:
    return ChatOpenAI(model="test-model", api_key="sk-test", base_url=server.base_url,
                      timeout=5.0, max_retries=0, use_responses_api=False)


def test_offline_filter_complement_is_refused_in_the_question_language(cat):
    assistant = Assistant(cat, llm=None)
    en = assistant.ask("DAU in Japan on iOS and Android from 2026-11-15 to 2026-11-21")
    [step] = en.steps
    assert step.result is None and "the rest of Japan" in step.error
    assert "the rest of Japan" in en.text and "Traceback" not in en.text
    zh = assistant.ask("2026-11-15 到 2026-11-21 日本 iOS 和安卓用户的日活")
    assert "日本中" in zh.steps[0].error and "不足 5 人" in zh.text


def test_hosted_model_out_of_range_value_gets_a_sentence_in_the_question_language(cat, server):
    server.script = [
        tool_call("latency_vs_activity", {"threshold_ms": 99999}),
        tool_call("latency_vs_activity", {"threshold_ms": 600}, call_id="call_2"),
        say("好的。"),
    ]
    answer = Assistant(cat, llm=llm_for(server)).ask("接通时间超过 99999 毫秒的通话回访率？")
    assert answer.language == "zh"
    error = answer.steps[0].error
    assert "threshold_ms" in error and "允许的范围是 100 到 5000" in error
    assert "Input should" not in error and "less than" not in error
    # the model read the same sentence
    assert "允许的范围是 100 到 5000" in last_tool_content(server.requests[1])
    assert answer.steps[1].result is not None


def test_hosted_model_narrowing_follow_up_is_refused(cat, server):
    server.script = [
        tool_call("active_users", RANGE), say("76 active users."),
        tool_call("active_users", NARROW, call_id="call_2"), say("Withheld."),
    ]
    assistant = Assistant(cat, llm=llm_for(server))
    conv = Conversation()
    first = assistant.ask("DAU from 2026-11-15 to 2026-11-21?", conv)
    assert first.steps[0].result.rows[0]["active_users"] == 79
    second = assistant.ask("and from 2026-11-15 to 2026-11-20?", conv)
    assert second.steps[0].result is None
    assert "differs from an earlier answer in this conversation" in second.steps[0].error
    assert "differs from an earlier answer" in last_tool_content(server.requests[3])
    # a new conversation has no earlier answer to compare with
    server.script = [tool_call("active_users", NARROW), say("Shown.")]
    assert assistant.ask("DAU from 2026-11-15 to 2026-11-20?").steps[0].result is not None

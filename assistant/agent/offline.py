"""The offline chat model: the built-in planner behind LangChain's chat-model interface.

It plugs into the same agent and the same tools as a hosted model: on a question it
answers with tool calls chosen by `planner.plan`; once the tools have answered it writes
the narrative from their results (`narrative.compose`). Deterministic, no network.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.agent import planner
from assistant.present import change_narrative

CHUNK_CHARS = 24  # streamed text arrives in small pieces, like a hosted model's


def _text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return " ".join(b.get("text", "") for b in content if isinstance(b, dict))


def _previous_call(history: Sequence[BaseMessage]) -> planner.ToolCall | None:
    """The last call of the conversation, with the figure its question asked for."""
    previous, question = None, ""
    for msg in history:
        if isinstance(msg, HumanMessage):
            question = _text(msg)
        elif isinstance(msg, AIMessage) and msg.tool_calls:
            call = msg.tool_calls[-1]
            focus = planner.question_focus(question, call["name"], previous)
            previous = planner.ToolCall(call["name"], dict(call["args"]), focus)
    return previous


class OfflineChatModel(BaseChatModel):
    """Deterministic, bilingual chat model that needs no key and no network."""

    latest_day: Callable[[], date]
    first_day: Callable[[], date | None] = lambda: None

    @property
    def _llm_type(self) -> str:
        return "offline-planner"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> OfflineChatModel:
        # The planner only emits calls to catalog metrics, which are exactly the tools.
        return self

    def respond(self, messages: Sequence[BaseMessage]) -> AIMessage:
        last_human = max(
            (i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=None
        )
        if last_human is None:
            return AIMessage(content="")
        question = _text(messages[last_human])
        language = planner.detect_language(question)
        after = messages[last_human + 1 :]
        tool_messages = [m for m in after if isinstance(m, ToolMessage)]
        if tool_messages:
            return AIMessage(content=change_narrative.compose(tool_messages, language, question))
        plan = planner.plan(
            question, latest_day=self.latest_day(), previous=_previous_call(messages[:last_human]),
            first_day=self.first_day(),
        )
        if not plan.calls:
            # Clarifying choices ride along with the reply (graph.Answer.choices shows them).
            choices = [{"label": c.label, "question": c.question} for c in plan.choices]
            return AIMessage(content=plan.reply or "", additional_kwargs={"choices": choices})
        calls = [
            {"name": c.name, "args": c.args, "id": f"call_{last_human}_{i}", "type": "tool_call"}
            for i, c in enumerate(plan.calls)
        ]
        return AIMessage(content="", tool_calls=calls)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.respond(messages))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        reply = self.respond(messages)
        if reply.tool_calls:
            chunks = [
                {"name": c["name"], "args": json.dumps(c["args"], ensure_ascii=False),
                 "id": c["id"], "index": i, "type": "tool_call_chunk"}
                for i, c in enumerate(reply.tool_calls)
            ]
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=chunks))
            return
        text = _text(reply)
        for i in range(0, max(len(text), 1), CHUNK_CHARS):
            piece = text[i : i + CHUNK_CHARS]
            extra = reply.additional_kwargs if i + CHUNK_CHARS >= len(text) else {}
            chunk = ChatGenerationChunk(
                message=AIMessageChunk(content=piece, additional_kwargs=extra)
            )
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk

"""The agent: a question in, vetted tool calls, a grounded answer out — with or without an LLM.

Tools are generated from the metric registry, one structured tool per metric; nothing
else (no SQL, file or network tool) is ever given to the model. A hosted model is used
when a key is set; when it fails, the offline planner answers instead, with a notice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain.agents import create_agent
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    RemoveMessage,
    ToolMessage,
)
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import StructuredTool, ToolException
from langgraph.errors import GraphRecursionError
from pydantic import ValidationError

from assistant.agent import planner
from assistant.agent.offline import OfflineChatModel
from assistant.errors import UserError
from assistant.metrics import privacy
from assistant.metrics.catalog import Catalog, MetricResult
from assistant.metrics.change.result import ChangeResult
from assistant.metrics.change.tool import change_tool
from assistant.metrics.registry import Metric, _explain
from assistant.present import change_narrative, narrative
from assistant.prompts import render, text

log = logging.getLogger(__name__)

HISTORY_TURNS = 6  # what a follow-up needs, without growing the prompt forever
OFFLINE = "offline"  # Answer.backend when the built-in planner answers
OFFLINE_FALLBACK = "offline (fallback)"  # ... because the hosted model failed


def build_tools(catalog: Catalog, lang: str = "en") -> list[StructuredTool]:
    """One structured tool per vetted metric, and the change explanation built on them.

    `lang` is the language of the questions the tools serve: their refusals are in it.
    """
    return [*(_tool(catalog, m, lang) for m in catalog.registry), change_tool(catalog)]


def _tool(catalog: Catalog, metric: Metric, lang: str = "en") -> StructuredTool:
    def run(config: RunnableConfig, **kwargs: Any) -> tuple[str, MetricResult]:
        # the conversation the call belongs to, so a follow-up is checked against it
        conversation = (config.get("configurable") or {}).get("conversation")
        try:
            result = catalog.run(metric.name, kwargs)
            if conversation is not None:
                conversation.admit(result, catalog.settings.min_group_size)
        except privacy.Withheld as exc:
            raise ToolException(exc.render(lang)) from None
        except UserError as exc:
            raise ToolException(str(exc)) from None
        return result.summary(), result

    def bad_args(exc: ValidationError) -> str:
        # what the model reads and the person sees: a plain sentence in their language
        return _explain(metric, exc, lang)

    return StructuredTool.from_function(
        func=run,
        name=metric.name,
        description=f"{metric.title['en']}. {metric.description['en']} {planner.hint(metric.name)}",
        args_schema=metric.model,
        response_format="content_and_artifact",
        handle_tool_error=True,
        handle_validation_error=bad_args,
    )


def make_llm(catalog: Catalog) -> BaseChatModel | None:
    """The hosted chat model from settings, or None when no key is configured."""
    s = catalog.settings
    if not s.llm_enabled:
        return None
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=s.llm_model,
        api_key=s.openai_api_key,
        base_url=s.openai_base_url,
        timeout=s.llm_timeout_s,
        max_retries=s.llm_max_retries,
        temperature=0,
        use_responses_api=False,
    )


@dataclass
class ToolStep:
    """One tool call as the person sees it: metric, arguments, outcome, time taken."""

    name: str
    args: dict[str, Any]
    result: MetricResult | None = None
    error: str | None = None
    ms: float = 0.0


@dataclass
class Answer:
    text: str
    language: str
    backend: str
    steps: list[ToolStep] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    choices: list[planner.Choice] = field(default_factory=list)

    @property
    def results(self) -> list[MetricResult]:
        return [s.result for s in self.steps if s.result is not None]

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape of `assistant ask --json`."""
        return {
            "answer": self.text,
            "language": self.language,
            "backend": self.backend,
            "tool_calls": [{"name": s.name, "args": s.args} for s in self.steps],
            "results": [
                r.to_json() if (r := s.result) else {"metric": s.name, "error": s.error}
                for s in self.steps
            ],
            "notices": self.notices,
            "suggestions": self.suggestions,
            "choices": [{"label": c.label, "question": c.question} for c in self.choices],
        }


@dataclass
class Event:
    """What a streaming answer reports as it goes: kind is step, step_done, text or done."""

    kind: str
    step: ToolStep | None = None
    text: str = ""
    answer: Answer | None = None


class Conversation:
    """One person's chat: the messages a follow-up builds on, and who its answers counted."""

    def __init__(self) -> None:
        self.messages: list[BaseMessage] = []
        # every visible figure's population so far: a later answer must not differ from
        # one of them by a small group (Japan, then Japan without its few web users)
        self.populations: list[privacy.Population] = []

    def admit(self, result: MetricResult, min_size: int) -> None:
        """Keep a result's populations; raise Withheld if it would reveal a small group."""
        new = privacy.populations_of(result)
        privacy.check_follow_up(new, self.populations, min_size)
        self.populations += new

    def recent(self) -> list[BaseMessage]:
        starts = [i for i, m in enumerate(self.messages) if isinstance(m, HumanMessage)]
        if len(starts) <= HISTORY_TURNS:
            return list(self.messages)
        return self.messages[starts[-HISTORY_TURNS]:]


class Assistant:
    """Answers questions with the catalog's tools, by the hosted model or the offline planner."""

    def __init__(self, catalog: Catalog, llm: BaseChatModel | None = None) -> None:
        self.catalog = catalog
        self.tools = build_tools(catalog)
        self.offline = OfflineChatModel(
            latest_day=catalog.latest_day, first_day=lambda: catalog.data_range.first_day
        )
        planner.warm_up()  # the offline intent model trains in the background
        self.llm = llm if llm is not None else make_llm(catalog)
        self._graphs: dict[tuple[str, str], Any] = {}

    @property
    def backend(self) -> str:
        """The model that answers: the hosted model's own name, or "offline"."""
        if self.llm is None:
            return OFFLINE
        return str(getattr(self.llm, "model_name", None) or self.catalog.settings.llm_model)

    def system_prompt(self, lang: str) -> str:
        rng = self.catalog.data_range
        return render(
            f"system.{lang}.md",
            first_day=rng.first_day,
            latest_day=rng.latest_complete_day,
            min_group=self.catalog.settings.min_group_size,
        )

    def _graph(self, model: BaseChatModel, lang: str) -> Any:
        key = ("llm" if model is self.llm else "offline", lang)
        if key not in self._graphs:
            tools = self.tools if lang == "en" else build_tools(self.catalog, lang)
            self._graphs[key] = create_agent(
                model, tools, system_prompt=self.system_prompt(lang)
            )
        return self._graphs[key]

    def ask(self, question: str, conversation: Conversation | None = None) -> Answer:
        answer = None
        for event in self.stream(question, conversation):
            if event.kind == "done":
                answer = event.answer
        assert answer is not None
        return answer

    def stream(self, question: str, conversation: Conversation | None = None) -> Iterator[Event]:
        """Answer step by step: tool steps as they start and finish, text as it is written.
        A question in Traditional Chinese gets its words back in Traditional characters."""
        events = self._stream(question, conversation)
        if not planner.is_traditional(question):
            yield from events
            return
        for event in events:
            event.text = planner.traditional(event.text)
            if event.answer is not None:
                _in_traditional(event.answer)
            yield event

    def _stream(self, question: str, conversation: Conversation | None) -> Iterator[Event]:
        conversation = conversation if conversation is not None else Conversation()
        lang = planner.detect_language(question)
        problem = self._check_question(question, lang)
        if problem:
            answer = Answer(problem, lang, self.backend)
            yield Event("text", text=problem)
            yield Event("done", answer=answer)
            return
        notices: list[str] = []
        backend = self.backend
        model: BaseChatModel = self.llm if self.llm is not None else self.offline
        try:
            new_messages, steps = yield from self._run(model, question, conversation, lang)
        except Exception as exc:  # the hosted model failed: the offline planner answers
            if model is self.offline:
                raise
            log.warning("LLM failed, using the offline planner: %r", exc)
            notices.append(text("llm_fallback", lang, reason=_reason(exc, lang)))
            yield Event("notice", text=notices[-1])
            backend = OFFLINE_FALLBACK
            new_messages, steps = yield from self._run(self.offline, question, conversation, lang)
        answer = self._answer(new_messages, steps, lang, backend, notices)
        conversation.messages += [HumanMessage(question), *new_messages]
        yield Event("done", answer=answer)

    def _check_question(self, question: str, lang: str) -> str | None:
        limit = self.catalog.settings.max_question_chars
        if not question.strip():
            return text("empty_question", lang, example=text("example_question", lang))
        if len(question) > limit:
            return text("too_long", lang, n=len(question), limit=limit)
        return None

    def _run(
        self, model: BaseChatModel, question: str, conversation: Conversation, lang: str
    ) -> Iterator[Event]:
        """Drive the graph; returns the new messages and the tool steps, timed."""
        graph = self._graph(model, lang)
        messages = [*conversation.recent(), HumanMessage(question)]
        steps_limit = self.catalog.settings.agent_max_steps
        produced: list[BaseMessage] = []
        steps: list[ToolStep] = []
        started: dict[str, tuple[ToolStep, float]] = {}
        seen: set[str] = {m.id for m in messages if m.id is not None}
        config = {"recursion_limit": 2 * steps_limit + 1,
                  "configurable": {"conversation": conversation}}
        try:
            for mode, chunk in graph.stream(
                {"messages": messages}, config=config, stream_mode=["updates", "messages"]
            ):
                if mode == "messages":
                    msg = chunk[0]
                    if isinstance(msg, AIMessageChunk) and isinstance(msg.content, str):
                        if msg.content and not msg.tool_call_chunks:
                            yield Event("text", text=msg.content)
                    continue
                for update in chunk.values():
                    for msg in (update or {}).get("messages", []):
                        # After a malformed tool call the agent rewrites the whole message
                        # list (a RemoveMessage, then everything again): count each once.
                        if isinstance(msg, RemoveMessage | HumanMessage) or (
                            msg.id is not None and msg.id in seen
                        ):
                            continue
                        if msg.id is not None:
                            seen.add(msg.id)
                        produced.append(msg)
                        if isinstance(msg, AIMessage):
                            for call in msg.tool_calls:
                                step = ToolStep(call["name"], dict(call["args"]))
                                steps.append(step)
                                started[call["id"]] = (step, time.perf_counter())
                                yield Event("step", step=step)
                            for bad in msg.invalid_tool_calls:  # arguments that are not JSON
                                step = ToolStep(str(bad.get("name") or "?"), {})
                                steps.append(step)
                                started[bad.get("id") or ""] = (step, time.perf_counter())
                                yield Event("step", step=step)
                        elif isinstance(msg, ToolMessage) and msg.tool_call_id in started:
                            step, t0 = started[msg.tool_call_id]
                            step.ms = (time.perf_counter() - t0) * 1000
                            if isinstance(msg.artifact, MetricResult | ChangeResult):
                                step.result = msg.artifact
                                step.args = msg.artifact.params
                            else:
                                step.error = str(msg.content)
                            yield Event("step_done", step=step)
        except GraphRecursionError:
            produced.append(AIMessage(text("step_limit", lang, steps=steps_limit)))
        return produced, steps

    def _answer(
        self,
        messages: list[BaseMessage],
        steps: list[ToolStep],
        lang: str,
        backend: str,
        notices: list[str],
    ) -> Answer:
        last = next(
            (m for m in reversed(messages)
             if isinstance(m, AIMessage) and not m.tool_calls and isinstance(m.content, str)),
            None,
        )
        final = str(last.content) if last is not None else ""
        # Segment labels come from the data: shown as text, never as markup or remote images.
        answer = Answer(privacy.inert_text(final), lang, backend, steps, notices)
        if last is not None and not steps and backend == "offline":
            # Only the offline planner offers choices; anything else there is ignored.
            picks = last.additional_kwargs.get("choices")
            answer.choices = [
                planner.Choice(str(c["label"]), str(c["question"]))
                for c in (picks if isinstance(picks, list) else [])
                if isinstance(c, dict) and {"label", "question"} <= c.keys()
            ]
        results = answer.results
        if backend not in (OFFLINE, OFFLINE_FALLBACK) and results:
            loose = narrative.unsupported_numbers(final, results)
            if loose:
                answer.unsupported = loose
                answer.notices.append(text("unchecked_numbers", lang, numbers=", ".join(loose)))
        for r in results[:1]:
            words = change_narrative if isinstance(r, ChangeResult) else narrative
            answer.suggestions = words.suggestions(r, lang)  # type: ignore[arg-type]
        return answer


def _in_traditional(answer: Answer) -> None:
    """The answer's words in Traditional characters (figures and tables stay as they are)."""
    answer.text = planner.traditional(answer.text)
    answer.notices = [planner.traditional(n) for n in answer.notices]
    answer.suggestions = [planner.traditional(s) for s in answer.suggestions]
    answer.choices = [planner.Choice(planner.traditional(c.label), c.question)
                      for c in answer.choices]


def _reason(exc: Exception, lang: str) -> str:
    """Why the hosted model failed, in words (prompts/messages.yaml), else the error's name."""
    key = {
        "APIConnectionError": "llm_unreachable",
        "APITimeoutError": "llm_timeout",
        "RateLimitError": "llm_rate_limited",
        "AuthenticationError": "llm_key_refused",
    }.get(type(exc).__name__)
    return text(key, lang) if key else type(exc).__name__

"""The Ask tab: the chat with visible tool steps and chips; beside it the answer panel."""

from __future__ import annotations

from collections.abc import Iterator

import gradio as gr

from assistant.agent.graph import Answer, Conversation
from assistant.errors import UserError
from assistant.prompts import text

from .answer import AnswerPanel
from .chat import answer_stream
from .state import App, session_key
from .text import ui_text

N_EXAMPLES = 6
N_SUGGESTIONS = 3
N_CHOICES = 4


class AskTab:
    """Builds the tab's components inside the current Blocks context and wires its events."""

    def __init__(self, app: App, lang0: str) -> None:
        self.app = app
        t = lambda key: ui_text(key, lang0)  # noqa: E731
        self.conv = gr.State(None)
        self.last_result = gr.State(None)
        self.picks = gr.State([])  # the full questions behind the latest choice buttons
        with gr.Row(elem_id="ask-row"):
            with gr.Column(scale=5, min_width=340, elem_id="chat-col"):
                self.chatbot = gr.Chatbot(
                    label=t("chat_label"), show_label=False, height=440,
                    placeholder=self.placeholder(lang0), feedback_options=None,
                    elem_id="chat", buttons=["copy"],
                )
                with gr.Row(equal_height=True):
                    self.question = gr.Textbox(
                        label=t("question_label"), show_label=False,
                        placeholder=t("question_placeholder"), max_lines=4, scale=5,
                        elem_id="question", autofocus=True,
                    )
                    self.send = gr.Button(t("send"), variant="primary", scale=1, min_width=70,
                                          elem_id="send")
                with gr.Row(elem_classes="chip-row"):
                    self.choices = [gr.Button("", size="sm", visible=False, variant="primary",
                                              elem_classes="choice") for _ in range(N_CHOICES)]
                self.sugg_label = gr.Markdown(t("suggestions_label"), visible=False)
                with gr.Row(elem_classes="chip-row"):
                    self.suggestions = [gr.Button("", size="sm", visible=False,
                                                  elem_classes="suggestion")
                                        for _ in range(N_SUGGESTIONS)]
            with gr.Column(scale=6, min_width=340, elem_id="result-col"):
                self.panel = AnswerPanel(app, lang0)
        self.ex_label = gr.Markdown(t("examples_label"))
        with gr.Row(elem_classes="chip-row"):
            self.examples = [gr.Button(q, size="sm", elem_classes="example")
                             for q in t("examples")[:N_EXAMPLES]]
        self.new_chat = gr.Button(t("new_chat"), size="sm", variant="secondary")
        with gr.Accordion(t("about_title"), open=False, elem_id="about") as self.about_box:
            self.about = gr.Markdown(t("about_body"))

    def placeholder(self, lang: str) -> str:
        return ui_text("chat_placeholder", lang) + "\n\n" + ui_text("app_subtitle", lang)

    def chips(self, answer: Answer | None) -> dict:
        tips = answer.suggestions[:N_SUGGESTIONS] if answer else []
        picks = list(getattr(answer, "choices", None) or [])[:N_CHOICES] if answer else []
        out: dict = {self.sugg_label: gr.update(visible=bool(tips)),
                     self.picks: [c.question for c in picks]}
        for i, b in enumerate(self.suggestions):
            out[b] = (gr.update(value=tips[i], visible=True) if i < len(tips)
                      else gr.update(visible=False))
        for i, b in enumerate(self.choices):
            # Choice(label, question): the button shows the label and asks the question.
            out[b] = (gr.update(value=picks[i].label, visible=True) if i < len(picks)
                      else gr.update(visible=False))
        return out

    def respond(self, q: str, history: list, conv: Conversation | None, ui_lang: str,
                compare: bool, request: gr.Request) -> Iterator[dict]:
        q = (q or "").strip()
        if not q:  # say what to do instead of an empty red error
            tip = text("empty_question", ui_lang, example=ui_text("examples", ui_lang)[0])
            yield {self.chatbot: [*(history or []), {"role": "assistant", "content": tip}]}
            return
        session = session_key(request)
        conv = conv if conv is not None else Conversation()
        # Clear the box and old chips once, at the start: later updates must not wipe what
        # the person is already typing next.
        first = {self.question: "", **self.chips(None)}
        for hist, finished, answer in answer_stream(self.app, q, history, conv):
            if not finished:
                yield {self.chatbot: hist, **first}
                first = {}
                continue
            out: dict = {self.chatbot: hist, self.conv: conv}
            if answer is not None:
                result = answer.results[0] if answer.results else None
                if result is not None:
                    try:
                        out.update(self.panel.show(result, ui_lang, session, compare))
                        out[self.last_result] = result
                    except UserError as exc:
                        hist.append({"role": "assistant", "content": str(exc)})
                out.update(self.chips(answer))
            yield out

    def reset(self, ui_lang: str) -> dict:
        return {self.chatbot: [], self.conv: None, self.last_result: None,
                **self.panel.show(None, ui_lang, ""), **self.chips(None)}

    def pick_choice(self, i: int):
        """Clicking a choice asks its full question (the button shows only its label)."""
        def run(picks: list, history: list, conv: Conversation | None, ui_lang: str,
                compare: bool, request: gr.Request) -> Iterator[dict]:
            question = picks[i] if i < len(picks or []) else ""
            yield from self.respond(question, history, conv, ui_lang, compare, request)
        return run

    def wire(self, lang: gr.State) -> None:
        chat_outputs = [self.chatbot, self.question, self.conv, self.last_result, self.picks,
                        self.sugg_label, *self.suggestions, *self.choices,
                        *self.panel.result_outputs]
        kwargs = {"outputs": chat_outputs, "api_visibility": "private",
                  "show_progress": "hidden", "trigger_mode": "always_last"}
        inputs = [self.chatbot, self.conv, lang, self.panel.compare]
        self.question.submit(self.respond, [self.question, *inputs], **kwargs)
        self.send.click(self.respond, [self.question, *inputs], **kwargs)
        for b in self.examples + self.suggestions:
            b.click(self.respond, [b, *inputs], **kwargs)
        for i, b in enumerate(self.choices):
            b.click(self.pick_choice(i), [self.picks, *inputs], **kwargs)
        self.new_chat.click(self.reset, [lang], chat_outputs, api_visibility="private")
        self.panel.wire(self.chatbot, self.conv, self.last_result, lang)

    def relabel(self, lang: str) -> dict:
        t = lambda key: ui_text(key, lang)  # noqa: E731
        out = {
            self.chatbot: gr.update(label=t("chat_label"), placeholder=self.placeholder(lang)),
            self.question: gr.update(label=t("question_label"),
                                     placeholder=t("question_placeholder")),
            self.send: gr.update(value=t("send")), self.new_chat: gr.update(value=t("new_chat")),
            self.sugg_label: gr.update(value=t("suggestions_label")),
            self.ex_label: t("examples_label"),
            self.about_box: gr.update(label=t("about_title")), self.about: t("about_body"),
            **self.panel.relabel(lang),
        }
        for b, q in zip(self.examples, t("examples"), strict=False):
            out[b] = gr.update(value=q)
        return out

"""The Ask tab: chat with visible tool steps; beside it the answer's figures, table and controls."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from typing import Any

import gradio as gr

from assistant.agent import planner
from assistant.agent.graph import Answer, Conversation
from assistant.errors import UserError
from assistant.metrics import privacy
from assistant.metrics.catalog import MetricResult
from assistant.prompts import text
from assistant.store import state as app_state

from . import edit as editing
from .periods import CUSTOM
from .render import (
    big_numbers_html,
    compare_html,
    localize_figure,
    placeholder_figure,
    result_frame,
    single_row,
    step_message,
    write_csv,
)
from .state import App, session_key
from .text import ui_text

log = logging.getLogger(__name__)

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
                self.bignum = gr.HTML("", visible=False, elem_id="bignum")
                self.plot = gr.Plot(placeholder_figure(lang0), elem_id="chart", show_label=False)
                self.table = gr.Dataframe(label=t("table_label"), interactive=False,
                                          max_height=260, wrap=True, elem_id="table",
                                          visible=False)
                self.compare_view = gr.HTML("", visible=False, elem_id="compare")
                with gr.Group(visible=False, elem_id="edit") as self.edit_box:
                    with gr.Row():
                        self.period = gr.Dropdown(editing.period_choices(lang0),
                                                  label=t("edit_period"), elem_id="period",
                                                  min_width=150)
                        self.start = gr.Textbox(label=t("edit_start"), elem_id="start",
                                                min_width=110, max_lines=1)
                        self.end = gr.Textbox(label=t("edit_end"), elem_id="end",
                                              min_width=110, max_lines=1)
                    with gr.Row():
                        self.markets = gr.Dropdown(editing.market_choices(lang0), multiselect=True,
                                                   label=t("edit_markets"), elem_id="markets",
                                                   min_width=200)
                        self.breakdown = gr.Dropdown([], label=t("edit_breakdown"),
                                                     elem_id="breakdown", min_width=140)
                    with gr.Row():
                        self.platforms = gr.CheckboxGroup(editing.platform_choices(lang0),
                                                          label=t("edit_platforms"),
                                                          elem_id="platforms")
                        self.compare = gr.Checkbox(False, label=t("edit_compare"),
                                                   elem_id="compare-toggle")
                    with gr.Row(equal_height=True):
                        self.board_name = gr.Dropdown(app_state.board_names(app.db_path),
                                                      value=t("board_default"),
                                                      allow_custom_value=True,
                                                      label=t("pin_board"), elem_id="pin-board",
                                                      scale=3)
                        self.pin = gr.Button(t("pin"), elem_id="pin", scale=1, min_width=80)
                    self.pin_status = gr.Markdown("", elem_id="pin-status")
                with gr.Row():
                    self.csv_btn = gr.DownloadButton(t("download_csv"), size="sm", visible=False,
                                                     elem_id="dl-csv")
                    self.html_btn = gr.DownloadButton(t("download_chart"), size="sm",
                                                      visible=False, elem_id="dl-chart")
        self.ex_label = gr.Markdown(t("examples_label"))
        with gr.Row(elem_classes="chip-row"):
            self.examples = [gr.Button(q, size="sm", elem_classes="example")
                             for q in t("examples")[:N_EXAMPLES]]
        self.new_chat = gr.Button(t("new_chat"), size="sm", variant="secondary")
        with gr.Accordion(t("about_title"), open=False, elem_id="about") as self.about_box:
            self.about = gr.Markdown(t("about_body"))

    # ----- what an answer shows --------------------------------------------------------------

    def placeholder(self, lang: str) -> str:
        return ui_text("chat_placeholder", lang) + "\n\n" + ui_text("app_subtitle", lang)

    @property
    def result_outputs(self) -> list:
        return [self.bignum, self.plot, self.table, self.compare_view, self.csv_btn,
                self.html_btn, self.edit_box, self.period, self.start, self.end, self.markets,
                self.platforms, self.breakdown]

    def latest(self) -> date | None:
        try:
            return self.app.catalog.data_range.latest_complete_day
        except UserError:
            return None

    def show(self, result: MetricResult | None, lang: str, session: str,
             compare: bool = False) -> dict:
        """Figures, chart, table, comparison, downloads and controls of one result."""
        if result is None:
            return {self.bignum: gr.update(visible=False),
                    self.plot: gr.update(value=placeholder_figure(lang), visible=True),
                    self.table: gr.update(value=None, visible=False),
                    self.compare_view: gr.update(visible=False),
                    self.csv_btn: gr.update(visible=False),
                    self.html_btn: gr.update(visible=False),
                    self.edit_box: gr.update(visible=False)}
        single = single_row(result) is not None
        previous = None
        if single or compare:
            with self.app.gate.reading(lang):
                previous = editing.previous_period(self.app.catalog, result)
        label = ui_text("table_title", lang, title=result.metric.title[lang],
                        start=result.params.get("start"), end=result.params.get("end"))
        if result.suppressed:
            label += " · " + ui_text("table_hidden", lang, n=result.suppressed)
        folder = self.app.folder("answers", session, fresh=True)
        stem = f"{result.metric.name}_{result.params.get('start')}_{result.params.get('end')}"
        csv_path = write_csv(result, lang, folder / f"{stem}.csv")
        fig = None if single else result.figure(lang)
        html_path = None
        if fig is not None:
            fig = localize_figure(fig, result, lang)
            html_path = folder / f"{stem}.html"
            # Self-contained: the chart must open where CDNs are blocked.
            html_path.write_text(fig.to_html(include_plotlyjs=True, full_html=True),
                                 encoding="utf-8")
        values = editing.edit_of(result, self.latest())
        return {
            self.bignum: gr.update(value=big_numbers_html(result, previous, lang) if single
                                   else "", visible=single),
            self.plot: gr.update(value=fig, visible=fig is not None),
            self.table: gr.update(value=result_frame(result, lang), label=label, visible=True),
            self.compare_view: gr.update(
                value=compare_html(result, previous, lang) if compare and previous else "",
                visible=bool(compare and previous)),
            self.csv_btn: gr.update(value=str(csv_path), label=ui_text("download_csv", lang),
                                    visible=True),
            self.html_btn: gr.update(value=str(html_path) if html_path else None,
                                     label=ui_text("download_chart", lang),
                                     visible=html_path is not None),
            self.edit_box: gr.update(visible=True),
            self.period: gr.update(choices=editing.period_choices(lang), value=values.period),
            self.start: gr.update(value=values.start or ""),
            self.end: gr.update(value=values.end or ""),
            self.markets: gr.update(choices=editing.market_choices(lang), value=values.markets),
            self.platforms: gr.update(choices=editing.platform_choices(lang),
                                      value=values.platforms),
            self.breakdown: gr.update(choices=editing.breakdown_choices(result, lang),
                                      value=values.breakdown,
                                      visible="group_by" in result.metric.params),
        }

    def chips(self, answer: Answer | None) -> dict:
        tips = answer.suggestions[:N_SUGGESTIONS] if answer else []
        picks = list(getattr(answer, "choices", None) or [])[:N_CHOICES] if answer else []
        out: dict = {self.sugg_label: gr.update(visible=bool(tips))}
        for i, b in enumerate(self.suggestions):
            out[b] = (gr.update(value=tips[i], visible=True) if i < len(tips)
                      else gr.update(visible=False))
        for i, b in enumerate(self.choices):
            # Choice(label, question): the button shows the label and asks the question.
            out[b] = (gr.update(value=picks[i].label, visible=True) if i < len(picks)
                      else gr.update(visible=False))
        return out

    # ----- the chat --------------------------------------------------------------------------

    def answer_stream(self, question: str, history: list, conv: Conversation
                      ) -> Iterator[tuple[list, bool, Answer | None]]:
        """(history, finished, answer): the chat as it grows; last, finished (answer or None)."""
        history = list(history or [])
        q_lang = planner.detect_language(question)
        history.append({"role": "user", "content": question})
        yield history, False, None
        rows: dict[int, int] = {}  # step -> its message in the history
        text_row: int | None = None
        streamed = ""
        shown: set[str] = set()
        answer: Answer | None = None
        try:
            with self.app.gate.reading(q_lang):
                for ev in self.app.assistant.stream(question, conv):
                    if ev.kind in ("step", "step_done") and ev.step is not None:
                        key = id(ev.step)
                        if key not in rows:
                            rows[key] = len(history)
                            history.append({})
                        title = self.app.title(ev.step.name, q_lang)
                        history[rows[key]] = step_message(ev.step, title, q_lang, len(rows))
                    elif ev.kind == "notice":
                        shown.add(ev.text)
                        history.append({"role": "assistant", "content": f"*{ev.text}*"})
                    elif ev.kind == "text" and ev.text:
                        if text_row is None:
                            text_row = len(history)
                            history.append({"role": "assistant", "content": ""})
                        streamed += ev.text  # made inert as a whole: a tag may span chunks
                        history[text_row] = {"role": "assistant",
                                             "content": privacy.inert_text(streamed)}
                    elif ev.kind == "done" and ev.answer is not None:
                        answer = ev.answer
                        if answer.text:
                            final = {"role": "assistant", "content": answer.text}
                            if text_row is None:
                                history.append(final)
                            else:
                                history[text_row] = final
                        for notice in answer.notices:
                            if notice not in shown:
                                history.append({"role": "assistant", "content": f"*{notice}*"})
                    if ev.kind != "done":
                        yield history, False, None
        except UserError as exc:
            log.info("question not answered: %s", exc)
            history.append({"role": "assistant", "content": str(exc)})
        except Exception:
            log.exception("answering %r failed", question)
            history.append({"role": "assistant", "content": ui_text("error_generic", q_lang)})
        for i in rows.values():  # pending steps of a failed answer must not spin forever
            meta = history[i].get("metadata") or {}
            if meta.get("status") == "pending":
                history[i] = {**history[i], "metadata": {**meta, "status": "done"}}
        yield history, True, answer

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
        for hist, finished, answer in self.answer_stream(q, history, conv):
            if not finished:
                yield {self.chatbot: hist, **first}
                first = {}
                continue
            out: dict = {self.chatbot: hist, self.conv: conv}
            if answer is not None:
                result = answer.results[0] if answer.results else None
                if result is not None:
                    try:
                        out.update(self.show(result, ui_lang, session, compare))
                        out[self.last_result] = result
                    except UserError as exc:
                        hist.append({"role": "assistant", "content": str(exc)})
                out.update(self.chips(answer))
                out[self.picks] = [c.question for c in getattr(answer, "choices", None) or []]
            yield out

    def apply_edit(self, period: str | None, start: str, end: str, markets: list, platforms: list,
                   breakdown: str | None, compare: bool, history: list,
                   conv: Conversation | None, result: MetricResult | None, ui_lang: str,
                   request: gr.Request) -> dict:
        """Run the same metric with the controls' values; the chat records it as a follow-up."""
        history = list(history or [])
        if result is None:
            return {self.chatbot: history}
        conv = conv if conv is not None else Conversation()
        change = editing.Edit(period or CUSTOM, (start or "").strip() or None,
                              (end or "").strip() or None, list(markets or []),
                              list(platforms or []), breakdown)
        try:
            with self.app.gate.reading(ui_lang):
                args = editing.args_for(result, change, self.app.catalog.latest_day())
                new = self.app.catalog.run(result.metric.name, args)
            note = editing.describe(new, ui_lang)
            answer = editing.narrate(new, ui_lang)
            editing.record(conv, new, note, answer)
            history += [{"role": "user", "content": note},
                        {"role": "assistant", "content": answer}]
            out = {self.chatbot: history, self.conv: conv, self.last_result: new,
                   **self.show(new, ui_lang, session_key(request), compare)}
            return out
        except UserError as exc:
            history.append({"role": "assistant", "content": str(exc)})
            return {self.chatbot: history}

    def pin_item(self, board: str | None, result: MetricResult | None, period: str | None,
                 ui_lang: str) -> dict:
        board = (board or "").strip()[:60]
        if result is None or not board:
            return {self.pin_status: ui_text("pin_nothing", ui_lang)}
        args = {k: v for k, v in result.params.items() if k in result.metric.params}
        item = {"metric": result.metric.name, "args": args, "period": period or CUSTOM}
        n = app_state.add_board_item(self.app.db_path, board, item)
        names = app_state.board_names(self.app.db_path)
        return {self.pin_status: ui_text("pinned", ui_lang, board=board, n=n,
                                         link=board_link(board)),
                self.board_name: gr.update(choices=names, value=board)}

    def reset(self, ui_lang: str) -> dict:
        return {self.chatbot: [], self.conv: None, self.last_result: None, self.picks: [],
                **self.show(None, ui_lang, ""), **self.chips(None)}

    def wire(self, lang: gr.State) -> None:
        chat_outputs = [self.chatbot, self.question, self.conv, self.last_result, self.picks,
                        self.sugg_label,
                        *self.suggestions, *self.choices, *self.result_outputs]
        kwargs = {"outputs": chat_outputs, "api_visibility": "private",
                  "show_progress": "hidden", "trigger_mode": "always_last"}
        inputs = [self.chatbot, self.conv, lang, self.compare]
        self.question.submit(self.respond, [self.question, *inputs], **kwargs)
        self.send.click(self.respond, [self.question, *inputs], **kwargs)
        for b in self.examples + self.suggestions:
            b.click(self.respond, [b, *inputs], **kwargs)
        for i, b in enumerate(self.choices):
            b.click(self.pick_choice(i), [self.picks, *inputs], **kwargs)
        self.new_chat.click(self.reset, [lang], chat_outputs, api_visibility="private")
        edit_inputs = [self.period, self.start, self.end, self.markets, self.platforms,
                       self.breakdown, self.compare, self.chatbot, self.conv, self.last_result,
                       lang]
        edit_kwargs = {"outputs": [self.chatbot, self.conv, self.last_result,
                                   *self.result_outputs],
                       "api_visibility": "private", "show_progress": "minimal",
                       "trigger_mode": "always_last"}
        for control in (self.period, self.markets, self.platforms, self.breakdown):
            control.input(self.apply_edit, edit_inputs, **edit_kwargs)
        for box in (self.start, self.end):
            box.submit(self.custom_dates, edit_inputs, **edit_kwargs)
        self.compare.input(
            self.toggle_compare, [self.compare, self.last_result, lang], self.result_outputs,
            api_visibility="private", show_progress="minimal")
        self.pin.click(self.pin_item, [self.board_name, self.last_result, self.period, lang],
                       [self.pin_status, self.board_name], api_visibility="private")

    def toggle_compare(self, compare: bool, result: MetricResult | None, ui_lang: str,
                       request: gr.Request) -> dict:
        if result is None:
            return {}
        return self.show(result, ui_lang, session_key(request), compare)

    def custom_dates(self, period: str | None, *rest: Any) -> dict:
        return self.apply_edit(CUSTOM, *rest)

    def pick_choice(self, i: int):
        """Clicking a choice asks its full question (the button shows only its label)."""
        def run(picks: list, history: list, conv: Conversation | None, ui_lang: str,
                compare: bool, request: gr.Request) -> Iterator[dict]:
            question = picks[i] if i < len(picks or []) else ""
            yield from self.respond(question, history, conv, ui_lang, compare, request)
        return run

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
            self.compare: gr.update(label=t("edit_compare")),
            self.board_name: gr.update(label=t("pin_board")),
            self.pin: gr.update(value=t("pin")),
            self.period: gr.update(label=t("edit_period"), choices=editing.period_choices(lang)),
            self.start: gr.update(label=t("edit_start")), self.end: gr.update(label=t("edit_end")),
            self.markets: gr.update(label=t("edit_markets"),
                                    choices=editing.market_choices(lang)),
            self.platforms: gr.update(label=t("edit_platforms"),
                                      choices=editing.platform_choices(lang)),
            self.breakdown: gr.update(label=t("edit_breakdown")),
        }
        for b, q in zip(self.examples, t("examples"), strict=False):
            out[b] = gr.update(value=q)
        return out


def board_link(board: str) -> str:
    from urllib.parse import quote

    return f"?board={quote(board)}"

"""The answer panel of the Ask tab: big numbers or chart, table, comparison, and the controls.

The controls (period, markets, platforms, breakdown, compare) re-run the same vetted metric
with new parameters, no model involved; "Pin" adds the answer to a board.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

import gradio as gr

from assistant.agent.graph import Conversation
from assistant.errors import UserError
from assistant.metrics.catalog import MetricResult
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
    write_csv,
)
from .state import App, session_key
from .text import ui_text


class AnswerPanel:
    """Built inside the result column; `wire` needs the chat's components and states."""

    def __init__(self, app: App, lang0: str) -> None:
        self.app = app
        t = lambda key: ui_text(key, lang0)  # noqa: E731
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
        previous = compared = None
        if single or compare:
            with self.app.gate.reading(lang):
                # A trend is compared as two totals: its days or weeks do not pair up.
                compared = editing.unsplit(self.app.catalog, result) if compare else result
                previous = editing.previous_period(self.app.catalog, compared)
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
        out = {
            self.bignum: gr.update(value=big_numbers_html(result, previous, lang) if single
                                   else "", visible=single),
            self.plot: gr.update(value=fig, visible=fig is not None),
            self.table: gr.update(value=result_frame(result, lang), label=label, visible=True),
            self.compare_view: gr.update(
                value=compare_html(compared, previous, lang) if compare and previous else "",
                visible=bool(compare and previous)),
            self.csv_btn: gr.update(value=str(csv_path), label=ui_text("download_csv", lang),
                                    visible=True),
            self.html_btn: gr.update(value=str(html_path) if html_path else None,
                                     label=ui_text("download_chart", lang),
                                     visible=html_path is not None),
        }
        if not isinstance(result, MetricResult):  # an explained change: nothing to re-run
            return {**out, self.edit_box: gr.update(visible=False)}
        values = editing.edit_of(result, self.latest())
        return {
            **out,
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

    def wire(self, chatbot: gr.Chatbot, conv: gr.State, last_result: gr.State,
             lang: gr.State) -> None:
        self.chatbot, self.conv, self.last_result = chatbot, conv, last_result
        edit_inputs = [self.period, self.start, self.end, self.markets, self.platforms,
                       self.breakdown, self.compare, chatbot, conv, last_result, lang]
        edit_kwargs = {"outputs": [chatbot, conv, last_result, *self.result_outputs],
                       "api_visibility": "private", "show_progress": "minimal",
                       "trigger_mode": "always_last"}
        for control in (self.period, self.markets, self.platforms, self.breakdown):
            control.input(self.apply_edit, edit_inputs, **edit_kwargs)
        for box in (self.start, self.end):
            box.submit(self.custom_dates, edit_inputs, **edit_kwargs)
        self.compare.input(
            self.toggle_compare, [self.compare, last_result, lang], self.result_outputs,
            api_visibility="private", show_progress="minimal")
        self.pin.click(self.pin_item, [self.board_name, last_result, self.period, lang],
                       [self.pin_status, self.board_name], api_visibility="private")

    def toggle_compare(self, compare: bool, result: MetricResult | None, ui_lang: str,
                       request: gr.Request) -> dict:
        if result is None:
            return {}
        return self.show(result, ui_lang, session_key(request), compare)

    def custom_dates(self, period: str | None, *rest: Any) -> dict:
        return self.apply_edit(CUSTOM, *rest)

    def relabel(self, lang: str) -> dict:
        t = lambda key: ui_text(key, lang)  # noqa: E731
        return {
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


def board_link(board: str) -> str:
    return f"?board={quote(board)}"

"""The Board tab: pinned answers laid out as cards, re-run on the latest data whenever opened.

Boards are shared by name and kept in the state file beside the database, so they survive
restarts and data reloads; a link `?board=NAME` opens one directly; a board exports as one
self-contained HTML page (plotly.js inlined once, nothing fetched from the network).
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import gradio as gr
from plotly.offline import get_plotlyjs

from assistant.errors import UserError
from assistant.metrics.catalog import MetricResult
from assistant.store import state as app_state

from . import edit as editing
from .periods import PRESETS, preset_range
from .render import big_numbers_html, localize_figure, result_frame, single_row
from .state import App, session_key
from .text import ui_text

log = logging.getLogger(__name__)

PAGE_CSS = """
body { font-family: system-ui, 'Noto Sans CJK SC', sans-serif; margin: 24px; color: #0f172a; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 16px; }
.card { border: 1px solid #e2e8f0; border-radius: 10px; padding: 12px 16px; overflow-x: auto; }
.card h3 { margin: 0 0 6px; font-size: 1.05em; }
.card .period { color: #64748b; font-size: 0.9em; margin-bottom: 8px; }
.card table { border-collapse: collapse; font-size: 0.9em; }
.card td, .card th { border-bottom: 1px solid #e2e8f0; padding: 3px 8px; text-align: left; }
.bn-row { display: flex; flex-wrap: wrap; gap: 12px; }
.bn-card { min-width: 130px; }
.bn-label { color: #475569; font-size: 0.85em; }
.bn-value { font-size: 2em; font-weight: 650; }
.bn-change.up { color: #15803d; } .bn-change.down { color: #b91c1c; }
.bn-change span { color: #64748b; font-size: 0.85em; }
.bn-title { display: none; }
"""


@dataclass
class Card:
    result: MetricResult | None
    html: str


def run_item(app: App, item: dict[str, Any], lang: str) -> Card:
    """One pinned item on today's data: a preset period is counted back from the latest day."""
    try:
        args = dict(item.get("args") or {})
        metric = app.catalog.registry.get(item["metric"])
        if item.get("period") in PRESETS and "start" in metric.params:
            start, end = preset_range(item["period"], app.catalog.latest_day())
            args["start"], args["end"] = start.isoformat(), end.isoformat()
        result = app.catalog.run(metric.name, args)
        previous = editing.previous_period(app.catalog, result) if single_row(result) else None
    except UserError as exc:
        body = f"<p>{html.escape(str(exc))}</p>"
        return Card(None, f"<div class='card'><h3>{html.escape(item.get('metric', '?'))}</h3>"
                          f"{body}</div>")
    period = ui_text("period_text", lang, start=result.params.get("start"),
                     end=result.params.get("end"))
    if single_row(result):
        body = big_numbers_html(result, previous, lang)
    else:
        body = result_frame(result, lang).head(8).to_html(index=False, escape=True, border=0)
    return Card(result, f"<div class='card'><h3>{html.escape(result.metric.title[lang])}</h3>"
                        f"<div class='period'>{html.escape(period)}</div>{body}</div>")


def export_page(board: str, cards: list[Card], lang: str, path: Path) -> Path:
    """One HTML file: the cards with their charts; plotly.js inlined once."""
    parts = []
    for i, card in enumerate(cards):
        chart = ""
        if card.result is not None and not single_row(card.result):
            fig = card.result.figure(lang)
            if fig is not None:
                fig = localize_figure(fig, card.result, lang)
                chart = fig.to_html(include_plotlyjs=False, full_html=False,
                                    div_id=f"chart-{i}", config={"displaylogo": False})
        parts.append(card.html.removesuffix("</div>") + chart + "</div>")
    title = html.escape(ui_text("board_page_title", lang, board=board))
    page = (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
            f"<title>{title}</title><style>{PAGE_CSS}</style>"
            f"<script>{get_plotlyjs()}</script></head><body><h1>{title}</h1>"
            f"<p>{html.escape(ui_text('board_page_note', lang, day=date.today()))}</p>"
            f"<div class='cards'>{''.join(parts)}</div></body></html>")
    path.write_text(page, encoding="utf-8")
    return path


class BoardTab:
    def __init__(self, app: App, lang0: str) -> None:
        self.app = app
        t = lambda key: ui_text(key, lang0)  # noqa: E731
        names = app_state.board_names(app.db_path)
        self.intro = gr.Markdown(t("board_intro"))
        with gr.Row(equal_height=True):
            self.select = gr.Dropdown(names, value=names[0] if names else None,
                                      label=t("board_pick"), elem_id="board-select", scale=3)
            self.open = gr.Button(t("board_open"), variant="primary", elem_id="board-open",
                                  scale=1, min_width=90)
            self.export = gr.DownloadButton(t("board_export"), elem_id="board-export",
                                            interactive=False, scale=1, min_width=90)
        self.link = gr.Markdown("", elem_id="board-link")
        self.cards = gr.HTML("", elem_id="board-cards")
        with gr.Row(equal_height=True):
            self.item = gr.Dropdown([], label=t("board_item"), elem_id="board-item", scale=3)
            self.up = gr.Button(t("board_up"), size="sm", elem_id="board-up", min_width=60)
            self.down = gr.Button(t("board_down"), size="sm", elem_id="board-down",
                                  min_width=60)
            self.remove = gr.Button(t("board_remove"), size="sm", variant="stop",
                                    elem_id="board-remove", min_width=60)

    @property
    def outputs(self) -> list:
        return [self.select, self.link, self.cards, self.item, self.export]

    def render(self, board: str | None, lang: str, session: str) -> dict:
        names = app_state.board_names(self.app.db_path)
        if not board or board not in names:
            return {self.select: gr.update(choices=names, value=None),
                    self.link: ui_text("board_none", lang), self.cards: "",
                    self.item: gr.update(choices=[], value=None),
                    self.export: gr.update(value=None, interactive=False)}
        items = app_state.board_items(self.app.db_path, board)
        with self.app.gate.reading(lang):
            cards = [run_item(self.app, item, lang) for item in items]
        safe = re.sub(r"[^\w-]+", "_", board)[:40] or "board"
        path = export_page(board, cards, lang,
                           self.app.folder("boards", session, fresh=True) / f"{safe}.html")
        titles = [(f"{i + 1}. {self.app.title(it['metric'], lang)}", i)
                  for i, it in enumerate(items)]
        return {
            self.select: gr.update(choices=names, value=board),
            self.link: ui_text("board_link", lang, link=f"?board={quote(board)}", board=board),
            self.cards: f"<div class='cards'>{''.join(c.html for c in cards)}</div>",
            self.item: gr.update(choices=titles, value=None),
            self.export: gr.update(value=str(path), interactive=True),
        }

    def change(self, board: str | None, index: int | None, step: int, lang: str,
               session: str) -> dict:
        """Move an item up (-1) or down (+1), or remove it (0)."""
        if board and index is not None:
            items = app_state.board_items(self.app.db_path, board)
            if 0 <= index < len(items):
                if step == 0:
                    items.pop(index)
                else:
                    j = min(max(index + step, 0), len(items) - 1)
                    items[index], items[j] = items[j], items[index]
                app_state.save_board(self.app.db_path, board, items)
        return self.render(board, lang, session)

    def wire(self, lang: gr.State) -> None:
        def show(board: str | None, ui_lang: str, request: gr.Request) -> dict:
            return self.render(board, ui_lang, session_key(request))

        kwargs = {"api_visibility": "private"}
        self.open.click(show, [self.select, lang], self.outputs, **kwargs)
        self.select.input(show, [self.select, lang], self.outputs, **kwargs)
        for button, step in ((self.up, -1), (self.down, 1), (self.remove, 0)):
            def moved(board, index, ui_lang, request: gr.Request, step=step) -> dict:
                return self.change(board, index, step, ui_lang, session_key(request))
            button.click(moved, [self.select, self.item, lang], self.outputs, **kwargs)

    def relabel(self, lang: str) -> dict:
        t = lambda key: ui_text(key, lang)  # noqa: E731
        return {self.intro: t("board_intro"), self.select: gr.update(label=t("board_pick")),
                self.open: gr.update(value=t("board_open")),
                self.export: gr.update(label=t("board_export")),
                self.item: gr.update(label=t("board_item")),
                self.up: gr.update(value=t("board_up")),
                self.down: gr.update(value=t("board_down")),
                self.remove: gr.update(value=t("board_remove"))}

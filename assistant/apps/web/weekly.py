"""The Weekly tab: a shareable summary of one ISO week against the week before."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import gradio as gr

from assistant.errors import UserError
from assistant.present import report

from .periods import iso_weeks
from .state import App, session_key
from .text import ui_text

log = logging.getLogger(__name__)


class WeeklyTab:
    def __init__(self, app: App, lang0: str) -> None:
        self.app = app
        t = lambda key: ui_text(key, lang0)  # noqa: E731
        self.intro = gr.Markdown(t("weekly_intro"))
        choices = self.week_choices(lang0)
        with gr.Row(equal_height=True):
            self.week = gr.Dropdown(choices, value=choices[0][1] if choices else None,
                                    label=t("weekly_week"), scale=3, elem_id="week")
            self.file_fmt = gr.Radio([("HTML", "html"), ("Markdown", "md")], value="html",
                                     label=t("weekly_format"), scale=2)
            self.build = gr.Button(t("weekly_render"), variant="primary", scale=1,
                                   elem_id="weekly-build")
            self.download = gr.DownloadButton(t("weekly_download"), interactive=False, scale=1,
                                              elem_id="weekly-download")
        self.view = gr.Markdown(t("weekly_pick"), elem_id="weekly-view")

    def week_choices(self, lang: str) -> list[tuple[str, str]]:
        try:
            rng = self.app.catalog.data_range
        except UserError:
            return []
        return [
            (ui_text("weekly_week_choice", lang, week=w, start=m, end=m + timedelta(days=6)), w)
            for w, m in iso_weeks(rng.first_day, rng.latest_complete_day)
        ]

    def week_update(self, lang: str) -> Any:
        choices = self.week_choices(lang)
        return gr.update(choices=choices, value=choices[0][1] if choices else None,
                         label=ui_text("weekly_week", lang))

    def render(self, week: str | None, file_fmt: str, lang: str, session: str) -> tuple[str, Any]:
        """Preview (Markdown) and the downloadable file of one week's summary."""
        if not week:
            return ui_text("weekly_none", lang), gr.update(value=None, interactive=False)
        try:
            with self.app.gate.reading(lang):
                facts = report.collect(self.app.catalog, week, lang)
                preview = report.render(facts, "md")
                body = preview if file_fmt == "md" else report.render(facts, file_fmt)
        except UserError as exc:
            return str(exc), gr.update(value=None, interactive=False)
        except Exception:
            log.exception("weekly summary %s failed", week)
            return ui_text("error_generic", lang), gr.update(value=None, interactive=False)
        path = self.app.folder("weekly", session) / (
            f"weekly_{week}_{lang}.{'html' if file_fmt == 'html' else 'md'}")
        path.write_text(body, encoding="utf-8")
        return preview, gr.update(value=str(path), interactive=True)

    def wire(self, lang: gr.State) -> None:
        def run(w: str | None, f: str, ui_lang: str, request: gr.Request) -> tuple[str, Any]:
            return self.render(w, f, ui_lang, session_key(request))

        self.build.click(run, [self.week, self.file_fmt, lang], [self.view, self.download],
                         api_visibility="private")

    def relabel(self, lang: str) -> dict:
        t = lambda key: ui_text(key, lang)  # noqa: E731
        # A summary built in the other language is cleared rather than left half-translated.
        return {self.intro: t("weekly_intro"), self.week: self.week_update(lang),
                self.file_fmt: gr.update(label=t("weekly_format")),
                self.build: gr.update(value=t("weekly_render")),
                self.download: gr.update(label=t("weekly_download"), value=None,
                                         interactive=False),
                self.view: t("weekly_pick")}

"""The Weekly tab: a shareable summary of one ISO week against the week before."""

from __future__ import annotations

import html
import logging
from datetime import timedelta
from typing import Any

import gradio as gr

from assistant.errors import UserError
from assistant.present import digest, report

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
        with gr.Accordion(t("digest_title"), open=False) as self.digest_box:
            self.digest_intro = gr.Markdown(t("digest_intro"))
            with gr.Row(equal_height=True):
                self.digest_show = gr.Button(t("digest_preview"), elem_id="digest-preview")
                self.digest_to = gr.Dropdown(self.destinations(), multiselect=True,
                                             label=t("digest_to"), scale=3, elem_id="digest-to")
                self.digest_send = gr.Button(t("digest_send"), variant="primary",
                                             elem_id="digest-send")
            self.digest_result = gr.Markdown("", elem_id="digest-result")
            self.digest_frame = gr.HTML("", elem_id="digest-frame")

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

    def destinations(self) -> list[tuple[str, int]]:
        """The configured digest destinations, masked (scheme and host only), by number."""
        return [(label, i) for i, label in enumerate(digest.configured(self.app.settings), 1)]

    def digest_preview(self, week: str | None, lang: str) -> tuple[str, str]:
        """The digest exactly as the email will look, in a sandboxed frame."""
        if not week:
            return ui_text("weekly_none", lang), ""
        try:
            with self.app.gate.reading(lang):
                page = digest.preview(self.app.catalog, week, lang)
        except UserError as exc:
            return str(exc), ""
        except Exception:
            log.exception("digest preview %s failed", week)
            return ui_text("error_generic", lang), ""
        frame = (f'<iframe sandbox title="digest" srcdoc="{html.escape(page, quote=True)}" '
                 'style="width:100%;max-width:680px;height:900px;border:1px solid #ddd">'
                 "</iframe>")
        return "", frame

    def digest_send_now(self, week: str | None, picked: list[int] | None, lang: str) -> str:
        if not week:
            return ui_text("weekly_none", lang)
        if not picked:
            return ui_text("digest_pick", lang)
        try:
            with self.app.gate.reading(lang):
                sent = digest.send_now(self.app.catalog, week, pick=[int(i) for i in picked])
        except UserError as exc:
            return str(exc)
        except Exception:
            log.exception("digest send %s failed", week)
            return ui_text("error_generic", lang)
        return "\n".join(f"- {line}" for line in sent.lines())

    def wire(self, lang: gr.State) -> None:
        def run(w: str | None, f: str, ui_lang: str, request: gr.Request) -> tuple[str, Any]:
            return self.render(w, f, ui_lang, session_key(request))

        self.build.click(run, [self.week, self.file_fmt, lang], [self.view, self.download],
                         api_visibility="private")
        self.digest_show.click(self.digest_preview, [self.week, lang],
                               [self.digest_result, self.digest_frame], api_visibility="private")
        self.digest_send.click(self.digest_send_now, [self.week, self.digest_to, lang],
                               [self.digest_result], api_visibility="private")

    def relabel(self, lang: str) -> dict:
        t = lambda key: ui_text(key, lang)  # noqa: E731
        # A summary built in the other language is cleared rather than left half-translated.
        return {self.intro: t("weekly_intro"), self.week: self.week_update(lang),
                self.file_fmt: gr.update(label=t("weekly_format")),
                self.build: gr.update(value=t("weekly_render")),
                self.download: gr.update(label=t("weekly_download"), value=None,
                                         interactive=False),
                self.view: t("weekly_pick"),
                self.digest_box: gr.update(label=t("digest_title")),
                self.digest_intro: t("digest_intro"),
                self.digest_show: gr.update(value=t("digest_preview")),
                self.digest_to: gr.update(label=t("digest_to")),
                self.digest_send: gr.update(value=t("digest_send")),
                self.digest_result: "", self.digest_frame: ""}

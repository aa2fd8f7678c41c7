"""The web app's layout: header, five tabs, language switch, page-load refresh; and serving it.

Safe by default: binds to loopback, no share links, optional login, bounded question
length, upload size and concurrency, and people see plain messages, never tracebacks.
"""

from __future__ import annotations

import threading
from pathlib import Path

import gradio as gr

from assistant.config import Settings, get_settings
from assistant.errors import UserError
from assistant.store import state as app_state

from .ask import AskTab
from .board import BoardTab
from .data import DataTab
from .metrics import MetricsTab
from .state import App, session_key
from .text import LANGS, ui_text
from .weekly import WeeklyTab

THEME = gr.themes.Soft(
    primary_hue="blue",
    secondary_hue="slate",
    # Bundled and system fonts only: nothing is fetched from a font CDN.
    font=[gr.themes.LocalFont("IBM Plex Sans"), "Noto Sans CJK SC", "ui-sans-serif", "system-ui",
          "sans-serif"],
)
CSS = (Path(__file__).with_name("app.css")).read_text(encoding="utf-8")
# Gradio's own words ("Drop File Here" ...) follow the browser; this makes them follow the
# language switch: the page's i18n module is the one already loaded (same URL, same module).
LOCALE_JS = """(lang) => {
  const url = performance.getEntriesByType('resource').map(r => r.name)
    .find(n => /\\/core-[^/]*\\.js$/.test(n));
  if (url) import(url).then(m => {
    // a word its bundled translations lack (read out when an event ends), in both languages
    if (m.load_translations) m.load_translations({processed_langs: {}, custom_translations: {
      en: {common: {complete: 'Done'}}, 'zh-CN': {common: {complete: '完成'}}}});
    if (m.changeLocale) m.changeLocale(lang === 'zh' ? 'zh-CN' : 'en');
  });
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  return lang;
}"""


def build(app: App) -> gr.Blocks:
    lang0 = "en"
    with gr.Blocks(title=ui_text("page_title", lang0), analytics_enabled=False,
                   delete_cache=(3600, 3600)) as demo:
        lang = gr.State(lang0)
        with gr.Row(equal_height=True):
            with gr.Column(scale=5):
                title = gr.Markdown(ui_text("app_title", lang0))
            with gr.Column(scale=2, min_width=200):
                lang_radio = gr.Radio(LANGS, value=lang0, label=ui_text("language", lang0),
                                      container=False, elem_id="lang")
        status = gr.Markdown(app.status(lang0), elem_classes="status-line", elem_id="status")
        with gr.Tabs(elem_id="tabs") as tabs:
            with gr.Tab(ui_text("tab_ask", lang0), id="ask") as tab_ask:
                ask = AskTab(app, lang0)
            with gr.Tab(ui_text("tab_board", lang0), id="board") as tab_board:
                board = BoardTab(app, lang0)
            with gr.Tab(ui_text("tab_weekly", lang0), id="weekly") as tab_weekly:
                weekly = WeeklyTab(app, lang0)
            with gr.Tab(ui_text("tab_data", lang0), id="data") as tab_data:
                data = DataTab(app, lang0)
            with gr.Tab(ui_text("tab_metrics", lang0), id="metrics") as tab_metrics:
                metrics = MetricsTab(app.catalog.registry, lang0)
        # The named API for scripts and load tests: question in, answer text and JSON out.
        with gr.Row(visible=False):
            api_question = gr.Textbox(label="question")
            api_answer = gr.Textbox(label="answer")
            api_json = gr.JSON(label="result")
            api_button = gr.Button()
        api_button.click(app.ask_api, [api_question, ask.conv], [api_answer, api_json, ask.conv],
                         api_name="ask")

        ask.wire(lang)
        board.wire(lang)
        weekly.wire(lang)

        def open_board(name: str | None, ui_lang: str, request: gr.Request) -> dict:
            return board.render(name, ui_lang, session_key(request))

        # A board is worked out again on the latest data each time its tab is opened; a pin
        # makes its board the one shown there.
        tab_board.select(open_board, [board.select, lang], board.outputs,
                         api_visibility="private", show_progress="minimal")
        ask.panel.pin.click(lambda name: gr.update(
            choices=app_state.board_names(app.db_path), value=(name or "").strip()[:60]),
            [ask.panel.board_name], board.select, api_visibility="private")
        tab_names = {tab_ask: "tab_ask", tab_board: "tab_board", tab_weekly: "tab_weekly",
                     tab_data: "tab_data", tab_metrics: "tab_metrics"}

        chosen: dict[str, str] = {}  # each session's language, as last switched

        def relabel(ui_lang: str, result, compare: bool, board_name: str | None,
                    request: gr.Request) -> dict:
            if len(chosen) > 10_000:
                chosen.clear()
            chosen[session_key(request)] = ui_lang
            out: dict = {lang: ui_lang, title: ui_text("app_title", ui_lang),
                         status: app.status(ui_lang),
                         lang_radio: gr.update(label=ui_text("language", ui_lang))}
            out.update({tab: gr.update(label=ui_text(key, ui_lang))
                        for tab, key in tab_names.items()})
            for part in (ask, board, weekly, data, metrics):
                out.update(part.relabel(ui_lang))
            defaults = {ui_text("board_default", code) for _, code in LANGS}
            if board_name in defaults:  # the suggested board name, not one a person typed
                out[ask.panel.board_name] = gr.update(label=ui_text("pin_board", ui_lang),
                                                      value=ui_text("board_default", ui_lang))
            # The latest answer's figures, table and chart follow the interface language too.
            try:
                out.update(ask.panel.show(result, ui_lang, session_key(request), compare))
            except UserError:
                pass
            return out

        relabel_outputs = [lang, title, status, lang_radio, *tab_names, *ask.relabel("en"),
                           *board.relabel("en"), *weekly.relabel("en"), *data.relabel("en"),
                           *metrics.relabel("en"), *ask.panel.result_outputs]
        # The page-load refresh and the language switch write the same labels: one at a time,
        # in the order they were sent, so a quick switch is never overwritten by the refresh.
        in_order = {"concurrency_id": "labels", "concurrency_limit": 1}
        lang_radio.change(relabel, [lang_radio, ask.last_result, ask.panel.compare,
                                    ask.panel.board_name],
                          relabel_outputs, api_visibility="private", show_progress="hidden",
                          **in_order)
        lang_radio.change(None, [lang_radio], None, js=LOCALE_JS, api_visibility="private")

        def loaded(load_result: str, ui_lang: str, request: gr.Request) -> dict:
            """After a load elsewhere, or on a fresh page: counts and weeks read afresh."""
            return {status: app.status(ui_lang), data.overview: data.summary(ui_lang),
                    weekly.week: weekly.week_update(ui_lang), data.result: load_result}

        data.load.click(lambda fs, ui_lang: data.load_files(fs, ui_lang), [data.files, lang],
                        data.result, api_visibility="private").then(
            loaded, [data.result, lang], [status, data.overview, weekly.week, data.result],
            api_visibility="private")

        def open_page(ui_lang: str, request: gr.Request) -> dict:
            """A fresh page: current counts; `?board=NAME` opens that board."""
            params = dict(getattr(request, "query_params", {}) or {})
            ui_lang = chosen.get(session_key(request), ui_lang)  # switched while this waited
            out = {status: app.status(ui_lang), data.overview: data.summary(ui_lang),
                   weekly.week: weekly.week_update(ui_lang)}
            name = params.get("board")
            if name:
                out.update(board.render(str(name)[:60], ui_lang, session_key(request)))
                out[tabs] = gr.Tabs(selected="board")
            return out

        demo.load(open_page, [lang], [status, data.overview, weekly.week, tabs, *board.outputs],
                  api_visibility="private", **in_order)
        # Start in the browser's language when it is Chinese.
        demo.load(None, None, lang_radio, api_visibility="private",
                  js="() => (navigator.language || '').toLowerCase().startsWith('zh')"
                     " ? 'zh' : 'en'")
    return demo


def build_app(db_path: Path | str, settings: Settings | None = None) -> gr.Blocks:
    """The Blocks of the app over one database (not launched)."""
    return build(App(db_path, settings))


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    """'user:pass' -> (user, pass); None or empty -> no login."""
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise UserError("The login must be given as user:password.",
                        hint="For example: --auth analyst:s3cret")
    return user, password


def serve(
    db_path: Path | str,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: str | None = None,
    *,
    settings: Settings | None = None,
    prevent_thread_lock: bool = False,
    warm_up: bool = True,
) -> gr.Blocks:
    """Start the web app; with prevent_thread_lock it runs in the background and returns."""
    settings = settings or get_settings()
    credentials = parse_auth(auth)
    app = App(db_path, settings)
    demo = build(app)
    app.watch_alerts = True  # built: everything is imported, the background work may start
    demo.web_app = app  # the shared state, for whoever embeds or stops the app
    demo.queue(default_concurrency_limit=settings.web_concurrency, max_size=100)
    if warm_up and app.start_problem is None:
        threading.Thread(target=app.warm_up, name="warm-up", daemon=True).start()
    message = " / ".join(ui_text("login", lang) for lang in ("en", "zh"))
    demo.launch(
        server_name=host or "127.0.0.1",
        server_port=port,
        auth=credentials,
        auth_message=message if credentials else None,
        share=False,
        max_file_size=f"{settings.max_upload_mb}mb",
        show_error=False,
        prevent_thread_lock=prevent_thread_lock,
        theme=THEME,
        css=CSS,
        ssr_mode=False,
        mcp_server=False,
        quiet=prevent_thread_lock,
    )
    return demo

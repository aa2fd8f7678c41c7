"""The web app: chat with visible tool steps, chart and table beside it, weekly summary, data.

Safe by default: binds to loopback, no share links, optional login, bounded question
length, upload size and concurrency, and people see plain messages, never tracebacks.
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported

import csv  # noqa: E402
import hashlib  # noqa: E402
import html  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gradio as gr  # noqa: E402
import pandas as pd  # noqa: E402
import plotly.graph_objects as go  # noqa: E402

from assistant.agent import planner  # noqa: E402
from assistant.agent.graph import Answer, Assistant, Conversation, ToolStep  # noqa: E402
from assistant.config import Settings, get_settings  # noqa: E402
from assistant.errors import UserError  # noqa: E402
from assistant.metrics import privacy  # noqa: E402
from assistant.metrics.catalog import Catalog, MetricResult  # noqa: E402
from assistant.present import report  # noqa: E402
from assistant.present.charts import WEEKDAYS  # noqa: E402
from assistant.present.numbers import fmt  # noqa: E402
from assistant.prompts import load_yaml, render_string, text  # noqa: E402
from assistant.store import db  # noqa: E402

log = logging.getLogger(__name__)

LANGS = [("English", "en"), ("中文", "zh")]
N_EXAMPLES = 6
N_SUGGESTIONS = 3
MAX_WEEKS = 26
ROW_FORMATS = ("int", "float", "pct", "minutes", "usd", "ms")
LOAD_WAIT_S = 30.0  # how long a load waits for answers in progress to finish
THEME = gr.themes.Soft(
    primary_hue="blue",
    secondary_hue="slate",
    # Bundled and system fonts only: nothing is fetched from a font CDN.
    font=[gr.themes.LocalFont("IBM Plex Sans"), "Noto Sans CJK SC", "ui-sans-serif", "system-ui",
          "sans-serif"],
)
CSS = """
.status-line p { font-size: 0.9em; margin: 0; opacity: 0.85; }
.chip-row button { flex: 0 1 auto !important; min-width: 0 !important;
  font-size: 0.85em !important; }
.chip-row { gap: 6px !important; flex-wrap: wrap !important; }
footer { display: none !important; }
#chat .placeholder-content { padding: 0 2em; }
#table, #table * { font-family: var(--font) !important; }
#table th, #table th * { word-break: normal !important; overflow-wrap: normal !important; }
"""


def ui_text(key: str, lang: str, **values: Any) -> Any:
    """A string (or list) of prompts/ui.yaml in `lang`, with values filled in."""
    entry = load_yaml("ui.yaml")[key]
    value = entry.get(lang) or entry["en"]
    if isinstance(value, str):
        return render_string(value, **values)
    return value


class Busy(UserError):
    """The database is being replaced by a load; questions are turned away meanwhile."""


class _Gate:
    """Questions share the database; a load needs it alone (it must close the reader)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextmanager
    def reading(self, lang: str = "en") -> Iterator[None]:
        with self._cond:
            if self._writing:
                raise Busy(ui_text("error_busy", lang))
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self, lang: str = "en") -> Iterator[None]:
        with self._cond:
            if self._writing:
                raise Busy(ui_text("error_busy", lang))
            self._writing = True  # from here new questions are turned away
            if not self._cond.wait_for(lambda: self._readers == 0, LOAD_WAIT_S):
                self._writing = False
                raise Busy(ui_text("error_busy", lang))
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


def session_key(request: gr.Request | None) -> str:
    """A safe folder name for one browser session (the hash comes from the client)."""
    raw = getattr(request, "session_hash", None) or "anonymous"
    return hashlib.sha256(str(raw).encode()).hexdigest()[:24]


def _plain(value: Any) -> Any:
    """JSON-safe copy (dates become ISO strings)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _show_value(value: Any, lang: str) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else ui_text("step_all", lang)
    return str(value)


def _cell(row: dict[str, Any], col: str, kind: str, lang: str) -> str:
    value = row.get(col)
    if col == "segment" and value == "all":
        return ui_text("segment_all", lang)
    if col == "weekday" and isinstance(value, int) and 1 <= value <= 7:
        return WEEKDAYS[lang][value - 1]
    # A table mixing measures (the scorecard) names each row's format in its `unit` column.
    if kind == "float" and row.get("unit") in ROW_FORMATS:
        kind = row["unit"]
    return fmt(value, kind, lang)


def result_frame(result: MetricResult, lang: str) -> pd.DataFrame:
    """The table as people read it: labels in `lang`, figures formatted, hidden groups as '—'."""
    spec = result.metric.columns
    cols = [c for c in result.columns if c in spec]
    headers = [getattr(spec[c], lang) for c in cols]
    data = [[_cell(row, c, spec[c].format, lang) for c in cols] for row in result.rows]
    return pd.DataFrame(data, columns=headers)


def placeholder_figure(lang: str) -> go.Figure:
    """An empty chart with a hint; showing it on page load also loads plotly.js early."""
    fig = go.Figure()
    fig.update_layout(
        template="plotly_white", height=360, margin={"l": 20, "r": 20, "t": 20, "b": 20},
        xaxis={"visible": False}, yaxis={"visible": False},
        annotations=[{"text": ui_text("chart_placeholder", lang), "showarrow": False,
                      "font": {"size": 15, "color": "#64748b"}, "xref": "paper",
                      "yref": "paper", "x": 0.5, "y": 0.5}],
    )
    return fig


def write_csv(result: MetricResult, lang: str, path: Path) -> Path:
    """Raw figures (fractions stay fractions) under labelled headers; BOM so Excel reads Chinese."""
    cols = [c for c in result.columns if c in result.metric.columns]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([getattr(result.metric.columns[c], lang) for c in cols])
        for row in result.rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in cols])
    return path


def iso_weeks(first: date | None, last: date | None) -> list[tuple[str, date]]:
    """Complete ISO weeks inside [first, last], newest first: (label '2026-W47', Monday)."""
    if first is None or last is None:
        return []
    monday = last - timedelta(days=last.weekday())
    if last.weekday() != 6:  # the latest week is not complete yet
        monday -= timedelta(days=7)
    weeks = []
    while monday >= first and len(weeks) < MAX_WEEKS:
        year, week, _ = monday.isocalendar()
        weeks.append((f"{year}-W{week:02d}", monday))
        monday -= timedelta(days=7)
    return weeks


class App:
    """One app over one database: shared catalog and assistant, per-session chat state."""

    def __init__(self, db_path: Path | str, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.db_path = Path(db_path)
        self.catalog = Catalog(self.db_path, settings=self.settings)
        self.catalog.data_range  # noqa: B018 - fail early, plainly, when the file is missing
        self.assistant = Assistant(self.catalog)
        self.gate = _Gate()
        self.out_dir = Path(tempfile.mkdtemp(prefix="activity-assistant-"))

    # ----- text that depends on the data -------------------------------------------------

    def backend_name(self, lang: str) -> str:
        backend = self.assistant.backend
        if backend == "offline":
            return text("backend_offline", lang)
        return ui_text("backend_model", lang, name=backend)

    def status(self, lang: str) -> str:
        try:
            rng = self.catalog.data_range
        except UserError as exc:
            return str(exc)
        if rng.empty:
            return ui_text("status_empty", lang, backend=self.backend_name(lang))
        return ui_text(
            "status", lang, backend=self.backend_name(lang), first=rng.first_day,
            last=rng.latest_complete_day, users=f"{rng.users:,}", sessions=f"{rng.sessions:,}",
        )

    def placeholder(self, lang: str) -> str:
        return ui_text("chat_placeholder", lang) + "\n\n" + ui_text("app_subtitle", lang)

    def week_choices(self, lang: str) -> list[tuple[str, str]]:
        try:
            rng = self.catalog.data_range
        except UserError:
            return []
        return [
            (ui_text("weekly_week_choice", lang, week=w, start=m, end=m + timedelta(days=6)), w)
            for w, m in iso_weeks(rng.first_day, rng.latest_complete_day)
        ]

    def data_overview(self, lang: str) -> str:
        try:
            with self.gate.reading(lang):
                rng = self.catalog.data_range
                cur = self.catalog.con.cursor()
                try:
                    counts = {t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                              for t in db.TABLES}
                finally:
                    cur.close()
        except UserError as exc:
            return str(exc)
        head = (
            ui_text("data_empty", lang) if rng.empty else ui_text(
                "data_range", lang, first=rng.first_day, last=rng.last_day,
                complete=rng.latest_complete_day,
            )
        )
        lines = [head, "", f"| {ui_text('data_table', lang)} | {ui_text('data_rows', lang)} |",
                 "|---|---:|"]
        lines += [f"| `{t}` | {n:,} |" for t, n in counts.items()]
        return "\n".join(lines)

    def catalog_markdown(self, lang: str) -> str:
        """Every metric: title, definition, parameters, output columns and its SQL."""
        dims = load_yaml("framework.yaml").get("dimensions", {})
        parts = [ui_text("metrics_intro", lang)]
        for m in self.catalog.registry:
            params = []
            for p in m.params.values():
                extra = []
                if p.default not in (None, [], ""):
                    shown = _show_value(p.default, lang)
                    extra.append(f"{ui_text('metrics_default', lang)} `{shown}`")
                if p.allowed:
                    extra.append(f"{ui_text('metrics_allowed', lang)} "
                                 + ", ".join(f"`{a}`" for a in p.allowed))
                params.append(f"- `{p.name}` ({p.type}): {p.description}"
                              + (f" — {'; '.join(extra)}" if extra else ""))
            columns = ", ".join(f"{getattr(c, lang)} (`{c.name}`)" for c in m.columns.values())
            dim = dims.get(m.dimension, {}).get(lang, m.dimension)
            parts.append(
                f"<details><summary><b>{html.escape(m.title[lang])}</b> · <code>{m.name}</code>"
                f"</summary>\n\n{m.description[lang].strip()}\n\n"
                f"**{ui_text('metrics_dimension', lang)}:** {dim}\n\n"
                f"**{ui_text('metrics_params', lang)}:**\n\n" + "\n".join(params) + "\n\n"
                f"**{ui_text('metrics_columns', lang)}:** {columns}\n\n"
                f"**{ui_text('metrics_sql', lang)}:**\n\n```sql\n{m.sql.strip()}\n```\n\n</details>"
            )
        return "\n\n".join(parts)

    # ----- chat ----------------------------------------------------------------------------

    def _title(self, name: str, lang: str) -> str:
        metric = self.catalog.registry.metrics.get(name)
        return metric.title.get(lang, name) if metric else name

    def step_message(self, step: ToolStep, lang: str, n: int) -> dict[str, Any]:
        """A collapsible step: title and time; inside, the resolved parameters and the SQL."""
        title = self._title(step.name, lang)
        args = ", ".join(f"{k} `{_show_value(v, lang)}`" for k, v in step.args.items())
        body = f"**{ui_text('step_params', lang)}:** {args or '—'}"
        if step.result is not None:
            meta = {"title": ui_text("step_done", lang, title=title, ms=f"{step.ms:.0f}"),
                    "status": "done"}
            sql = step.result.sql.strip()
            body += f"\n\n**{ui_text('step_sql', lang)}:**\n\n```sql\n{sql}\n```"
        elif step.error is not None:
            meta = {"title": ui_text("step_failed", lang, title=title), "status": "done"}
            body = f"{step.error}\n\n{body}"
        else:
            meta = {"title": ui_text("step_running", lang, title=title), "status": "pending"}
        meta["id"] = f"step-{n}"
        return {"role": "assistant", "content": body, "metadata": meta}

    def result_outputs(self, result: MetricResult | None, lang: str, session: str) -> tuple:
        """Chart, table and the two downloads for the latest result (or empty ones)."""
        labels = {k: ui_text(k, lang) for k in ("chart_label", "table_label", "download_csv",
                                                 "download_chart")}
        if result is None:
            return (gr.update(value=placeholder_figure(lang), label=labels["chart_label"]),
                    gr.update(value=None, label=labels["table_label"], visible=False),
                    gr.update(value=None, label=labels["download_csv"], visible=False),
                    gr.update(value=None, label=labels["download_chart"], visible=False))
        label = ui_text("table_title", lang, title=result.metric.title[lang],
                        start=result.params.get("start"), end=result.params.get("end"))
        if result.suppressed:
            label += " · " + ui_text("table_hidden", lang, n=result.suppressed)
        folder = self.out_dir / "answers" / session
        shutil.rmtree(folder, ignore_errors=True)  # one set of files per session
        folder.mkdir(parents=True)
        stem = f"{result.metric.name}_{result.params.get('start')}_{result.params.get('end')}"
        csv_path = write_csv(result, lang, folder / f"{stem}.csv")
        fig = result.figure(lang)
        html_path = None
        if fig is not None:
            html_path = folder / f"{stem}.html"
            # Self-contained: the chart must open where CDNs are blocked.
            html_path.write_text(fig.to_html(include_plotlyjs=True, full_html=True),
                                 encoding="utf-8")
        return (
            gr.update(value=fig, label=labels["chart_label"]),
            gr.update(value=result_frame(result, lang), label=label, visible=True),
            gr.update(value=str(csv_path), label=labels["download_csv"], visible=True),
            gr.update(value=str(html_path) if html_path else None,
                      label=labels["download_chart"], visible=html_path is not None),
        )

    def answer_stream(
        self, question: str, history: list, conv: Conversation | None
    ) -> Iterator[tuple[list, bool, Answer | None]]:
        """(history, finished, answer): the chat as it grows; last, finished (answer or None)."""
        history = list(history or [])
        q_lang = planner.detect_language(question)
        history.append({"role": "user", "content": question})
        yield history, False, None
        conv = conv if conv is not None else Conversation()
        rows: dict[int, int] = {}  # step -> its message in the history
        text_row: int | None = None
        streamed = ""
        shown: set[str] = set()
        answer: Answer | None = None
        try:
            with self.gate.reading(q_lang):
                for ev in self.assistant.stream(question, conv):
                    if ev.kind in ("step", "step_done") and ev.step is not None:
                        key = id(ev.step)
                        if key not in rows:
                            rows[key] = len(history)
                            history.append({})
                        history[rows[key]] = self.step_message(ev.step, q_lang, len(rows))
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
        # Pending steps of a failed answer must not spin forever.
        for i in rows.values():
            meta = history[i].get("metadata") or {}
            if meta.get("status") == "pending":
                history[i] = {**history[i], "metadata": {**meta, "status": "done"}}
        yield history, True, answer

    def ask_api(self, question: str, conv: Conversation | None) -> tuple[str, dict, Conversation]:
        """One question, the whole answer: its text and the `ask --json` shape."""
        conv = conv if conv is not None else Conversation()
        lang = planner.detect_language(question or "")
        try:
            with self.gate.reading(lang):
                answer = self.assistant.ask(question or "", conv)
        except UserError as exc:
            return str(exc), {"error": str(exc), "language": lang}, conv
        except Exception:
            log.exception("answering %r failed", question)
            message = ui_text("error_generic", lang)
            return message, {"error": message, "language": lang}, conv
        return answer.text, _plain(answer.to_json()), conv

    def warm_up(self) -> None:
        """Answer one example per language so the first person to ask does not wait."""
        try:
            for lang in ("en", "zh"):
                with self.gate.reading(lang):
                    answer = self.assistant.ask(ui_text("examples", lang)[0], Conversation())
                if answer.results:
                    self.result_outputs(answer.results[0], lang, "warm-up")
            shutil.rmtree(self.out_dir / "answers" / "warm-up", ignore_errors=True)
        except Exception as exc:  # never fatal: the first real question just takes longer
            log.warning("warm-up failed: %r", exc)

    # ----- weekly summary and data ---------------------------------------------------------

    def weekly(self, week: str | None, file_fmt: str, lang: str, session: str) -> tuple[str, Any]:
        """Preview (Markdown) and the downloadable file of one week's summary."""
        if not week:
            return ui_text("weekly_none", lang), gr.update(value=None, interactive=False)
        try:
            with self.gate.reading(lang):
                preview, body = self._weekly_content(week, file_fmt, lang)
        except UserError as exc:
            return str(exc), gr.update(value=None, interactive=False)
        except Exception:
            log.exception("weekly summary %s failed", week)
            return ui_text("error_generic", lang), gr.update(value=None, interactive=False)
        folder = self.out_dir / "weekly" / session
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"weekly_{week}_{lang}.{'html' if file_fmt == 'html' else 'md'}"
        path.write_text(body, encoding="utf-8")
        return preview, gr.update(value=str(path), interactive=True)

    def _weekly_content(self, week: str, file_fmt: str, lang: str) -> tuple[str, str]:
        """(Markdown preview, file body) of the weekly report; the figures are gathered once."""
        facts = report.collect(self.catalog, week, lang)
        preview = report.render(facts, "md")
        return preview, preview if file_fmt == "md" else report.render(facts, file_fmt)

    def load_files(self, files: list | None, lang: str) -> str:
        """Validate and load uploaded files, all or nothing; the loader's message as is."""
        from assistant.store import loader

        paths = [Path(f if isinstance(f, str) else getattr(f, "name", f)) for f in files or []]
        if not paths:
            return ui_text("data_no_files", lang)
        try:
            with self.gate.writing(lang):
                self.catalog.close()  # the loader needs the file to itself
                try:
                    loaded = loader.load_paths(self.db_path, paths, progress=False)
                finally:
                    # New data, new date range: a fresh assistant (its prompts quote the range).
                    self.assistant = Assistant(self.catalog)
        except UserError as exc:
            log.info("load refused: %s", exc)
            return str(exc)
        except Exception:
            log.exception("loading %s failed", [p.name for p in paths])
            return ui_text("error_generic", lang)
        return ui_text("data_loaded", lang, summary=loaded.summary())

    # ----- layout --------------------------------------------------------------------------

    def build(self) -> gr.Blocks:
        lang0 = "en"
        with gr.Blocks(title=ui_text("page_title", lang0), analytics_enabled=False,
                       delete_cache=(3600, 3600)) as demo:
            lang = gr.State(lang0)
            conv = gr.State(None)
            last_result = gr.State(None)
            with gr.Row(equal_height=True):
                with gr.Column(scale=5):
                    title = gr.Markdown(ui_text("app_title", lang0))
                with gr.Column(scale=2, min_width=200):
                    lang_radio = gr.Radio(LANGS, value=lang0, label=ui_text("language", lang0),
                                          container=False, elem_id="lang")
            status = gr.Markdown(self.status(lang0), elem_classes="status-line", elem_id="status")
            with gr.Tabs():
                with gr.Tab(ui_text("tab_ask", lang0), id="ask") as tab_ask:
                    with gr.Row():
                        with gr.Column(scale=5, min_width=420):
                            chatbot = gr.Chatbot(
                                label=ui_text("chat_label", lang0), show_label=False, height=420,
                                placeholder=self.placeholder(lang0),
                                feedback_options=None, elem_id="chat", buttons=["copy"],
                            )
                            with gr.Row(equal_height=True):
                                question = gr.Textbox(
                                    label=ui_text("question_label", lang0), show_label=False,
                                    placeholder=ui_text("question_placeholder", lang0),
                                    max_lines=4, max_length=self.settings.max_question_chars,
                                    scale=5, elem_id="question", autofocus=True,
                                )
                                send = gr.Button(ui_text("send", lang0), variant="primary",
                                                 scale=1, min_width=80, elem_id="send")
                            sugg_label = gr.Markdown(ui_text("suggestions_label", lang0),
                                                     visible=False)
                            with gr.Row(elem_classes="chip-row"):
                                suggestions = [
                                    gr.Button("", size="sm", visible=False,
                                              elem_classes="suggestion")
                                    for _ in range(N_SUGGESTIONS)
                                ]
                            ex_label = gr.Markdown(ui_text("examples_label", lang0))
                            with gr.Row(elem_classes="chip-row"):
                                examples = [
                                    gr.Button(q, size="sm", elem_classes="example")
                                    for q in ui_text("examples", lang0)[:N_EXAMPLES]
                                ]
                            new_chat = gr.Button(ui_text("new_chat", lang0), size="sm",
                                                 variant="secondary")
                        with gr.Column(scale=6, min_width=420):
                            plot = gr.Plot(placeholder_figure(lang0), elem_id="chart",
                                           label=ui_text("chart_label", lang0), show_label=False)
                            table = gr.Dataframe(
                                label=ui_text("table_label", lang0), interactive=False,
                                max_height=260, wrap=True, elem_id="table", visible=False,
                            )
                            with gr.Row():
                                csv_btn = gr.DownloadButton(
                                    ui_text("download_csv", lang0), size="sm", visible=False,
                                    elem_id="dl-csv",
                                )
                                html_btn = gr.DownloadButton(
                                    ui_text("download_chart", lang0), size="sm",
                                    visible=False, elem_id="dl-chart",
                                )
                with gr.Tab(ui_text("tab_weekly", lang0), id="weekly") as tab_weekly:
                    weekly_intro = gr.Markdown(ui_text("weekly_intro", lang0))
                    choices = self.week_choices(lang0)
                    with gr.Row(equal_height=True):
                        week = gr.Dropdown(choices, value=choices[0][1] if choices else None,
                                           label=ui_text("weekly_week", lang0), scale=3)
                        week_fmt = gr.Radio([("HTML", "html"), ("Markdown", "md")], value="html",
                                            label=ui_text("weekly_format", lang0), scale=2)
                        week_btn = gr.Button(ui_text("weekly_render", lang0), variant="primary",
                                             scale=1)
                        week_dl = gr.DownloadButton(ui_text("weekly_download", lang0),
                                                    interactive=False, scale=1)
                    week_view = gr.Markdown(ui_text("weekly_pick", lang0), elem_id="weekly-view")
                with gr.Tab(ui_text("tab_data", lang0), id="data") as tab_data:
                    data_intro = gr.Markdown(ui_text("data_intro", lang0))
                    overview = gr.Markdown(self.data_overview(lang0), elem_id="data-overview")
                    files = gr.File(label=ui_text("data_files", lang0), file_count="multiple",
                                    file_types=[".csv", ".tsv", ".gz", ".parquet", ".jsonl",
                                                ".ndjson", ".json"], elem_id="upload")
                    load_btn = gr.Button(ui_text("data_load", lang0), variant="primary",
                                         elem_id="load")
                    load_result = gr.Textbox(label=ui_text("data_result", lang0), lines=6,
                                             max_lines=30, interactive=False,
                                             elem_id="load-result")
                with gr.Tab(ui_text("tab_metrics", lang0), id="metrics") as tab_metrics:
                    catalog_view = gr.Markdown(self.catalog_markdown(lang0))
            # The named API for scripts and load tests: question in, answer text and JSON out.
            with gr.Row(visible=False):
                api_question = gr.Textbox(label="question")
                api_answer = gr.Textbox(label="answer")
                api_json = gr.JSON(label="result")
                api_button = gr.Button()

            chat_outputs = [chatbot, question, conv, plot, table, csv_btn, html_btn, last_result,
                            sugg_label, *suggestions]

            def respond(q: str, history: list, state: Conversation | None, ui_lang: str,
                        request: gr.Request) -> Iterator[dict]:
                q = (q or "").strip()
                if not q:
                    yield {}
                    return
                session = session_key(request)
                state = state if state is not None else Conversation()
                # Clear the box and the old suggestions once, at the start: later updates must
                # not wipe what the person is already typing next.
                first = {question: "", sugg_label: gr.update(visible=False),
                         **{b: gr.update(visible=False) for b in suggestions}}
                for hist, finished, answer in self.answer_stream(q, history, state):
                    if not finished:
                        yield {chatbot: hist, **first}
                        first = {}
                        continue
                    out: dict = {chatbot: hist, conv: state}
                    if answer is None:  # it failed: keep the previous chart and table
                        yield out
                        return
                    result = answer.results[0] if answer.results else None
                    if result is not None:
                        fig, tab, csv_up, html_up = self.result_outputs(result, ui_lang, session)
                        out.update({plot: fig, table: tab, csv_btn: csv_up, html_btn: html_up,
                                    last_result: result})
                    tips = answer.suggestions[:N_SUGGESTIONS]
                    out[sugg_label] = gr.update(visible=bool(tips))
                    for i, b in enumerate(suggestions):
                        out[b] = (gr.update(value=tips[i], visible=True) if i < len(tips)
                                  else gr.update(visible=False))
                    yield out

            # A question sent while an answer is still arriving runs right after it.
            chat_kwargs = {"outputs": chat_outputs, "api_visibility": "private",
                           "show_progress": "hidden", "trigger_mode": "always_last"}
            question.submit(respond, [question, chatbot, conv, lang], **chat_kwargs)
            send.click(respond, [question, chatbot, conv, lang], **chat_kwargs)
            for b in examples + suggestions:
                b.click(respond, [b, chatbot, conv, lang], **chat_kwargs)

            def reset(ui_lang: str) -> dict:
                fig, tab, csv_up, html_up = self.result_outputs(None, ui_lang, "")
                return {chatbot: [], conv: None, last_result: None, plot: fig, table: tab,
                        csv_btn: csv_up, html_btn: html_up, sugg_label: gr.update(visible=False),
                        **{b: gr.update(visible=False) for b in suggestions}}

            new_chat.click(reset, [lang], chat_outputs, api_visibility="private")

            api_button.click(self.ask_api, [api_question, conv], [api_answer, api_json, conv],
                             api_name="ask")

            def relabel(ui_lang: str, result: MetricResult | None, request: gr.Request) -> dict:
                t = lambda key: ui_text(key, ui_lang)  # noqa: E731
                out: dict = {
                    lang: ui_lang, title: t("app_title"),
                    status: self.status(ui_lang),
                    lang_radio: gr.update(label=t("language")),
                    tab_ask: gr.update(label=t("tab_ask")),
                    tab_weekly: gr.update(label=t("tab_weekly")),
                    tab_data: gr.update(label=t("tab_data")),
                    tab_metrics: gr.update(label=t("tab_metrics")),
                    chatbot: gr.update(label=t("chat_label"),
                                       placeholder=self.placeholder(ui_lang)),
                    question: gr.update(label=t("question_label"),
                                        placeholder=t("question_placeholder")),
                    send: gr.update(value=t("send")), new_chat: gr.update(value=t("new_chat")),
                    sugg_label: gr.update(value=t("suggestions_label")),
                    ex_label: t("examples_label"),
                    weekly_intro: t("weekly_intro"),
                    week: gr.update(choices=self.week_choices(ui_lang), label=t("weekly_week")),
                    week_fmt: gr.update(label=t("weekly_format")),
                    week_btn: gr.update(value=t("weekly_render")),
                    week_dl: gr.update(label=t("weekly_download")),
                    data_intro: t("data_intro"), overview: self.data_overview(ui_lang),
                    files: gr.update(label=t("data_files")),
                    load_btn: gr.update(value=t("data_load")),
                    load_result: gr.update(label=t("data_result")),
                    catalog_view: self.catalog_markdown(ui_lang),
                }
                for b, q in zip(examples, t("examples"), strict=False):
                    out[b] = gr.update(value=q)
                # The table and chart of the latest answer follow the interface language too.
                session = session_key(request)
                out.update(zip((plot, table, csv_btn, html_btn),
                               self.result_outputs(result, ui_lang, session), strict=True))
                return out

            relabel_outputs = [
                lang, title, status, lang_radio, tab_ask, tab_weekly, tab_data,
                tab_metrics, chatbot, question, send, new_chat, sugg_label, ex_label, plot, table,
                csv_btn, html_btn, weekly_intro, week, week_fmt, week_btn, week_dl, data_intro,
                overview, files, load_btn, load_result, catalog_view, *examples,
            ]
            lang_radio.change(relabel, [lang_radio, last_result], relabel_outputs,
                              api_visibility="private", show_progress="hidden")
            # Start in the browser's language when it is Chinese.
            demo.load(None, None, lang_radio, api_visibility="private",
                      js="() => (navigator.language || '').toLowerCase().startsWith('zh')"
                         " ? 'zh' : 'en'")

            def render_week(w: str | None, f: str, ui_lang: str, request: gr.Request):
                session = session_key(request)
                return self.weekly(w, f, ui_lang, session)

            week_btn.click(render_week, [week, week_fmt, lang], [week_view, week_dl],
                           api_visibility="private")

            def load(fs: list | None, ui_lang: str) -> tuple:
                message = self.load_files(fs, ui_lang)
                choices = self.week_choices(ui_lang)
                return (message, self.data_overview(ui_lang), self.status(ui_lang),
                        gr.update(choices=choices, value=choices[0][1] if choices else None))

            load_btn.click(load, [files, lang], [load_result, overview, status, week],
                           api_visibility="private")
        return demo


def build_app(db_path: Path | str, settings: Settings | None = None) -> gr.Blocks:
    """The Blocks of the app over one database (not launched)."""
    return App(db_path, settings).build()


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
    demo = app.build()
    demo.queue(default_concurrency_limit=settings.web_concurrency, max_size=100)
    if warm_up:
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

"""The Data tab: what the database holds, which columns each file needs, templates, loading."""

from __future__ import annotations

import csv
import logging
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.errors import UserError

from .state import App
from .text import ui_text

log = logging.getLogger(__name__)

FILE_TYPES = [".csv", ".tsv", ".gz", ".parquet", ".jsonl", ".ndjson", ".json"]
EXAMPLES = {"id": "u1", "ts": "2026-11-02 09:30:00", "country": "BR", "tz": "America/Sao_Paulo",
            "num": "4.99", "text": ""}


def contract_columns() -> dict[str, list[tuple[str, bool, tuple[str, ...]]]]:
    """Each table's columns as (name, required, allowed values), from the data contract."""
    from assistant.store import contract

    return {t.name: [(c.name, c.required, c.allowed) for c in t.columns]
            for t in contract.TABLES.values() if t.loadable}


def example_value(table: str, name: str, required: bool, allowed: tuple[str, ...]) -> str:
    from assistant.store import contract

    kind = next(c.kind for c in contract.TABLES[table].columns if c.name == name)
    if allowed:
        return allowed[0]
    if kind == "id":
        return "u1" if name.endswith(("user_id", "caller_id", "viewer_id")) else f"{name[:-3]}1"
    return EXAMPLES.get(kind, "") if required or kind in ("tz", "country") else ""


def write_templates(folder: Path) -> list[Path]:
    """One CSV per table: the header, then one example row (optional cells left empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for table, cols in contract_columns().items():
        path = folder / f"{table}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([c[0] for c in cols])
            writer.writerow([example_value(table, *c) for c in cols])
        paths.append(path)
    return paths


def columns_markdown(lang: str) -> str:
    lines = [ui_text("data_columns_intro", lang), "",
             f"| {ui_text('data_file', lang)} | {ui_text('data_required', lang)} "
             f"| {ui_text('data_optional', lang)} |", "|---|---|---|"]
    for table, cols in contract_columns().items():
        def name(c: tuple[str, bool, tuple[str, ...]]) -> str:
            allowed = " / ".join(f"`{a}`" for a in c[2])
            return f"`{c[0]}`" + (f" ({allowed})" if allowed else "")
        need = ", ".join(name(c) for c in cols if c[1])
        extra = ", ".join(name(c) for c in cols if not c[1]) or "—"
        lines.append(f"| `{table}` | {need} | {extra} |")
    return "\n".join(lines)


def load_message(loaded: Any, lang: str) -> str:
    """What a load did, in `lang`, without the server's paths."""
    key = "data_loaded" if loaded.written else "data_nothing_new"
    lines = [ui_text(key, lang, seconds=f"{loaded.elapsed_s:.1f}"),
             ui_text("data_load_header", lang)]
    for table, s in loaded.tables.items():
        lines.append(f"  {table:<11} {s.rows_read:>12,} {s.inserted:>12,} {s.already_present:>14,}")
    if loaded.notices:
        lines.append(ui_text("data_notes", lang))
        lines += [f"  - {n}" for n in loaded.notices]
    return "\n".join(lines)


class DataTab:
    def __init__(self, app: App, lang0: str) -> None:
        self.app = app
        t = lambda key: ui_text(key, lang0)  # noqa: E731
        self.intro = gr.Markdown(t("data_intro"))
        self.overview = gr.Markdown(self.summary(lang0), elem_id="data-overview")
        self.columns = gr.Markdown(columns_markdown(lang0), elem_id="data-columns")
        self.templates = gr.File([str(p) for p in write_templates(app.out_dir / "templates")],
                                 label=t("data_templates"), file_count="multiple",
                                 interactive=False, elem_id="templates")
        self.files = gr.File(label=t("data_files"), file_count="multiple", file_types=FILE_TYPES,
                             elem_id="upload")
        self.load = gr.Button(t("data_load"), variant="primary", elem_id="load")
        self.result = gr.Textbox(label=t("data_result"), lines=6, max_lines=30,
                                 interactive=False, elem_id="load-result")

    def summary(self, lang: str) -> str:
        """The date range and the rows in each table (read afresh: loads change them)."""
        try:
            counts = self.app.table_counts(lang)
            rng = self.app.catalog.data_range
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

    def load_files(self, files: list | None, lang: str) -> str:
        """Validate and load uploaded files, all or nothing."""
        from assistant.store import loader

        paths = [Path(f if isinstance(f, str) else getattr(f, "name", f)) for f in files or []]
        if not paths:
            return ui_text("data_no_files", lang)
        try:
            with self.app.gate.writing(lang):
                self.app.catalog.close()  # the loader needs the file to itself
                try:
                    loaded = loader.load_paths(self.app.db_path, paths, progress=False)
                finally:
                    self.app.reload()
        except UserError as exc:
            log.info("load refused: %s", exc)
            return ui_text("data_refused", lang) + "\n\n" + str(exc)
        except Exception:
            log.exception("loading %s failed", [p.name for p in paths])
            return ui_text("error_generic", lang)
        return load_message(loaded, lang)

    def relabel(self, lang: str) -> dict:
        t = lambda key: ui_text(key, lang)  # noqa: E731
        return {self.intro: t("data_intro"), self.overview: self.summary(lang),
                self.columns: columns_markdown(lang),
                self.templates: gr.update(label=t("data_templates")),
                self.files: gr.update(label=t("data_files")),
                self.load: gr.update(value=t("data_load")),
                self.result: gr.update(label=t("data_result"))}

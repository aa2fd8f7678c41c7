"""The Metrics tab: each vetted metric in plain words and an example question; details folded."""

from __future__ import annotations

import html

import gradio as gr

from assistant.metrics.registry import Registry
from assistant.prompts import load_yaml

from .render import dimension_name, show_value
from .text import ui_label, ui_text


def param_line(p, lang: str) -> str:
    """A parameter in `lang`: its name in words, then the allowed values or the default."""
    name = ui_label("param_names", p.name, lang)
    extra = []
    if p.default not in (None, [], ""):
        extra.append(f"{ui_text('metrics_default', lang)} `{show_value(p.default, lang)}`")
    if p.allowed:
        extra.append(f"{ui_text('metrics_allowed', lang)} "
                     + ", ".join(f"`{a}`" for a in p.allowed))
    desc = p.description if lang == "en" else ""
    return (f"- `{p.name}` · {name}" + (f": {desc}" if desc else "")
            + (f" — {'; '.join(extra)}" if extra else ""))


def catalog_markdown(registry: Registry, lang: str) -> str:
    """Every metric: a plain sentence and an example question; the exact definition, its
    parameters, columns and SQL folded away."""
    words = load_yaml("ui_metrics.yaml")
    parts = [ui_text("metrics_intro", lang)]
    c = "：" if lang == "zh" else ":"  # noqa: RUF001 - the colon Chinese text uses
    for m in registry:
        entry = words.get(m.name) or {}
        plain = (entry.get("plain") or {}).get(lang, "")
        example = (entry.get("example") or {}).get(lang, "")
        columns = ", ".join(getattr(col, lang) for col in m.columns.values())
        params = "\n".join(param_line(p, lang) for p in m.params.values())
        parts.append(
            f"### {html.escape(m.title[lang])}\n\n{plain}\n\n"
            + (f"**{ui_text('metrics_example', lang)}** *{example}*\n\n" if example else "")
            + f"**{ui_text('metrics_dimension', lang)}{c}** {dimension_name(m.dimension, lang)}"
            + f"\n\n<details><summary>{ui_text('metrics_details', lang)}</summary>\n\n"
            f"**{ui_text('metrics_definition', lang)}{c}** {m.description[lang].strip()}\n\n"
            f"**{ui_text('metrics_params', lang)}{c}**\n\n{params}\n\n"
            f"**{ui_text('metrics_columns', lang)}{c}** {columns}\n\n"
            f"**{ui_text('metrics_sql', lang)}** (`{m.name}`):\n\n```sql\n{m.sql.strip()}\n```"
            "\n\n</details>"
        )
    return "\n\n".join(parts)


class MetricsTab:
    def __init__(self, registry: Registry, lang0: str) -> None:
        self.registry = registry
        self.view = gr.Markdown(catalog_markdown(registry, lang0), elem_id="metrics-view")

    def relabel(self, lang: str) -> dict:
        return {self.view: catalog_markdown(self.registry, lang)}

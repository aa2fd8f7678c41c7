"""Prompts and user-facing text, loaded by name from `prompts/` (never built in code).

The one place that reads prompt files: YAML by name, and one Jinja environment for text,
Markdown and HTML templates (HTML files escape what they print; text never does).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jinja2
import yaml

from assistant.config import PROMPTS_DIR

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(PROMPTS_DIR)),
    # plain text and Markdown as written; HTML templates escape everything they print
    autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"),
                                        default_for_string=False, default=False),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
# A value inside a Markdown table cell: no column breaks, no line breaks.
_env.filters["cell"] = lambda v: str(v).replace("|", "\\|").replace("\n", " ")

# Paragraph templates keep the line break after a tag: it is the space between sentences.
_paragraph_env = _env.overlay(trim_blocks=False, lstrip_blocks=False)

_CJK = "\u3000-\u9fff\uff00-\uffef"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
# a line break next to Chinese text joins without a space, elsewhere it is a space
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])\s*\n\s*|\s*\n\s*(?=[{_CJK}])")
_HAN_SPACE = re.compile(rf"(?<=[{_HAN}]) +(?=[{_HAN}])")  # Chinese words meet without one


@cache
def load_yaml(name: str) -> dict[str, Any]:
    """A YAML file of prompts/ by its path there ('ui.yaml', 'report/labels.yaml')."""
    return yaml.safe_load((PROMPTS_DIR / name).read_text(encoding="utf-8")) or {}


def text(key: str, lang: str = "en", **values: Any) -> str:
    """A user-facing message from prompts/messages.yaml, in `lang`, with values filled in."""
    entry = load_yaml("messages.yaml")[key]
    template = entry.get(lang) or entry["en"]
    return _env.from_string(template).render(**values).strip()


def render(name: str, **values: Any) -> str:
    """Render a template file of prompts/ (system prompt ...), trimmed."""
    return _env.get_template(name).render(**values).strip()


def layout(name: str, **values: Any) -> str:
    """Render a document template of prompts/ (a report page) exactly as laid out."""
    return _env.get_template(name).render(**values)


def render_string(template: str, **values: Any) -> str:
    return _env.from_string(template).render(**values).strip()


def paragraph(template: str, **values: Any) -> str:
    """Render a text template into one paragraph: the template's line breaks are layout."""
    out = _CJK_BREAK.sub("", _paragraph_env.from_string(template).render(**values))
    return _HAN_SPACE.sub("", " ".join(out.split()))


def markup(html: str) -> Any:
    """Trusted HTML (a chart, the plotly bundle) that an HTML template prints unescaped."""
    return jinja2.utils.markupsafe.Markup(html)

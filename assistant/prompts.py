"""Prompts and user-facing text, loaded by name from `prompts/` (never built in code)."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
import yaml

from assistant.config import PROMPTS_DIR

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(PROMPTS_DIR)),
    autoescape=False,  # plain text and Markdown; HTML reports escape in their own templates
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=False,
    trim_blocks=True,
    lstrip_blocks=True,
)


@cache
def load_yaml(name: str) -> dict[str, Any]:
    return yaml.safe_load((PROMPTS_DIR / name).read_text(encoding="utf-8")) or {}


def text(key: str, lang: str = "en", **values: Any) -> str:
    """A user-facing message from prompts/messages.yaml, in `lang`, with values filled in."""
    entry = load_yaml("messages.yaml")[key]
    template = entry.get(lang) or entry["en"]
    return _env.from_string(template).render(**values).strip()


def render(name: str, **values: Any) -> str:
    """Render a template file of prompts/ (system prompt, report sections ...)."""
    return _env.get_template(name).render(**values).strip()


def render_string(template: str, **values: Any) -> str:
    return _env.from_string(template).render(**values).strip()

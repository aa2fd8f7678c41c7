"""The web app's words: prompts/ui.yaml, in English and Chinese."""

from __future__ import annotations

from typing import Any

from assistant.prompts import load_yaml, render_string

LANGS = [("English", "en"), ("中文", "zh")]


def ui_text(key: str, lang: str, **values: Any) -> Any:
    """A string (or list, or mapping) of prompts/ui.yaml in `lang`, with values filled in."""
    entry = load_yaml("ui.yaml")[key]
    value = entry.get(lang) or entry["en"]
    if isinstance(value, str):
        return render_string(value, **values)
    return value


def ui_label(group: str, value: Any, lang: str) -> str:
    """A value's name from a ui.yaml mapping (platforms, verdicts ...), else the value."""
    names = ui_text(group, lang)
    return str(names.get(value, value)) if isinstance(names, dict) else str(value)

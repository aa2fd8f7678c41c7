"""The Gradio web app: state (state.py), pure render helpers (render.py), one module per tab."""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported

from .app import build, build_app, parse_auth, serve  # noqa: E402
from .state import App, session_key  # noqa: E402
from .text import ui_text  # noqa: E402

__all__ = ["App", "build", "build_app", "parse_auth", "serve", "session_key", "ui_text"]

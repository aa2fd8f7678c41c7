"""Headless Debian Chromium for the browser tests: where it is, how it starts, skip or fail."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# no sandbox as root; no background traffic on a machine without internet
ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]


def require_chromium() -> None:
    """Skip the calling module without Chromium; in CI a missing browser is a broken install."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise RuntimeError("Chromium is missing: .ci/run must install it")
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)


@contextmanager
def launched(**options) -> Iterator:
    """A running headless Chromium, closed afterwards."""
    from playwright import sync_api

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, **options)
        try:
            yield browser
        finally:
            browser.close()


"""The received email rendered by Chromium with scripts off, at phone width: charts show, no
sideways scrolling. Set DIGEST_SCREENSHOTS=docs to refresh docs/digest-email(-zh).png."""

from __future__ import annotations

import base64
import email
import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from assistant.apps.cli import app
from tests.chromium import launched, require_chromium

pytestmark = pytest.mark.browser

PHONE = 390

require_chromium()


def _received_html(demo_db: Path, smtp, lang: str) -> str:
    """The HTML part of the email as it arrived, its cid: images resolved as a mail client does."""
    port, box = smtp
    url = f"mailto://127.0.0.1:{port}?from=digest@example.com&to=team@example.com"
    result = CliRunner().invoke(app, ["digest", "--db", str(demo_db), "--week", "2026-W47",
                                      "--lang", lang, "--send", "--to", url])
    assert result.exit_code == 0, result.output
    msg = email.message_from_bytes(box.messages[-1][1])
    html, images = "", {}
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            html = part.get_payload(decode=True).decode("utf-8")
        elif part.get("Content-ID"):
            images[part["Content-ID"].strip("<>")] = part.get_payload(decode=True)
    return re.sub(r'src="cid:([^"]+)"', lambda m: 'src="data:image/png;base64,'
                  + base64.b64encode(images[m[1]]).decode() + '"', html)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_email_renders_without_scripts_at_phone_width(
    demo_db: Path, smtp, lang: str, tmp_path: Path,
) -> None:
    html = _received_html(demo_db, smtp, lang)
    with launched() as browser:
        page = browser.new_page(viewport={"width": PHONE, "height": 800},
                                java_script_enabled=False)
        page.set_content(html, wait_until="load")
        sizes = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.body.scrollWidth]")
        assert max(sizes) <= PHONE, sizes  # no horizontal scroll
        images = page.locator("img")
        assert images.count() == 2
        for i in range(images.count()):
            img = images.nth(i)
            natural, shown = img.evaluate("e => [e.complete && e.naturalWidth, e.width]")
            assert natural > 0 and 0 < shown <= PHONE
            shot = Image.open(io.BytesIO(img.screenshot())).convert("L")
            low, high = shot.getextrema()
            assert high - low > 100  # ink on paper, not a blank box
            dark = sum(shot.histogram()[:200]) / (shot.width * shot.height)
            assert dark > 0.01
        name = "digest-email.png" if lang == "en" else f"digest-email-{lang}.png"
        folder = Path(os.environ.get("DIGEST_SCREENSHOTS") or tmp_path)
        page.screenshot(path=str(folder / name), full_page=True)
        assert (folder / name).stat().st_size > 20_000

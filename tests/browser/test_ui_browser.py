"""The web app in headless Chromium: what a person in a meeting clicks and sees.

The README's screenshots come from tests/test_ui_meeting.py (ASSISTANT_SCREENSHOTS=docs).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import ANSWERED, WAIT_MS
from tests.chromium import require_chromium
from tests.ui_server import AUTH, Running, running_app

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1400, "height": 900}

require_chromium()

from playwright import sync_api  # noqa: E402

expect = sync_api.expect
expect.set_options(timeout=WAIT_MS)



@pytest.fixture
def page(browser, app: Running) -> Iterator:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(app.url)
    expect(page.locator("button.example").first).to_be_visible()
    yield page
    context.close()


def last_bot(page):
    return page.locator("#chat [data-testid='bot']").last


def ask(page, question: str) -> float:
    """Type a question, press Enter, wait for the answer; seconds it took."""
    answers = page.locator("#chat .bot-row")
    before = answers.count()
    t0 = time.perf_counter()
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")
    expect(page.locator("#chat [data-testid='user']").last).to_have_text(question)
    expect(answers).to_have_count(before + 1)
    expect(last_bot(page)).to_contain_text(ANSWERED)
    return time.perf_counter() - t0


def test_example_shows_steps_answer_chart_and_table(page, tmp_path: Path) -> None:
    example = page.locator("button.example").first
    expect(example).to_have_text("How did daily active users trend over the past 4 weeks?")
    t0 = time.perf_counter()
    example.click()
    expect(last_bot(page)).to_contain_text(ANSWERED)
    answered = time.perf_counter() - t0
    expect(last_bot(page)).to_contain_text("2026-10-26 to 2026-11-22")  # the past 4 weeks
    expect(page.locator("#chart .main-svg").first).to_be_visible()
    expect(page.locator("#chart .scatterlayer .trace")).to_have_count(1)  # one daily line
    table = page.locator("#table")
    expect(table).to_contain_text("Average DAU")  # column labels in the interface language
    expect(table).to_contain_text("2026-11-22")  # one row per day
    print(f"\nfirst example answered in {answered:.2f} s, chart drawn at "
          f"{time.perf_counter() - t0:.2f} s")

    step = page.locator("#chat .thought-group").first
    expect(step).to_contain_text(re.compile(r"Active users .* \d+ ms"))  # title and time taken
    step.locator(".title").first.click()
    expect(step).to_contain_text("Vetted SQL")
    expect(step).to_contain_text("group_by")
    expect(step.locator("pre code").first).to_contain_text("SELECT")

    with page.expect_download() as csv_download:
        page.locator("#dl-csv").click()
    csv_text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Segment,")
    assert len(csv_text.splitlines()) == 1 + 28  # header, then 28 days
    with page.expect_download() as html_download:
        page.locator("#dl-chart").click()
    chart_html = Path(html_download.value.path()).read_text(encoding="utf-8")
    assert "Plotly.newPlot" in chart_html and len(chart_html) > 1_000_000  # plotly.js inline
    assert not re.search(r"<script[^>]+src=", chart_html)  # nothing fetched from a CDN

    # Another example: golden hours in local time, drawn as an hour x weekday heatmap.
    page.get_by_role("button", name="When are users in Indonesia most active?").click()
    expect(page.locator("#chat .bot-row")).to_have_count(2)
    expect(last_bot(page)).to_contain_text(ANSWERED)
    expect(last_bot(page)).to_contain_text("Indonesia")
    expect(page.locator("#chart .heatmaplayer")).to_have_count(1)
    expect(page.locator("#table")).to_contain_text("Local hour")
    page.mouse.move(0, 0)
    # Show the question with its answer; the chat scrolls to the end of long answers.
    page.locator("#chat [data-testid='user']").last.evaluate("e => e.scrollIntoView()")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(tmp_path / "screenshot.png"))



def test_typed_questions_in_english_and_chinese(page) -> None:
    took_en = ask(page, "What was D1 retention in Brazil last week?")
    expect(last_bot(page)).to_contain_text("Brazil")
    expect(page.locator("#table")).to_contain_text("Retention rate")
    took_zh = ask(page, "上周巴西的次日留存是多少？")
    expect(last_bot(page)).to_contain_text("巴西")
    expect(last_bot(page)).to_contain_text("留存")
    print(f"\nEnglish answer {took_en:.2f} s, Chinese answer {took_zh:.2f} s")
    # Follow-ups keep the context of this browser session: typed, or a suggestion clicked.
    ask(page, "And for Indonesia?")
    expect(last_bot(page)).to_contain_text("Indonesia")
    suggestion = page.locator("button.suggestion").first
    expect(suggestion).to_be_visible()
    tip = suggestion.inner_text()
    suggestion.click()
    expect(page.locator("#chat [data-testid='user']").last).to_have_text(tip)
    expect(page.locator("#chat .bot-row")).to_have_count(4)


def test_why_it_moved_shows_its_chart_and_table(page) -> None:
    page.locator("#question textarea").fill("Why did D1 retention drop last week in Brazil?")
    page.locator("#question textarea").press("Enter")
    expect(last_bot(page)).to_contain_text("D1 retention")  # a change has no "Range:" line
    expect(page.locator("#table")).to_contain_text("Contribution")
    expect(page.locator("#chart")).to_contain_text("Why D1 retention moved")
    expect(page.locator("#edit")).to_be_hidden()  # a change has no controls to re-run it
    # a question in Traditional Chinese: the answer's words in Traditional characters
    ask(page, "上週巴西的日活是多少？")
    expect(last_bot(page)).to_contain_text("為")


def test_language_switch_relabels_the_interface(page) -> None:
    page.get_by_text("中文", exact=True).click()
    expect(page.get_by_role("tab", name="提问")).to_be_visible()
    expect(page.get_by_role("tab", name="指标目录")).to_be_visible()
    expect(page.locator("button.example").first).to_have_text("过去四周日活趋势如何？")
    expect(page.locator("#send")).to_have_text("发送")
    expect(page.locator("#status")).to_contain_text("离线规划器")
    page.get_by_role("tab", name="指标目录").click()
    expect(page.get_by_text("留存率（次日 / 7日 / 30日）").first).to_be_visible()


def test_bad_upload_shows_the_loaders_message(page, tmp_path: Path) -> None:
    bad = tmp_path / "users.csv"  # `platform` is required and missing
    bad.write_text("user_id,signup_at,country\nu1,2026-11-01 10:00:00,BR\n", encoding="utf-8")
    page.get_by_role("tab", name="Data").click()
    overview = page.locator("#data-overview")
    expect(overview).to_contain_text("2,000")
    page.locator("#upload input[type=file]").set_input_files(str(bad))
    expect(page.locator("#upload")).to_contain_text(re.compile(r"users\s*\.csv"))
    page.locator("#load").click()
    result = page.locator("#load-result textarea")
    expect(result).to_have_value(re.compile(r"users\.csv.*platform", re.S))
    assert "Traceback" not in result.input_value()
    expect(overview).to_contain_text("2,000")  # nothing was loaded
    page.get_by_role("tab", name="Ask").click()
    ask(page, "What was D1 retention in Brazil last week?")  # the database is still served


def test_login_page_when_auth_is_set(browser, demo_db: Path) -> None:
    with running_app(demo_db, auth=AUTH) as running:
        context = browser.new_context(viewport=VIEWPORT, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(running.url)
        password = page.locator("input[type=password]")
        expect(password).to_be_visible()
        expect(page.get_by_text("Sign in to the activity analytics assistant")).to_be_visible()
        expect(page.locator("button.example")).to_have_count(0)
        page.locator("input[type=text]").first.fill(AUTH[0])
        password.fill(AUTH[1])
        password.press("Enter")
        expect(page.locator("button.example").first).to_be_visible()
        context.close()


def test_weekly_summary_of_the_latest_complete_week(page) -> None:
    page.get_by_role("tab", name="Weekly summary").click()
    # The data ends on Sunday 2026-11-22, so the latest complete ISO week is 2026-W47.
    page.get_by_role("button", name="Build the summary").click()
    view = page.locator("#weekly-view")
    expect(view).to_contain_text("2026-W47")
    expect(view).to_contain_text("2026-11-09 to 2026-11-15")  # compared with the week before
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    body = Path(download.value.path()).read_text(encoding="utf-8")
    assert "2026-W47" in body and "<html" in body

"""The web app as a meeting uses it, in headless Chromium at desktop and phone sizes.

Editable answers, big numbers, boards that survive restarts and loads, complete Chinese,
plain messages, the phone layout. Set ASSISTANT_SCREENSHOTS=docs to refresh the README's
screenshots (docs/screenshot.png and docs/screenshot-phone.png).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from assistant.config import PROMPTS_DIR
from assistant.store.db import connect_read
from tests.browser.conftest import ANSWERED, WAIT_MS
from tests.chromium import require_chromium
from tests.ui_server import END_DATE, Running, running_app

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
NEW_USERS = 40  # users a load adds, all active on the last day

require_chromium()

from playwright import sync_api  # noqa: E402

expect = sync_api.expect
expect.set_options(timeout=WAIT_MS)



def open_page(browser, url: str, viewport: dict = DESKTOP, ready: str = "button.example"):
    """A new page at `url`, once `ready` shows (the Ask tab's examples, unless told)."""
    context = browser.new_context(viewport=viewport, locale="en-US", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    expect(page.locator(ready).first).to_be_visible()
    return page


@pytest.fixture
def page(browser, app: Running) -> Iterator:
    page = open_page(browser, app.url)
    yield page
    page.context.close()


def last_bot(page):
    return page.locator("#chat [data-testid='bot']").last


def ask(page, question: str) -> None:
    answers = page.locator("#chat .bot-row")
    before = answers.count()
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")
    expect(page.locator("#chat [data-testid='user']").last).to_have_text(question)
    expect(answers).to_have_count(before + 1)
    expect(last_bot(page)).to_contain_text(ANSWERED)


def choose(page, selector: str, option: str) -> None:
    """Pick one option of a Gradio dropdown, as a person does."""
    box = page.locator(f"{selector} input").first
    box.click()
    box.fill(option)  # long lists (every country) show the matching options only
    page.get_by_role("option", name=option, exact=True).click()


def table_range(page) -> tuple[date, date]:
    label = page.locator("#table").inner_text()
    start, end = re.findall(r"\d{4}-\d\d-\d\d", label)[:2]
    return date.fromisoformat(start), date.fromisoformat(end)


def active_in(db: Path, start: date, end: date, country: str | None = None) -> int:
    """Distinct users with a session in [start, end] (UTC days), counted straight from the file."""
    con = connect_read(db)  # the app in this process holds the file with these settings
    try:
        return con.execute(
            "SELECT count(DISTINCT s.user_id) FROM sessions s JOIN users u USING (user_id) "
            "WHERE s.started_at >= ? AND s.started_at < ? AND (? IS NULL OR u.country = ?)",
            [start, end + timedelta(days=1), country, country],
        ).fetchone()[0]
    finally:
        con.close()


# ----- editable answers and numbers ---------------------------------------------------------


def test_changing_the_breakdown_reruns_the_metric_and_a_typed_follow_up_builds_on_it(
    page, demo_db: Path
) -> None:
    # (lasting connections, not paid conversion: a country's payers are under the minimum
    # group size on this small demo, so its row would be hidden)
    ask(page, "What share of users have lasting connections, by platform?")
    table = page.locator("#table")
    expect(table).to_contain_text("Android")
    bot_rows = page.locator("#chat .bot-row").count()
    choose(page, "#breakdown", "Country")
    expect(table).to_contain_text("Brazil")  # names, not codes
    expect(table).not_to_contain_text("Android")
    expect(page.locator("#chat [data-testid='user']").last).to_contain_text("↻")
    expect(page.locator("#chat .bot-row")).to_have_count(bot_rows + 1)
    # The Brazil row's active users, counted independently from the database file.
    start, end = table_range(page)
    brazil = table.locator("[role=row]", has_text="Brazil").first.locator(
        "[role=gridcell]").nth(1).inner_text()
    assert int(brazil.replace(",", "")) == active_in(demo_db, start, end, "BR")
    # A typed follow-up starts from the changed answer: still by country, now for iOS.
    ask(page, "And for iOS only?")
    expect(table).to_contain_text("Brazil")
    step = page.locator("#chat .thought-group").last
    step.locator(".title").first.click()
    expect(step).to_contain_text("group_by country")
    expect(step).to_contain_text("ios")


def test_period_and_market_controls(page, demo_db: Path) -> None:
    ask(page, "How did daily active users trend over the past 4 weeks?")
    choose(page, "#period", "Last 7 days")
    expect(page.locator("#table")).to_contain_text(f"{END_DATE - timedelta(days=6)} to {END_DATE}")
    expect(page.locator("#table [role=row][data-index]")).to_have_count(7)  # one row per day
    # A trend compares as two totals: this week and the seven days before it.
    page.locator("#compare-toggle input").check()
    expect(page.locator("#compare")).to_contain_text("2026-11-09 to 2026-11-15")
    expect(page.locator("#compare")).to_contain_text("All users")
    choose(page, "#markets", "Indonesia")
    expect(page.locator("#chat [data-testid='user']").last).to_contain_text("Indonesia")
    expect(page.locator("#markets")).to_contain_text("Indonesia")


def test_a_single_figure_is_a_big_number_with_its_change_in_points(page) -> None:
    ask(page, "What was D1 retention in Brazil last week?")
    card = page.locator("#bignum")
    expect(card).to_be_visible()
    expect(page.locator("#chart")).to_be_hidden()  # no lone bar
    value = card.locator(".bn-value").first.inner_text()
    change = card.locator(".bn-change").first.inner_text()
    now = float(value.rstrip("%"))
    before = float(re.search(r"vs ([\d.]+)%", change)[1])
    points = float(re.search(r"([+−])([\d.]+) pp", change)[2])
    assert abs(points - abs(now - before)) <= 0.11  # the change is in percentage points
    # The compare toggle shows both periods: the week before is 2026-11-09 to 2026-11-15.
    page.locator("#compare-toggle input").check()
    expect(page.locator("#compare")).to_contain_text("2026-11-09 to 2026-11-15")
    expect(page.locator("#compare")).to_contain_text("pp")


def test_counts_never_show_decimals(page, demo_db: Path) -> None:
    ask(page, "How many daily active users did we have last week?")
    values = page.locator("#bignum .bn-value")
    expect(values.first).to_be_visible()
    dau = values.nth(0).inner_text()
    assert re.fullmatch(r"\d{1,3}(,\d{3})*", dau), dau
    mau = values.nth(1).inner_text()
    assert int(mau.replace(",", "")) == active_in(demo_db, END_DATE - timedelta(days=29), END_DATE)
    with page.expect_download() as download:
        page.locator("#dl-csv").click()
    rows = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    header, first = rows[0].split(","), rows[1].split(",")
    assert first[header.index("Average DAU")] == dau.replace(",", "")
    assert re.fullmatch(r"\d+(\.\d)?", first[header.index("Stickiness (DAU/MAU) (%)")])


def test_csv_has_names_beside_codes(page) -> None:
    ask(page, "What was D1 retention by country last week?")
    with page.expect_download() as download:
        page.locator("#dl-csv").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Segment,Name,")
    assert any(line.startswith("BR,Brazil,") for line in lines)


# ----- plain messages -----------------------------------------------------------------------


def test_an_empty_question_gets_a_plain_message(page) -> None:
    page.locator("#send").click()
    expect(last_bot(page)).to_contain_text("Please type a question")
    expect(page.locator(".toast-body, .error")).to_have_count(0)


def test_a_long_question_is_not_cut_silently(page) -> None:
    question = "How many users " + "x" * 520
    page.locator("#question textarea").fill(question)
    assert len(page.locator("#question textarea").input_value()) == len(question)
    page.locator("#question textarea").press("Enter")
    expect(last_bot(page)).to_contain_text(re.compile(r"too long.*500", re.S))


def test_data_tab_names_the_columns_and_offers_templates(page) -> None:
    page.get_by_role("tab", name="Data").click()
    columns = page.locator("#data-columns")
    expect(columns).to_contain_text("session_id")
    expect(columns).to_contain_text("signup_at")
    with page.expect_download() as download:
        page.locator("#templates a[download='sessions.csv']").click()
    header = Path(download.value.path()).read_text(encoding="utf-8").splitlines()[0]
    assert header == "session_id,user_id,started_at,ended_at"


# ----- boards, loads, restarts --------------------------------------------------------------


def extra_files(folder: Path) -> list[Path]:
    """NEW_USERS new Brazilian users, each with one session on the last day of the data."""
    users = folder / "users.csv"
    sessions = folder / "sessions.csv"
    day = END_DATE.isoformat()
    users.write_text("user_id,signup_at,country,platform\n" + "".join(
        f"new{i},{day} 08:00:00,BR,ios\n" for i in range(NEW_USERS)), encoding="utf-8")
    sessions.write_text("session_id,user_id,started_at,ended_at\n" + "".join(
        f"news{i},new{i},{day} 09:00:00,{day} 09:20:00\n" for i in range(NEW_USERS)),
        encoding="utf-8")
    return [users, sessions]


def pin(page, board: str, done: str = "Pinned to") -> None:
    box = page.locator("#pin-board input").first
    box.fill(board)
    page.locator("#pin").click()
    expect(page.locator("#pin-status")).to_contain_text(f"{done} {board}")


def test_board_survives_a_restart_and_a_load_and_opens_from_its_link(
    browser, demo_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "board.duckdb"
    shutil.copy(demo_db, db)
    with running_app(db) as first:
        page = open_page(browser, first.url)
        ask(page, "How many daily active users did we have last week?")
        pin(page, "Weekly sync")
        ask(page, "What is the paid conversion rate by platform?")
        # the answer's table is the new one before it is pinned (the text streams in first)
        expect(page.locator("#table")).to_contain_text(re.compile("android", re.I))
        pin(page, "Weekly sync")
        expect(page.locator("#pin-status")).to_contain_text("(2 item")
        page.context.close()
    mau_before = active_in(db, END_DATE - timedelta(days=29), END_DATE)
    with running_app(db) as second:  # a restart
        page = open_page(browser, second.url)
        expect(page.locator("#status")).to_contain_text("2,000 users")
        page.get_by_role("tab", name="Data").click()
        page.locator("#upload input[type=file]").set_input_files(
            [str(p) for p in extra_files(tmp_path)])
        page.locator("#load").click()
        result = page.locator("#load-result textarea")
        expect(result).to_have_value(re.compile(r"Loaded in"))
        assert str(db) not in result.input_value() and str(tmp_path) not in result.input_value()
        page.context.close()

        # A fresh page shows the new counts; the board's link opens the board, re-run.
        page = open_page(browser, f"{second.url}?board=Weekly%20sync", ready="#status")
        expect(page.locator("#status")).to_contain_text(f"{2000 + NEW_USERS:,} users")
        cards = page.locator("#board-cards .card")
        expect(cards).to_have_count(2)
        expect(cards.first).to_contain_text(f"{mau_before + NEW_USERS:,}")  # MAU, fresh
        expect(cards.nth(1)).to_contain_text("Android")
        expect(page.locator("#board-link")).to_contain_text("Weekly sync")

        with page.expect_download() as download:
            page.locator("#board-export").click()
        body = Path(download.value.path()).read_text(encoding="utf-8")
        from plotly.offline import get_plotlyjs

        bundle = get_plotlyjs()
        assert body.count(bundle[:200]) == 1  # plotly.js inlined once
        page_only = body.replace(bundle, "")  # (the library's own source quotes its home page)
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page_only)
        assert "Plotly.newPlot" in body and f"{mau_before + NEW_USERS:,}" in body

        choose(page, "#board-item", "2. Paid conversion, ARPU and ARPPU")
        page.locator("#board-up").click()
        expect(cards.first).to_contain_text("Paid conversion")
        choose(page, "#board-item", "1. Paid conversion, ARPU and ARPPU")
        page.locator("#board-remove").click()
        expect(cards).to_have_count(1)
        expect(cards.first).to_contain_text("Active users")
        page.context.close()


# ----- complete Chinese ---------------------------------------------------------------------

# Names people write in Latin letters in Chinese too, and the language switch itself.
LATIN_IN_ZH = {"ios", "android", "html", "csv", "sql", "markdown", "iso", "utc", "json",
               "parquet", "lines", "dau", "wau", "mau", "arpu", "arppu", "english", "language",
               "yyyy", "min", "pp", "ms", "ai"}


def english_ui_words() -> set[str]:
    """Every word of three letters or more in the English text of prompts/ui.yaml."""
    words: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", value))
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)

    for entry in yaml.safe_load((PROMPTS_DIR / "ui.yaml").read_text(encoding="utf-8")).values():
        walk(entry.get("en"))
    return words - LATIN_IN_ZH


VISIBLE_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  // code names files and columns (users.csv, session_id); it is not a UI word
  copy.querySelectorAll('code, pre, script, style, textarea, input').forEach(e => e.remove());
  copy.style.position = 'absolute';
  document.body.appendChild(copy);
  const text = copy.innerText;
  copy.remove();
  return text;
}"""


def technical_names() -> set[str]:
    """Names the data and the metrics use as values (event names, parameters, tables, files).

    Metric definitions quote them as they are written in the data ("follow", "start"), in
    both languages: they are identifiers, not interface words.
    """
    from assistant.metrics.registry import ACTIONS, get_registry
    from assistant.store.contract import TABLES

    names = set(ACTIONS) | set(TABLES)
    for spec in TABLES.values():
        names |= {c.name for c in spec.columns} | {a for c in spec.columns for a in c.allowed}
    for metric in get_registry():
        names |= set(metric.params) | {str(a) for p in metric.params.values() for a in p.allowed}
    names |= {"any"}  # the core-action definition quotes its row 'any' (any core action)
    return {n.lower() for n in names}


WHERE = """(word) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.textContent.includes(word)) {
      const el = node.parentElement;
      return (el.closest('[id]') || el).id + ': ' + node.textContent.trim().slice(0, 80);
    }
  }
  return '?';
}"""


def english_words_on(page, words: set[str]) -> list[str]:
    """English UI words that stay on screen (a status flashing by while an event ends is not)."""
    page.wait_for_timeout(1000)
    text = page.evaluate(VISIBLE_TEXT)
    text = re.sub(r"\b\w+\.(csv|tsv|parquet|jsonl|ndjson|json)\b", " ", text)  # file names
    allowed = technical_names()
    tokens = re.findall(r"[A-Za-z][A-Za-z0-9_]*", text)
    found = sorted({t for t in tokens
                    if "_" not in t and t.lower() in words and t.lower() not in allowed})
    # Where each word sits, so a failure says which element to translate.
    return [f"{w} in {page.evaluate(WHERE, w)}" for w in found]


def test_chinese_walk_through_every_tab_has_no_english_ui_words(browser, app: Running) -> None:
    words = english_ui_words()
    assert {"conversation", "board", "download", "columns"} <= words  # the list is real
    page = open_page(browser, app.url)
    page.get_by_text("中文", exact=True).click()
    expect(page.get_by_role("tab", name="提问")).to_be_visible()
    ask(page, "各平台的付费转化率是多少？")
    expect(page.locator("#table")).to_contain_text("安卓")
    pin(page, "周会", done="已固定到")  # a board in Chinese too
    found = {"提问": english_words_on(page, words)}
    page.get_by_role("tab", name="看板").click()
    expect(page.locator("#board-cards .card")).to_have_count(1)
    found["看板"] = english_words_on(page, words)
    page.get_by_role("tab", name="周报").click()
    page.get_by_role("button", name="生成周报").click()
    expect(page.locator("#weekly-view")).to_contain_text("2026-W47")
    found["周报"] = english_words_on(page, words)
    page.get_by_role("tab", name="数据").click()
    expect(page.locator("#upload")).to_contain_text("拖放")  # Gradio's own words follow too
    found["数据"] = english_words_on(page, words)
    page.get_by_role("tab", name="指标目录").click()
    expect(page.locator("#metrics-view")).to_contain_text("可以这样问")
    found["指标目录"] = english_words_on(page, words)
    page.context.close()
    assert found == {tab: [] for tab in found}


# ----- phone --------------------------------------------------------------------------------


def boxes_overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_phone_layout(browser, app: Running) -> None:
    page = open_page(browser, app.url, PHONE)
    ask(page, "What is the paid conversion rate by platform?")
    chart = page.locator("#chart")
    expect(chart.locator(".main-svg").first).to_be_visible()
    examples = page.locator("button.example").first
    assert chart.bounding_box()["y"] < examples.bounding_box()["y"]  # answer first
    table = page.locator("#table")
    assert table.bounding_box()["x"] + table.bounding_box()["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    chart.hover()
    title = chart.locator(".gtitle").first.bounding_box()
    modebar = chart.locator(".modebar").first.bounding_box()
    assert title and modebar and not boxes_overlap(title, modebar)
    shots = os.environ.get("ASSISTANT_SCREENSHOTS")
    if shots:
        page.mouse.move(0, 0)
        page.screenshot(path=str(Path(shots) / "screenshot-phone.png"))
    for tab in ("Data", "Metrics"):
        button = page.get_by_role("tab", name=tab)
        expect(button).to_be_visible()
        button.click()
    expect(page.locator("#metrics-view")).to_contain_text("Try:")
    page.context.close()


def test_desktop_screenshot(browser, app: Running, tmp_path: Path) -> None:
    page = open_page(browser, app.url)
    ask(page, "What was D1 retention in Brazil last week?")
    expect(page.locator("#bignum .bn-change").first).to_contain_text("pp")
    ask(page, "What is the paid conversion rate by platform?")
    expect(page.locator("#chart .main-svg").first).to_be_visible()
    page.mouse.move(0, 0)
    page.locator("#chat [data-testid='user']").last.evaluate("e => e.scrollIntoView()")
    page.evaluate("window.scrollTo(0, 0)")
    shots = os.environ.get("ASSISTANT_SCREENSHOTS")
    page.screenshot(path=str(Path(shots) / "screenshot.png") if shots
                    else str(tmp_path / "screenshot.png"))
    page.context.close()

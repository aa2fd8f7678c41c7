"""The weekly report: golden Markdown, figures equal to the catalog's, honest about gaps."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from assistant.apps.cli import app
from assistant.config import Settings
from assistant.errors import UserError
from assistant.metrics.catalog import Catalog
from assistant.present.numbers import fmt
from assistant.present.report import (
    SECTION_STEPS,
    build_report,
    collect,
    last_complete_week,
    render,
    resolve_week,
    signed,
)

WEEK = "2026-W47"  # 2026-11-16 .. 2026-11-22; the demo's data runs to 2026-11-25
FIRST, LATEST = date(2026, 10, 15), date(2026, 11, 25)


def tables(markdown: str) -> dict[str, list[list[list[str]]]]:
    """Markdown tables by the section heading above them: [table][row][cell], header first."""
    out: dict[str, list[list[list[str]]]] = {}
    heading, current = "", None
    for line in markdown.splitlines():
        if line.startswith("## "):
            heading, current = line[3:].strip(), None
        elif line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if all(re.fullmatch(r"-+:?", c) for c in cells):
                continue
            if current is None:
                current = []
                out.setdefault(heading, []).append(current)
            current.append(cells)
        else:
            current = None
    return out


def section(markdown: str, title: str) -> list[list[list[str]]]:
    return next(v for k, v in tables(markdown).items() if k.split(". ", 1)[-1] == title)


def catalog_for(path: Path) -> Catalog:
    return Catalog(path, settings=Settings(db_path=path))


@pytest.fixture(scope="module")
def w47_md(demo_db: Path) -> str:
    return build_report(catalog_for(demo_db), WEEK, "en", "md")


@pytest.fixture(scope="module")
def w47_html(demo_db: Path) -> str:
    return build_report(catalog_for(demo_db), WEEK, "en", "html")


# --- the week -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latest", "monday"),
    [
        (date(2026, 11, 22), date(2026, 11, 16)),  # a Sunday: its own week is complete
        (date(2026, 11, 23), date(2026, 11, 16)),  # Monday: the week before
        (date(2026, 11, 21), date(2026, 11, 9)),  # Saturday: W47 lacks its Sunday
        (date(2026, 11, 25), date(2026, 11, 16)),  # the demo's last day (a Wednesday)
    ],
)
def test_last_complete_week_by_hand(latest: date, monday: date) -> None:
    assert last_complete_week(latest) == monday


@pytest.mark.parametrize("text", ["2026-W47", "2026w47", " 2026-w47 ", "2026-11-18", "last"])
def test_week_spellings(text: str) -> None:
    w = resolve_week(text, LATEST, FIRST)
    assert (w.label, w.start, w.end, w.partial) == (
        "2026-W47", date(2026, 11, 16), date(2026, 11, 22), False
    )
    assert (w.prev_start, w.prev_end) == (date(2026, 11, 9), date(2026, 11, 15))


def test_last_falls_back_to_the_week_in_progress_when_none_is_complete() -> None:
    # data from Monday 2026-11-23 to Wednesday 2026-11-25: no complete week yet
    w = resolve_week("last", LATEST, date(2026, 11, 23))
    assert (w.label, w.data_start, w.data_end, w.open_end) == (
        "2026-W48", date(2026, 11, 23), LATEST, True
    )
    assert w.prev_missing


def test_bad_week_says_how_to_write_one() -> None:
    with pytest.raises(UserError, match="not a week.*2026-W47"):
        resolve_week("week 47", LATEST, FIRST)
    with pytest.raises(UserError, match="not a week"):
        resolve_week("2026-W60", LATEST, FIRST)


def test_future_week_is_a_clear_error(demo_db: Path) -> None:
    with pytest.raises(UserError) as exc:
        build_report(catalog_for(demo_db), "2026-W49", "en", "md")
    assert exc.value.message == "No data after 2026-11-25; the latest complete week is 2026-W47."
    with pytest.raises(UserError, match="之后没有数据"):
        build_report(catalog_for(demo_db), "2027-W01", "zh", "md")
    with pytest.raises(UserError, match="No data before 2026-10-15"):
        build_report(catalog_for(demo_db), "2026-W40", "en", "md")


def test_bad_language_and_format(demo_db: Path) -> None:
    with pytest.raises(UserError, match="Use en or zh"):
        build_report(catalog_for(demo_db), WEEK, "fr", "md")
    with pytest.raises(UserError, match="Use md or html"):
        build_report(catalog_for(demo_db), WEEK, "en", "pdf")


def test_default_week_is_the_latest_complete_one(demo_db: Path, w47_md: str) -> None:
    assert build_report(catalog_for(demo_db), None, "en", "md") == w47_md


# --- golden files ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_golden_markdown(demo_db: Path, lang: str, golden) -> None:
    """Regenerate with UPDATE_GOLDEN=1 after an intended change, and read the diff."""
    golden(f"report_{WEEK}_{lang}.md", build_report(catalog_for(demo_db), WEEK, lang, "md"))


# --- every figure is the catalog's ------------------------------------------------------------


def test_scorecard_table_equals_catalog(demo_db: Path, w47_md: str) -> None:
    res = catalog_for(demo_db).run(
        "activity_scorecard", {"start": "2026-11-16", "end": "2026-11-22"}
    )
    rows = section(w47_md, "Four-dimension scorecard")[0]
    header, body = rows[0], rows[1:]
    assert header[3:6] == ["This week", "Previous week", "Change"]
    assert len(body) == len(res.rows) == 4
    for line, row in zip(body, res.rows, strict=True):
        unit = row["unit"]
        assert line[3] == fmt(row["current"], unit)
        assert line[4] == fmt(row["previous"], unit)
        if unit == "pct":  # a rate moves in percentage points, as everywhere else
            points = (row["current"] - row["previous"]) * 100
            assert line[5] == f"{'+' if points > 0 else '−'}{abs(points):.1f} pp"
        else:
            assert line[5] == signed(row["change"], "rel")
        assert line[6] == row["verdict"]
    assert body[0][3] == f"{round(res.rows[0]['current']):,}"  # average DAU: a count


def test_retention_table_equals_catalog(demo_db: Path, w47_md: str) -> None:
    # cohorts: sign-ups of 2026-W46 (D7 inside W47) against those of 2026-W45
    res = catalog_for(demo_db).run(
        "retention",
        {"start": "2026-11-02", "end": "2026-11-15", "group_by": "week", "days": [1, 7]},
    )
    got = {(r["segment"], r["day_n"]): r for r in res.rows}
    rows = section(w47_md, "New-user retention (D1 / D7)")[0]
    assert rows[0][1:5] == ["Sign-ups 2026-W46: rate", "Sign-ups 2026-W46: users",
                            "Sign-ups 2026-W45: rate", "Sign-ups 2026-W45: users"]
    for line, n in zip(rows[1:], (1, 7), strict=True):
        a, b = got[("2026-W46", n)], got[("2026-W45", n)]
        assert line[1:5] == [fmt(a["rate"], "pct"), fmt(a["cohort_users"], "int"),
                             fmt(b["rate"], "pct"), fmt(b["cohort_users"], "int")]
        assert line[5] == signed(a["rate"] - b["rate"], "pp") + " pp"
    assert "2026-11-09 to 2026-11-15" in w47_md


def test_latency_and_depth_tables_equal_catalog(demo_db: Path, w47_md: str) -> None:
    cat = catalog_for(demo_db)
    week = {"start": "2026-11-16", "end": "2026-11-22"}
    lat = cat.run("latency_vs_activity", week)
    rows = section(w47_md, "Call connect time and next-day return")[0][1:]
    assert [r[1] for r in rows] == [fmt(r["calls"], "int") for r in lat.visible_rows]
    assert [r[5] for r in rows] == [fmt(r["next_day_return"], "pct") for r in lat.visible_rows]
    depth = cat.run("core_action_rate", week)
    rows = section(w47_md, "Core-action completion")[0][1:]
    assert [r[2] for r in rows] == [fmt(r["rate"], "pct") for r in depth.visible_rows]


def test_movers_are_the_change_explanations(demo_db: Path) -> None:
    from assistant.metrics.change.explain import explain_change

    cat = catalog_for(demo_db)
    report = collect(cat, WEEK, "en")
    movers = next(s for s in report.sections if s.key == "movers")
    assert [t.key for t in movers.tables] == ["movers"]
    rows = {r[0]: r for r in movers.tables[0].rows}
    dau = explain_change(cat, {"figure": "dau", "start": "2026-11-16", "end": "2026-11-22"})
    assert rows["DAU"][1:4] == [fmt(dau.value_a, "int"), fmt(dau.value_b, "int"),
                                f"{dau.relative * 100:+.1f}%"]
    assert rows["DAU"][4] == ("beyond normal variation" if dau.verdict.beyond
                              else rows["DAU"][4])
    conv = explain_change(cat, {"figure": "paid_conversion", "start": "2026-11-16",
                                "end": "2026-11-22"})
    assert rows["Paid conversion"][3] == f"{conv.change * 100:+.1f} pp"
    # segments that only moved with everyone are not listed: DAU rose alike everywhere
    assert (rows["DAU"][5] == "none: a broad change") == (not dau.top)
    assert movers.facts["compared"] == ("2026-11-09", "2026-11-15")


def test_alerts_section_lists_the_weeks_alerts(demo_db: Path) -> None:
    from assistant.metrics.change.alerts import alerts

    cat = catalog_for(demo_db)
    report = collect(cat, WEEK, "zh")
    sec = next(s for s in report.sections if s.key == "alerts")
    expected = [a for a in alerts(cat, since=date(2026, 11, 16)) if a.day <= date(2026, 11, 22)]
    got = sec.tables[0].rows if sec.tables else []
    assert [r[0][:10] for r in got] == [a.day.isoformat() for a in expected]
    assert sec.narrative.startswith("本周")


# --- missing or partial data -------------------------------------------------------------------


def test_partial_week_says_so_and_compares_like_days(demo_db: Path) -> None:
    report = collect(catalog_for(demo_db), "2026-W48", "en")
    text = render(report, "md")
    assert "2026-W48 is not complete: the data ends on 2026-11-25" in text
    assert "covers 3 day(s), 2026-11-23 to 2026-11-25" in text
    score = section(text, "Four-dimension scorecard")[0][1:]
    assert {r[4] for r in score} == {"n/a"} and {r[5] for r in score} == {"—"}
    # movers compare Monday-Wednesday with Monday-Wednesday of the week before
    movers = next(s for s in report.sections if s.key == "movers")
    assert movers.facts["compared"] == ("2026-11-16", "2026-11-18")
    assert "D7 counts only sign-ups up to 2026-11-18" in text


def test_week_without_previous_week_shows_no_changes(demo_db: Path) -> None:
    text = build_report(catalog_for(demo_db), "2026-W42", "en", "md")
    assert "The data starts on 2026-10-15, in the middle of 2026-W42" in text
    assert "There is no data for the previous week" in text
    for heading, found in tables(text).items():
        for table in found:
            header = table[0]
            for col, name in enumerate(header):
                if name.startswith("Change"):
                    assert {row[col] for row in table[1:]} <= {"—"}, heading
    assert "Movements are not listed" in text
    assert "on the previous week" not in text


def test_day_without_sessions_is_called_out(demo_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "gap.duckdb"
    shutil.copy(demo_db, path)
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM sessions WHERE CAST(started_at AS DATE) = DATE '2026-11-18'")
    con.close()
    text = build_report(catalog_for(path), WEEK, "en", "md")
    assert "No sessions at all on 2026-11-18 in this week" in text
    score = section(text, "Four-dimension scorecard")[0][1:]
    assert {r[5] for r in score} == {"—"}
    assert "Movements are not listed" in text


# --- HTML ------------------------------------------------------------------------------------


def test_html_is_self_contained_with_every_section(w47_html: str) -> None:
    assert not re.search(r"https?:/", w47_html, re.I)  # anywhere, scripts included
    # the page itself (outside the inlined scripts) links nothing but its own sections
    page = re.sub(r"<script>.*?</script>", "", w47_html, flags=re.S)
    assert re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]*)""", page, re.I) == [
        f"#sec-{key}" for key in SECTION_STEPS]
    assert not re.search(r"url\(|@import|//cdn|<link|<img|<iframe", page, re.I)
    assert w47_html.count("plotly.js v") == 1  # the bundle's banner: inlined once
    assert w47_html.count("Plotly.newPlot(") >= 5
    for key in SECTION_STEPS:
        assert f'id="sec-{key}"' in w47_html
    assert "@media print" in w47_html and 'name="viewport"' in w47_html


def test_html_escapes_data_values(demo_db: Path) -> None:
    report = collect(catalog_for(demo_db), WEEK, "en")
    evil = '<img src=x onerror="alert(1)">'
    report.sections[0].narrative = evil
    report.sections[0].tables[0].rows[0][0] = evil
    html = render(report, "html")
    assert evil not in html
    assert html.count("&lt;img src=x onerror=&#34;alert(1)&#34;&gt;") == 2


def test_zh_html_has_no_english_headings(demo_db: Path) -> None:
    html = build_report(catalog_for(demo_db), WEEK, "zh", "html")
    assert '<html lang="zh-CN">' in html
    assert "四维记分卡" in html and "Four-dimension scorecard" not in html


# --- progress and command line ------------------------------------------------------------------


def test_progress_reports_every_section(demo_db: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    build_report(catalog_for(demo_db), WEEK, "en", "md",
                 progress=lambda d, t, label: calls.append((d, t, label)))
    done = [d for d, _, _ in calls]
    assert done == sorted(done) and done[-1] == calls[-1][1]
    assert {"Usage time", "Golden windows by region (local time)"} <= {c[2] for c in calls}


def test_cli_writes_html_and_reports_errors(demo_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "week.html"
    res = runner.invoke(app, ["report", "--db", str(demo_db), "--week", WEEK, "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    res = runner.invoke(app, ["report", "--db", str(demo_db), "--week", WEEK, "--lang", "zh"])
    assert res.exit_code == 0 and "# 每周活跃度报告 · 2026-W47" in res.stdout
    res = runner.invoke(app, ["report", "--db", str(demo_db), "--week", "2026-W49"])
    assert res.exit_code == 1
    assert "the latest complete week is 2026-W47" in " ".join(res.output.split())

"""The change explanation in chat, CLI and JSON: truthful lead, verdict, contributors, chart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.agent import graph, planner
from assistant.apps.cli import app
from assistant.config import Settings
from assistant.errors import ParameterError
from assistant.metrics.catalog import Catalog
from assistant.metrics.change.explain import explain_change
from assistant.present.change_narrative import narrate


@pytest.fixture
def routed(monkeypatch: pytest.MonkeyPatch):
    """The offline planner sends these questions to explain_change (routing is its own
    work; here the call is fixed so the answer itself is what is tested)."""
    calls = {
        "why did DAU drop last week?": {"figure": "dau"},
        "上周付费率为什么下降": {"figure": "paid_conversion"},
        "iOS vs Android D7": {"figure": "d7", "versus": "segments",
                              "platforms": ["ios", "android"]},
        "this week vs last week": {"figure": "dau", "split_by": []},
    }
    real = planner.plan

    def plan(question: str, **kw):
        if question in calls:
            return planner.Plan(planner.detect_language(question),
                                [planner.ToolCall("explain_change", calls[question])])
        return real(question, **kw)

    monkeypatch.setattr(planner, "plan", plan)


def test_why_did_dau_drop_says_it_rose(demo_db: Path, routed) -> None:
    cat = Catalog(demo_db, settings=Settings(db_path=demo_db))
    truth = explain_change(cat, {"figure": "dau"})
    assert truth.change is not None and truth.change > 0  # the demo's DAU rose that week
    answer = graph.Assistant(cat).ask("why did DAU drop last week?")
    pct = f"{truth.relative * 100:.1f}%"
    assert answer.text.startswith(f"DAU did not drop: it rose {pct}")
    # the demo has three earlier weeks: too little history for "normal variation"
    assert "more than sampling noise" in answer.text
    assert answer.suggestions and answer.results[0].figure("en") is not None
    payload = answer.to_json()
    assert payload["results"][0]["metric"] == "explain_change"
    assert payload["results"][0]["b"]["start"] == "2026-11-16"


def test_chinese_question_gets_a_chinese_answer(demo_db: Path, routed) -> None:
    cat = Catalog(demo_db, settings=Settings(db_path=demo_db))
    answer = graph.Assistant(cat).ask("上周付费率为什么下降")
    assert answer.language == "zh"
    assert answer.text.startswith("付费率")
    assert "可以接着问" in answer.text
    assert not any(w in answer.text for w in ("Standing out", "within normal", "beyond"))


def test_ios_vs_android_compares_two_segments(demo_db: Path, routed) -> None:
    cat = Catalog(demo_db, settings=Settings(db_path=demo_db))
    answer = graph.Assistant(cat).ask("iOS vs Android D7")
    result = answer.results[0]
    assert (result.label_b, result.label_a) == ("ios", "android")
    assert answer.text.startswith(f"D7 retention is {result.value_b * 100:.1f}% for iOS vs "
                                  f"{result.value_a * 100:.1f}% for Android")


def test_single_figure_is_a_number_with_its_change(demo_db: Path, routed) -> None:
    cat = Catalog(demo_db, settings=Settings(db_path=demo_db))
    answer = graph.Assistant(cat).ask("this week vs last week")
    fig = answer.results[0].figure("en")
    assert fig.data[0].type == "indicator"
    assert fig.data[0].delta.reference == pytest.approx(answer.results[0].value_a)


def test_waterfall_starts_and_ends_at_the_two_values(demo_catalog: Catalog) -> None:
    result = explain_change(demo_catalog, {"figure": "d1"})
    trace = result.figure("zh").data[0]
    assert trace.type == "waterfall"
    assert trace.y[0] == pytest.approx(result.value_a)
    assert trace.y[-1] == pytest.approx(result.value_b)
    assert sum(trace.y[1:-1]) == pytest.approx(result.change)


def test_lead_is_truthful_in_both_directions(demo_catalog: Catalog) -> None:
    result = explain_change(demo_catalog, {"figure": "d1"})
    assert result.change is not None and result.change < 0
    assert narrate(result, "en", "why did D1 rise?").startswith("D1 retention did not rise: "
                                                                 "it fell")
    assert narrate(result, "en", "why did D1 drop?").startswith("D1 retention fell")
    assert narrate(result, "zh", "次日留存为什么上升").startswith("次日留存并没有上升")


def test_bad_arguments_are_plain_errors(demo_catalog: Catalog) -> None:
    with pytest.raises(ParameterError, match="figure"):
        explain_change(demo_catalog, {"figure": "revenue"})
    with pytest.raises(ParameterError, match="two values"):
        explain_change(demo_catalog, {"figure": "d7", "versus": "segments"})
    with pytest.raises(ParameterError, match="No data"):
        explain_change(demo_catalog, {"figure": "dau", "start": "2020-01-01",
                                      "end": "2020-01-07"})


def test_alerts_command(demo_db: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["alerts", "--db", str(demo_db), "--json", "--since",
                              "2026-11-19"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["since"] == "2026-11-19" and data["latest"] == "2026-11-25"
    assert all(a["day"] >= "2026-11-19" for a in data["alerts"])
    text = runner.invoke(app, ["alerts", "--db", str(demo_db), "--lang", "zh"])
    assert text.exit_code == 0 and ("告警" in text.output)
    bad = runner.invoke(app, ["alerts", "--db", str(demo_db), "--since", "soon"])
    assert bad.exit_code == 1 and "Traceback" not in bad.output

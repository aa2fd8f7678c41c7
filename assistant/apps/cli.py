"""The `assistant` command line."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from assistant.config import get_settings
from assistant.errors import UserError

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console()
err = Console(stderr=True)

DbOption = Annotated[Path | None, typer.Option("--db", help="Database file (default: settings).")]


def _db(path: Path | None) -> Path:
    return path or get_settings().db_path


def _fail(exc: UserError) -> None:
    err.print(f"[bold red]Error:[/] {escape(exc.message)}", highlight=False, markup=True)
    if exc.hint:
        err.print(exc.hint, highlight=False, markup=False)
    raise typer.Exit(1)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING)


@app.command()
def demo(
    users: Annotated[int, typer.Option(min=10, help="Number of users.")] = 20_000,
    days: Annotated[int, typer.Option(min=7, max=730, help="Days of activity.")] = 56,
    end_date: Annotated[
        str | None, typer.Option(help="Last day of data, YYYY-MM-DD (default: yesterday).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same database.")] = 7,
    db: DbOption = None,
) -> None:
    """Build the demo database: realistic activity across countries."""
    from assistant.store import demo as demo_data

    try:
        end = date.fromisoformat(end_date) if end_date else date.today() - timedelta(days=1)
    except ValueError:
        _fail(UserError(f"'{end_date}' is not a date.", hint="Use YYYY-MM-DD, e.g. 2026-11-22."))
    path = _db(db)
    try:
        stats = demo_data.generate(path, users=users, days=days, end_date=end, seed=seed)
    except UserError as exc:
        _fail(exc)
    console.print(f"Demo database written to {escape(str(path))}", highlight=False)
    for table, n in stats.items():
        console.print(f"  {table:<11} {n:>12,} rows", highlight=False)


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="Files named after tables, or folders.")],
    db: DbOption = None,
) -> None:
    """Validate files and load them, all or nothing."""
    from assistant.store import loader

    try:
        report = loader.load_paths(_db(db), paths)
    except UserError as exc:
        _fail(exc)
    console.print(report.summary(), highlight=False, markup=False)


def _parse_set(metric, pairs: list[str]) -> dict:
    """`key=value` pairs into typed arguments; lists are comma-separated."""
    args: dict = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UserError(
                f"'{pair}' is not key=value.", hint="For example: --set countries=BR,ID"
            )
        param = metric.params.get(key)
        if param is not None and param.type.endswith("_list"):
            items = [v.strip() for v in value.split(",") if v.strip()]
            args[key] = [int(v) if param.type == "int_list" and v.lstrip("-").isdigit() else v
                         for v in items]
        elif param is not None and param.type == "int" and value.strip().lstrip("-").isdigit():
            args[key] = int(value)
        else:
            args[key] = value.strip()
    return args


@app.command()
def rollups(
    engine: Annotated[
        str, typer.Option(help="duckdb (in the database file) or spark (Parquet files).")
    ] = "duckdb",
    zone: Annotated[
        str | None, typer.Option(help="Reporting time zone (default: settings).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Rebuild the rollup tables the metrics read, for one reporting time zone."""
    settings = get_settings()
    tz = zone or settings.report_timezone
    try:
        if engine == "duckdb":
            from assistant.store import db as store
            from assistant.store import rollups as derived

            con = store.connect_write(_db(db))
            try:
                seconds = derived.rebuild(con, tz)
            finally:
                con.close()
            where = str(_db(db))
        elif engine == "spark":
            from assistant.engines.spark import build_and_write

            seconds, where = build_and_write(settings, _db(db), tz)
        else:
            raise UserError(f"Unknown engine {engine!r}.", hint="Use duckdb or spark.")
    except UserError as exc:
        _fail(exc)
    console.print(f"Rollups for {tz} built in {seconds:.1f} s ({engine}: {where})",
                  highlight=False)


@app.command("export-parquet")
def export_parquet(
    to: Annotated[
        Path | None, typer.Option("--to", help="Folder (default: next to the database).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Write each table of the database as <table>.parquet, for Spark to read."""
    from assistant.engines.spark_tables import default_parquet_dir
    from assistant.engines.spark_tables import export_parquet as export

    path = _db(db)
    folder = to or default_parquet_dir(path)
    try:
        counts = export(path, folder)
    except UserError as exc:
        _fail(exc)
    console.print(f"Tables written to {folder}", highlight=False)
    for table, n in counts.items():
        console.print(f"  {table:<11} {n:>12,} rows")


@app.command("metrics")
def list_metrics(
    lang: Annotated[str, typer.Option(help="en or zh")] = "en",
) -> None:
    """The vetted metric catalog, with definitions and parameters."""
    from rich.table import Table

    from assistant.metrics.registry import get_registry

    table = Table(show_lines=True)
    for col in ("metric", "dimension", "definition", "parameters"):
        table.add_column(col)
    for m in get_registry():
        params = ", ".join(
            f"{p.name}" + (f"={p.default}" if p.default not in (None, [], "") else "")
            for p in m.params.values()
        )
        # definitions quote ranges such as "[start, end]": text, never markup
        table.add_row(*(escape(cell) for cell in (
            f"{m.name}\n{m.title[lang]}", m.dimension, m.description[lang], params)))
    console.print(table)


@app.command("metric")
def run_metric(
    name: Annotated[str, typer.Argument(help="Metric name, see `assistant metrics`.")],
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Parameter, key=value (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    lang: Annotated[str, typer.Option(help="en or zh")] = "en",
    db: DbOption = None,
) -> None:
    """Run one vetted metric."""
    import json

    from rich.table import Table

    from assistant.metrics.catalog import Catalog
    from assistant.present.labels import column_label
    from assistant.present.numbers import fmt

    try:
        catalog = Catalog(_db(db))
        metric = catalog.registry.get(name)
        result = catalog.run(name, _parse_set(metric, set_ or []))
    except UserError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False, default=str, indent=2))
        return
    table = Table(title=escape(f"{metric.title[lang]} — {result.params.get('start')} .. "
                               f"{result.params.get('end')}"))
    cols = [c for c in result.columns if c in metric.columns]
    for c in cols:
        table.add_column(escape(column_label(metric, c, lang)))
    for row in result.rows:  # segment labels come from the data: text, never markup
        table.add_row(*[escape(fmt(row.get(c), metric.columns[c].format, lang)) for c in cols])
    console.print(table)
    for note in result.notes:
        console.print(f"[dim]{escape(note)}[/]", highlight=False)
    if result.suppressed:
        from assistant.prompts import text

        console.print(text("suppressed_groups", lang, n=result.suppressed),
                      style="dim", highlight=False, markup=False)


def _assistant(db: Path | None):
    from assistant.agent.graph import Assistant
    from assistant.metrics.catalog import Catalog

    return Assistant(Catalog(_db(db)))


def _print_answer(answer) -> None:
    for step in answer.steps:
        status = f"{step.ms:.0f} ms" if step.result else f"error: {step.error}"
        console.print(f"[dim]→ {escape(f'{step.name} {step.args} ({status})')}[/]",
                      highlight=False)
    for notice in answer.notices:
        console.print(f"[yellow]{escape(notice)}[/]", highlight=False)
    console.print(answer.text, highlight=False, markup=False)
    for s in answer.suggestions:
        console.print(f"[dim]» {escape(s)}[/]", highlight=False)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question in English or Chinese.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    db: DbOption = None,
) -> None:
    """Ask one question; the answer names the vetted metric and the dates it used."""
    import json

    try:
        answer = _assistant(db).ask(question)
    except UserError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, default=str, indent=2))
    else:
        _print_answer(answer)


@app.command()
def chat(db: DbOption = None) -> None:
    """An interactive chat in the terminal that keeps the context for follow-ups."""
    from assistant.agent.graph import Conversation

    try:
        assistant = _assistant(db)
        rng = assistant.catalog.data_range
    except UserError as exc:
        _fail(exc)
    console.print(f"Data {rng.first_day} to {rng.latest_complete_day}; backend: "
                  f"{assistant.backend}. Empty line or Ctrl-D to quit.", markup=False,
                  highlight=False)
    conversation = Conversation()
    choices: list[str] = []
    while True:
        try:
            question = console.input("[bold]? [/]").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not question:
            break
        if question.isdigit() and 1 <= int(question) <= len(choices):
            question = choices[int(question) - 1]  # a numbered clarifying choice
            console.print(question, highlight=False, markup=False)
        try:
            answer = assistant.ask(question, conversation)
        except UserError as exc:
            err.print(str(exc), highlight=False, markup=False)
            continue
        _print_answer(answer)
        choices = [c.question for c in answer.choices]
        for i, c in enumerate(answer.choices, 1):
            console.print(f"  {i}. {c.label}", highlight=False, markup=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; 0.0.0.0 exposes it.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 7860,
    auth: Annotated[str | None, typer.Option(help="Require login, user:pass.")] = None,
    db: DbOption = None,
) -> None:
    """Start the web app."""
    from assistant.apps import web

    try:
        web.serve(db_path=_db(db), host=host, port=port, auth=auth or get_settings().web_auth)
    except UserError as exc:
        _fail(exc)


@app.command()
def alerts(
    since: Annotated[
        str | None, typer.Option(help="First day judged, YYYY-MM-DD (default: the last 7 days).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    lang: Annotated[str, typer.Option(help="en or zh")] = "en",
    db: DbOption = None,
) -> None:
    """Headline figures that left their usual range for the weekday, day by day."""
    from assistant.metrics.catalog import Catalog
    from assistant.present.change_narrative import alert_report

    try:
        first = date.fromisoformat(since) if since else None
    except ValueError:
        _fail(UserError(f"--since: {since!r} is not a date.", hint="Use YYYY-MM-DD."))
    try:
        lines, data = alert_report(Catalog(_db(db)), first, lang)
    except UserError as exc:
        _fail(exc)
    if as_json:
        import json

        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for line in lines:
        console.print(line, highlight=False, markup=False)


@app.command()
def report(
    week: Annotated[str, typer.Option(help="ISO week (2026-W47), a date in it, or last.")] = "last",
    lang: Annotated[str, typer.Option(help="en or zh")] = "en",
    format_: Annotated[
        str | None, typer.Option("--format", help="md or html (default: from -o, else md).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Weekly summary report: the week's health against the previous week."""
    from rich.progress import BarColumn, Progress, TextColumn

    from assistant.metrics.catalog import Catalog
    from assistant.present.report import FORMATS, collect, message, render

    kind = format_ or ("html" if output and output.suffix.lower() in (".html", ".htm") else "md")
    with Progress(TextColumn("{task.description}"), BarColumn(), console=err,
                  transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("", total=1)

        def progress(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, description=escape(label))

        try:
            if kind not in FORMATS:
                raise UserError(message("bad_format", lang, format=kind))
            content = collect(Catalog(_db(db)), week, lang=lang, progress=progress)
            text = render(content, kind)
        except UserError as exc:
            bar.stop()
            _fail(exc)
    if output is None and kind == "md":
        print(text)
        return
    path = output or Path(f"report-{content.week.label}.html")
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(UserError(f"Cannot write {path}: {exc.strerror}.", hint="Pick another file."))
    console.print(f"Report written to {escape(str(path))}", highlight=False)


@app.command()
def digest(
    week: Annotated[str, typer.Option(help="ISO week (2026-W47), a date in it, or last.")] = "last",
    lang: Annotated[
        str | None, typer.Option(help="en or zh (default: each destination's, else en).")
    ] = None,
    format_: Annotated[
        str, typer.Option("--format", help="email, text, slack, lark, dingtalk or wecom.")
    ] = "email",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file.")
    ] = None,
    send: Annotated[bool, typer.Option("--send", help="Send to the destinations now.")] = False,
    to: Annotated[
        list[str] | None, typer.Option("--to", help="Apprise URL (repeatable; default: settings).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be sent.")] = False,
    schedule: Annotated[
        str | None, typer.Option(help='Run every week at this time, e.g. "mon 09:00".')
    ] = None,
    tz: Annotated[str, typer.Option(help="Time zone of --schedule and --once.")] = "UTC",
    once: Annotated[
        bool, typer.Option("--once", help="One scheduled run now, then exit (for cron).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Weekly digest for email and chat apps: print it, send it, or send it every week."""
    from assistant.apps import digest_command as dc
    from assistant.metrics.catalog import Catalog

    settings = get_settings()

    def echo(line: str) -> None:
        console.print(line, highlight=False, markup=False)

    try:
        if once:
            raise typer.Exit(0 if dc.run_due(_db(db), settings, tz, lang, to or [], echo) else 1)
        if schedule:
            logging.getLogger("assistant.present.digest").setLevel(logging.INFO)
            dc.run_schedule(_db(db), settings, schedule, tz, lang, to or [], echo)
            return
        catalog = Catalog(_db(db))
        if send or dry_run:
            ok = dc.send(catalog, settings, week, lang, to or [], dry_run, echo)
            raise typer.Exit(0 if ok else 1)
        text = dc.render(catalog, week, lang or settings.digest_lang, format_)
    except UserError as exc:
        _fail(exc)
    if output is None:
        print(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(UserError(f"Cannot write {output}: {exc.strerror}.", hint="Pick another file."))
    console.print(f"Digest written to {output}", highlight=False)


if __name__ == "__main__":
    app()

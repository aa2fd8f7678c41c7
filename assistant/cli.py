"""The `assistant` command line."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from assistant.config import get_settings
from assistant.errors import UserError

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console()
err = Console(stderr=True)

DbOption = Annotated[Path | None, typer.Option("--db", help="Database file (default: settings).")]


def _db(path: Path | None) -> Path:
    return path or get_settings().db_path


def _fail(exc: UserError) -> None:
    err.print(f"[bold red]Error:[/] {exc.message}", highlight=False, markup=True)
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
    from assistant import datagen

    try:
        end = date.fromisoformat(end_date) if end_date else date.today() - timedelta(days=1)
    except ValueError:
        _fail(UserError(f"'{end_date}' is not a date.", hint="Use YYYY-MM-DD, e.g. 2026-11-22."))
    path = _db(db)
    try:
        stats = datagen.generate(path, users=users, days=days, end_date=end, seed=seed)
    except UserError as exc:
        _fail(exc)
    console.print(f"Demo database written to {path}")
    for table, n in stats.items():
        console.print(f"  {table:<11} {n:>12,} rows")


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="Files named after tables, or folders.")],
    db: DbOption = None,
) -> None:
    """Validate files and load them, all or nothing."""
    from assistant import loader

    try:
        report = loader.load_paths(_db(db), paths)
    except UserError as exc:
        _fail(exc)
    console.print(report.summary(), highlight=False)


def _parse_set(metric, pairs: list[str]) -> dict:
    """`key=value` pairs into typed arguments; lists are comma-separated."""
    args: dict = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UserError(f"'{pair}' is not key=value.", hint="For example: --set countries=BR,ID")
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


@app.command("metrics")
def list_metrics(
    lang: Annotated[str, typer.Option(help="en or zh")] = "en",
) -> None:
    """The vetted metric catalog, with definitions and parameters."""
    from rich.table import Table

    from assistant.registry import get_registry

    table = Table(show_lines=True)
    for col in ("metric", "dimension", "definition", "parameters"):
        table.add_column(col)
    for m in get_registry():
        params = ", ".join(
            f"{p.name}" + (f"={p.default}" if p.default not in (None, [], "") else "")
            for p in m.params.values()
        )
        table.add_row(f"{m.name}\n{m.title[lang]}", m.dimension, m.description[lang], params)
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

    from assistant.catalog import Catalog
    from assistant.numbers import fmt

    try:
        catalog = Catalog(_db(db))
        metric = catalog.registry.get(name)
        result = catalog.run(name, _parse_set(metric, set_ or []))
    except UserError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False, default=str, indent=2))
        return
    table = Table(title=f"{metric.title[lang]} — {result.params.get('start')} .. "
                        f"{result.params.get('end')}")
    cols = [c for c in result.columns if c in metric.columns]
    for c in cols:
        table.add_column(getattr(metric.columns[c], lang))
    for row in result.rows:
        table.add_row(*[fmt(row.get(c), metric.columns[c].format) for c in cols])
    console.print(table)
    for note in result.notes:
        console.print(f"[dim]{note}[/]")
    if result.suppressed:
        console.print(f"[dim]{result.suppressed} group(s) suppressed: fewer than "
                      f"{catalog.settings.min_group_size} users.[/]")


if __name__ == "__main__":
    app()

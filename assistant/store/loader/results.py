"""What a load reports: problems (and the error that lists them), per-table counts, notices."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import DataError

EXAMPLES_KEPT = 100  # problems kept per (file, column, reason); the rest are only counted
EXAMPLES_SHOWN = 3  # rows named in the message per (file, column, reason)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input; `row` is the 1-based data row, None for the file."""

    file: str
    row: int | None
    column: str | None
    reason: str
    detail: str | None = None  # the offending value, quoted, or what it clashes with

    @property
    def group(self) -> tuple[str, str | None, str]:
        return (self.file, self.column, self.reason)


class LoadError(DataError):
    """Files that cannot be loaded; nothing was written. Lists every problem, grouped."""

    def __init__(self, problems: list[Problem], counts: dict[tuple, int] | None = None) -> None:
        self.problems = problems
        # Total rows per (file, column, reason); `problems` keeps only the first examples.
        kept: dict[tuple, int] = {}
        for p in problems:
            kept[p.group] = kept.get(p.group, 0) + 1
        self.counts = {g: max(n, (counts or {}).get(g, 0)) for g, n in kept.items()}
        super().__init__(
            _format_problems(problems, self.counts),
            hint="Rows are counted from 1 at the first data row (a CSV header is not counted). "
            "Fix the files and run the load again; the database was not changed.",
        )

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _format_problems(problems: list[Problem], counts: dict[tuple, int]) -> str:
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault(p.group, []).append(p)
    # One file's problems together, files in the order they first come up.
    order = {f: i for i, f in reversed(list(enumerate(p.file for p in problems)))}
    groups = dict(sorted(groups.items(), key=lambda kv: order[kv[0][0]]))
    n_files = len({p.file for p in problems})
    total = sum(counts.values())
    lines = [
        f"Nothing was loaded: {total:,} problem{'s' if total != 1 else ''} "
        f"in {n_files} file{'s' if n_files != 1 else ''}."
    ]
    for (file, column, reason), items in groups.items():
        where = f"{file}, column {column}" if column else file
        rows = sorted((p for p in items if p.row is not None), key=lambda p: p.row or 0)
        if not rows:
            lines.append(f"- {where}: {reason}")
            continue
        shown = [f"{p.row}" + (f" ({p.detail})" if p.detail else "") for p in rows[:EXAMPLES_SHOWN]]
        more = counts[(file, column, reason)] - len(shown)
        label = "row" if len(shown) == 1 and more == 0 else "rows"
        text = f"- {where}: {reason} — {label} {', '.join(shown)}"
        if more:
            text += f" and {more:,} more row{'s' if more != 1 else ''}"
        lines.append(text)
    return "\n".join(lines)


@dataclass
class TableStats:
    """What one load did to one table."""

    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    inserted: int = 0
    already_present: int = 0


@dataclass
class LoadReport:
    """The outcome of a successful load."""

    db_path: Path
    tables: dict[str, TableStats] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    written: bool = False

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.tables.values())

    @property
    def inserted(self) -> int:
        return sum(s.inserted for s in self.tables.values())

    def summary(self) -> str:
        """Readable text: per table rows read, inserted, already present; then notices."""
        if self.written:
            head = f"Loaded into {self.db_path} in {self.elapsed_s:.1f} s."
        else:
            head = (
                f"Nothing new to load: every row is already in {self.db_path}; "
                "the database was not changed."
            )
        lines = [head, f"  {'table':<11} {'rows read':>12} {'inserted':>12} {'already there':>14}"]
        for table, s in self.tables.items():
            lines.append(
                f"  {table:<11} {s.rows_read:>12,} {s.inserted:>12,} {s.already_present:>14,}"
            )
        if self.notices:
            lines.append("Notes:")
            lines.extend(f"  - {n}" for n in self.notices)
        return "\n".join(lines)


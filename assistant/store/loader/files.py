"""Which files a load reads: folders expanded, formats and fed tables told from the names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.store.contract import DATA_TABLES
from assistant.store.loader.results import Problem

FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".csv.gz": "csv",
    ".tsv.gz": "csv",
    ".parquet": "parquet",
    ".jsonl": "json",
    ".ndjson": "json",
    ".json": "json",
    ".jsonl.gz": "json",
    ".ndjson.gz": "json",
}


@dataclass
class Source:
    """One input file and what it feeds."""

    idx: int
    path: Path
    table: str
    fmt: str
    name: str = ""  # shown in messages
    columns: dict[str, str] = field(default_factory=dict)  # contract name -> name in file
    broken: bool = False  # could not be read at all
    missing_required: bool = False


def split_suffix(path: Path) -> tuple[str, str | None]:
    low = path.name.lower()
    for suffix in sorted(FORMATS, key=len, reverse=True):
        if low.endswith(suffix):
            return path.name[: -len(suffix)], FORMATS[suffix]
    return path.stem, None


def table_for(stem: str) -> list[str]:
    """Tables whose name appears in a file name as a whole word."""
    norm = re.sub(r"[^a-z0-9]+", "_", stem.lower())
    return [t for t in DATA_TABLES if re.search(rf"(^|_){t}(_|$)", norm)]


def collect(paths: list[Path], problems: list[Problem], notices: list[str]) -> list[Source]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            inside = sorted(c for c in p.iterdir() if c.is_file() and not c.name.startswith("."))
            data = [c for c in inside if split_suffix(c)[1]]
            skipped = [c.name for c in inside if not split_suffix(c)[1]]
            if skipped:
                notices.append(f"{p}: skipped files that are not data files: {', '.join(skipped)}")
            if not data:
                problems.append(
                    Problem(str(p), None, None, "has no .csv, .parquet or .jsonl files in it")
                )
            files.extend(data)
        elif p.is_file():
            files.append(p)
        else:
            problems.append(Problem(str(p), None, None, "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for f in files:
        if f.resolve() not in seen:
            seen.add(f.resolve())
            unique.append(f)
    names = [f.name for f in unique]
    sources = []
    expected = ", ".join(DATA_TABLES)
    for f in unique:
        shown = f.name if names.count(f.name) == 1 else str(f)
        stem, fmt = split_suffix(f)
        if fmt is None:
            problems.append(Problem(shown, None, None, "is not a .csv, .parquet or .jsonl file"))
            continue
        tables = table_for(stem)
        if len(tables) != 1:
            what = "names more than one table" if tables else "is not a known table"
            problems.append(Problem(shown, None, None, f"{what}; expected one of {expected}"))
            continue
        sources.append(Source(len(sources), f, tables[0], fmt, shown))
    return sources

"""The loader: all six tables from CSV, Parquet and JSON Lines; every kind of bad file."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from assistant.store import db, loader
from assistant.store.loader import LoadError, load_paths, transaction

ROOT = Path(__file__).resolve().parent.parent

# What the small starting database holds (one row per table, users u1 and u2).
BASE = {
    "users": [
        ("u1", "2026-10-01 00:00:00", "BR", "ios", "America/Sao_Paulo", None, None),
        ("u2", "2026-10-01 00:00:00", "ID", "android", "Asia/Jakarta", "id", "ads"),
    ],
    "sessions": [("s0", "u1", "2026-10-02 10:00:00", "2026-10-02 10:10:00")],
    "events": [("u1", "2026-10-02 10:01:00", "chat_start", "s0", "u2", None)],
    "calls": [
        (
            "c0",
            "u1",
            "u2",
            "2026-10-02 10:02:00",
            "2026-10-02 10:02:00.5",
            "2026-10-02 10:05:00",
            "wifi",
            "video",
        )
    ],
    "live_views": [("v0", "u2", "u1", "2026-10-02 10:00:00", "2026-10-02 10:30:00", "1080p")],
    "payments": [("p0", "u1", "2026-10-02 10:03:00", 4.99, "coins")],
}

# Files to load: new users u3/u4, rows that are already in the database (u1, s0, the
# chat_start event), two identical events, lower/upper case values, offsets, empty zones.
FILES: dict[str, list[dict[str, str]]] = {
    "users": [
        {"user_id": "u1", "signup_at": "2026-10-01 00:00:00", "country": "BR",
         "platform": "ios", "timezone": "", "language": "", "channel": "", "note": "x"},
        {"user_id": "u3", "signup_at": "2026-11-01T08:00:00+07:00", "country": "ID",
         "platform": "android", "timezone": "", "language": "id", "channel": "organic",
         "note": "y"},
        {"user_id": "u4", "signup_at": "2026-11-01T09:30:00Z", "country": "br",
         "platform": "iOS", "timezone": "america/sao_paulo", "language": "pt", "channel": "",
         "note": ""},
    ],
    "sessions": [
        {"session_id": "s0", "user_id": "u1", "started_at": "2026-10-02 10:00:00",
         "ended_at": "2026-10-02 10:10:00"},
        {"session_id": "s1", "user_id": "u3", "started_at": "2026-11-02 10:00:00",
         "ended_at": "2026-11-02 10:30:00"},
        {"session_id": "s2", "user_id": "u1", "started_at": "2026-11-02T11:00:00Z",
         "ended_at": "2026-11-02T11:45:00Z"},
    ],
    "events": [
        {"user_id": "u1", "ts": "2026-10-02 10:01:00", "name": "chat_start",
         "session_id": "s0", "partner_id": "u2", "room_id": ""},
        {"user_id": "u3", "ts": "2026-11-02 10:05:00", "name": "chat_start",
         "session_id": "s1", "partner_id": "u4", "room_id": ""},
        {"user_id": "u1", "ts": "2026-11-02 11:10:00", "name": "message_sent",
         "session_id": "s2", "partner_id": "u2", "room_id": ""},
        {"user_id": "u1", "ts": "2026-11-02 11:10:00", "name": "message_sent",
         "session_id": "s2", "partner_id": "u2", "room_id": ""},
        {"user_id": "u4", "ts": "2026-11-02 12:00:00", "name": "profile_view",
         "session_id": "", "partner_id": "u99", "room_id": "r1"},
    ],
    "calls": [
        {"call_id": "c1", "caller_id": "u3", "callee_id": "u4",
         "requested_at": "2026-11-02 12:00:00", "connected_at": "2026-11-02 12:00:00.4",
         "ended_at": "2026-11-02 12:10:00", "network": "4G", "kind": "Video"},
        {"call_id": "c2", "caller_id": "u4", "callee_id": "",
         "requested_at": "2026-11-02 12:30:00", "connected_at": "", "ended_at": "",
         "network": "", "kind": "voice"},
    ],
    "live_views": [
        {"view_id": "v1", "viewer_id": "u3", "host_id": "u1",
         "started_at": "2026-11-02 13:00:00", "ended_at": "2026-11-02 13:20:00",
         "resolution": "720P"},
    ],
    "payments": [
        {"payment_id": "p1", "user_id": "u3", "paid_at": "2026-11-02 14:00:00",
         "amount_usd": "1.99", "product": "coins"},
        {"payment_id": "p2", "user_id": "u4", "paid_at": "2026-11-02 14:05:00",
         "amount_usd": "0", "product": ""},
    ],
}  # fmt: skip

# Worked out by hand from BASE and FILES: (rows read, inserted, already present).
EXPECTED = {
    "users": (3, 2, 1),
    "sessions": (3, 2, 1),
    "events": (5, 4, 1),
    "calls": (2, 2, 0),
    "live_views": (1, 1, 0),
    "payments": (2, 2, 0),
}


# --------------------------------------------------------------------------- helpers


def make_db(path: Path) -> Path:
    """The small valid starting database, written through db.connect_write."""
    con = db.connect_write(path)
    for table, rows in BASE.items():
        marks = ", ".join("?" for _ in rows[0])
        con.executemany(f"INSERT INTO {table} VALUES ({marks})", [list(r) for r in rows])
    con.close()
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_parquet(path: Path, rows: list[dict[str, str]]) -> Path:
    """Through DuckDB's CSV type detection, so timestamps and numbers are typed columns."""
    tmp = write_csv(path.with_suffix(".tmp.csv"), rows)
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_csv('{tmp}')) TO '{path}' (FORMAT parquet)")
    con.close()
    tmp.unlink()
    return path


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    """Empty values as absent keys, amounts as JSON numbers."""
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            obj: dict = {k: v for k, v in row.items() if v != ""}
            if "amount_usd" in obj:
                obj["amount_usd"] = float(obj["amount_usd"])
            fh.write(json.dumps(obj) + "\n")
    return path


WRITERS: dict[str, tuple[str, Callable[[Path, list[dict[str, str]]], Path]]] = {
    "csv": (".csv", write_csv),
    "parquet": (".parquet", write_parquet),
    "jsonl": (".jsonl", write_jsonl),
}


def write_all(folder: Path, fmt: str, tables: dict[str, list[dict[str, str]]]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    suffix, writer = WRITERS[fmt]
    return [writer(folder / f"{table}{suffix}", rows) for table, rows in tables.items()]


def counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in (*db.TABLES, "load_log")
        }
    finally:
        con.close()


def line_for(err: LoadError, file: str, column: str | None) -> str:
    """The message line about one file and column."""
    start = f"- {file}, column {column}: " if column else f"- {file}: "
    lines = [ln for ln in err.message.splitlines() if ln.startswith(start)]
    assert lines, f"no line for {file}/{column} in:\n{err.message}"
    return "\n".join(lines)


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return make_db(tmp_path / "base.duckdb")


# --------------------------------------------------------------------------- valid loads


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_valid_load_of_all_tables(tmp_path: Path, base: Path, fmt: str) -> None:
    files = write_all(tmp_path / "in", fmt, FILES)
    report = load_paths(base, files, progress=False)

    got = {t: (s.rows_read, s.inserted, s.already_present) for t, s in report.tables.items()}
    assert got == EXPECTED
    assert report.written
    assert counts(base) == {
        "users": 4,
        "sessions": 3,
        "events": 5,
        "calls": 3,
        "live_views": 2,
        "payments": 3,
        "load_log": 6,
    }
    con = duckdb.connect(str(base), read_only=True)
    users = {r[0]: r[1:] for r in con.execute("SELECT * FROM users").fetchall()}
    # +07:00 converted to UTC; empty zone from the country; case fixed.
    assert users["u3"] == (datetime(2026, 11, 1, 1, 0), "ID", "android", "Asia/Jakarta",
                           "id", "organic")  # fmt: skip
    assert users["u4"] == (datetime(2026, 11, 1, 9, 30), "BR", "ios", "America/Sao_Paulo",
                           "pt", None)  # fmt: skip
    assert con.execute("SELECT started_at FROM sessions WHERE session_id = 's2'").fetchone() == (
        datetime(2026, 11, 2, 11, 0),
    )
    assert con.execute(
        "SELECT connected_at, network, kind FROM calls WHERE call_id = 'c1'"
    ).fetchone() == (datetime(2026, 11, 2, 12, 0, 0, 400000), "4g", "video")
    assert con.execute(
        "SELECT connected_at, ended_at, network FROM calls WHERE call_id = 'c2'"
    ).fetchone() == (None, None, None)
    assert con.execute("SELECT resolution FROM live_views WHERE view_id = 'v1'").fetchone() == (
        "720p",
    )
    assert con.execute("SELECT round(sum(amount_usd), 2) FROM payments").fetchone() == (6.98,)
    # Both identical message_sent rows are kept.
    assert con.execute("SELECT count(*) FROM events WHERE name = 'message_sent'").fetchone() == (2,)
    assert con.execute("SELECT sum(rows) FROM load_log").fetchone() == (13,)
    con.close()

    text = report.summary()
    assert "users" in text and "payments" in text
    notices = "\n".join(report.notices)
    assert f"users{WRITERS[fmt][0]}: ignored extra columns: note" in notices
    assert "users: no time zone in 2 rows; the country's main zone was used" in notices
    assert "events.partner_id: 1 rows name 1 users who are not in users" in notices
    assert "profile_view (1)" in notices
    # The two identical message_sent rows are one repeat, named in a notice.
    assert f"events{WRITERS[fmt][0]}: 1 row repeats an earlier row exactly" in notices


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_loading_the_same_files_twice_changes_nothing(tmp_path: Path, base: Path, fmt: str) -> None:
    files = write_all(tmp_path / "in", fmt, FILES)
    load_paths(base, files, progress=False)
    after_first = counts(base)
    digest = sha(base)

    report = load_paths(base, files, progress=False)

    assert counts(base) == after_first
    assert sha(base) == digest  # nothing new: the file was not even opened for writing
    assert not report.written
    for table, (read, _, _) in EXPECTED.items():
        stats = report.tables[table]
        assert (stats.rows_read, stats.inserted, stats.already_present) == (read, 0, read)
    assert "Nothing new to load" in report.summary()


def test_folder_input_and_table_names_with_suffixes(tmp_path: Path, base: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    write_csv(folder / "users_2026-11.csv", FILES["users"])
    write_csv(folder / "app-sessions.CSV", FILES["sessions"])
    write_jsonl(folder / "2026-11 live-views.jsonl", FILES["live_views"])
    events = write_jsonl(folder / "o'neil events.jsonl", FILES["events"])
    (folder / "o'neil events.jsonl.gz").write_bytes(gzip.compress(events.read_bytes()))
    events.unlink()
    (folder / "README.txt").write_text("exported by hand")

    report = load_paths(base, [folder], progress=False)

    assert set(report.tables) == {"users", "sessions", "events", "live_views"}
    assert report.tables["live_views"].inserted == 1
    assert report.tables["events"].inserted == 4
    assert counts(base)["sessions"] == 3
    assert any("skipped" in n and "README.txt" in n for n in report.notices)


def test_a_new_database_is_created_with_the_schema(tmp_path: Path) -> None:
    target = tmp_path / "new" / "fresh.duckdb"
    files = write_all(tmp_path / "in", "csv", {"users": FILES["users"]})
    report = load_paths(target, files, progress=False)
    assert report.tables["users"].inserted == 3
    assert counts(target)["users"] == 3


def test_after_load_hooks_run_inside_the_transaction(
    tmp_path: Path, base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    monkeypatch.setattr(
        transaction,
        "AFTER_LOAD",
        [lambda con: seen.append(con.execute("SELECT count(*) FROM users").fetchone()[0])],
    )
    load_paths(base, write_all(tmp_path / "in", "csv", FILES), progress=False)
    assert seen == [4]


def test_a_failing_hook_rolls_back(
    tmp_path: Path, base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(con: duckdb.DuckDBPyConnection) -> None:
        raise RuntimeError("derived table failed")

    monkeypatch.setattr(transaction, "AFTER_LOAD", [broken])
    before = counts(base)
    with pytest.raises(RuntimeError):
        load_paths(base, write_all(tmp_path / "in", "csv", FILES), progress=False)
    assert counts(base) == before

    fresh = tmp_path / "fresh.duckdb"
    with pytest.raises(RuntimeError):
        load_paths(fresh, write_all(tmp_path / "in2", "csv", {"users": FILES["users"]}))
    assert not fresh.exists()


# --------------------------------------------------------------------------- bad files


def users_rows(n: int = 3) -> list[dict[str, str]]:
    return [
        {"user_id": f"n{i}", "signup_at": "2026-11-01 10:00:00", "country": "TH",
         "platform": "android", "timezone": ""}
        for i in range(1, n + 1)
    ]  # fmt: skip


def with_value(rows: list[dict[str, str]], row: int, **values: str) -> list[dict[str, str]]:
    """Copy of rows with data row `row` (1-based) changed."""
    rows = [dict(r) for r in rows]
    rows[row - 1].update(values)
    return rows


def sessions_rows() -> list[dict[str, str]]:
    return [
        {"session_id": f"x{i}", "user_id": "u1", "started_at": "2026-11-03 10:00:00",
         "ended_at": "2026-11-03 10:20:00"}
        for i in range(1, 4)
    ]  # fmt: skip


# (files to write: name -> rows, expected (file, row, column, words in the reason))
BAD_CASES = {
    "missing column": (
        {"sessions.csv": [{k: r[k] for k in r if k != "ended_at"} for r in sessions_rows()]},
        ("sessions.csv", None, "ended_at", "required column is missing"),
    ),
    "bad timestamp": (
        {"users.csv": with_value(users_rows(), 2, signup_at="yesterday")},
        ("users.csv", 2, "signup_at", "not a date-time"),
    ),
    "impossible date": (
        {"users.csv": with_value(users_rows(), 3, signup_at="2026-02-30 10:00:00")},
        ("users.csv", 3, "signup_at", "not a date-time"),
    ),
    "bad number": (
        {"payments.csv": [{"payment_id": "q1", "user_id": "u1", "paid_at": "2026-11-03",
                           "amount_usd": "1,99", "product": ""}]},
        ("payments.csv", 1, "amount_usd", "not a number"),
    ),
    "duplicate key in the file": (
        {"sessions.csv": with_value(sessions_rows(), 3, session_id="x1")},
        ("sessions.csv", 3, "session_id", "appears more than once"),
    ),
    "same key in the database with other values": (
        {"sessions.csv": with_value(sessions_rows(), 2, session_id="s0")},
        ("sessions.csv", 2, "session_id", "already in the database with different values"),
    ),
    "unknown user": (
        {"sessions.csv": with_value(sessions_rows(), 2, user_id="ghost")},
        ("sessions.csv", 2, "user_id", "neither the users files nor the database"),
    ),
    "end before start": (
        {"sessions.csv": with_value(sessions_rows(), 1, ended_at="2026-11-03 09:59:59")},
        ("sessions.csv", 1, "ended_at", "is before started_at"),
    ),
    "call connected before requested": (
        {"calls.csv": [{"call_id": "k1", "caller_id": "u1", "callee_id": "u2",
                        "requested_at": "2026-11-03 10:00:01",
                        "connected_at": "2026-11-03 10:00:00", "ended_at": "",
                        "network": "wifi", "kind": "video"}]},
        ("calls.csv", 1, "connected_at", "is before requested_at"),
    ),
    "negative amount": (
        {"payments.csv": [{"payment_id": "q1", "user_id": "u1", "paid_at": "2026-11-03",
                           "amount_usd": "-0.99", "product": ""}]},
        ("payments.csv", 1, "amount_usd", "must not be negative"),
    ),
    "unknown country": (
        {"users.csv": with_value(users_rows(), 2, country="XX")},
        ("users.csv", 2, "country", "not a known country"),
    ),
    "unknown time zone": (
        {"users.csv": with_value(users_rows(), 1, timezone="Asia/Atlantis")},
        ("users.csv", 1, "timezone", "not a known IANA time zone"),
    ),
    "bad platform": (
        {"users.csv": with_value(users_rows(), 3, platform="iphone")},
        ("users.csv", 3, "platform", "must be one of ios, android, web"),
    ),
    "bad resolution": (
        {"live_views.jsonl": [{"view_id": "w1", "viewer_id": "u1", "host_id": "u2",
                               "started_at": "2026-11-03 10:00:00",
                               "ended_at": "2026-11-03 10:10:00", "resolution": "4k"}]},
        ("live_views.jsonl", 1, "resolution", "must be one of 360p"),
    ),
    "empty required value": (
        {"users.csv": with_value(users_rows(), 2, user_id="  ")},
        ("users.csv", 2, "user_id", "empty but required"),
    ),
    "unknown table": (
        {"customers.csv": users_rows()},
        ("customers.csv", None, None, "not a known table; expected one of users, sessions"),
    ),
    "two tables in one name": (
        {"users_sessions.csv": users_rows()},
        ("users_sessions.csv", None, None, "names more than one table"),
    ),
}  # fmt: skip


def write_named(folder: Path, name: str, rows: list[dict[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if name.endswith(".jsonl"):
        return write_jsonl(path, rows)
    if name.endswith(".parquet"):
        return write_parquet(path, rows)
    return write_csv(path, rows)


def assert_rejected(
    base: Path, paths: list[Path], file: str, row: int | None, column: str | None, words: str
) -> LoadError:
    digest = sha(base)
    with pytest.raises(LoadError) as caught:
        load_paths(base, paths, progress=False)
    err = caught.value
    assert sha(base) == digest
    assert not base.with_name(base.name + ".wal").exists()
    assert any(
        p.file == file and p.row == row and p.column == column and words in p.reason
        for p in err.problems
    ), err.problems
    text = line_for(err, file, column)
    assert words in text
    if row is not None:
        assert re.search(rf"\brows? (\d+( \([^)]*\))?, )*{row}\b", text), text
    assert err.message.startswith("Nothing was loaded")
    return err


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_files_are_rejected_and_the_database_is_unchanged(
    tmp_path: Path, base: Path, case: str
) -> None:
    files, (file, row, column, words) = BAD_CASES[case]
    paths = [write_named(tmp_path / "in", name, rows) for name, rows in files.items()]
    assert_rejected(base, paths, file, row, column, words)


def test_users_from_every_iso_country_load(tmp_path: Path, base: Path) -> None:
    # Iceland, Fiji and Bhutan: markets the app never listed by hand.
    rows = [
        {"user_id": f"w{i}", "signup_at": "2026-11-01 10:00:00", "country": code,
         "platform": "android", "timezone": ""}
        for i, code in enumerate(["IS", "fj", "BT"], start=1)
    ]  # fmt: skip
    report = load_paths(base, [write_csv(tmp_path / "users.csv", rows)], progress=False)
    assert report.inserted == 3
    con = duckdb.connect(str(base), read_only=True)
    got = con.execute(
        "SELECT u.country, u.timezone, r.region, r.name_en, r.name_zh FROM users u "
        "JOIN regions r USING (country) WHERE u.user_id LIKE 'w%' ORDER BY 1"
    ).fetchall()
    con.close()
    assert got == [
        ("BT", "Asia/Thimphu", "SAS", "Bhutan", "不丹"),
        ("FJ", "Pacific/Fiji", "OC", "Fiji", "斐济"),
        ("IS", "Atlantic/Reykjavik", "EU", "Iceland", "冰岛"),
    ]


@pytest.mark.parametrize(
    ("value", "hint"),
    [("XX", None), ("USA", "did you mean US?"), ("Brasil", "did you mean BR?"),
     ("KSA", "did you mean SA?"), ("印尼", "did you mean ID?"), ("Brazl", "did you mean BR?")],
)  # fmt: skip
def test_a_country_that_is_not_an_iso_code_is_refused_with_a_suggestion(
    tmp_path: Path, base: Path, value: str, hint: str | None
) -> None:
    rows = with_value(users_rows(), 2, country=value)
    err = assert_rejected(
        base, [write_csv(tmp_path / "users.csv", rows)], "users.csv", 2, "country",
        "not a known country code",
    )  # fmt: skip
    (problem,) = [p for p in err.problems if p.column == "country"]
    assert problem.detail == f"'{value}'" + (f", {hint}" if hint else "")


def test_the_offending_value_is_quoted(tmp_path: Path, base: Path) -> None:
    path = write_csv(tmp_path / "users.csv", with_value(users_rows(), 2, signup_at="yesterday"))
    err = assert_rejected(base, [path], "users.csv", 2, "signup_at", "not a date-time")
    assert "row 2 ('yesterday')" in err.message


def test_every_problem_is_reported_in_one_go(tmp_path: Path, base: Path) -> None:
    users = with_value(users_rows(), 1, country="XX")
    users = with_value(users, 3, platform="iphone")
    (tmp_path / "in").mkdir()
    write_csv(tmp_path / "in" / "users.csv", users)
    write_csv(tmp_path / "in" / "sessions.csv", with_value(sessions_rows(), 2, user_id="ghost"))
    with pytest.raises(LoadError) as caught:
        load_paths(base, [tmp_path / "in"], progress=False)
    found = {(p.file, p.row, p.column) for p in caught.value.problems}
    assert {
        ("users.csv", 1, "country"),
        ("users.csv", 3, "platform"),
        ("sessions.csv", 2, "user_id"),
    } <= found
    assert caught.value.total == 3


def test_users_in_the_same_load_count_as_known(tmp_path: Path, base: Path) -> None:
    users = write_csv(tmp_path / "users.csv", users_rows())
    sessions = write_csv(tmp_path / "sessions.csv", with_value(sessions_rows(), 1, user_id="n2"))
    report = load_paths(base, [users, sessions], progress=False)
    assert report.tables["sessions"].inserted == 3


def test_timestamp_forms_are_converted_to_utc(tmp_path: Path, base: Path) -> None:
    forms = {
        "t1": ("2026-11-01 10:00:00", datetime(2026, 11, 1, 10, 0)),
        "t2": ("2026-11-01T10:00:00Z", datetime(2026, 11, 1, 10, 0)),
        "t3": ("2026-11-01T10:00:00-03:00", datetime(2026, 11, 1, 13, 0)),
        "t4": ("2026-11-01T10:00:00+0530", datetime(2026, 11, 1, 4, 30)),
        "t5": ("2026-11-01", datetime(2026, 11, 1, 0, 0)),
        "t6": ("2026-11-01 10:00:00.250", datetime(2026, 11, 1, 10, 0, 0, 250000)),
        "t7": ("2026-11-01T23:30:00+08", datetime(2026, 11, 1, 15, 30)),
    }
    rows = [
        {"user_id": k, "signup_at": text, "country": "TH", "platform": "web"}
        for k, (text, _) in forms.items()
    ]
    load_paths(base, [write_csv(tmp_path / "users.csv", rows)], progress=False)
    con = duckdb.connect(str(base), read_only=True)
    got = dict(
        con.execute("SELECT user_id, signup_at FROM users WHERE user_id LIKE 't%'").fetchall()
    )
    con.close()
    assert got == {k: expected for k, (_, expected) in forms.items()}


def test_a_blank_user_id_does_not_hide_unknown_users(tmp_path: Path, base: Path) -> None:
    users = write_csv(tmp_path / "users.csv", with_value(users_rows(), 1, user_id=""))
    sessions = write_csv(tmp_path / "sessions.csv", with_value(sessions_rows(), 3, user_id="zz"))
    with pytest.raises(LoadError) as caught:
        load_paths(base, [users, sessions], progress=False)
    found = {(p.file, p.row, p.column) for p in caught.value.problems}
    assert found == {("users.csv", 1, "user_id"), ("sessions.csv", 3, "user_id")}


def test_empty_file(tmp_path: Path, base: Path) -> None:
    (tmp_path / "events.csv").write_bytes(b"")
    assert_rejected(base, [tmp_path / "events.csv"], "events.csv", None, None, "is empty")


def test_truncated_parquet(tmp_path: Path, base: Path) -> None:
    path = write_parquet(tmp_path / "users.parquet", users_rows(50))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert_rejected(base, [path], "users.parquet", None, None, "damaged or incomplete")


def test_csv_row_with_wrong_number_of_values_keeps_later_row_numbers_right(
    tmp_path: Path, base: Path
) -> None:
    path = tmp_path / "users.csv"
    path.write_text(
        "user_id,signup_at,country,platform,timezone\n"
        "n1,2026-11-01 10:00:00,TH,ios,\n"
        "n2,2026-11-01 10:00:00,TH,ios,,surplus\n"
        "n3,2026-11-01 10:00:00,TH,ios,\n"
        "n4,later,TH,ios,\n"
        "n5,2026-11-01 10:00:00,TH\n",
        encoding="utf-8",
    )
    err = assert_rejected(base, [path], "users.csv", 4, "signup_at", "not a date-time")
    rows = {(p.row, p.reason) for p in err.problems if p.column is None}
    assert rows == {
        (2, "has more values than the header"),
        (5, "has fewer values than the header (cut short?)"),
    }


def test_semicolon_separated_csv_and_broken_json_line(tmp_path: Path, base: Path) -> None:
    path = tmp_path / "users.csv"
    path.write_text(
        "user_id;signup_at;country;platform\nn1;2026-11-01 10:00:00;TH;ios\n", encoding="utf-8"
    )
    events = tmp_path / "events.jsonl"
    events.write_text(
        '{"user_id": "u1", "ts": "2026-11-03 10:00:00", "name": "follow"}\n'
        '{"user_id": "u1", "ts": "2026-11-03 10:00:00", "na\n',
        encoding="utf-8",
    )
    assert_rejected(base, [path, events], "events.jsonl", 2, None, "is not valid JSON")
    events.write_text(
        '{"user_id": "u1", "ts": "2026-11-03 10:00:00", "name": "follow"}\n', encoding="utf-8"
    )
    report = load_paths(base, [path, events], progress=False)
    assert report.tables["users"].inserted == 1
    assert report.tables["events"].inserted == 1


def test_many_bad_rows_are_summarised(tmp_path: Path, base: Path) -> None:
    rows = users_rows(600)
    for i in range(1, 501):
        rows[i - 1]["signup_at"] = f"bad-{i}"
    path = write_csv(tmp_path / "users.csv", rows)
    err = assert_rejected(base, [path], "users.csv", 1, "signup_at", "not a date-time")
    line = line_for(err, "users.csv", "signup_at")
    assert "rows 1 ('bad-1'), 2 ('bad-2'), 3 ('bad-3') and 497 more rows" in line
    assert err.total == 500
    assert len(err.problems) <= loader.EXAMPLES_KEPT
    assert len(err.message) < 1000


def test_a_failed_load_into_a_new_path_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "not" / "yet" / "there.duckdb"
    path = write_csv(tmp_path / "users.csv", with_value(users_rows(), 1, country="XX"))
    with pytest.raises(LoadError):
        load_paths(target, [path], progress=False)
    assert not target.exists()
    assert not target.parent.exists()


def test_missing_input_path(tmp_path: Path, base: Path) -> None:
    assert_rejected(
        base, [tmp_path / "nope.csv"], str(tmp_path / "nope.csv"), None, None, "no such file"
    )


# --------------------------------------------------------------------------- command line


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "assistant", "load", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_rejects_a_bad_file_in_plain_language(tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "users.csv", with_value(users_rows(), 2, signup_at="[bold]x"))
    target = tmp_path / "cli.duckdb"
    result = run_cli(str(bad), "--db", str(target))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert "users.csv, column signup_at: is not a date-time" in result.stderr
    assert "row 2 ('[bold]x')" in result.stderr
    assert not target.exists()


def test_cli_loads_good_files(tmp_path: Path, base: Path) -> None:
    files = write_all(tmp_path / "in", "csv", FILES)
    result = run_cli(*map(str, files), "--db", str(base))
    assert result.returncode == 0, result.stderr
    assert "Loaded into" in result.stdout
    assert counts(base)["events"] == 5

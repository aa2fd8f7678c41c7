"""The query connection is read-only and sealed: no writes, files, extensions or settings."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from assistant.errors import QueryTimeout
from assistant.store import db

HEAVY = "SELECT count(*) FROM range(4000000000) a, range(4000000000) b WHERE a.range + b.range = 7"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("lockdown")
    con = db.connect_write(tmp_path / "lock.duckdb")
    con.execute("INSERT INTO users VALUES ('u1', TIMESTAMP '2026-01-01', 'BR', 'ios', "
                "'America/Sao_Paulo', NULL, NULL)")
    con.close()
    (tmp_path / "secret.csv").write_text("a,b\n1,2\n")
    return tmp_path


@pytest.fixture
def sealed(folder: Path):
    tmp_path = folder
    path = tmp_path / "lock.duckdb"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    con = db.connect_read(path)
    yield con, tmp_path
    con.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "database file changed"


def refused(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    with pytest.raises(duckdb.Error):
        con.execute(sql).fetchall()


@pytest.mark.parametrize("sql", [
    "INSERT INTO users VALUES ('u2', TIMESTAMP '2026-01-01', 'BR', 'ios', 'UTC', NULL, NULL)",
    "UPDATE users SET country = 'US'",
    "DELETE FROM users",
    "CREATE TABLE evil (x INT)",
    "DROP TABLE users",
    "ALTER TABLE users ADD COLUMN x INT",
    "CREATE VIEW v AS SELECT 1",
], ids=["insert", "update", "delete", "create", "drop", "alter", "view"])
def test_cannot_write(sealed, sql):
    con, _ = sealed
    refused(con, sql)
    assert con.execute("SELECT count(*) FROM users").fetchone() == (1,)


def test_cannot_attach(sealed):
    con, tmp = sealed
    refused(con, f"ATTACH '{tmp / 'other.duckdb'}' AS other")
    refused(con, "ATTACH ':memory:' AS mem")
    assert not (tmp / "other.duckdb").exists()


@pytest.mark.parametrize("fn", [
    "read_csv('{p}')", "read_csv_auto('{p}')", "read_parquet('{p}')", "read_json('{p}')",
    "read_text('{p}')", "read_blob('{p}')", "glob('{d}/*')", "read_text('/etc/passwd')",
    "read_csv('/etc/passwd', sep=':', header=false)",
], ids=lambda s: s.split("(")[0] + ("-passwd" if "passwd" in s else ""))
def test_cannot_read_files(sealed, fn):
    con, tmp = sealed
    refused(con, "SELECT * FROM " + fn.format(p=tmp / "secret.csv", d=tmp))


def test_cannot_read_a_file_by_its_name_as_a_table(sealed):
    con, tmp = sealed
    refused(con, f"SELECT * FROM '{tmp / 'secret.csv'}'")


def test_cannot_copy_out(sealed):
    con, tmp = sealed
    refused(con, f"COPY users TO '{tmp / 'out.csv'}'")
    refused(con, f"COPY (SELECT 1) TO '{tmp / 'out.parquet'}' (FORMAT parquet)")
    refused(con, f"EXPORT DATABASE '{tmp / 'dump'}'")
    assert not (tmp / "out.csv").exists() and not (tmp / "out.parquet").exists()
    assert not (tmp / "dump").exists()


@pytest.mark.parametrize("sql", ["INSTALL httpfs", "LOAD httpfs", "INSTALL json", "LOAD icu_x"])
def test_cannot_install_or_load_extensions(sealed, sql):
    con, _ = sealed
    refused(con, sql)


@pytest.mark.parametrize("sql", [
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "SET memory_limit = '100GB'",
    "SET threads = 64",
    "SET allow_unsigned_extensions = true",
    "SET autoinstall_known_extensions = true",
    "RESET enable_external_access",
    "PRAGMA enable_external_access",
    "SELECT * FROM duckdb_settings() WHERE set_config('threads', '1')",
], ids=lambda s: s.split(" = ")[0].replace(" ", "_")[:40])
def test_cannot_change_settings(sealed, sql):
    con, _ = sealed
    try:
        con.execute(sql).fetchall()
    except duckdb.Error:
        pass
    # Whatever the statement did, the locks still hold.
    settings = dict(con.execute(
        "SELECT name, value FROM duckdb_settings() WHERE name IN "
        "('enable_external_access', 'lock_configuration')").fetchall())
    assert settings == {"enable_external_access": "false", "lock_configuration": "true"}
    refused(con, "SELECT * FROM read_text('/etc/passwd')")


def test_each_setting_statement_is_refused_outright(sealed):
    con, _ = sealed
    for sql in ("SET enable_external_access = true", "SET threads = 1",
                "SET lock_configuration = false", "RESET ALL"):
        with pytest.raises(duckdb.Error):
            con.execute(sql)


def test_a_second_connection_in_the_same_process_is_sealed_too(sealed):
    con, tmp = sealed
    other = db.connect_read(tmp / "lock.duckdb")
    try:
        refused(other, "SELECT * FROM read_text('/etc/passwd')")
        refused(other, "SET enable_external_access = true")
    finally:
        other.close()


def test_temp_tables_do_not_touch_the_file(sealed):
    # DuckDB allows TEMP tables on a read-only connection; they live in memory only
    # (the fixture checks the file hash after).
    con, _ = sealed
    try:
        con.execute("CREATE TEMP TABLE t AS SELECT 1 AS x")
    except duckdb.Error:
        pass


def test_slow_query_is_interrupted_with_a_friendly_message_and_the_connection_survives(sealed):
    con, _ = sealed
    with pytest.raises(QueryTimeout) as info:
        db.run_query(con, HEAVY, {}, timeout_s=0.2, max_rows=10)
    assert "took longer than 0.2 s" in str(info.value) and "shorter date range" in str(info.value)
    assert "Traceback" not in str(info.value) and "Interrupt" not in str(info.value)
    cols, rows = db.run_query(con, "SELECT count(*) AS n FROM users", {}, timeout_s=5, max_rows=10)
    assert cols == ["n"] and rows == [(1,)]


def test_results_are_capped_at_max_rows(sealed):
    con, _ = sealed
    cols, rows = db.run_query(con, "SELECT * FROM range(1000)", {}, timeout_s=5, max_rows=7)
    assert len(rows) == 7 and rows[0] == (0,)
    cols, rows = db.run_query(con, "SELECT * FROM range(7)", {}, timeout_s=5, max_rows=7)
    assert len(rows) == 7

"""The demo data generator: every effect the metrics look for is really in the data.

Each figure is worked out here with its own SQL from the definitions in SPEC §3-4, not
with the generator's helpers, on one small build shared by the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from assistant.errors import ParameterError
from assistant.store import db, demo

END = date(2026, 11, 22)
DAYS = 28
FIRST = END - timedelta(days=DAYS - 1)
USERS = 3000
SEED = 11
LOCAL = "timezone(u.timezone, timezone('UTC', {col}))"  # UTC timestamp -> user's local time


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    counts = demo.generate(path, users=USERS, days=DAYS, end_date=END, seed=SEED,
                              progress=False)
    return path, counts


@pytest.fixture(scope="module")
def con(built: tuple[Path, dict[str, int]]) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(built[0]), read_only=True)
    yield connection
    connection.close()


def one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    return con.execute(sql).fetchone()


def table_contents(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as c:
        return {t: c.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in db.TABLES}


# --- the build itself ---------------------------------------------------------------


def test_counts_returned_match_tables_and_load_log(
    con: duckdb.DuckDBPyConnection, built: tuple[Path, dict[str, int]]
) -> None:
    _, counts = built
    assert set(counts) == set(db.TABLES)
    for table, n in counts.items():
        assert n == one(con, f"SELECT count(*) FROM {table}")[0]
        assert n > 0, table
    assert counts["users"] == USERS
    (log_rows, logged) = one(con, "SELECT count(*), sum(rows) FROM load_log")
    assert log_rows == 1 and logged == sum(counts.values())
    assert one(con, "SELECT count(*) FROM regions")[0] > 0


def test_same_arguments_same_data_other_seed_other_data(tmp_path: Path) -> None:
    args = {"users": 500, "days": 14, "end_date": END, "progress": False}
    demo.generate(tmp_path / "a.duckdb", seed=5, **args)
    demo.generate(tmp_path / "b.duckdb", seed=5, **args)
    demo.generate(tmp_path / "c.duckdb", seed=6, **args)
    a, b, c = (table_contents(tmp_path / f"{x}.duckdb") for x in "abc")
    for table in db.TABLES:
        assert a[table] == b[table], table
    assert a["sessions"] != c["sessions"]
    assert a["users"] != c["users"]


def test_existing_file_is_replaced_whole_or_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "demo.duckdb"
    path.write_bytes(b"an older file")
    with pytest.raises(ParameterError):
        demo.generate(path, users=5, days=14, end_date=END, seed=1, progress=False)
    assert path.read_bytes() == b"an older file"
    demo.generate(path, users=200, days=7, end_date=END, seed=1, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.duckdb"]
    with duckdb.connect(str(path), read_only=True) as c:
        assert c.execute("SELECT count(*) FROM users").fetchone()[0] == 200


# --- who the users are --------------------------------------------------------------


def test_users_spread_over_countries_regions_platforms_channels(
    con: duckdb.DuckDBPyConnection,
) -> None:
    n_countries, n_regions = one(con, """
        SELECT count(DISTINCT u.country), count(DISTINCT r.region)
        FROM users u JOIN regions r USING (country)""")
    assert n_countries >= 10 and n_regions >= 5
    # every user's zone is the country's main zone from regions.csv
    assert one(con, """
        SELECT count(*) FROM users u LEFT JOIN regions r USING (country)
        WHERE r.timezone IS DISTINCT FROM u.timezone""")[0] == 0
    assert one(con, "SELECT count(DISTINCT channel) FROM users")[0] == 5
    assert one(con, "SELECT count(*) FROM users WHERE language IS NULL")[0] == 0
    # Android dominates in emerging markets, iOS is stronger in the US, Japan, UK, Germany
    emerging, rich = one(con, """
        SELECT avg((platform = 'android')::INT) FILTER (WHERE country IN ('BR','ID','IN','NG')),
               avg((platform = 'android')::INT) FILTER (WHERE country IN ('US','JP','GB','DE'))
        FROM users""")
    assert emerging > 0.7 and emerging > rich + 0.2
    # signups on nearly every day of the period, some before it
    signup_days, before = one(con, f"""
        SELECT count(DISTINCT CAST(signup_at AS DATE)) FILTER (WHERE signup_at >= DATE '{FIRST}'),
               count(*) FILTER (WHERE signup_at < DATE '{FIRST}')
        FROM users""")
    assert signup_days >= DAYS - 1 and before > 0
    assert one(con, "SELECT min(user_id), max(user_id) FROM users") == ("u0000001", "u0003000")


# --- frequency: when and how often --------------------------------------------------


def test_sessions_peak_in_the_local_evening(con: duckdb.DuckDBPyConnection) -> None:
    evening, night = one(con, f"""
        SELECT avg((h BETWEEN 19 AND 23)::INT), avg((h BETWEEN 3 AND 7)::INT)
        FROM (SELECT hour({LOCAL.format(col="s.started_at")}) AS h
              FROM sessions s JOIN users u USING (user_id))""")
    # 5 of 24 hours each: evenly spread would be 21% each
    assert evening > 0.35
    assert evening > 4 * night


def test_weekends_in_local_time_are_busier(con: duckdb.DuckDBPyConnection) -> None:
    weekend, weekday = one(con, f"""
        WITH per_day AS (
            SELECT CAST({LOCAL.format(col="s.started_at")} AS DATE) AS d, count(*) AS n
            FROM sessions s JOIN users u USING (user_id) GROUP BY 1)
        SELECT avg(n) FILTER (WHERE isodow(d) >= 6), avg(n) FILTER (WHERE isodow(d) <= 5)
        FROM per_day
        WHERE d BETWEEN DATE '{FIRST}' + 1 AND DATE '{END}' - 1  -- whole local days only""")
    assert weekend > 1.15 * weekday


RETENTION = f"""
    WITH cohort AS (
        SELECT user_id, country, channel, CAST(signup_at AS DATE) AS d FROM users
        WHERE signup_at >= DATE '{FIRST}'),
    active AS (SELECT DISTINCT user_id, CAST(started_at AS DATE) AS d FROM sessions)
    SELECT {{group}} AS segment,
        avg(CASE WHEN c.d + 1 <= DATE '{END}' THEN (a1.user_id IS NOT NULL)::INT END) AS d1,
        avg(CASE WHEN c.d + 7 <= DATE '{END}' THEN (a7.user_id IS NOT NULL)::INT END) AS d7
    FROM cohort c
    LEFT JOIN active a1 ON a1.user_id = c.user_id AND a1.d = c.d + 1
    LEFT JOIN active a7 ON a7.user_id = c.user_id AND a7.d = c.d + 7
    GROUP BY ALL"""


def test_retention_decays_and_differs_by_channel_and_country(
    con: duckdb.DuckDBPyConnection,
) -> None:
    (_, d1, d7) = one(con, RETENTION.format(group="'all'"))
    assert 0.25 <= d1 <= 0.45
    assert 0.10 <= d7 <= 0.25
    by_channel = {r[0]: r[1:] for r in con.execute(RETENTION.format(group="channel")).fetchall()}
    assert by_channel["referral"][0] > by_channel["paid_social"][0] + 0.08
    assert by_channel["organic"][0] > by_channel["paid_social"][0] + 0.05
    groups = """CASE WHEN country IN ('US', 'GB', 'DE', 'JP', 'SA', 'AE') THEN 'strong'
                     WHEN country IN ('IN', 'PK', 'NG') THEN 'weak' ELSE 'other' END"""
    by_country = {r[0]: r[1:] for r in con.execute(RETENTION.format(group=groups)).fetchall()}
    assert by_country["strong"][0] > by_country["weak"][0] + 0.05
    assert by_country["strong"][1] > by_country["weak"][1]


def test_signup_is_the_first_session(con: duckdb.DuckDBPyConnection) -> None:
    late, missing = one(con, f"""
        SELECT count(*) FILTER (WHERE first_start < u.signup_at),
               count(*) FILTER (WHERE first_start IS NULL)
        FROM users u LEFT JOIN (SELECT user_id, min(started_at) AS first_start
                                FROM sessions GROUP BY 1) s USING (user_id)
        WHERE u.signup_at >= DATE '{FIRST}'""")
    assert late == 0 and missing == 0


# --- depth and social quality -------------------------------------------------------


LATENCY = f"""
    WITH active AS (SELECT DISTINCT user_id, CAST(started_at AS DATE) AS d FROM sessions),
    c AS (SELECT *, date_diff('millisecond', requested_at, connected_at) AS ms FROM calls
          WHERE requested_at < DATE '{END}')  -- the day after must be in the data
    SELECT CASE WHEN ms IS NULL THEN 'never' WHEN ms <= 600 THEN 'fast'
                WHEN ms > 2000 THEN 'slow' ELSE 'middle' END AS bucket,
           count(*) AS calls,
           avg(date_diff('millisecond', connected_at, ended_at)) / 60000 AS minutes,
           avg((a.user_id IS NOT NULL)::INT) AS next_day
    FROM c LEFT JOIN active a
      ON a.user_id = c.caller_id AND a.d = CAST(c.requested_at AS DATE) + 1
    GROUP BY 1"""


def test_fast_connects_mean_longer_calls_and_callers_coming_back(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = {r[0]: r[1:] for r in con.execute(LATENCY).fetchall()}
    fast, slow = rows["fast"], rows["slow"]
    assert fast[0] > 5 * slow[0] >= 5 * 50  # most calls connect fast, enough slow ones
    assert fast[1] > 1.3 * slow[1]
    assert fast[2] > slow[2] + 0.07
    never_share = rows["never"][0] / sum(r[0] for r in rows.values())
    assert 0.01 <= never_share <= 0.10


def test_connect_time_depends_on_network_and_region(con: duckdb.DuckDBPyConnection) -> None:
    by_net = dict(con.execute("""
        SELECT network, median(date_diff('millisecond', requested_at, connected_at))
        FROM calls GROUP BY 1""").fetchall())
    assert by_net["wifi"] < 600 and by_net["5g"] < 600
    assert by_net["3g"] > 2 * by_net["wifi"] and by_net["2g"] > by_net["3g"]
    assert by_net["3g"] > 1000
    good, poor = one(con, """
        SELECT median(ms) FILTER (WHERE region IN ('NA', 'EU', 'EA')),
               median(ms) FILTER (WHERE region IN ('SAS', 'SSA'))
        FROM (SELECT r.region, date_diff('millisecond', c.requested_at, c.connected_at) AS ms
              FROM calls c JOIN users u ON u.user_id = c.caller_id JOIN regions r USING (country)
              WHERE c.network IN ('wifi', '5g'))""")
    assert good < 400 and poor > good
    slow_rich, slow_sas_ssa = one(con, """
        SELECT avg((network IN ('3g', '2g'))::INT) FILTER (WHERE region IN ('NA', 'EU', 'EA')),
               avg((network IN ('3g', '2g'))::INT) FILTER (WHERE region IN ('SAS', 'SSA'))
        FROM calls c JOIN users u ON u.user_id = c.caller_id JOIN regions r USING (country)""")
    assert slow_sas_ssa > 2 * slow_rich


def test_hd_live_views_last_about_ten_percent_longer(con: duckdb.DuckDBPyConnection) -> None:
    hd, sd, n_hd, n_sd = one(con, """
        SELECT avg(m) FILTER (WHERE hd), avg(m) FILTER (WHERE NOT hd),
               count(*) FILTER (WHERE hd), count(*) FILTER (WHERE NOT hd)
        FROM (SELECT resolution IN ('720p', '1080p') AS hd,
                     date_diff('millisecond', started_at, ended_at) / 60000 AS m
              FROM live_views)""")
    assert min(n_hd, n_sd) > 1000
    assert 0.05 <= hd / sd - 1 <= 0.16


AI_FIRST = f"""
    WITH social AS (
        SELECT user_id, ts, name = 'ai_chat_start' AS ai,
               name IN ('chat_start', 'message_sent') AND partner_id IS NOT NULL AS human
        FROM events
        WHERE name IN ('ai_chat_start', 'chat_start', 'message_sent', 'follow', 'room_join')
        UNION ALL
        SELECT who, requested_at, false, true FROM calls,
               (SELECT unnest([caller_id, callee_id]) AS who)
        WHERE connected_at IS NOT NULL),
    first AS (SELECT user_id, arg_min(ai, ts) AS ai, min(ts) AS t0 FROM social GROUP BY 1),
    ai_first AS (SELECT * FROM first WHERE ai AND t0 < DATE '{END}' - 6)
    SELECT count(*),
           avg((EXISTS (SELECT 1 FROM social s WHERE s.user_id = f.user_id AND s.human
                        AND s.ts > f.t0 AND s.ts <= f.t0 + INTERVAL 7 DAY))::INT)
    FROM ai_first f"""


def test_some_ai_first_users_move_on_to_people(con: duckdb.DuckDBPyConnection) -> None:
    n, share = one(con, AI_FIRST)
    assert n >= 100
    assert 0.25 <= share <= 0.55


def test_lasting_connections_exist(con: duckdb.DuckDBPyConnection) -> None:
    repeated, mutual = one(con, """
        WITH pairs AS (
            SELECT least(user_id, partner_id) AS a, greatest(user_id, partner_id) AS b,
                   CAST(ts AS DATE) AS d
            FROM events WHERE name IN ('chat_start', 'message_sent') AND partner_id IS NOT NULL
            UNION ALL
            SELECT least(caller_id, callee_id), greatest(caller_id, callee_id),
                   CAST(requested_at AS DATE)
            FROM calls WHERE connected_at IS NOT NULL),
        follows AS (SELECT DISTINCT user_id, partner_id FROM events WHERE name = 'follow')
        SELECT (SELECT count(*) FROM (SELECT a, b FROM pairs GROUP BY ALL
                                      HAVING count(DISTINCT d) >= 2)),
               (SELECT count(*) FROM follows f JOIN follows g
                  ON f.user_id = g.partner_id AND f.partner_id = g.user_id)""")
    assert repeated >= 100
    assert mutual >= 10


def test_a_few_percent_of_active_users_pay(con: duckdb.DuckDBPyConnection) -> None:
    share = one(con, """
        SELECT count(DISTINCT p.user_id) / (SELECT count(DISTINCT user_id) FROM sessions)
        FROM payments p""")[0]
    assert 0.01 <= share <= 0.08
    amounts = {r[0] for r in con.execute("SELECT DISTINCT amount_usd FROM payments").fetchall()}
    assert amounts <= {0.99, 4.99, 9.99, 19.99, 49.99} and len(amounts) >= 3
    # payments are made by users active that day
    assert one(con, """
        SELECT count(*) FROM payments p WHERE NOT EXISTS (
            SELECT 1 FROM sessions s WHERE s.user_id = p.user_id
              AND p.paid_at BETWEEN s.started_at AND s.ended_at)""")[0] == 0


# --- the data contract --------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("sessions", "user_id"), ("events", "user_id"), ("events", "partner_id"),
        ("calls", "caller_id"), ("calls", "callee_id"), ("live_views", "viewer_id"),
        ("live_views", "host_id"), ("payments", "user_id"),
    ],
)
def test_every_user_reference_exists(
    con: duckdb.DuckDBPyConnection, table: str, column: str
) -> None:
    assert one(con, f"""
        SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = t.{column})""")[0] == 0


@pytest.mark.parametrize(
    ("table", "key"),
    [("users", "user_id"), ("sessions", "session_id"), ("calls", "call_id"),
     ("live_views", "view_id"), ("payments", "payment_id")],
)
def test_keys_are_unique(con: duckdb.DuckDBPyConnection, table: str, key: str) -> None:
    assert one(con, f"SELECT count(*) = count(DISTINCT {key}) FROM {table}")[0]


def test_events_sit_inside_their_own_sessions(con: duckdb.DuckDBPyConnection) -> None:
    outside = one(con, """
        SELECT count(*) FROM events e LEFT JOIN sessions s USING (session_id)
        WHERE s.session_id IS NULL OR s.user_id <> e.user_id
           OR e.ts NOT BETWEEN s.started_at AND s.ended_at""")[0]
    assert outside == 0
    names = {r[0] for r in con.execute("SELECT DISTINCT name FROM events").fetchall()}
    assert names == {
        "match_request", "chat_start", "message_sent", "room_join",
        "live_start", "gift_sent", "follow", "ai_chat_start",
    }
    bad_partner, bad_room = one(con, """
        SELECT count(*) FILTER (WHERE name IN ('chat_start', 'message_sent', 'follow')
                                  AND (partner_id IS NULL OR partner_id = user_id)),
               count(*) FILTER (WHERE name IN ('room_join', 'live_start') AND room_id IS NULL)
        FROM events""")
    assert bad_partner == 0 and bad_room == 0


def test_values_and_time_order_follow_the_schema(con: duckdb.DuckDBPyConnection) -> None:
    checks = {
        "platform": "SELECT count(*) FROM users WHERE platform NOT IN ('ios', 'android', 'web')",
        "network": "SELECT count(*) FROM calls WHERE network NOT IN ('wifi','5g','4g','3g','2g')",
        "kind": "SELECT count(*) FROM calls WHERE kind NOT IN ('video', 'voice')",
        "resolution": """SELECT count(*) FROM live_views
                         WHERE resolution NOT IN ('360p','480p','540p','720p','1080p')""",
        "session order": "SELECT count(*) FROM sessions WHERE ended_at < started_at",
        "view order": "SELECT count(*) FROM live_views WHERE ended_at < started_at",
        "call order": """SELECT count(*) FROM calls WHERE connected_at < requested_at
                         OR ended_at < coalesce(connected_at, requested_at)""",
        "amount": "SELECT count(*) FROM payments WHERE amount_usd < 0",
        "self call": "SELECT count(*) FROM calls WHERE callee_id = caller_id",
        "self view": "SELECT count(*) FROM live_views WHERE host_id = viewer_id",
    }
    for what, sql in checks.items():
        assert one(con, sql)[0] == 0, what


def test_all_activity_inside_the_period(con: duckdb.DuckDBPyConnection) -> None:
    stamps = {
        "sessions": ["started_at", "ended_at"], "events": ["ts"],
        "calls": ["requested_at", "connected_at", "ended_at"],
        "live_views": ["started_at", "ended_at"], "payments": ["paid_at"],
    }
    after = f"DATE '{END}' + 1"
    for table, columns in stamps.items():
        for col in columns:
            lo, hi = one(con, f"SELECT min({col}), max({col}) FROM {table}")
            assert lo.date() >= FIRST, (table, col)
            assert hi.date() <= END, (table, col)
            assert one(con, f"SELECT count(*) FROM {table} WHERE {col} >= {after}")[0] == 0
    assert one(con, f"SELECT max(signup_at) < {after} FROM users")[0]

"""Rollups the metrics read instead of the raw tables: one derivation, rebuilt on every change.

The rollups are pure functions of the raw tables and the reporting time zone. They are built
in the database file after generation and after each load (inside the load transaction), for
the zone of the settings then. A catalog whose zone differs, or that opens an older database
without them, builds TEMP tables of the same names on its own connection (DuckDB resolves
temp tables before the file's), so answers never depend on when the rollups were built.
"""

from __future__ import annotations

import logging
import time
from zoneinfo import available_timezones

import duckdb

from assistant.errors import DataError
from assistant.store import contract

log = logging.getLogger(__name__)

# The tables the metric queries may read, and the one that records how they were built.
ROLLUP_TABLES = ("user_dim", "session_len", "user_day", "local_hour", "user_local_day",
                 "pair_day", "mutual_follow", "live_day")
ROLLUPS = (*ROLLUP_TABLES, "rollup_info")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _literals(values: tuple[str, ...]) -> str:
    return ", ".join(map(_literal, values))


# Bit of each action in user_day.acts: 1 << its position in the contract's ACTIONS.
_ACT_BITS = ", ".join(f"({_literal(a)}, {1 << i})" for i, a in enumerate(contract.ACTIONS))

_SQL = """
CREATE OR REPLACE {temp} TABLE user_dim AS
-- a dense integer key per user: joins and distinct counts on it are cheap
SELECT
    CAST(row_number() OVER (ORDER BY u.user_id) AS INTEGER) AS uid,
    u.user_id, u.country, r.region, u.platform,
    coalesce(u.channel, {unknown_channel}) AS channel,
    u.timezone AS zone,
    CAST(timezone({tz}, timezone('UTC', u.signup_at)) AS DATE) AS signup_day,
    u.signup_at
FROM users u
LEFT JOIN regions r ON r.country = u.country;

CREATE OR REPLACE {temp} TABLE rollup_slot AS
-- 15-minute UTC slots with their local day in the reporting zone: every zone offset and
-- daylight-saving change falls on a quarter hour, so a slot decides the local day
WITH b AS (
    SELECT min(lo) AS lo, max(hi) AS hi FROM (
        SELECT min(started_at) AS lo, max(started_at) AS hi FROM sessions
        UNION ALL SELECT min(ts), max(ts) FROM events
        UNION ALL SELECT min(connected_at), max(connected_at) FROM calls
        UNION ALL SELECT min(started_at), max(started_at) FROM live_views
    )
)
SELECT epoch_us(t) // 900000000 AS slot, CAST(timezone({tz}, timezone('UTC', t)) AS DATE) AS day
FROM b, generate_series(time_bucket(INTERVAL 15 MINUTE, b.lo), b.hi, INTERVAL 15 MINUTE) g(t)
WHERE b.lo IS NOT NULL;

CREATE OR REPLACE {temp} TABLE session_len AS
-- one row per session: its local start day and length in minutes (medians need each one)
SELECT sl.day, d.uid, (epoch_us(s.ended_at) - epoch_us(s.started_at)) / 60e6 AS minutes
FROM sessions s
JOIN user_dim d ON d.user_id = s.user_id
JOIN rollup_slot sl ON sl.slot = epoch_us(s.started_at) // 900000000
ORDER BY 1;

CREATE OR REPLACE {temp} TABLE user_day AS
-- one row per user and local day with a session or an action: sessions started that day
-- (0 = not active that day), their minutes, and the bit set of actions done that day
WITH s AS (
    SELECT day, uid, count(*) AS sessions, sum(minutes) AS minutes
    FROM session_len
    GROUP BY day, uid
),
acts AS (
    SELECT d.uid, sl.day, bit_or(a.bit) AS acts
    FROM (
        SELECT e.user_id, e.name, e.ts AS at FROM events e
        UNION ALL
        -- a connected call counts for both ends, dated when it connected
        SELECT unnest([c.caller_id, c.callee_id]), 'call', c.connected_at
        FROM calls c WHERE c.connected_at IS NOT NULL
    ) x
    JOIN (VALUES {bits}) a(name, bit) ON a.name = x.name
    JOIN user_dim d ON d.user_id = x.user_id
    JOIN rollup_slot sl ON sl.slot = epoch_us(x.at) // 900000000
    GROUP BY d.uid, sl.day
)
SELECT
    coalesce(s.day, a.day) AS day,
    coalesce(s.uid, a.uid) AS uid,
    CAST(coalesce(s.sessions, 0) AS INTEGER) AS sessions,
    coalesce(s.minutes, 0) AS minutes,
    CAST(coalesce(a.acts, 0) AS INTEGER) AS acts
FROM s
FULL JOIN acts a ON a.uid = s.uid AND a.day = s.day
ORDER BY 1, 2;

CREATE OR REPLACE {temp} TABLE local_hour AS
-- session starts per local day, weekday and hour in each user's own zone
WITH per_slot AS (
    SELECT d.zone, d.country, d.platform, epoch_us(s.started_at) // 900000000 AS slot,
           count(*) AS n
    FROM sessions s
    JOIN user_dim d ON d.user_id = s.user_id
    GROUP BY ALL
)
SELECT CAST(lt AS DATE) AS local_day, hour(lt) AS hour, country, platform,
       CAST(sum(n) AS BIGINT) AS sessions
FROM (SELECT *, timezone(zone, to_timestamp(slot * 900)) AS lt FROM per_slot)
GROUP BY ALL
ORDER BY 1;

CREATE OR REPLACE {temp} TABLE user_local_day AS
-- users with a session start on a day of their own zone's calendar
SELECT DISTINCT CAST(timezone(d.zone, to_timestamp(x.slot * 900)) AS DATE) AS local_day, x.uid
FROM (SELECT DISTINCT d.uid, epoch_us(s.started_at) // 900000000 AS slot
      FROM sessions s JOIN user_dim d ON d.user_id = s.user_id) x
JOIN user_dim d ON d.uid = x.uid
ORDER BY 1, 2;

CREATE OR REPLACE {temp} TABLE pair_day AS
-- human contacts (contact events with a partner, connected calls) per pair in
-- canonical order (a < b by key) and local day
WITH t AS MATERIALIZED (
    SELECT e.user_id AS x, e.partner_id AS y, e.ts AS at
    FROM events e
    WHERE e.name IN ({contact_events})
      AND e.partner_id IS NOT NULL AND e.partner_id <> e.user_id
    UNION ALL
    SELECT c.caller_id, c.callee_id, c.connected_at
    FROM calls c
    WHERE c.connected_at IS NOT NULL
      AND c.callee_id IS NOT NULL AND c.callee_id <> c.caller_id
),
stranger AS (
    -- partners not in users are allowed (exports are often a sample of users) and still
    -- count as contacts: they get keys below zero
    SELECT id AS user_id, -CAST(row_number() OVER (ORDER BY id) AS INTEGER) AS uid
    FROM (SELECT DISTINCT unnest([t.x, t.y]) AS id FROM t) i
    ANTI JOIN user_dim d ON d.user_id = i.id
),
k AS (
    SELECT user_id, uid FROM user_dim
    UNION ALL
    SELECT user_id, uid FROM stranger
)
SELECT DISTINCT sl.day, least(dx.uid, dy.uid) AS a, greatest(dx.uid, dy.uid) AS b
FROM t
JOIN k dx ON dx.user_id = t.x
JOIN k dy ON dy.user_id = t.y
JOIN rollup_slot sl ON sl.slot = epoch_us(t.at) // 900000000
ORDER BY 1, 2, 3;

CREATE OR REPLACE {temp} TABLE mutual_follow AS
-- pairs that follow each other: since = the later of the two first follows
SELECT least(dx.uid, dy.uid) AS a, greatest(dx.uid, dy.uid) AS b,
       greatest(min(f.ts) FILTER (WHERE f.user_id < f.partner_id),
                min(f.ts) FILTER (WHERE f.user_id > f.partner_id)) AS since,
       CAST(timezone({tz}, timezone('UTC', greatest(
           min(f.ts) FILTER (WHERE f.user_id < f.partner_id),
           min(f.ts) FILTER (WHERE f.user_id > f.partner_id)))) AS DATE) AS since_day
FROM events f
JOIN user_dim dx ON dx.user_id = f.user_id
JOIN user_dim dy ON dy.user_id = f.partner_id
WHERE f.name = 'follow' AND f.partner_id IS NOT NULL AND f.partner_id <> f.user_id
GROUP BY 1, 2
HAVING bool_or(f.user_id < f.partner_id) AND bool_or(f.user_id > f.partner_id);

CREATE OR REPLACE {temp} TABLE live_day AS
-- live views per viewer, local start day and quality (HD: contract.HD_RESOLUTIONS): counts
-- and summed minutes, so a mean per view is sum(minutes) / sum(views); viewers not in users
-- drop out.
-- The viewer's attributes ride along so the metric needs no join to user_dim.
SELECT sl.day, d.uid, v.resolution IN ({hd_resolutions}) AS hd,
       d.country, d.region, d.platform, d.channel,
       count(*) AS views,
       sum((epoch_us(v.ended_at) - epoch_us(v.started_at)) / 60000000.0) AS minutes
FROM live_views v
JOIN user_dim d ON d.user_id = v.viewer_id
JOIN rollup_slot sl ON sl.slot = epoch_us(v.started_at) // 900000000
GROUP BY ALL
ORDER BY 1, 2;

DROP TABLE rollup_slot;

CREATE OR REPLACE {temp} TABLE rollup_info AS
SELECT {tz} AS timezone, {version} AS data_version, now() AS built_at;
"""


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever data is written: the load log, and the row count of every table."""
    # the counts also catch writes that bypass the loader (a DELETE by hand, say)
    counts = " UNION ALL ".join(
        f"SELECT '{t}', count(*) FROM {t}" for t in contract.QUERYABLE_TABLES
    )
    n, last = con.execute("SELECT count(*), max(loaded_at) FROM load_log").fetchone()
    rows = ",".join(f"{t}={c}" for t, c in sorted(con.execute(counts).fetchall()))
    return f"{n}:{last}:{rows}"


def build_sql(tz: str, version: str, *, temp: bool = False) -> str:
    """The statements that build every rollup for zone `tz` (DuckDB SQL; Spark transpiles it)."""
    return _SQL.format(
        temp="TEMP" if temp else "", tz=_literal(tz), bits=_ACT_BITS,
        version=_literal(version),
        unknown_channel=_literal(contract.UNKNOWN_CHANNEL),
        contact_events=_literals(contract.CONTACT_EVENTS),
        hd_resolutions=_literals(contract.HD_RESOLUTIONS),
    )


def rebuild(con: duckdb.DuckDBPyConnection, tz: str, *, temp: bool = False) -> float:
    """(Re)build every rollup for zone `tz`; return the seconds it took."""
    if tz not in available_timezones() and tz != "UTC":
        raise DataError(f"Unknown time zone {tz!r}.", hint="Use an IANA name like Asia/Jakarta.")
    t0 = time.perf_counter()
    for statement in build_sql(tz, data_version(con), temp=temp).split(";\n"):
        if statement.strip():
            con.execute(statement)
    elapsed = time.perf_counter() - t0
    log.info("rollups for %s built in %.1f s", tz, elapsed)
    return elapsed


def is_current(con: duckdb.DuckDBPyConnection, tz: str) -> bool:
    """Whether the file's rollups exist and were built for this zone and this data."""
    # a file built before a rollup was added lacks it though its rollup_info is current
    names = ", ".join(_literal(t) for t in ROLLUPS)
    (present,) = con.execute(
        f"SELECT count(DISTINCT table_name) FROM duckdb_tables() WHERE table_name IN ({names})"
    ).fetchone()
    if present < len(ROLLUPS):
        return False
    try:
        built_tz, version = con.execute(
            "SELECT timezone, data_version FROM rollup_info"
        ).fetchone()
    except duckdb.CatalogException:
        return False
    return built_tz == tz and version == data_version(con)

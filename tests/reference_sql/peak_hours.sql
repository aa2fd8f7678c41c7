-- Raw-table reference for tools/peak_hours.sql (same header and parameters).
WITH filtered AS MATERIALIZED (
    SELECT
        u.user_id,
        u.rowid AS uid,
        u.timezone AS zone,
        CASE $group_by
            WHEN 'country' THEN u.country
            WHEN 'region' THEN r.region
            WHEN 'platform' THEN u.platform
            ELSE 'all'
        END AS segment
    FROM users u
    LEFT JOIN regions r ON r.country = u.country
    WHERE (len($countries) = 0 OR list_contains($countries, u.country))
      AND (len($regions) = 0 OR list_contains($regions, r.region))
      AND (len($platforms) = 0 OR list_contains($platforms, u.platform))
),
zones AS (
    -- the range's first and last local midnight of each zone, as UTC instants
    SELECT
        zone,
        timezone('UTC', timezone(zone, CAST($start AS TIMESTAMP))) AS lo,
        timezone('UTC', timezone(zone, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY)) AS hi
    FROM (SELECT DISTINCT zone FROM filtered)
),
starts AS (
    -- Sessions in the user's local range, kept as 15-minute UTC slots: every zone offset and
    -- daylight-saving change falls on a quarter hour, so a slot decides the local weekday
    -- and hour. The constant bounds (the widest zones are UTC+14 and UTC-12) let the scan
    -- skip row groups; the zone bounds then keep each user's own local days.
    SELECT f.segment, f.uid, f.zone, epoch_us(s.started_at) // 900000000 AS slot
    FROM sessions s
    JOIN filtered f ON f.user_id = s.user_id
    JOIN zones z ON z.zone = f.zone
    WHERE s.started_at >= CAST($start AS TIMESTAMP) - INTERVAL 14 HOUR
      AND s.started_at < CAST($end AS TIMESTAMP) + INTERVAL 36 HOUR
      AND s.started_at >= z.lo
      AND s.started_at < z.hi
),
cells AS (
    -- the zone conversion runs once per (zone, slot), not once per session
    SELECT segment, isodow(local_time) AS weekday, hour(local_time) AS hour, sum(n) AS sessions
    FROM (
        SELECT segment, timezone(zone, to_timestamp(slot * 900)) AS local_time, count(*) AS n
        FROM starts
        GROUP BY segment, zone, slot
    )
    GROUP BY segment, weekday, hour
),
per_seg AS (
    SELECT segment, count(DISTINCT uid) AS users, count(*) AS total
    FROM starts
    GROUP BY segment
)
SELECT
    c.segment,
    rank() OVER (PARTITION BY c.segment ORDER BY c.sessions DESC) AS rank,
    c.weekday,
    c.hour,
    c.sessions,
    c.sessions / p.total AS share,
    p.users
FROM cells c
JOIN per_seg p ON p.segment = c.segment
ORDER BY c.segment, rank, c.weekday, c.hour

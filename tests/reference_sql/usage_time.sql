-- Raw-table reference for tools/usage_time.sql (same header and parameters).
WITH filtered AS MATERIALIZED (
    -- useg: the user-attribute part of the segment ('all' unless split by one)
    SELECT
        u.user_id,
        u.rowid AS uid,
        CASE $group_by
            WHEN 'country' THEN u.country
            WHEN 'region' THEN r.region
            WHEN 'platform' THEN u.platform
            WHEN 'channel' THEN coalesce(u.channel, 'unknown')
            ELSE 'all'
        END AS useg
    FROM users u
    LEFT JOIN regions r ON r.country = u.country
    WHERE (len($countries) = 0 OR list_contains($countries, u.country))
      AND (len($regions) = 0 OR list_contains($regions, r.region))
      AND (len($platforms) = 0 OR list_contains($platforms, u.platform))
),
slots AS (
    -- 15-minute UTC slots of the range with their local day in $tz and time segment. Every
    -- zone offset and daylight-saving change falls on a quarter hour, so a session's slot
    -- decides its local day: the zone conversion runs once per slot, not once per session.
    SELECT
        slot, day,
        CASE $group_by
            WHEN 'day' THEN strftime(day, '%Y-%m-%d')
            WHEN 'week' THEN strftime(day, '%G-W%V')
            ELSE 'all'
        END AS tseg
    FROM (
        SELECT epoch_us(t) // 900000000 AS slot,
            CAST(timezone($tz, timezone('UTC', t)) AS DATE) AS day
        FROM generate_series(
            timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP))),
            timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY)) - INTERVAL 15 MINUTE,
            INTERVAL 15 MINUTE
        ) g(t)
    )
),
sess AS (
    -- the range is tested on the raw timestamps against constants so the scan skips
    -- row groups outside it
    SELECT
        f.useg, sl.tseg, f.uid, sl.day,
        (epoch_us(s.ended_at) - epoch_us(s.started_at)) / 60e6 AS minutes
    FROM sessions s
    JOIN slots sl ON sl.slot = epoch_us(s.started_at) // 900000000
    JOIN filtered f ON f.user_id = s.user_id
    WHERE s.started_at >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND s.started_at < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
),
user_days AS (
    SELECT useg, tseg, uid, day, count(*) AS sessions, sum(minutes) AS minutes
    FROM sess
    GROUP BY useg, tseg, uid, day
),
per_seg AS (
    SELECT
        useg, tseg,
        count(DISTINCT uid) AS active_users,
        count(*) AS user_days,
        sum(sessions) AS sessions,
        sum(minutes) AS minutes
    FROM user_days
    GROUP BY useg, tseg
),
medians AS (
    SELECT useg, tseg, median(minutes) AS median_session_minutes
    FROM sess
    GROUP BY useg, tseg
)
SELECT
    CASE WHEN $group_by IN ('day', 'week') THEN p.tseg ELSE p.useg END AS segment,
    p.active_users,
    p.user_days,
    p.sessions,
    p.minutes / p.user_days AS minutes_per_user_day,
    p.sessions / p.user_days AS sessions_per_user_day,
    m.median_session_minutes
FROM per_seg p
JOIN medians m ON m.useg = p.useg AND m.tseg = p.tseg
ORDER BY segment

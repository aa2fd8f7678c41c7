-- Raw-table reference for tools/active_users.sql (same header and parameters).
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
scan AS (
    -- Days read: from 29 days before the earliest MAU window end (the start date for a
    -- trend, else the end date) to the end date, and their exact UTC bounds in $tz.
    SELECT
        first_day,
        timezone('UTC', timezone($tz, CAST(first_day AS TIMESTAMP))) AS lo,
        timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY)) AS hi
    FROM (
        SELECT CASE WHEN $group_by IN ('day', 'week') THEN $start - 29
                    ELSE least($start, $end - 29) END AS first_day
    )
),
slots AS (
    -- 15-minute UTC slots with their local day in $tz. Every zone offset and every
    -- daylight-saving change falls on a quarter hour, so all sessions of a slot share one
    -- local day: joining on the slot converts a few thousand slots, not every session.
    SELECT epoch_us(t) // 900000000 AS slot, CAST(timezone($tz, timezone('UTC', t)) AS DATE) AS day
    FROM scan, generate_series(lo, hi - INTERVAL 15 MINUTE, INTERVAL 15 MINUTE) g(t)
),
user_days AS (
    -- distinct (user, local day) first, then the user filter: fewer rows to join
    SELECT f.useg, f.uid, d.day
    FROM (
        SELECT DISTINCT s.user_id, sl.day
        FROM sessions s
        JOIN slots sl ON sl.slot = epoch_us(s.started_at) // 900000000
        -- the bounds again as plain expressions so the scan itself skips other days
        WHERE s.started_at >= timezone('UTC', timezone($tz, CAST(
                CASE WHEN $group_by IN ('day', 'week') THEN $start - 29
                     ELSE least($start, $end - 29) END AS TIMESTAMP)))
          AND s.started_at < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
    ) d
    JOIN filtered f ON f.user_id = d.user_id
),
calendar AS (
    -- every day of the range with its ISO week and time segment ('all' unless a trend)
    SELECT
        CAST(t AS DATE) AS day,
        strftime(t, '%G-W%V') AS week,
        CASE $group_by
            WHEN 'day' THEN strftime(t, '%Y-%m-%d')
            WHEN 'week' THEN strftime(t, '%G-W%V')
            ELSE 'all'
        END AS tseg
    FROM generate_series(CAST($start AS TIMESTAMP), CAST($end AS TIMESTAMP), INTERVAL 1 DAY) g(t)
),
tsegs AS (
    SELECT tseg, count(*) AS n_days, max(day) AS last_day
    FROM calendar
    GROUP BY tseg
),
in_range AS (
    SELECT ud.useg, ud.uid, ud.day, c.week, c.tseg
    FROM user_days ud
    JOIN calendar c ON c.day = ud.day
),
segs AS (
    -- summing daily actives over the segment's days: user_days / n_days is the mean DAU
    SELECT useg, tseg, count(DISTINCT uid) AS active_users, count(*) AS user_days
    FROM in_range
    GROUP BY useg, tseg
),
peak AS (
    SELECT useg, tseg, max(dau) AS peak_dau
    FROM (SELECT useg, tseg, day, count(*) AS dau FROM in_range GROUP BY useg, tseg, day)
    GROUP BY useg, tseg
),
weekly AS (
    -- distinct actives of each ISO week within the range (for a day trend: the day's week)
    SELECT useg, week, count(DISTINCT uid) AS wau
    FROM in_range
    GROUP BY useg, week
),
wau AS (
    -- mean over every ISO week touching the segment; a week without actives counts 0
    SELECT s.useg, s.tseg, avg(coalesce(w.wau, 0)) AS avg_wau
    FROM segs s
    JOIN (SELECT DISTINCT tseg, week FROM calendar) sw ON sw.tseg = s.tseg
    LEFT JOIN weekly w ON w.useg = s.useg AND w.week = sw.week
    GROUP BY s.useg, s.tseg
),
spans AS (
    -- Rolling MAU of a trend. A user counts on day d when their latest active day on or
    -- before d is at most 29 days back: active day a covers [a, min(a + 30, next active
    -- day)). One user's spans never overlap, so MAU(d) = spans covering d = running sum of
    -- +1 at each span start and -1 at each span stop. Only trends need this window
    -- function; the other splits count the 30 days before the end date directly.
    -- (least skips the missing next day of a user's last active day)
    SELECT
        day AS span_start,
        least(day + 30, lead(day) OVER (PARTITION BY uid ORDER BY day)) AS span_stop
    FROM user_days
    WHERE $group_by IN ('day', 'week')
),
rolling AS (
    SELECT 'all' AS useg, ts.tseg, sum(d.delta) AS mau_30d
    FROM tsegs ts
    JOIN (
        SELECT day, sum(delta) AS delta
        FROM (
            SELECT span_start AS day, 1 AS delta FROM spans
            UNION ALL
            SELECT span_stop AS day, -1 AS delta FROM spans
        )
        GROUP BY day
    ) d ON d.day <= ts.last_day
    GROUP BY ts.tseg
),
at_end AS (
    SELECT useg, 'all' AS tseg, count(DISTINCT uid) AS mau_30d
    FROM user_days
    WHERE $group_by NOT IN ('day', 'week') AND day >= $end - 29
    GROUP BY useg
),
mau AS (
    SELECT * FROM rolling
    UNION ALL
    SELECT * FROM at_end
)
SELECT
    CASE WHEN $group_by IN ('day', 'week') THEN s.tseg ELSE s.useg END AS segment,
    s.active_users,
    s.user_days / ts.n_days AS avg_dau,
    p.peak_dau,
    w.avg_wau,
    m.mau_30d,
    s.user_days / ts.n_days / nullif(m.mau_30d, 0) AS stickiness
FROM segs s
JOIN tsegs ts ON ts.tseg = s.tseg
JOIN peak p ON p.useg = s.useg AND p.tseg = s.tseg
JOIN wau w ON w.useg = s.useg AND w.tseg = s.tseg
LEFT JOIN mau m ON m.useg = s.useg AND m.tseg = s.tseg
ORDER BY segment

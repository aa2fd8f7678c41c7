-- Raw-table reference for tools/core_action_rate.sql (same header and parameters).
WITH chosen AS (
    -- the action list in the caller's order; an empty list means the default core actions
    SELECT unnest(acts) AS action, generate_subscripts(acts, 1) AS pos
    FROM (
        SELECT CASE WHEN len($actions) = 0 THEN ['chat_start', 'room_join', 'call']
                    ELSE $actions END AS acts
    )
),
slots AS (
    -- Every 15-minute slot of the range (local midnights as UTC instants) with its local
    -- period. UTC offsets are multiples of 15 minutes, so a row's slot decides its local
    -- day: the time-zone conversion runs once per slot, not once per row.
    SELECT
        slot,
        CASE $group_by
            WHEN 'day' THEN CAST(timezone($tz, timezone('UTC', slot)) AS DATE)
            WHEN 'week' THEN CAST(date_trunc('week', timezone($tz, timezone('UTC', slot)))
                                  AS DATE)
            ELSE DATE '2000-01-01'
        END AS period
    FROM generate_series(
        timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP))),
        timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
            - INTERVAL 15 MINUTE,
        INTERVAL 15 MINUTE
    ) AS g(slot)
),
marks AS (
    -- one row per session (active) or chosen action (its bit); the range is tested on the
    -- raw timestamps against constants so the scans skip row groups out of range
    SELECT s.user_id, time_bucket(INTERVAL 15 MINUTE, s.started_at) AS slot,
           TRUE AS active, 0 AS bits
    FROM sessions s
    WHERE s.started_at >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND s.started_at < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
    UNION ALL
    SELECT e.user_id, time_bucket(INTERVAL 15 MINUTE, e.ts), FALSE, 1 << (k.pos - 1)
    FROM events e
    JOIN chosen k ON k.action = e.name
    WHERE e.ts >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND e.ts < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
    UNION ALL
    -- a connected call counts for both ends, dated when it connected
    SELECT unnest([c.caller_id, c.callee_id]), time_bucket(INTERVAL 15 MINUTE, c.connected_at),
           FALSE, 1 << (k.pos - 1)
    FROM calls c
    JOIN chosen k ON k.action = 'call'
    WHERE c.connected_at >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND c.connected_at < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
),
per_user AS (
    -- per user and period: active or not, and the bit set of the actions done
    SELECT m.user_id, sl.period, bool_or(m.active) AS active, bit_or(m.bits) AS bits
    FROM marks m
    JOIN slots sl ON sl.slot = m.slot
    WHERE m.user_id IS NOT NULL
    GROUP BY m.user_id, sl.period
),
filtered AS (
    SELECT u.user_id, u.country, u.platform, coalesce(u.channel, 'unknown') AS channel, r.region
    FROM users u
    LEFT JOIN regions r ON r.country = u.country
    WHERE (len($countries) = 0 OR list_contains($countries, u.country))
      AND (len($regions) = 0 OR list_contains($regions, r.region))
      AND (len($platforms) = 0 OR list_contains($platforms, u.platform))
),
by_bits AS (
    -- only actions of active users count: the numerator is a subset of the denominator
    SELECT
        CASE $group_by
            WHEN 'day' THEN strftime(p.period, '%Y-%m-%d')
            WHEN 'week' THEN strftime(p.period, '%G-W%V')
            WHEN 'country' THEN f.country
            WHEN 'region' THEN f.region
            WHEN 'platform' THEN f.platform
            WHEN 'channel' THEN f.channel
            ELSE 'all'
        END AS segment,
        p.bits,
        count(*) AS users
    FROM per_user p
    JOIN filtered f ON f.user_id = p.user_id
    WHERE p.active
    GROUP BY ALL
),
sizes AS (
    SELECT segment, sum(users) AS active_users FROM by_bits GROUP BY segment
),
labels AS (
    SELECT 'any' AS action, 0 AS pos
    UNION ALL
    SELECT action, pos FROM chosen
)
SELECT
    s.segment,
    l.action,
    CAST(s.active_users AS BIGINT) AS active_users,
    CAST(coalesce(sum(b.users), 0) AS BIGINT) AS users_done,
    coalesce(sum(b.users), 0) / s.active_users AS rate
FROM sizes s
CROSS JOIN labels l
LEFT JOIN by_bits b
    ON b.segment = s.segment
   AND CASE WHEN l.pos = 0 THEN b.bits <> 0 ELSE (b.bits >> (l.pos - 1)) & 1 = 1 END
GROUP BY s.segment, l.action, l.pos, s.active_users
ORDER BY s.segment, l.pos

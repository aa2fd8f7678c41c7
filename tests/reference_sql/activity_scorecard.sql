-- Raw-table reference for tools/activity_scorecard.sql (same header and parameters).
WITH slots AS (
    -- 15-minute UTC slots of both ranges with their local day. Zone offsets and daylight-
    -- saving changes fall on quarter hours, so a row's slot decides its local day: the zone
    -- conversion runs once per slot, not once per row. The previous range ends where the
    -- current one starts ($start), so a day tells its range.
    SELECT epoch_us(t) // 900000000 AS slot,
           CAST(timezone($tz, timezone('UTC', t)) AS DATE) AS day
    FROM generate_series(
        timezone('UTC', timezone($tz,
            CAST($start - CAST($end - $start + 1 AS INTEGER) AS TIMESTAMP))),
        timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
            - INTERVAL 15 MINUTE,
        INTERVAL 15 MINUTE
    ) g(t)
),
filtered AS (
    SELECT u.user_id
    FROM users u
    LEFT JOIN regions r ON r.country = u.country
    WHERE (len($countries) = 0 OR list_contains($countries, u.country))
      AND (len($regions) = 0 OR list_contains($regions, r.region))
      AND (len($platforms) = 0 OR list_contains($platforms, u.platform))
),
user_days AS (
    -- one row per active (user, local day) with the minutes of the sessions started then;
    -- both ranges are tested on the raw timestamp against constants so the scan skips
    -- row groups outside them; users are filtered after grouping, and only when asked
    SELECT d.user_id, d.day, d.day >= $start AS cur, d.minutes
    FROM (
        SELECT s.user_id, sl.day,
               sum((epoch_us(s.ended_at) - epoch_us(s.started_at)) / 60000000.0) AS minutes
        FROM sessions s
        JOIN slots sl ON sl.slot = epoch_us(s.started_at) // 900000000
        WHERE s.started_at >= timezone('UTC', timezone($tz,
                  CAST($start - CAST($end - $start + 1 AS INTEGER) AS TIMESTAMP)))
          AND s.started_at < timezone('UTC', timezone($tz,
                  CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
        GROUP BY s.user_id, sl.day
    ) d
    WHERE (len($countries) = 0 AND len($regions) = 0 AND len($platforms) = 0)
       OR d.user_id IN (SELECT user_id FROM filtered)
),
core AS (
    -- default core actions: chat_start, room_join, a connected call (dated when connected)
    SELECT t.user_id, sl.day >= $start AS cur
    FROM (
        SELECT e.user_id, e.ts AS at
        FROM events e
        WHERE e.ts >= timezone('UTC', timezone($tz,
                  CAST($start - CAST($end - $start + 1 AS INTEGER) AS TIMESTAMP)))
          AND e.ts < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
          AND e.name IN ('chat_start', 'room_join')
        UNION ALL
        SELECT unnest([c.caller_id, c.callee_id]), c.connected_at
        FROM calls c
        WHERE c.connected_at >= timezone('UTC', timezone($tz,
                  CAST($start - CAST($end - $start + 1 AS INTEGER) AS TIMESTAMP)))
          AND c.connected_at < timezone('UTC', timezone($tz,
                  CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
    ) t
    JOIN slots sl ON sl.slot = epoch_us(t.at) // 900000000
    WHERE t.user_id IS NOT NULL
),
touches AS (
    -- human interactions in both ranges, keyed by the pair in canonical order (a < b)
    SELECT least(e.user_id, e.partner_id) AS a, greatest(e.user_id, e.partner_id) AS b, e.ts AS at
    FROM events e
    WHERE e.ts >= timezone('UTC', timezone($tz,
              CAST($start - CAST($end - $start + 1 AS INTEGER) AS TIMESTAMP)))
      AND e.ts < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
      AND e.name IN ('chat_start', 'message_sent')
      AND e.partner_id IS NOT NULL AND e.partner_id <> e.user_id
    UNION ALL
    SELECT least(c.caller_id, c.callee_id), greatest(c.caller_id, c.callee_id), c.connected_at
    FROM calls c
    WHERE c.connected_at >= timezone('UTC', timezone($tz,
              CAST($start - CAST($end - $start + 1 AS INTEGER) AS TIMESTAMP)))
      AND c.connected_at < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
      AND c.callee_id IS NOT NULL AND c.callee_id <> c.caller_id
),
pairs AS (
    -- connected pairs per range; on two distinct days <=> first day < last day
    SELECT t.a, t.b, sl.day >= $start AS cur, min(sl.day) < max(sl.day) AS two_days
    FROM touches t
    JOIN slots sl ON sl.slot = epoch_us(t.at) // 900000000
    GROUP BY t.a, t.b, sl.day >= $start
),
mutual AS (
    -- when a connected pair came to follow each other (the later of the two first
    -- follows, at any time before the range's end); only pairs that need it are looked up
    SELECT
        least(f.user_id, f.partner_id) AS a,
        greatest(f.user_id, f.partner_id) AS b,
        greatest(min(f.ts) FILTER (WHERE f.user_id < f.partner_id),
                 min(f.ts) FILTER (WHERE f.user_id > f.partner_id)) AS since
    FROM events f
    SEMI JOIN pairs p
        ON p.a = least(f.user_id, f.partner_id) AND p.b = greatest(f.user_id, f.partner_id)
        AND NOT p.two_days
    WHERE f.name = 'follow'
      AND f.ts < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
      AND f.partner_id IS NOT NULL AND f.partner_id <> f.user_id
    GROUP BY 1, 2
    HAVING bool_or(f.user_id < f.partner_id) AND bool_or(f.user_id > f.partner_id)
),
lasting AS (
    -- a connection lasts when it came on two days, or the pair follows each other by the
    -- end of that range (the previous range ends where the current one starts)
    SELECT p.a, p.b, p.cur
    FROM pairs p
    LEFT JOIN mutual m ON m.a = p.a AND m.b = p.b
    WHERE p.two_days
       OR m.since < CASE WHEN p.cur
                         THEN timezone('UTC', timezone($tz,
                                  CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
                         ELSE timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP))) END
),
marks AS (
    -- one row per active user-day, per core action and per lasting-connection end
    SELECT user_id, cur, TRUE AS active, FALSE AS did_core, FALSE AS has_lasting FROM user_days
    UNION ALL
    SELECT user_id, cur, FALSE, TRUE, FALSE FROM core
    UNION ALL
    SELECT a, cur, FALSE, FALSE, TRUE FROM lasting
    UNION ALL
    SELECT b, cur, FALSE, FALSE, TRUE FROM lasting
),
per_user AS (
    -- only active users of the filter count (their user-day rows carry `active`)
    SELECT cur, bool_or(did_core) AS did_core, bool_or(has_lasting) AS has_lasting
    FROM marks
    GROUP BY user_id, cur
    HAVING bool_or(active)
),
figures AS (
    -- a range without active users has no row here, so its figures are NULL, not zeros
    SELECT
        d.cur,
        d.user_days / CAST($end - $start + 1 AS INTEGER) AS avg_dau,
        d.minutes / d.user_days AS minutes_per_user_day,
        u.core_users / u.active_users AS core_rate,
        u.social_users / u.active_users AS lasting_rate,
        u.active_users
    FROM (SELECT cur, count(*) AS user_days, sum(minutes) AS minutes
          FROM user_days GROUP BY cur) d
    JOIN (SELECT cur, count(*) AS active_users, count_if(did_core) AS core_users,
                 count_if(has_lasting) AS social_users
          FROM per_user GROUP BY cur) u ON u.cur = d.cur
),
dims AS (
    SELECT * FROM (VALUES
        (1, 'frequency', 'average DAU', 'int'),
        (2, 'duration', 'minutes per active user per day', 'minutes'),
        (3, 'depth', 'core-action completion rate', 'pct'),
        (4, 'social', 'lasting-connection rate', 'pct')
    ) t(pos, dimension, measure, unit)
),
scored AS (
    SELECT
        d.pos, d.dimension, d.measure, d.unit,
        CASE d.pos WHEN 1 THEN c.avg_dau WHEN 2 THEN c.minutes_per_user_day
                   WHEN 3 THEN c.core_rate ELSE c.lasting_rate END AS current,
        CASE d.pos WHEN 1 THEN p.avg_dau WHEN 2 THEN p.minutes_per_user_day
                   WHEN 3 THEN p.core_rate ELSE p.lasting_rate END AS previous,
        coalesce(c.active_users, 0) AS active_users
    FROM dims d
    LEFT JOIN figures c ON c.cur
    LEFT JOIN figures p ON NOT p.cur
)
SELECT
    dimension,
    measure,
    unit,
    current,
    previous,
    current / nullif(previous, 0) - 1 AS change,
    CASE
        WHEN current / nullif(previous, 0) - 1 IS NULL THEN NULL
        WHEN abs(current / nullif(previous, 0) - 1) < 0.02 THEN 'flat'
        WHEN current > previous THEN 'up'
        ELSE 'down'
    END AS verdict,
    active_users
FROM scored
-- no rows without active users now: the previous figures alone would have no group size
-- to be checked against, however few people they describe
WHERE active_users > 0
ORDER BY pos

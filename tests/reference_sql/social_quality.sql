-- Raw-table reference for tools/social_quality.sql (same header and parameters).
WITH slots AS (
    -- Every 15-minute slot of the range (local midnights as UTC instants) with its local
    -- day, period and the period's last day. UTC offsets are multiples of 15 minutes, so a
    -- row's slot decides its local day: the conversion runs once per slot, not per row.
    SELECT
        slot,
        day,
        CASE $group_by
            WHEN 'day' THEN day
            WHEN 'week' THEN CAST(date_trunc('week', day) AS DATE)
            ELSE DATE '2000-01-01'
        END AS period,
        CASE $group_by
            WHEN 'day' THEN day
            WHEN 'week' THEN least(CAST(date_trunc('week', day) AS DATE) + 6, $end)
            ELSE $end
        END AS period_end
    FROM (
        SELECT slot, CAST(timezone($tz, timezone('UTC', slot)) AS DATE) AS day
        FROM generate_series(
            timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP))),
            timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
                - INTERVAL 15 MINUTE,
            INTERVAL 15 MINUTE
        ) AS g(slot)
    )
),
touches AS (
    -- contacts in range, keyed by the pair in canonical order (a < b) so both directions
    -- meet; the range is tested on raw timestamps so the scans skip row groups out of range
    SELECT least(e.user_id, e.partner_id) AS a, greatest(e.user_id, e.partner_id) AS b,
           time_bucket(INTERVAL 15 MINUTE, e.ts) AS slot
    FROM events e
    WHERE e.ts >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND e.ts < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
      AND e.name IN ('chat_start', 'message_sent')
      AND e.partner_id IS NOT NULL AND e.partner_id <> e.user_id
    UNION ALL
    SELECT least(c.caller_id, c.callee_id), greatest(c.caller_id, c.callee_id),
           time_bucket(INTERVAL 15 MINUTE, c.connected_at)
    FROM calls c
    WHERE c.connected_at >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND c.connected_at < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
      AND c.callee_id IS NOT NULL AND c.callee_id <> c.caller_id
),
pairs AS (
    -- connected pairs per period; two distinct days <=> first day < last day
    SELECT t.a, t.b, s.period, min(s.day) < max(s.day) AS two_days, max(s.period_end) AS period_end
    FROM touches t
    JOIN slots s ON s.slot = t.slot
    GROUP BY t.a, t.b, s.period
),
mutual AS (
    -- pairs that follow each other, and the local day the second direction came; only
    -- pairs that still need it are looked up, so old follows of others are never grouped
    SELECT
        least(f.user_id, f.partner_id) AS a,
        greatest(f.user_id, f.partner_id) AS b,
        CAST(timezone($tz, timezone('UTC', greatest(
            min(f.ts) FILTER (WHERE f.user_id < f.partner_id),
            min(f.ts) FILTER (WHERE f.user_id > f.partner_id)
        ))) AS DATE) AS since_day
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
judged AS (
    SELECT p.a, p.b, p.period,
           p.two_days OR coalesce(m.since_day <= p.period_end, FALSE) AS lasting
    FROM pairs p
    LEFT JOIN mutual m ON m.a = p.a AND m.b = p.b
),
marks AS (
    -- one row per session (active), and per connection end (a partner, lasting or not)
    SELECT s.user_id, sl.period, TRUE AS active, 0 AS partner, FALSE AS lasting
    FROM sessions s
    JOIN slots sl ON sl.slot = time_bucket(INTERVAL 15 MINUTE, s.started_at)
    WHERE s.started_at >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND s.started_at < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
    UNION ALL
    SELECT unnest([a, b]), period, FALSE, 1, lasting FROM judged
),
per_user AS (
    SELECT user_id, period, sum(partner) AS partners, bool_or(lasting) AS lasting
    FROM marks
    GROUP BY user_id, period
    HAVING bool_or(active)
),
filtered AS (
    SELECT u.user_id, u.country, u.platform, coalesce(u.channel, 'unknown') AS channel, r.region
    FROM users u
    LEFT JOIN regions r ON r.country = u.country
    WHERE (len($countries) = 0 OR list_contains($countries, u.country))
      AND (len($regions) = 0 OR list_contains($regions, r.region))
      AND (len($platforms) = 0 OR list_contains($platforms, u.platform))
)
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
    count(*) AS active_users,
    count_if(p.lasting) AS with_lasting,
    count_if(p.lasting) / count(*) AS lasting_rate,
    CAST(sum(p.partners) AS DOUBLE) / count(*) AS partners_per_user
FROM per_user p
JOIN filtered f ON f.user_id = p.user_id
GROUP BY 1
ORDER BY 1

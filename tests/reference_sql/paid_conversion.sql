-- Raw-table reference for tools/paid_conversion.sql (same header and parameters).
WITH filtered AS MATERIALIZED (
    -- useg: the user-attribute part of the segment ('all' unless split by one)
    SELECT
        u.user_id,
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
    -- 15-minute UTC slots of the range with their time segment in $tz. Every zone offset
    -- and daylight-saving change falls on a quarter hour, so a row's slot decides its local
    -- day: the zone conversion runs once per slot, not once per session or payment.
    SELECT
        epoch_us(t) // 900000000 AS slot,
        CASE $group_by
            WHEN 'day' THEN strftime(timezone($tz, timezone('UTC', t)), '%Y-%m-%d')
            WHEN 'week' THEN strftime(timezone($tz, timezone('UTC', t)), '%G-W%V')
            ELSE 'all'
        END AS tseg
    FROM generate_series(
        timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP))),
        timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY)) - INTERVAL 15 MINUTE,
        INTERVAL 15 MINUTE
    ) g(t)
),
active AS (
    -- the range is tested on the raw timestamps against constants so the scan skips
    -- row groups outside it
    SELECT DISTINCT s.user_id, sl.tseg
    FROM sessions s
    JOIN slots sl ON sl.slot = epoch_us(s.started_at) // 900000000
    WHERE s.started_at >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND s.started_at < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
),
paid AS (
    SELECT p.user_id, sl.tseg, sum(p.amount_usd) AS revenue
    FROM payments p
    JOIN slots sl ON sl.slot = epoch_us(p.paid_at) // 900000000
    WHERE p.paid_at >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND p.paid_at < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
    GROUP BY p.user_id, sl.tseg
),
per_seg AS (
    SELECT
        f.useg, a.tseg,
        count(*) AS active_users,
        count(*) FILTER (WHERE pd.revenue > 0) AS payers,
        coalesce(sum(pd.revenue), 0) AS revenue
    FROM active a
    JOIN filtered f ON f.user_id = a.user_id
    LEFT JOIN paid pd ON pd.user_id = a.user_id AND pd.tseg = a.tseg
    GROUP BY f.useg, a.tseg
)
SELECT
    CASE WHEN $group_by IN ('day', 'week') THEN tseg ELSE useg END AS segment,
    active_users,
    payers,
    payers / active_users AS conversion,
    revenue,
    revenue / active_users AS arpu,
    revenue / nullif(payers, 0) AS arppu
FROM per_seg
ORDER BY segment

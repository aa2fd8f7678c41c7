-- Raw-table reference for tools/retention.sql (same header and parameters).
WITH filtered AS (
    SELECT
        u.user_id,
        CAST(timezone($tz, timezone('UTC', u.signup_at)) AS DATE) AS signup_day,
        u.country, u.platform, coalesce(u.channel, 'unknown') AS channel, r.region
    FROM users u
    LEFT JOIN regions r ON r.country = u.country
    WHERE (len($countries) = 0 OR list_contains($countries, u.country))
      AND (len($regions) = 0 OR list_contains($regions, r.region))
      AND (len($platforms) = 0 OR list_contains($platforms, u.platform))
      AND u.signup_at >= CAST($start AS TIMESTAMP) - INTERVAL 1 DAY
      AND u.signup_at < CAST($end AS TIMESTAMP) + INTERVAL 2 DAY
),
cohort AS (
    SELECT
        user_id, signup_day,
        CASE $group_by
            WHEN 'day' THEN strftime(signup_day, '%Y-%m-%d')
            WHEN 'week' THEN strftime(signup_day, '%G-W%V')
            WHEN 'country' THEN country
            WHEN 'region' THEN region
            WHEN 'platform' THEN platform
            WHEN 'channel' THEN channel
            ELSE 'all'
        END AS segment
    FROM filtered
    WHERE signup_day BETWEEN $start AND $end
),
pairs AS (
    -- one row per cohort member and day N, only where signup day + N is a complete day
    SELECT c.user_id, c.segment, c.signup_day + n.day_n AS target_day, n.day_n
    FROM cohort c
    CROSS JOIN (SELECT unnest($days) AS day_n) n
    WHERE c.signup_day + n.day_n <= $last_day
),
active AS (
    SELECT DISTINCT s.user_id, CAST(timezone($tz, timezone('UTC', s.started_at)) AS DATE) AS day
    FROM sessions s
    WHERE s.user_id IN (SELECT user_id FROM cohort)
      AND s.started_at >= CAST($start AS TIMESTAMP)
      AND s.started_at < CAST($last_day AS TIMESTAMP) + INTERVAL 2 DAY
)
SELECT
    p.segment,
    p.day_n,
    count(*) AS cohort_users,
    count(a.user_id) AS retained,
    count(a.user_id) / count(*) AS rate
FROM pairs p
LEFT JOIN active a ON a.user_id = p.user_id AND a.day = p.target_day
GROUP BY p.segment, p.day_n
ORDER BY p.segment, p.day_n

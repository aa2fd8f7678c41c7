-- Raw-table reference for tools/latency_vs_activity.sql (same header and parameters).
WITH filtered AS (
    SELECT
        u.user_id,
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
calls_in AS (
    SELECT
        c.caller_id,
        f.segment,
        CAST(timezone($tz, timezone('UTC', c.requested_at)) AS DATE) AS call_day,
        -- microseconds, so the threshold edge is exact: 600.000 ms is in, 600.001 ms is out
        CASE
            WHEN c.connected_at IS NULL THEN 5
            WHEN epoch_us(c.connected_at) - epoch_us(c.requested_at) <= $threshold_ms * 1000 THEN 1
            WHEN epoch_us(c.connected_at) - epoch_us(c.requested_at) <= 1000000 THEN 2
            WHEN epoch_us(c.connected_at) - epoch_us(c.requested_at) <= 2000000 THEN 3
            ELSE 4
        END AS bucket_order,
        CASE WHEN c.connected_at IS NOT NULL AND c.ended_at IS NOT NULL
             THEN (epoch_us(c.ended_at) - epoch_us(c.connected_at)) / 60000000.0
        END AS minutes
    FROM calls c
    JOIN filtered f ON f.user_id = c.caller_id
    -- local midnights as UTC instants: constants, so the scan skips row groups out of range
    WHERE c.requested_at >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND c.requested_at < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
),
caller_days AS (
    -- aggregate early: one row per caller, call day and bucket
    SELECT
        segment, bucket_order, caller_id, call_day,
        count(*) AS calls,
        count(minutes) AS timed,
        sum(minutes) AS minutes,
        count(*) FILTER (WHERE minutes >= 1) AS long_calls
    FROM calls_in
    GROUP BY segment, bucket_order, caller_id, call_day
),
slots AS (
    -- 15-minute UTC slots from the range's second day to the day after it, with their local
    -- day. Zone offsets and daylight-saving changes fall on quarter hours, so a session's
    -- slot decides its local day: the zone conversion runs per slot, not per session.
    SELECT epoch_us(t) // 900000000 AS slot,
           CAST(timezone($tz, timezone('UTC', t)) AS DATE) AS day
    FROM generate_series(
        timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP) + INTERVAL 1 DAY)),
        timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 2 DAY))
            - INTERVAL 15 MINUTE,
        INTERVAL 15 MINUTE
    ) g(t)
),
returned AS (
    -- callers' active days, keyed by the call day they answer for (the day before)
    SELECT DISTINCT s.user_id, sl.day - 1 AS call_day
    FROM sessions s
    JOIN slots sl ON sl.slot = epoch_us(s.started_at) // 900000000
    WHERE s.started_at >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP) + INTERVAL 1 DAY))
      AND s.started_at < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 2 DAY))
      AND s.user_id IN (SELECT caller_id FROM calls_in)
),
per_bucket AS (
    SELECT
        d.segment,
        d.bucket_order,
        sum(d.calls) AS calls,
        sum(d.timed) AS timed,
        sum(d.minutes) AS minutes,
        sum(d.long_calls) AS long_calls,
        count(DISTINCT d.caller_id) AS callers,
        -- a call day counts for the return only once its next day is complete
        sum(d.calls) FILTER (WHERE d.call_day + 1 <= $last_day) AS mature_calls,
        sum(d.calls) FILTER (WHERE d.call_day + 1 <= $last_day AND r.user_id IS NOT NULL)
            AS returned_calls
    FROM caller_days d
    LEFT JOIN returned r ON r.user_id = d.caller_id AND r.call_day = d.call_day
    GROUP BY d.segment, d.bucket_order
)
SELECT
    segment,
    CASE bucket_order
        WHEN 1 THEN '<= ' || $threshold_ms || ' ms'
        WHEN 2 THEN $threshold_ms || '-1000 ms'
        WHEN 3 THEN greatest($threshold_ms, 1000) || '-2000 ms'
        WHEN 4 THEN '> ' || greatest($threshold_ms, 2000) || ' ms'
        ELSE 'never connected'
    END AS bucket,
    bucket_order,
    calls,
    calls / sum(calls) OVER (PARTITION BY segment) AS share,
    minutes / nullif(timed, 0) AS mean_call_minutes,
    long_calls / nullif(timed, 0) AS long_call_share,
    callers,
    coalesce(returned_calls, 0) / nullif(mature_calls, 0) AS next_day_return
FROM per_bucket
ORDER BY segment, bucket_order

/* ---
name: latency_vs_activity
title:
  en: Call connect time vs activity
  zh: 通话接通时长与活跃度
description:
  en: >
    Does a fast connection ("connected within 600 ms") keep people active? Calls requested
    in [start, end] (reporting time zone) are bucketed by connect time = connected_at -
    requested_at in ms: <= threshold_ms (inclusive), up to 1000, up to 2000 (each upper
    edge inclusive), above 2000, and never connected. When threshold_ms is 1000 or more,
    the fixed edges at or below it are dropped (threshold 1500 gives <= 1500, 1500-2000,
    > 2000; threshold 3000 gives <= 3000, > 3000). Per bucket: calls, share of the segment's
    calls, mean call minutes (ended_at - connected_at, connected calls with an end time),
    share of those calls lasting 1 minute or more, distinct callers, and the next-day
    return: share of calls whose caller starts a session on the calendar day after the
    call day. Only calls whose next day is complete in the data count for the return.
    Filters and segments apply to the caller.
  zh: >
    「秒接通」是否让用户更活跃？取 [start, end] 内（报表时区）发起的通话，按接通时长（connected_at -
    requested_at，毫秒）分桶：<= threshold_ms（含）、至 1000、至 2000（上界均含）、2000 以上、未接通。
    threshold_ms 为 1000 及以上时，去掉不大于它的固定分界（1500 得到 <= 1500、1500-2000、> 2000；
    3000 得到 <= 3000、> 3000）。每个桶给出：通话数、占该分组通话的比例、平均通话分钟数（ended_at -
    connected_at，仅统计有结束时间的接通通话）、其中时长 >= 1 分钟的比例、去重主叫人数，以及次日回访率：
    主叫在通话日的下一个自然日有会话开始的通话占比。只有下一天已是完整数据日的通话计入回访率。
    筛选和分组均按主叫用户。
dimension: depth
params:
  start: {type: date, description: First day calls were requested (YYYY-MM-DD).}
  end: {type: date, description: Last day calls were requested (YYYY-MM-DD).}
  countries: {type: country_list, description: Callers' ISO2 country codes to keep; empty for all.}
  regions: {type: region_list, description: Callers' region codes to keep; empty for all.}
  platforms: {type: platform_list, description: Callers' platforms to keep; empty for all.}
  group_by:
    type: choice
    default: none
    allowed: [none, country, region, platform]
    description: Split by the caller's country, region or platform.
  threshold_ms:
    type: int
    default: 600
    min: 100
    max: 5000
    description: Upper edge (inclusive) of the fastest bucket in ms; 600 is the "秒接通" benchmark.
defaults: {span_days: 7, end_lag_days: 1}
columns:
  segment: {en: Segment, zh: 分组}
  bucket: {en: Connect time, zh: 接通时长, format: label}
  bucket_order: {en: Bucket order, zh: 分桶顺序, format: label}
  calls: {en: Calls, zh: 通话数, format: int}
  share: {en: Share of calls, zh: 通话占比, format: pct}
  mean_call_minutes: {en: Mean call minutes, zh: 平均通话分钟数, format: minutes}
  long_call_share: {en: Calls of 1 min or more, zh: 时长 >= 1 分钟占比, format: pct}
  callers: {en: Callers, zh: 主叫人数, format: int}
  next_day_return: {en: Next-day return, zh: 次日回访率, format: pct}
size_column: callers
headline: [next_day_return, share]
chart: {type: bar, x: bucket, y: next_day_return, color: segment}
--- */
WITH filtered AS (
    SELECT
        d.uid, d.user_id,
        CASE $group_by
            WHEN 'country' THEN d.country
            WHEN 'region' THEN d.region
            WHEN 'platform' THEN d.platform
            ELSE 'all'
        END AS segment
    FROM user_dim d
    WHERE (len($countries) = 0 OR list_contains($countries, d.country))
      AND (len($regions) = 0 OR list_contains($regions, d.region))
      AND (len($platforms) = 0 OR list_contains($platforms, d.platform))
),
slots AS (
    -- 15-minute UTC slots of the range with their local day. Zone offsets and daylight-saving
    -- changes fall on quarter hours, so a call's slot decides its local day: the zone
    -- conversion runs per slot, not per call.
    SELECT epoch_us(t) // 900000000 AS slot,
           CAST(timezone($tz, timezone('UTC', t)) AS DATE) AS day
    FROM generate_series(
        timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP))),
        timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
            - INTERVAL 15 MINUTE,
        INTERVAL 15 MINUTE
    ) g(t)
),
calls_in AS (
    SELECT
        f.uid AS caller_id,
        f.segment,
        sl.day AS call_day,
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
    JOIN slots sl ON sl.slot = epoch_us(c.requested_at) // 900000000
    -- local midnights as UTC instants: constants, so the scan skips row groups out of range
    WHERE c.requested_at >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND c.requested_at < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
),
caller_days AS (
    -- aggregate early: one row per caller (by key), call day and bucket
    SELECT
        segment, bucket_order, caller_id, call_day,
        count(*) AS calls,
        count(minutes) AS timed,
        sum(minutes) AS minutes,
        count(*) FILTER (WHERE minutes >= 1) AS long_calls
    FROM calls_in
    GROUP BY segment, bucket_order, caller_id, call_day
),
returned AS (
    -- callers' active days from the rollup, keyed by the call day they answer for (the day
    -- before)
    SELECT ud.uid AS user_id, ud.day - 1 AS call_day
    FROM user_day ud
    WHERE ud.sessions > 0
      AND ud.day BETWEEN $start + 1 AND $end + 1
      AND ud.uid IN (SELECT caller_id FROM calls_in)
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

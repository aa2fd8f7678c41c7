/* ---
name: connect_days
title:
  en: Calls connected within the threshold, day by day
  zh: 每天在阈值内接通的通话
description:
  en: >
    For each day of [start, end] (reporting time zone; the day a call was requested): calls
    requested by the filters' users, those connected within threshold_ms (connect time =
    connected_at - requested_at, the edge included), their share of all calls (calls never
    connected count in the total), and the callers of those fast calls — the same
    definitions as the first bucket of latency_vs_activity. For the daily alerts; not a
    chat tool.
  zh: >
    [start, end] 内每天（按报表时区，以发起通话的日期计）：筛选用户发起的通话数、在 threshold_ms
    内接通的通话数（接通时长 = connected_at - requested_at，含边界）、其占全部通话的比例（未接通的
    通话计入总数）以及这些快速接通通话的主叫人数，口径与 latency_vs_activity 的第一个分桶相同。
    供每日告警使用，不是聊天工具。
dimension: overall
params:
  start: {type: date, description: First day calls were requested.}
  end: {type: date, description: Last day calls were requested.}
  countries: {type: country_list, description: Callers' ISO2 country codes; empty for all.}
  regions: {type: region_list, description: Callers' region codes; empty for all.}
  platforms: {type: platform_list, description: Callers' platforms; empty for all.}
  threshold_ms: {type: int, default: 600, min: 100, max: 5000, description: Fast edge in ms.}
defaults: {span_days: 7, end_lag_days: 0}
columns:
  segment: {en: Day, zh: 日期}
  calls: {en: Calls, zh: 通话数, format: int}
  fast_calls: {en: Fast calls, zh: 快速接通通话数, format: int}
  share: {en: Share connected fast, zh: 快速接通占比, format: pct}
  callers: {en: Callers of fast calls, zh: 快速接通主叫人数, format: int}
size_column: callers
chart: {type: table}
--- */
WITH filtered AS (
    SELECT d.user_id
    FROM user_dim d
    WHERE (len($countries) = 0 OR list_contains($countries, d.country))
      AND (len($regions) = 0 OR list_contains($regions, d.region))
      AND (len($platforms) = 0 OR list_contains($platforms, d.platform))
),
calls_in AS (
    SELECT
        CAST(timezone($tz, timezone('UTC', c.requested_at)) AS DATE) AS day,
        c.caller_id,
        c.connected_at IS NOT NULL
            AND epoch_us(c.connected_at) - epoch_us(c.requested_at) <= $threshold_ms * 1000
            AS fast
    FROM calls c
    JOIN filtered f ON f.user_id = c.caller_id
    WHERE c.requested_at >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND c.requested_at < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
)
SELECT
    strftime(day, '%Y-%m-%d') AS segment,
    count(*) AS calls,
    count_if(fast) AS fast_calls,
    count_if(fast) / count(*) AS share,
    count(DISTINCT caller_id) FILTER (WHERE fast) AS callers
FROM calls_in
GROUP BY day
ORDER BY 1

/* ---
name: social_quality
title:
  en: Social quality (lasting connections)
  zh: 社交质量（持续连接）
description:
  en: >
    Social quality: of the users active in the range (a session started on a day in
    [start, end]), the share with at least one lasting connection, and the mean number of
    distinct partners per active user. Two users are connected when, in the range, they had
    a connected call or a chat_start / message_sent with each other (either direction;
    messages without a partner do not count). A connection is lasting when it happened on
    at least 2 distinct days of the range, or when the two follow each other (both
    directions, followed at any time up to the last day of the range); a mutual follow
    alone, without contact in the range, is not a connection. Partners need not be active
    or inside the filters. With group_by day or week each day or week is its own range, so
    by day only mutual follows can make a connection lasting. Days are calendar days in the
    reporting time zone.
  zh: >
    社交质量：范围内活跃（有会话开始）的用户中，至少有一个持续连接的用户比例，以及每个活跃用户平均的不同互动对象数。两名用户在范围内有过接通的通话，或互相之间有 chat_start / message_sent（任一方向；没有对象的消息不算），即为有连接。连接在范围内至少 2 个不同的日子发生，或双方互相关注（两个方向都关注，时间不晚于范围最后一天），即为持续连接；只有互关而范围内没有互动不算连接。互动对象不需要活跃，也不受筛选条件限制。按天或按周分组时，每天或每周各自为一个范围，因此按天时只有互关能使连接成为持续连接。日期按报表时区的自然日计算。
dimension: social
params:
  start: {type: date, description: First day of the range (YYYY-MM-DD).}
  end: {type: date, description: Last day of the range (YYYY-MM-DD).}
  countries: {type: country_list, description: ISO2 country codes to keep; empty for all.}
  regions: {type: region_list, description: Region codes to keep; empty for all.}
  platforms: {type: platform_list, description: Platforms to keep; empty for all.}
  group_by:
    type: choice
    default: none
    allowed: [none, day, week, country, region, platform, channel]
    description: Split by day/week (a trend; each period is its own range) or by a user segment.
defaults: {span_days: 7, end_lag_days: 0}
columns:
  segment: {en: Segment, zh: 分组}
  active_users: {en: Active users, zh: 活跃用户数, format: int}
  with_lasting: {en: With a lasting connection, zh: 有持续连接的用户数, format: int}
  lasting_rate: {en: Lasting-connection rate, zh: 持续连接率, format: pct}
  partners_per_user: {en: Partners per active user, zh: 人均互动对象数, format: float}
size_column: active_users
headline: [lasting_rate, partners_per_user]
chart: {type: bar, x: segment, y: lasting_rate, trend: {type: line, x: segment, y: lasting_rate}}
--- */
WITH pairs AS (
    -- connected pairs per period (a day, a week from Monday, or the whole range) from the
    -- rollup; two distinct days <=> first day < last day
    SELECT
        a, b,
        CASE $group_by
            WHEN 'day' THEN day
            WHEN 'week' THEN CAST(date_trunc('week', day) AS DATE)
            ELSE DATE '2000-01-01'
        END AS period,
        min(day) < max(day) AS two_days
    FROM pair_day
    WHERE day BETWEEN $start AND $end
    GROUP BY ALL
),
judged AS (
    -- lasting: on two days, or the pair follows each other by the period's last day
    SELECT p.a, p.b, p.period,
           p.two_days OR coalesce(m.since_day <= CASE $group_by
               WHEN 'day' THEN p.period
               WHEN 'week' THEN least(p.period + 6, $end)
               ELSE $end END, FALSE) AS lasting
    FROM pairs p
    LEFT JOIN mutual_follow m ON m.a = p.a AND m.b = p.b AND NOT p.two_days
),
marks AS (
    -- one row per active user-day, and per connection end (a partner, lasting or not)
    SELECT
        uid,
        CASE $group_by
            WHEN 'day' THEN day
            WHEN 'week' THEN CAST(date_trunc('week', day) AS DATE)
            ELSE DATE '2000-01-01'
        END AS period,
        TRUE AS active, 0 AS partner, FALSE AS lasting
    FROM user_day
    WHERE sessions > 0 AND day BETWEEN $start AND $end
    UNION ALL
    SELECT unnest([a, b]), period, FALSE, 1, lasting FROM judged
),
per_user AS (
    SELECT uid, period, sum(partner) AS partners, bool_or(lasting) AS lasting
    FROM marks
    GROUP BY uid, period
    HAVING bool_or(active)
),
filtered AS (
    SELECT d.uid, d.country, d.platform, d.channel, d.region
    FROM user_dim d
    WHERE (len($countries) = 0 OR list_contains($countries, d.country))
      AND (len($regions) = 0 OR list_contains($regions, d.region))
      AND (len($platforms) = 0 OR list_contains($platforms, d.platform))
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
JOIN filtered f ON f.uid = p.uid
GROUP BY 1
ORDER BY 1

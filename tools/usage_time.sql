/* ---
name: usage_time
title:
  en: Usage time (minutes per active user per day)
  zh: 使用时长（人均每日分钟数）
description:
  en: >
    Duration: the minutes of all sessions started in the range (session end minus start)
    divided by the number of (user, day) pairs with a session, i.e. the average daily
    usage time of a user on the days they use the app. Also sessions per user-day and the
    median session length. Days are calendar days in the reporting time zone; a session
    counts for the day it starts, whole, even when it runs past midnight.
  zh: >
    使用时长：区间内开始的所有会话时长（结束减开始）之和，除以有会话的（用户, 日）组合数，即用户在
    使用当天的平均使用时长。另给出每用户日会话数与会话时长中位数。日期按报表时区的自然日计算；
    会话整段计入其开始的那一天，即使跨过午夜。
dimension: duration
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
    description: Split by day/week (a trend) or by a segment.
defaults: {span_days: 7, end_lag_days: 0}
columns:
  segment: {en: Segment, zh: 分组}
  active_users: {en: Active users, zh: 活跃用户数, format: int}
  user_days: {en: User-days, zh: 用户日数, format: int}
  sessions: {en: Sessions, zh: 会话数, format: int}
  minutes_per_user_day: {en: Minutes per user per day, zh: 人均每日分钟数, format: minutes}
  sessions_per_user_day: {en: Sessions per user-day, zh: 每用户日会话数, format: float}
  median_session_minutes: {en: Median session, zh: 会话时长中位数, format: minutes}
size_column: active_users
headline: [minutes_per_user_day]
chart: {type: bar, x: segment, y: minutes_per_user_day, trend: {type: line, x: segment, y: minutes_per_user_day}}
--- */
WITH filtered AS MATERIALIZED (
    -- useg: the user-attribute part of the segment ('all' unless split by one)
    SELECT
        d.uid,
        CASE $group_by
            WHEN 'country' THEN d.country
            WHEN 'region' THEN d.region
            WHEN 'platform' THEN d.platform
            WHEN 'channel' THEN d.channel
            ELSE 'all'
        END AS useg
    FROM user_dim d
    WHERE (len($countries) = 0 OR list_contains($countries, d.country))
      AND (len($regions) = 0 OR list_contains($regions, d.region))
      AND (len($platforms) = 0 OR list_contains($platforms, d.platform))
),
per_seg AS (
    -- user-days with sessions from the rollup (local days in the reporting zone)
    SELECT
        f.useg,
        CASE $group_by
            WHEN 'day' THEN strftime(ud.day, '%Y-%m-%d')
            WHEN 'week' THEN strftime(ud.day, '%G-W%V')
            ELSE 'all'
        END AS tseg,
        count(DISTINCT ud.uid) AS active_users,
        count(*) AS user_days,
        sum(ud.sessions) AS sessions,
        sum(ud.minutes) AS minutes
    FROM user_day ud
    JOIN filtered f ON f.uid = ud.uid
    WHERE ud.sessions > 0 AND ud.day BETWEEN $start AND $end
    GROUP BY ALL
),
medians AS (
    -- the median needs each session's length: the per-session rollup
    SELECT
        f.useg,
        CASE $group_by
            WHEN 'day' THEN strftime(sl.day, '%Y-%m-%d')
            WHEN 'week' THEN strftime(sl.day, '%G-W%V')
            ELSE 'all'
        END AS tseg,
        median(sl.minutes) AS median_session_minutes
    FROM session_len sl
    JOIN filtered f ON f.uid = sl.uid
    WHERE sl.day BETWEEN $start AND $end
    GROUP BY ALL
)
SELECT
    CASE WHEN $group_by IN ('day', 'week') THEN p.tseg ELSE p.useg END AS segment,
    p.active_users,
    p.user_days,
    p.sessions,
    p.minutes / p.user_days AS minutes_per_user_day,
    p.sessions / p.user_days AS sessions_per_user_day,
    m.median_session_minutes
FROM per_seg p
JOIN medians m ON m.useg = p.useg AND m.tseg = p.tseg
ORDER BY segment

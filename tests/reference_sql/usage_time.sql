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
        u.user_id,
        u.rowid AS uid,
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
    -- 15-minute UTC slots of the range with their local day in $tz and time segment. Every
    -- zone offset and daylight-saving change falls on a quarter hour, so a session's slot
    -- decides its local day: the zone conversion runs once per slot, not once per session.
    SELECT
        slot, day,
        CASE $group_by
            WHEN 'day' THEN strftime(day, '%Y-%m-%d')
            WHEN 'week' THEN strftime(day, '%G-W%V')
            ELSE 'all'
        END AS tseg
    FROM (
        SELECT epoch_us(t) // 900000000 AS slot,
            CAST(timezone($tz, timezone('UTC', t)) AS DATE) AS day
        FROM generate_series(
            timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP))),
            timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY)) - INTERVAL 15 MINUTE,
            INTERVAL 15 MINUTE
        ) g(t)
    )
),
sess AS (
    -- the range is tested on the raw timestamps against constants so the scan skips
    -- row groups outside it
    SELECT
        f.useg, sl.tseg, f.uid, sl.day,
        (epoch_us(s.ended_at) - epoch_us(s.started_at)) / 60e6 AS minutes
    FROM sessions s
    JOIN slots sl ON sl.slot = epoch_us(s.started_at) // 900000000
    JOIN filtered f ON f.user_id = s.user_id
    WHERE s.started_at >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND s.started_at < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
),
user_days AS (
    SELECT useg, tseg, uid, day, count(*) AS sessions, sum(minutes) AS minutes
    FROM sess
    GROUP BY useg, tseg, uid, day
),
per_seg AS (
    SELECT
        useg, tseg,
        count(DISTINCT uid) AS active_users,
        count(*) AS user_days,
        sum(sessions) AS sessions,
        sum(minutes) AS minutes
    FROM user_days
    GROUP BY useg, tseg
),
medians AS (
    SELECT useg, tseg, median(minutes) AS median_session_minutes
    FROM sess
    GROUP BY useg, tseg
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

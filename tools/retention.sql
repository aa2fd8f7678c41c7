/* ---
name: retention
title:
  en: Retention (D1 / D7 / D30)
  zh: 留存率（次日 / 7日 / 30日）
description:
  en: >
    Share of new users who come back: the cohort is the users whose signup day is in
    [start, end]; a user is retained on day N when they are active (start a session) on
    signup day + N. A cohort day counts only once signup day + N is complete in the data.
  zh: >
    新用户回访比例：注册日在 [start, end] 内的用户为同期群；注册日后第 N 天有会话即算第 N 日留存。
    只有注册日 + N 天已是完整数据日时，该注册日才计入。
dimension: frequency
params:
  start: {type: date, description: First signup day of the cohort (YYYY-MM-DD).}
  end: {type: date, description: Last signup day of the cohort (YYYY-MM-DD).}
  countries: {type: country_list, description: ISO2 country codes to keep; empty for all.}
  regions: {type: region_list, description: Region codes to keep; empty for all.}
  platforms: {type: platform_list, description: Platforms to keep; empty for all.}
  group_by:
    type: choice
    default: none
    allowed: [none, day, week, country, region, platform, channel]
    description: Split by signup day/week (a trend) or by a segment.
  days:
    type: int_list
    default: [1, 7]
    min: 1
    max: 90
    description: Which day-N retention to compute, e.g. [1, 7] or [30].
defaults: {span_days: 7, end_lag_days: 7}
columns:
  segment: {en: Segment, zh: 分组}
  day_n: {en: Day N, zh: 第N日, format: label}
  cohort_users: {en: Cohort users, zh: 同期群用户数, format: int}
  retained: {en: Retained, zh: 留存用户数, format: int}
  rate: {en: Retention rate, zh: 留存率, format: pct}
size_column: cohort_users
headline: [rate]
chart:
  {type: bar, x: day_n, x_format: "D{}", y: rate, color: segment,
   trend: {type: line, x: segment, y: rate, color: day_n, color_format: "D{}"}}
--- */
WITH cohort AS (
    -- signup days and attributes from the rollup (local days in the reporting zone)
    SELECT
        d.uid, d.signup_day,
        CASE $group_by
            WHEN 'day' THEN strftime(d.signup_day, '%Y-%m-%d')
            WHEN 'week' THEN strftime(d.signup_day, '%G-W%V')
            WHEN 'country' THEN d.country
            WHEN 'region' THEN d.region
            WHEN 'platform' THEN d.platform
            WHEN 'channel' THEN d.channel
            ELSE 'all'
        END AS segment
    FROM user_dim d
    WHERE (len($countries) = 0 OR list_contains($countries, d.country))
      AND (len($regions) = 0 OR list_contains($regions, d.region))
      AND (len($platforms) = 0 OR list_contains($platforms, d.platform))
      AND d.signup_day BETWEEN $start AND $end
),
pairs AS (
    -- one row per cohort member and day N, only where signup day + N is a complete day
    SELECT c.uid, c.segment, c.signup_day + n.day_n AS target_day, n.day_n
    FROM cohort c
    CROSS JOIN (SELECT unnest($days) AS day_n) n
    WHERE c.signup_day + n.day_n <= $last_day
),
active AS (
    -- active (user, local day) pairs of the days that can be targets
    SELECT ud.uid, ud.day
    FROM user_day ud
    WHERE ud.sessions > 0 AND ud.day > $start AND ud.day <= $last_day
)
SELECT
    p.segment,
    p.day_n,
    count(*) AS cohort_users,
    count(a.uid) AS retained,
    count(a.uid) / count(*) AS rate
FROM pairs p
LEFT JOIN active a ON a.uid = p.uid AND a.day = p.target_day
GROUP BY p.segment, p.day_n
ORDER BY p.segment, p.day_n

/* ---
name: activity_parts
title:
  en: Activity figures of two periods, whole and by segment
  zh: 两个时期的活跃指标（整体与分组）
description:
  en: >
    The parts of DAU, minutes per user-day and the core-action rate for the range looked
    at (b: start..end) and the range compared with (a: compare_start..compare_end), for all
    users of the filters and split by country, region, platform and channel in one pass.
    Per period and segment: active users (a session started on a day of the range), active
    user-days, their session minutes, and active users who did a default core action
    (chat_start, room_join or a connected call) on any day of the range. The same
    definitions as active_users, usage_time and core_action_rate (days in the reporting
    zone, from the user_day rollup). For the change explanation; not a chat tool.
  zh: >
    同时给出本期（b：start..end）与对比期（a：compare_start..compare_end）的日活、人均每日时长与核心
    行为完成率的组成部分，整体以及按国家、地区、平台、渠道拆分，一次完成。每个时期和分组：活跃用户数
    （区间内某天开始过会话）、活跃用户日数、这些日子的会话分钟数、以及在区间内任一天完成默认核心行为
    （发起对话、加入房间或接通通话）的活跃用户数。口径与 active_users、usage_time、core_action_rate
    相同。供变化解释使用，不是聊天工具。
dimension: overall
params:
  start: {type: date, description: First day of the range looked at.}
  end: {type: date, description: Last day of the range looked at.}
  compare_start: {type: date, description: First day of the range compared with.}
  compare_end: {type: date, description: Last day of the range compared with.}
  countries: {type: country_list, description: ISO2 country codes to keep; empty for all.}
  regions: {type: region_list, description: Region codes to keep; empty for all.}
  platforms: {type: platform_list, description: Platforms to keep; empty for all.}
defaults: {span_days: 7, end_lag_days: 0}
columns:
  period: {en: Period, zh: 时期, format: label}
  split: {en: Breakdown, zh: 维度, format: label}
  segment: {en: Segment, zh: 分组}
  active_users: {en: Active users, zh: 活跃用户数, format: int}
  user_days: {en: Active user-days, zh: 活跃用户日数, format: int}
  minutes: {en: Session minutes, zh: 会话分钟数, format: float}
  core_users: {en: Active users with a core action, zh: 完成核心行为的活跃用户数, format: int}
size_column: active_users
chart: {type: table}
--- */
WITH periods AS (
    SELECT 'a' AS period, CAST($compare_start AS DATE) AS lo, CAST($compare_end AS DATE) AS hi
    UNION ALL
    SELECT 'b', CAST($start AS DATE), CAST($end AS DATE)
),
per_user AS (
    -- one row per period and active user: active days, their minutes, a core action (bits
    -- 1, 2 and 4 of acts: chat_start, room_join, a connected call) on any day of the range
    SELECT
        p.period, ud.uid,
        count(*) FILTER (WHERE ud.sessions > 0) AS days,
        coalesce(sum(ud.minutes) FILTER (WHERE ud.sessions > 0), 0) AS minutes,
        bit_or(ud.acts) & 7 <> 0 AS did_core
    FROM user_day ud
    JOIN periods p ON ud.day BETWEEN p.lo AND p.hi
    GROUP BY p.period, ud.uid
    HAVING count(*) FILTER (WHERE ud.sessions > 0) > 0
)
SELECT
    pu.period,
    CASE
        WHEN grouping(d.country) = 0 THEN 'country'
        WHEN grouping(d.region) = 0 THEN 'region'
        WHEN grouping(d.platform) = 0 THEN 'platform'
        WHEN grouping(d.channel) = 0 THEN 'channel'
        ELSE 'none'
    END AS split,
    CASE
        WHEN grouping(d.country) = 0 THEN d.country
        WHEN grouping(d.region) = 0 THEN coalesce(d.region, 'unknown')
        WHEN grouping(d.platform) = 0 THEN d.platform
        WHEN grouping(d.channel) = 0 THEN d.channel
        ELSE 'all'
    END AS segment,
    count(*) AS active_users,
    CAST(sum(pu.days) AS BIGINT) AS user_days,
    sum(pu.minutes) AS minutes,
    count_if(pu.did_core) AS core_users
FROM per_user pu
JOIN user_dim d ON d.uid = pu.uid
WHERE (len($countries) = 0 OR list_contains($countries, d.country))
  AND (len($regions) = 0 OR list_contains($regions, d.region))
  AND (len($platforms) = 0 OR list_contains($platforms, d.platform))
GROUP BY GROUPING SETS ((pu.period), (pu.period, d.country), (pu.period, d.region),
                        (pu.period, d.platform), (pu.period, d.channel))
ORDER BY 1, 2, 3

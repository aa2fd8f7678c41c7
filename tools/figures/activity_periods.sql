/* ---
name: activity_periods
title:
  en: Activity figures of consecutive equal periods
  zh: 连续等长时期的活跃指标
description:
  en: >
    The parts of DAU, minutes per user-day and the core-action rate for each period of
    `days` days from start to end (the last period may be cut short by end): active users,
    active user-days, their session minutes and active users with a default core action,
    with the same definitions as activity_parts. For the history of a change explanation,
    its days as replicates and the daily alerts; not a chat tool.
  zh: >
    从 start 到 end 每 `days` 天为一期，给出日活、人均每日时长与核心行为完成率的组成部分：活跃用户数、
    活跃用户日数、会话分钟数与完成默认核心行为的活跃用户数，口径与 activity_parts 相同。供变化解释的
    历史、按天重复估计与每日告警使用，不是聊天工具。
dimension: overall
params:
  start: {type: date, description: First day of the first period.}
  end: {type: date, description: Last day of the last period.}
  days: {type: int, default: 7, min: 1, max: 366, description: Days in each period.}
  countries: {type: country_list, description: ISO2 country codes to keep; empty for all.}
  regions: {type: region_list, description: Region codes to keep; empty for all.}
  platforms: {type: platform_list, description: Platforms to keep; empty for all.}
defaults: {span_days: 84, end_lag_days: 0}
columns:
  segment: {en: Period start, zh: 时期开始}
  n_days: {en: Days, zh: 天数, format: int}
  active_users: {en: Active users, zh: 活跃用户数, format: int}
  user_days: {en: Active user-days, zh: 活跃用户日数, format: int}
  minutes: {en: Session minutes, zh: 会话分钟数, format: float}
  core_users: {en: Active users with a core action, zh: 完成核心行为的活跃用户数, format: int}
size_column: active_users
chart: {type: table}
--- */
WITH filtered AS (
    SELECT d.uid
    FROM user_dim d
    WHERE (len($countries) = 0 OR list_contains($countries, d.country))
      AND (len($regions) = 0 OR list_contains($regions, d.region))
      AND (len($platforms) = 0 OR list_contains($platforms, d.platform))
),
per_user AS (
    SELECT
        CAST((ud.day - CAST($start AS DATE)) // $days AS INTEGER) AS k, ud.uid,
        count(*) FILTER (WHERE ud.sessions > 0) AS days,
        coalesce(sum(ud.minutes) FILTER (WHERE ud.sessions > 0), 0) AS minutes,
        bit_or(ud.acts) & 7 <> 0 AS did_core
    FROM user_day ud
    WHERE ud.day BETWEEN $start AND $end
      AND ((len($countries) = 0 AND len($regions) = 0 AND len($platforms) = 0)
           OR ud.uid IN (SELECT uid FROM filtered))
    GROUP BY 1, 2
    HAVING count(*) FILTER (WHERE ud.sessions > 0) > 0
)
SELECT
    strftime(CAST($start AS DATE) + k * $days, '%Y-%m-%d') AS segment,
    CAST(least(CAST($end AS DATE) - (CAST($start AS DATE) + k * $days) + 1, $days) AS INTEGER)
        AS n_days,
    count(*) AS active_users,
    CAST(sum(days) AS BIGINT) AS user_days,
    sum(minutes) AS minutes,
    count_if(did_core) AS core_users
FROM per_user
GROUP BY k
ORDER BY 1

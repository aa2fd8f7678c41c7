/* ---
name: activity_scorecard
title:
  en: Activity scorecard (four dimensions)
  zh: 活跃度四维记分卡
description:
  en: >
    The four dimensions of activity at once, for the range and for the previous range of
    the same length (a 7-day range is compared with the 7 days before it). Frequency:
    average DAU (active user-days / days in the range; active = a session starts that day).
    Duration: minutes per active user per day (minutes of sessions started in the range /
    active user-days). Depth: core-action completion rate (active users who started a chat,
    joined a room or took part in a connected call, as caller or callee, in the range /
    active users). Social: lasting-connection rate (active users with at least one lasting
    connection / active users). Two users are connected in the range when they had a
    connected call or a chat_start / message_sent with each other; the connection lasts
    when that happened on 2 or more distinct days of the range, or when they follow each
    other (both ways, by the range's end). change = current / previous - 1, and the verdict
    is flat when the change is under 2% either way; with no previous figure both are empty.
    current and previous are in the row's unit (pct rows are fractions: 0.37 = 37%). Days
    are calendar days in the reporting time zone. Filters apply to the active users.
  zh: >
    一次看四个维度，并与等长的上一区间对比（7 天区间对比之前的 7 天）。频次：平均日活（活跃用户日数 /
    区间天数；当天有会话开始即为活跃）。时长：每个活跃用户每天的分钟数（区间内开始的会话分钟数 /
    活跃用户日数）。行为深度：核心动作完成率（区间内发起对话、加入房间或作为主叫/被叫参与接通通话的
    活跃用户 / 活跃用户）。社交质量：持续关系比例（至少有一个持续关系的活跃用户 / 活跃用户）。两位用户
    在区间内有接通的通话或互相之间有 chat_start / message_sent 即为有联系；在区间内 2 个及以上不同日期
    有联系，或截至区间结束时双向互相关注，即为持续关系。变化 = 本期 / 上期 - 1；变化绝对值小于 2% 判为
    持平；没有上期数值时两者为空。本期与上期的数值按该行单位给出（pct 行为小数：0.37 即 37%）。日期按
    报表时区的自然日计算。筛选条件作用于活跃用户。
dimension: overall
params:
  start: {type: date, description: First day of the range (YYYY-MM-DD).}
  end: {type: date, description: Last day of the range (YYYY-MM-DD).}
  countries: {type: country_list, description: ISO2 country codes to keep; empty for all.}
  regions: {type: region_list, description: Region codes to keep; empty for all.}
  platforms: {type: platform_list, description: Platforms to keep; empty for all.}
defaults: {span_days: 7, end_lag_days: 0}
columns:
  dimension: {en: Dimension, zh: 维度, format: label}
  measure: {en: Measure, zh: 指标}
  unit: {en: Unit, zh: 单位, format: label}
  current: {en: This range, zh: 本期, format: float}
  previous: {en: Previous range, zh: 上期, format: float}
  change: {en: Change, zh: 变化, format: pct}
  verdict: {en: Verdict, zh: 判断}
  active_users: {en: Active users, zh: 活跃用户数, format: int}
size_column: active_users
headline: [current, previous, change]
chart: {type: bar, x: dimension, y: change}
--- */
WITH filtered AS (
    SELECT d.uid
    FROM user_dim d
    WHERE (len($countries) = 0 OR list_contains($countries, d.country))
      AND (len($regions) = 0 OR list_contains($regions, d.region))
      AND (len($platforms) = 0 OR list_contains($platforms, d.platform))
),
days AS (
    -- user-days of both ranges from the rollup (local days in the reporting zone); the
    -- previous range ends where the current one starts ($start), so a day tells its range;
    -- users are filtered only when asked
    SELECT ud.uid AS user_id, ud.day, ud.day >= $start AS cur, ud.sessions, ud.minutes, ud.acts
    FROM user_day ud
    WHERE ud.day >= $start - CAST($end - $start + 1 AS INTEGER)
      AND ud.day <= $end
      AND ((len($countries) = 0 AND len($regions) = 0 AND len($platforms) = 0)
           OR ud.uid IN (SELECT uid FROM filtered))
),
user_days AS (
    -- one row per active (user, local day) with the minutes of the sessions started then
    SELECT user_id, day, cur, minutes FROM days WHERE sessions > 0
),
core AS (
    -- default core actions: chat_start, room_join, a connected call (bits 1, 2, 4 of acts)
    SELECT user_id, cur FROM days WHERE acts & 7 <> 0
),
pairs AS (
    -- connected pairs per range; on two distinct days <=> first day < last day
    SELECT a, b, day >= $start AS cur, min(day) < max(day) AS two_days
    FROM pair_day
    WHERE day >= $start - CAST($end - $start + 1 AS INTEGER) AND day <= $end
    GROUP BY a, b, day >= $start
),
mutual AS (
    -- when a connected pair came to follow each other (the later of the two first
    -- follows); only pairs that need it are looked up
    SELECT m.a, m.b, m.since
    FROM mutual_follow m
    SEMI JOIN pairs p ON p.a = m.a AND p.b = m.b AND NOT p.two_days
),
lasting AS (
    -- a connection lasts when it came on two days, or the pair follows each other by the
    -- end of that range (the previous range ends where the current one starts)
    SELECT p.a, p.b, p.cur
    FROM pairs p
    LEFT JOIN mutual m ON m.a = p.a AND m.b = p.b
    WHERE p.two_days
       OR m.since < CASE WHEN p.cur
                         THEN timezone('UTC', timezone($tz,
                                  CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
                         ELSE timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP))) END
),
marks AS (
    -- one row per active user-day, per core action and per lasting-connection end
    SELECT user_id, cur, TRUE AS active, FALSE AS did_core, FALSE AS has_lasting FROM user_days
    UNION ALL
    SELECT user_id, cur, FALSE, TRUE, FALSE FROM core
    UNION ALL
    SELECT a, cur, FALSE, FALSE, TRUE FROM lasting
    UNION ALL
    SELECT b, cur, FALSE, FALSE, TRUE FROM lasting
),
per_user AS (
    -- only active users of the filter count (their user-day rows carry `active`)
    SELECT cur, bool_or(did_core) AS did_core, bool_or(has_lasting) AS has_lasting
    FROM marks
    GROUP BY user_id, cur
    HAVING bool_or(active)
),
figures AS (
    -- a range without active users has no row here, so its figures are NULL, not zeros
    SELECT
        d.cur,
        d.user_days / CAST($end - $start + 1 AS INTEGER) AS avg_dau,
        d.minutes / d.user_days AS minutes_per_user_day,
        u.core_users / u.active_users AS core_rate,
        u.social_users / u.active_users AS lasting_rate,
        u.active_users
    FROM (SELECT cur, count(*) AS user_days, sum(minutes) AS minutes
          FROM user_days GROUP BY cur) d
    JOIN (SELECT cur, count(*) AS active_users, count_if(did_core) AS core_users,
                 count_if(has_lasting) AS social_users
          FROM per_user GROUP BY cur) u ON u.cur = d.cur
),
dims AS (
    SELECT * FROM (VALUES
        (1, 'frequency', 'average DAU', 'int'),
        (2, 'duration', 'minutes per active user per day', 'minutes'),
        (3, 'depth', 'core-action completion rate', 'pct'),
        (4, 'social', 'lasting-connection rate', 'pct')
    ) t(pos, dimension, measure, unit)
),
scored AS (
    SELECT
        d.pos, d.dimension, d.measure, d.unit,
        CASE d.pos WHEN 1 THEN c.avg_dau WHEN 2 THEN c.minutes_per_user_day
                   WHEN 3 THEN c.core_rate ELSE c.lasting_rate END AS current,
        CASE d.pos WHEN 1 THEN p.avg_dau WHEN 2 THEN p.minutes_per_user_day
                   WHEN 3 THEN p.core_rate ELSE p.lasting_rate END AS previous,
        coalesce(c.active_users, 0) AS active_users
    FROM dims d
    LEFT JOIN figures c ON c.cur
    LEFT JOIN figures p ON NOT p.cur
)
SELECT
    dimension,
    measure,
    unit,
    current,
    previous,
    current / nullif(previous, 0) - 1 AS change,
    CASE
        WHEN current / nullif(previous, 0) - 1 IS NULL THEN NULL
        WHEN abs(current / nullif(previous, 0) - 1) < 0.02 THEN 'flat'
        WHEN current > previous THEN 'up'
        ELSE 'down'
    END AS verdict,
    active_users
FROM scored
-- no rows without active users now: the previous figures alone would have no group size
-- to be checked against, however few people they describe
WHERE active_users > 0
ORDER BY pos

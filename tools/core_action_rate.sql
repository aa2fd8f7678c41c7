/* ---
name: core_action_rate
title:
  en: Core-action completion rate
  zh: 核心动作完成率
description:
  en: >
    Behavior depth: of the users active in the range (a session started on a day in
    [start, end]), the share who did at least one of the chosen core actions in the same
    range (row 'any'), plus one row per action as a funnel (users who did it / active
    users). Actions are event names, and 'call' = taking part in a connected call as
    caller or callee, dated when it connected. Only actions of users active in the range
    count. With group_by day or week each day or week is its own range: a user counts
    for a day when active that day and did the action that day. Days are calendar days in
    the reporting time zone.
  zh: >
    行为深度：范围内活跃（有会话开始）的用户中，同一范围内完成至少一个所选核心动作的比例（'any' 行），另按每个动作各给一行漏斗（完成该动作的用户 / 活跃用户）。动作为事件名；'call' 表示作为主叫或被叫参与了接通的通话，以接通时刻计。只统计范围内活跃用户的动作。按天或按周分组时，每天或每周各自为一个范围。日期按报表时区的自然日计算。
dimension: depth
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
    description: Split by day/week (a trend) or by a user segment.
  actions:
    type: action_list
    default: [chat_start, room_join, call]
    description: >
      Core actions to count: event names, or 'call' for a connected call (caller or
      callee). Empty means the default chat_start, room_join, call.
defaults: {span_days: 7, end_lag_days: 0}
columns:
  segment: {en: Segment, zh: 分组}
  action: {en: Action, zh: 动作, format: label}
  active_users: {en: Active users, zh: 活跃用户数, format: int}
  users_done: {en: Users who did it, zh: 完成用户数, format: int}
  rate: {en: Completion rate, zh: 完成率, format: pct}
size_column: active_users
headline: [rate]
chart: {type: bar, x: action, y: rate, color: segment, trend: {type: line, x: segment, y: rate, color: action}}
--- */
WITH chosen AS (
    -- the action list in the caller's order, with each action's bit in user_day.acts
    -- (1 << its position in the catalog's action list); empty means the default ones
    SELECT c.action, c.pos, CAST(1 << (b.i - 1) AS INTEGER) AS bit
    FROM (
        -- positions by value: the list has no repeats (parameters are deduplicated)
        SELECT action, array_position(acts, action) AS pos
        FROM (
            SELECT unnest(acts) AS action, acts
            FROM (
                SELECT CASE WHEN len($actions) = 0 THEN ['chat_start', 'room_join', 'call']
                            ELSE $actions END AS acts
            )
        )
    ) c
    JOIN (
        SELECT action, array_position(names, action) AS i
        FROM (
            SELECT unnest(names) AS action, names
            FROM (SELECT ['chat_start', 'room_join', 'call', 'message_sent', 'follow',
                          'live_start', 'gift_sent', 'match_request', 'ai_chat_start'] AS names)
        )
    ) b ON b.action = c.action
),
mask AS (
    SELECT CAST(bit_or(bit) AS INTEGER) AS m FROM chosen
),
filtered AS MATERIALIZED (
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
per_user AS (
    -- per user and period (a day, an ISO week, or the whole range): active or not, and
    -- the chosen actions done in it (local days in the reporting zone, from the rollup)
    SELECT
        ud.uid,
        CASE $group_by
            WHEN 'day' THEN strftime(ud.day, '%Y-%m-%d')
            WHEN 'week' THEN strftime(ud.day, '%G-W%V')
            ELSE 'all'
        END AS tseg,
        bool_or(ud.sessions > 0) AS active,
        bit_or(ud.acts) & (SELECT m FROM mask) AS bits
    FROM user_day ud
    WHERE ud.day BETWEEN $start AND $end
    GROUP BY ALL
),
by_bits AS (
    -- only actions of active users count: the numerator is a subset of the denominator
    SELECT
        CASE WHEN $group_by IN ('day', 'week') THEN p.tseg ELSE f.useg END AS segment,
        p.bits,
        count(*) AS users
    FROM per_user p
    JOIN filtered f ON f.uid = p.uid
    WHERE p.active
    GROUP BY ALL
),
sizes AS (
    SELECT segment, sum(users) AS active_users FROM by_bits GROUP BY segment
),
labels AS (
    SELECT 'any' AS action, 0 AS pos, (SELECT m FROM mask) AS bit
    UNION ALL
    SELECT action, pos, bit FROM chosen
)
SELECT
    s.segment,
    l.action,
    CAST(s.active_users AS BIGINT) AS active_users,
    CAST(coalesce(sum(b.users), 0) AS BIGINT) AS users_done,
    coalesce(sum(b.users), 0) / s.active_users AS rate
FROM sizes s
CROSS JOIN labels l
LEFT JOIN by_bits b ON b.segment = s.segment AND b.bits & l.bit <> 0
GROUP BY s.segment, l.action, l.pos, s.active_users
ORDER BY s.segment, l.pos

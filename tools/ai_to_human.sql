/* ---
name: ai_to_human
title:
  en: AI companion as a bridge to people
  zh: AI 陪伴到真人社交的转化
description:
  en: >
    AI companions as a bridge: the users whose first social action in the range is an
    ai_chat_start (social actions: ai_chat_start, chat_start, message_sent, follow,
    room_join, and connected calls as caller or callee; a tie with another social action
    at the same instant does not count as AI first), and the share of them with a human
    interaction (their own chat_start or message_sent with a partner, or a connected call as
    caller or callee; a message without a partner or a call never connected is not) within
    window_days after that first AI chat: later than it and at most window_days x 24 hours
    after it (the boundary instant counts). The window may run past the end of the range;
    a user counts only once the whole window is in the data (it ends before the end of the
    latest complete day). Also the median days from the first AI chat to the first human
    interaction, among those who made it. group_by day or week splits by the day of the
    first AI chat, in the reporting time zone like the range itself.
  zh: >
    AI 陪伴是否是通往真人社交的桥梁：范围内第一个社交行为是 ai_chat_start 的用户（社交行为包括 ai_chat_start、chat_start、message_sent、follow、room_join，以及作为主叫或被叫接通的通话；与其他社交行为同一时刻发生不算 AI 优先），其中在首次 AI 聊天之后 window_days 天内（晚于首次 AI 聊天，且不超过 window_days × 24 小时，恰好到点也算）有真人互动（本人发出的有对象的 chat_start 或 message_sent，或作为主叫或被叫接通的通话；没有对象的消息和未接通的通话不算）的比例。窗口可以超出范围结束日；只有整个窗口都在数据内（在最近完整日结束之前结束）的用户才计入。另给出转化用户从首次 AI 聊天到首次真人互动的天数中位数。按天或按周分组时按首次 AI 聊天的日期（报表时区）拆分。
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
    description: Split by the day/week of the first AI chat (a trend) or by a user segment.
  window_days:
    type: int
    default: 7
    min: 1
    max: 30
    description: Days after the first AI chat in which a human interaction counts.
defaults: {span_days: 7, end_lag_days: 7}
columns:
  segment: {en: Segment, zh: 分组}
  ai_first_users: {en: AI-first users, zh: AI 优先用户数, format: int}
  moved_to_human: {en: Moved to people, zh: 转向真人互动用户数, format: int}
  bridge_rate: {en: Bridge rate, zh: 转化率, format: pct}
  median_days_to_human: {en: Median days to human contact, zh: 到真人互动天数中位数, format: float}
size_column: ai_first_users
headline: [bridge_rate, median_days_to_human]
chart: {type: bar, x: segment, y: bridge_rate, trend: {type: line, x: segment, y: bridge_rate}}
--- */
WITH first_ai AS (
    -- each user's first AI chat in the range; the range is tested on the raw timestamp
    -- against the local midnights as UTC instants, so the scan skips row groups
    SELECT e.user_id, min(e.ts) AS ai_at
    FROM events e
    WHERE e.name = 'ai_chat_start'
      AND e.ts >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND e.ts < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
    GROUP BY e.user_id
),
others AS (
    -- every other social action from the range's start to the last possible window end,
    -- flagged when it is a human interaction
    SELECT e.user_id, e.ts AS act_at,
           e.name IN ('chat_start', 'message_sent')
               AND e.partner_id IS NOT NULL AND e.partner_id <> e.user_id AS human
    FROM events e
    WHERE e.name IN ('chat_start', 'message_sent', 'follow', 'room_join')
      AND e.ts >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND e.ts <= timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
                  + to_days(CAST($window_days AS INTEGER))
    UNION ALL
    -- a connected call is a human interaction for both ends, dated when it connected
    SELECT unnest([c.caller_id, c.callee_id]), c.connected_at, TRUE
    FROM calls c
    WHERE c.connected_at >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND c.connected_at <= timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
                            + to_days(CAST($window_days AS INTEGER))
),
judged AS (
    -- AI first = no other social action in the range at or before the first AI chat;
    -- moved = first human interaction in (ai_at, ai_at + window], boundary included
    SELECT
        a.user_id,
        a.ai_at,
        count(o.act_at) FILTER (WHERE o.act_at <= a.ai_at) AS earlier,
        min(o.act_at) FILTER (WHERE o.human AND o.act_at > a.ai_at) AS human_at
    FROM first_ai a
    LEFT JOIN others o
        ON o.user_id = a.user_id
       AND o.act_at <= a.ai_at + to_days(CAST($window_days AS INTEGER))
    -- the whole window must be in the data: it ends before the end of the latest
    -- complete day, so a late first AI chat is not counted as a user who never moved
    WHERE a.ai_at + to_days(CAST($window_days AS INTEGER))
          < timezone('UTC', timezone($tz, CAST($last_day AS TIMESTAMP) + INTERVAL 1 DAY))
    GROUP BY a.user_id, a.ai_at
),
filtered AS (
    SELECT u.user_id, u.country, u.platform, coalesce(u.channel, 'unknown') AS channel, r.region
    FROM users u
    LEFT JOIN regions r ON r.country = u.country
    WHERE (len($countries) = 0 OR list_contains($countries, u.country))
      AND (len($regions) = 0 OR list_contains($regions, r.region))
      AND (len($platforms) = 0 OR list_contains($platforms, u.platform))
)
SELECT
    CASE $group_by
        WHEN 'day' THEN strftime(CAST(timezone($tz, timezone('UTC', j.ai_at)) AS DATE), '%Y-%m-%d')
        WHEN 'week' THEN strftime(CAST(timezone($tz, timezone('UTC', j.ai_at)) AS DATE), '%G-W%V')
        WHEN 'country' THEN f.country
        WHEN 'region' THEN f.region
        WHEN 'platform' THEN f.platform
        WHEN 'channel' THEN f.channel
        ELSE 'all'
    END AS segment,
    count(*) AS ai_first_users,
    count(j.human_at) AS moved_to_human,
    count(j.human_at) / count(*) AS bridge_rate,
    median(epoch(j.human_at - j.ai_at) / 86400.0) AS median_days_to_human
FROM judged j
JOIN filtered f ON f.user_id = j.user_id
WHERE j.earlier = 0
GROUP BY 1
ORDER BY 1

/* ---
name: peak_hours
title:
  en: Peak hours (golden time windows, local time)
  zh: 高峰时段（黄金时间窗，当地时间）
description:
  en: >
    When people use the app, in their own local time: session starts by the user's local
    weekday (1 = Monday ... 7 = Sunday) and hour (0-23, from the user's time zone), with
    each cell's share of the segment's sessions in the range. The range is read in each
    user's local calendar too (sessions started on a local day in [start, end]), so a
    28-day range counts every weekday exactly four times for everyone. rank 1 is the
    busiest cell of its segment: the first rows of each segment are its golden windows.
    Cells without sessions are not listed.
  zh: >
    用户在各自当地时间什么时候使用：按用户所在时区的星期（1 = 周一 … 7 = 周日）和小时（0-23）统计
    会话开始次数，以及每个格子占该分组区间内会话的比例。区间也按每个用户的当地日历计算（当地日期
    在 [start, end] 内开始的会话），因此 28 天的区间对每个人都恰好包含每个星期几各四次。rank 为 1
    的是该分组最忙的格子：每个分组排在前面的行就是它的黄金时间窗。没有会话的格子不列出。
dimension: frequency
params:
  start: {type: date, description: First local day of the range (YYYY-MM-DD).}
  end: {type: date, description: Last local day of the range (YYYY-MM-DD).}
  countries: {type: country_list, description: ISO2 country codes to keep; empty for all.}
  regions: {type: region_list, description: Region codes to keep; empty for all.}
  platforms: {type: platform_list, description: Platforms to keep; empty for all.}
  group_by:
    type: choice
    default: none
    allowed: [none, country, region, platform]
    description: Split by a segment (local hours have no day or week trend).
defaults: {span_days: 28, end_lag_days: 0}
columns:
  segment: {en: Segment, zh: 分组}
  rank: {en: Rank, zh: 排名, format: int}
  weekday: {en: Weekday, zh: 星期, format: label}
  hour: {en: Local hour, zh: 当地小时, format: label}
  sessions: {en: Sessions, zh: 会话数, format: int}
  share: {en: Share of sessions, zh: 会话占比, format: pct}
  users: {en: Users in segment, zh: 分组用户数, format: int}
size_column: users
headline: [weekday, hour, share]
chart: {type: heatmap, x: hour, y: weekday, z: share}
--- */
WITH filtered AS MATERIALIZED (
    SELECT
        u.user_id,
        u.rowid AS uid,
        u.timezone AS zone,
        CASE $group_by
            WHEN 'country' THEN u.country
            WHEN 'region' THEN r.region
            WHEN 'platform' THEN u.platform
            ELSE 'all'
        END AS segment
    FROM users u
    LEFT JOIN regions r ON r.country = u.country
    WHERE (len($countries) = 0 OR list_contains($countries, u.country))
      AND (len($regions) = 0 OR list_contains($regions, r.region))
      AND (len($platforms) = 0 OR list_contains($platforms, u.platform))
),
zones AS (
    -- the range's first and last local midnight of each zone, as UTC instants
    SELECT
        zone,
        timezone('UTC', timezone(zone, CAST($start AS TIMESTAMP))) AS lo,
        timezone('UTC', timezone(zone, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY)) AS hi
    FROM (SELECT DISTINCT zone FROM filtered)
),
starts AS (
    -- Sessions in the user's local range, kept as 15-minute UTC slots: every zone offset and
    -- daylight-saving change falls on a quarter hour, so a slot decides the local weekday
    -- and hour. The constant bounds (the widest zones are UTC+14 and UTC-12) let the scan
    -- skip row groups; the zone bounds then keep each user's own local days.
    SELECT f.segment, f.uid, f.zone, epoch_us(s.started_at) // 900000000 AS slot
    FROM sessions s
    JOIN filtered f ON f.user_id = s.user_id
    JOIN zones z ON z.zone = f.zone
    WHERE s.started_at >= CAST($start AS TIMESTAMP) - INTERVAL 14 HOUR
      AND s.started_at < CAST($end AS TIMESTAMP) + INTERVAL 36 HOUR
      AND s.started_at >= z.lo
      AND s.started_at < z.hi
),
cells AS (
    -- the zone conversion runs once per (zone, slot), not once per session
    SELECT segment, isodow(local_time) AS weekday, hour(local_time) AS hour, sum(n) AS sessions
    FROM (
        SELECT segment, timezone(zone, to_timestamp(slot * 900)) AS local_time, count(*) AS n
        FROM starts
        GROUP BY segment, zone, slot
    )
    GROUP BY segment, weekday, hour
),
per_seg AS (
    SELECT segment, count(DISTINCT uid) AS users, count(*) AS total
    FROM starts
    GROUP BY segment
)
SELECT
    c.segment,
    rank() OVER (PARTITION BY c.segment ORDER BY c.sessions DESC) AS rank,
    c.weekday,
    c.hour,
    c.sessions,
    c.sessions / p.total AS share,
    p.users
FROM cells c
JOIN per_seg p ON p.segment = c.segment
ORDER BY c.segment, rank, c.weekday, c.hour

/* ---
name: active_users
title:
  en: Active users (DAU / WAU / MAU, stickiness)
  zh: 活跃用户（日活 / 周活 / 月活、粘性）
description:
  en: >
    How many people use the app: a user is active on a day when a session of theirs starts
    that day (reporting time zone). Per segment: distinct active users in the range, average
    and peak daily actives (DAU; days without actives count as 0), average weekly actives
    (WAU: ISO weeks touching the segment, each cut to the range), distinct actives in the
    30 days ending at the segment's last day (MAU: the end date for the whole range or a
    country/region/platform/channel split; for a day or week trend, that day or the week's
    last day in the range), and stickiness = average DAU / MAU.
  zh: >
    有多少人在用：某天开始过会话即为当天活跃（按报表时区）。每个分组给出：区间内去重活跃用户数、
    平均日活与峰值日活（无人活跃的日子记为 0）、平均周活（与分组相交的 ISO 周，各自截取在区间内
    的部分）、截至分组最后一天的 30 天去重活跃用户（月活：整体或按国家/地区/平台/渠道拆分时截至
    结束日；按天或按周看趋势时截至当天或该周在区间内的最后一天），以及粘性 = 平均日活 / 月活。
dimension: frequency
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
defaults: {span_days: 28, end_lag_days: 0}
columns:
  segment: {en: Segment, zh: 分组}
  active_users: {en: Active users, zh: 活跃用户数, format: int}
  avg_dau: {en: Average DAU, zh: 平均日活, format: int}
  peak_dau: {en: Peak DAU, zh: 峰值日活, format: int}
  avg_wau: {en: Average WAU, zh: 平均周活, format: int}
  mau_30d: {en: MAU (30 days), zh: 月活（30天）, format: int}
  stickiness: {en: Stickiness (DAU/MAU), zh: 粘性（日活/月活）, format: pct}
size_column: active_users
headline: [avg_dau, mau_30d, stickiness]
chart: {type: bar, x: segment, y: avg_dau, trend: {type: line, x: segment, y: avg_dau}}
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
user_days AS (
    -- active (user, local day) pairs from the rollup. Days read: from 29 days before the
    -- earliest MAU window end (the start date for a trend, else the end date) to the end.
    -- Without a filter or a user-attribute split every user counts as 'all': the join to
    -- the users is skipped (only one of the two branches yields rows).
    SELECT 'all' AS useg, ud.uid, ud.day
    FROM user_day ud
    WHERE ud.sessions > 0
      AND ud.day >= CASE WHEN $group_by IN ('day', 'week') THEN $start - 29
                         ELSE least($start, $end - 29) END
      AND ud.day <= $end
      AND len($countries) = 0 AND len($regions) = 0 AND len($platforms) = 0
      AND $group_by IN ('none', 'day', 'week')
    UNION ALL
    SELECT f.useg, f.uid, ud.day
    FROM user_day ud
    JOIN filtered f ON f.uid = ud.uid
    WHERE ud.sessions > 0
      AND ud.day >= CASE WHEN $group_by IN ('day', 'week') THEN $start - 29
                         ELSE least($start, $end - 29) END
      AND ud.day <= $end
      AND NOT (len($countries) = 0 AND len($regions) = 0 AND len($platforms) = 0
               AND $group_by IN ('none', 'day', 'week'))
),
calendar AS (
    -- every day of the range with its ISO week and time segment ('all' unless a trend)
    SELECT
        CAST(t AS DATE) AS day,
        -- ISO year * 100 + week: an integer key groups faster than its text
        yearweek(t) AS week,
        CASE $group_by
            WHEN 'day' THEN strftime(t, '%Y-%m-%d')
            WHEN 'week' THEN strftime(t, '%G-W%V')
            ELSE 'all'
        END AS tseg
    FROM generate_series(CAST($start AS TIMESTAMP), CAST($end AS TIMESTAMP), INTERVAL 1 DAY) g(t)
),
tsegs AS (
    SELECT tseg, count(*) AS n_days, max(day) AS last_day
    FROM calendar
    GROUP BY tseg
),
in_range AS (
    SELECT ud.useg, ud.uid, ud.day, c.week, c.tseg
    FROM user_days ud
    JOIN calendar c ON c.day = ud.day
),
per_user AS (
    -- without a trend one pass over each user's days gives both the range's actives and
    -- the 30-day MAU, instead of two distinct counts
    SELECT
        useg, uid,
        count(*) FILTER (WHERE day >= $start) AS days_in,
        bool_or(day >= $end - 29) AS in_mau
    FROM user_days
    WHERE $group_by NOT IN ('day', 'week')
    GROUP BY useg, uid
),
segs AS (
    -- summing daily actives over the segment's days: user_days / n_days is the mean DAU
    SELECT useg, tseg, count(DISTINCT uid) AS active_users, count(*) AS user_days
    FROM in_range
    WHERE $group_by IN ('day', 'week')
    GROUP BY useg, tseg
    UNION ALL
    SELECT useg, 'all' AS tseg, count(*) FILTER (WHERE days_in > 0) AS active_users,
           CAST(sum(days_in) AS BIGINT) AS user_days
    FROM per_user
    GROUP BY useg
    HAVING count(*) FILTER (WHERE days_in > 0) > 0
),
peak AS (
    SELECT useg, tseg, max(dau) AS peak_dau
    FROM (SELECT useg, tseg, day, count(*) AS dau FROM in_range GROUP BY useg, tseg, day)
    GROUP BY useg, tseg
),
weekly AS (
    -- distinct actives of each ISO week within the range (for a day trend: the day's week)
    SELECT useg, week, count(DISTINCT uid) AS wau
    FROM in_range
    GROUP BY useg, week
),
wau AS (
    -- mean over every ISO week touching the segment; a week without actives counts 0
    SELECT s.useg, s.tseg, avg(coalesce(w.wau, 0)) AS avg_wau
    FROM segs s
    JOIN (SELECT DISTINCT tseg, week FROM calendar) sw ON sw.tseg = s.tseg
    LEFT JOIN weekly w ON w.useg = s.useg AND w.week = sw.week
    GROUP BY s.useg, s.tseg
),
spans AS (
    -- Rolling MAU of a trend. A user counts on day d when their latest active day on or
    -- before d is at most 29 days back: active day a covers [a, min(a + 30, next active
    -- day)). One user's spans never overlap, so MAU(d) = spans covering d = running sum of
    -- +1 at each span start and -1 at each span stop. Only trends need this window
    -- function; the other splits count the 30 days before the end date directly.
    -- (least skips the missing next day of a user's last active day)
    SELECT
        day AS span_start,
        least(day + 30, lead(day) OVER (PARTITION BY uid ORDER BY day)) AS span_stop
    FROM user_days
    WHERE $group_by IN ('day', 'week')
),
rolling AS (
    SELECT 'all' AS useg, ts.tseg, sum(d.delta) AS mau_30d
    FROM tsegs ts
    JOIN (
        SELECT day, sum(delta) AS delta
        FROM (
            SELECT span_start AS day, 1 AS delta FROM spans
            UNION ALL
            SELECT span_stop AS day, -1 AS delta FROM spans
        )
        GROUP BY day
    ) d ON d.day <= ts.last_day
    GROUP BY ts.tseg
),
at_end AS (
    SELECT useg, 'all' AS tseg, count(*) FILTER (WHERE in_mau) AS mau_30d
    FROM per_user
    GROUP BY useg
    HAVING count(*) FILTER (WHERE in_mau) > 0
),
mau AS (
    SELECT * FROM rolling
    UNION ALL
    SELECT * FROM at_end
)
SELECT
    CASE WHEN $group_by IN ('day', 'week') THEN s.tseg ELSE s.useg END AS segment,
    s.active_users,
    s.user_days / ts.n_days AS avg_dau,
    p.peak_dau,
    w.avg_wau,
    m.mau_30d,
    s.user_days / ts.n_days / nullif(m.mau_30d, 0) AS stickiness
FROM segs s
JOIN tsegs ts ON ts.tseg = s.tseg
JOIN peak p ON p.useg = s.useg AND p.tseg = s.tseg
JOIN wau w ON w.useg = s.useg AND w.tseg = s.tseg
LEFT JOIN mau m ON m.useg = s.useg AND m.tseg = s.tseg
ORDER BY segment

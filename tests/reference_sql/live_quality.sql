/* ---
name: live_quality
title:
  en: Live viewing time, HD vs SD
  zh: 直播观看时长：高清 vs 标清
description:
  en: >
    Does HD live video keep viewers watching longer? Live views started in [start, end]
    (reporting time zone), HD = 720p or 1080p, SD = 360p, 480p or 540p. Per segment one row
    per quality (views, distinct viewers, mean minutes per view = ended_at - started_at),
    then a row 'HD vs SD' whose uplift = HD mean / SD mean - 1 (0.103 = HD views last 10.3%
    longer). That row's views are both qualities' views, and its viewers are the smaller of
    the two viewer counts, so the comparison is hidden whenever either side is too small to
    show. Filters and segments apply to the viewer.
  zh: >
    高清直播是否让用户看得更久？取 [start, end] 内（报表时区）开始的直播观看，高清 = 720p 或 1080p，
    标清 = 360p、480p 或 540p。每个分组按画质各一行（观看次数、去重观众数、每次观看平均分钟数 =
    ended_at - started_at），再加一行 'HD vs SD'，其提升 = 高清均值 / 标清均值 - 1（0.103 即高清观看时长
    多 10.3%）。该行的观看次数为两种画质之和，观众数取两者中较小的一个，因此任一方人数过少时对比
    也会被隐藏。筛选和分组均按观众。
dimension: duration
params:
  start: {type: date, description: First day views started (YYYY-MM-DD).}
  end: {type: date, description: Last day views started (YYYY-MM-DD).}
  countries: {type: country_list, description: Viewers' ISO2 country codes to keep; empty for all.}
  regions: {type: region_list, description: Viewers' region codes to keep; empty for all.}
  platforms: {type: platform_list, description: Viewers' platforms to keep; empty for all.}
  group_by:
    type: choice
    default: none
    allowed: [none, day, week, country, region, platform, channel]
    description: Split by day/week (a trend) or by the viewer's segment.
defaults: {span_days: 7, end_lag_days: 0}
columns:
  segment: {en: Segment, zh: 分组}
  quality: {en: Quality, zh: 画质, format: label}
  views: {en: Views, zh: 观看次数, format: int}
  viewers: {en: Viewers, zh: 观众数, format: int}
  mean_minutes: {en: Mean minutes per view, zh: 每次观看平均分钟数, format: minutes}
  uplift: {en: HD uplift, zh: 高清提升, format: pct}
size_column: viewers
headline: [mean_minutes, uplift]
chart:
  type: bar
  x: quality
  y: mean_minutes
  color: segment
  trend: {type: line, x: segment, y: mean_minutes, color: quality}
--- */
WITH filtered AS (
    SELECT
        u.user_id,
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
per_quality AS (
    SELECT
        CASE $group_by
            WHEN 'day' THEN strftime(CAST(timezone($tz, timezone('UTC', v.started_at)) AS DATE),
                                     '%Y-%m-%d')
            WHEN 'week' THEN strftime(CAST(timezone($tz, timezone('UTC', v.started_at)) AS DATE),
                                      '%G-W%V')
            ELSE f.useg
        END AS segment,
        CASE WHEN v.resolution IN ('720p', '1080p') THEN 'HD' ELSE 'SD' END AS quality,
        count(*) AS views,
        count(DISTINCT v.viewer_id) AS viewers,
        avg((epoch_us(v.ended_at) - epoch_us(v.started_at)) / 60000000.0) AS mean_minutes
    FROM live_views v
    JOIN filtered f ON f.user_id = v.viewer_id
    -- local midnights as UTC instants: constants, so the scan skips row groups out of range
    WHERE v.started_at >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND v.started_at < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
    GROUP BY ALL
)
SELECT segment, quality, views, viewers, mean_minutes, uplift
FROM (
    SELECT segment, quality, views, viewers, mean_minutes, CAST(NULL AS DOUBLE) AS uplift, 1 AS pos
    FROM per_quality
    UNION ALL
    -- the comparison as its own row: its size is the smaller side, so a small SD (or HD)
    -- group can never be read back from the other side's figures
    SELECT
        hd.segment,
        'HD vs SD',
        hd.views + sd.views,
        least(hd.viewers, sd.viewers),
        NULL,
        hd.mean_minutes / nullif(sd.mean_minutes, 0) - 1,
        2
    FROM per_quality hd
    JOIN per_quality sd ON sd.segment = hd.segment AND sd.quality = 'SD'
    WHERE hd.quality = 'HD'
) r
ORDER BY segment, pos, quality

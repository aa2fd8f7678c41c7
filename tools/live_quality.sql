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
WITH per_quality AS (
    -- from the rollup: views and minutes per viewer (by key), local day and quality, with
    -- the viewer's attributes
    SELECT
        CASE $group_by
            WHEN 'day' THEN strftime(v.day, '%Y-%m-%d')
            WHEN 'week' THEN strftime(v.day, '%G-W%V')
            WHEN 'country' THEN v.country
            WHEN 'region' THEN v.region
            WHEN 'platform' THEN v.platform
            WHEN 'channel' THEN v.channel
            ELSE 'all'
        END AS segment,
        CASE WHEN v.hd THEN 'HD' ELSE 'SD' END AS quality,
        CAST(sum(v.views) AS BIGINT) AS views,
        count(DISTINCT v.uid) AS viewers,
        sum(v.minutes) / sum(v.views) AS mean_minutes
    FROM live_day v
    WHERE v.day BETWEEN $start AND $end
      AND (len($countries) = 0 OR list_contains($countries, v.country))
      AND (len($regions) = 0 OR list_contains($regions, v.region))
      AND (len($platforms) = 0 OR list_contains($platforms, v.platform))
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

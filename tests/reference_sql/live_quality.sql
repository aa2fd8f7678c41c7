-- Raw-table reference for tools/live_quality.sql (same header and parameters).
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

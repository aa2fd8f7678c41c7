/* ---
name: paid_conversion
title:
  en: Paid conversion, ARPU and ARPPU
  zh: 付费转化率、ARPU 与 ARPPU
description:
  en: >
    Monetization: of the users active in the range (a session started on a day in
    [start, end]), the share who paid in the same range (a payment above zero); revenue of
    those active users in the range divided by active users (ARPU) and by payers (ARPPU),
    in US dollars. Payments of users with no session in the range are left out, so ARPU and
    ARPPU describe the same people as the conversion rate. With group_by day or week each
    day or week is its own range. Days are calendar days in the reporting time zone.
  zh: >
    变现：区间内活跃（有会话开始）的用户中，同一区间内付费（金额大于 0）的比例；这些活跃用户在区间
    内的收入除以活跃用户数（ARPU）和付费用户数（ARPPU），单位美元。区间内没有会话的用户的付款不计入，
    使 ARPU、ARPPU 与转化率针对同一批人。按天或按周分组时，每天或每周各自为一个区间。日期按报表
    时区的自然日计算。
dimension: monetization
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
  payers: {en: Payers, zh: 付费用户数, format: int}
  conversion: {en: Paid conversion, zh: 付费转化率, format: pct}
  revenue: {en: Revenue, zh: 收入, format: usd}
  arpu: {en: ARPU, zh: ARPU（每活跃用户收入）, format: usd}
  arppu: {en: ARPPU, zh: ARPPU（每付费用户收入）, format: usd}
size_column: active_users
headline: [conversion, arpu, arppu]
chart: {type: bar, x: segment, y: conversion, trend: {type: line, x: segment, y: conversion}}
--- */
WITH filtered AS MATERIALIZED (
    -- useg: the user-attribute part of the segment ('all' unless split by one)
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
slots AS (
    -- 15-minute UTC slots of the range with their time segment in $tz. Every zone offset
    -- and daylight-saving change falls on a quarter hour, so a row's slot decides its local
    -- day: the zone conversion runs once per slot, not once per session or payment.
    SELECT
        epoch_us(t) // 900000000 AS slot,
        CASE $group_by
            WHEN 'day' THEN strftime(timezone($tz, timezone('UTC', t)), '%Y-%m-%d')
            WHEN 'week' THEN strftime(timezone($tz, timezone('UTC', t)), '%G-W%V')
            ELSE 'all'
        END AS tseg
    FROM generate_series(
        timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP))),
        timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY)) - INTERVAL 15 MINUTE,
        INTERVAL 15 MINUTE
    ) g(t)
),
active AS (
    -- the range is tested on the raw timestamps against constants so the scan skips
    -- row groups outside it
    SELECT DISTINCT s.user_id, sl.tseg
    FROM sessions s
    JOIN slots sl ON sl.slot = epoch_us(s.started_at) // 900000000
    WHERE s.started_at >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND s.started_at < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
),
paid AS (
    SELECT p.user_id, sl.tseg, sum(p.amount_usd) AS revenue
    FROM payments p
    JOIN slots sl ON sl.slot = epoch_us(p.paid_at) // 900000000
    WHERE p.paid_at >= timezone('UTC', timezone($tz, CAST($start AS TIMESTAMP)))
      AND p.paid_at < timezone('UTC', timezone($tz, CAST($end AS TIMESTAMP) + INTERVAL 1 DAY))
    GROUP BY p.user_id, sl.tseg
),
per_seg AS (
    SELECT
        f.useg, a.tseg,
        count(*) AS active_users,
        count(*) FILTER (WHERE pd.revenue > 0) AS payers,
        coalesce(sum(pd.revenue), 0) AS revenue
    FROM active a
    JOIN filtered f ON f.user_id = a.user_id
    LEFT JOIN paid pd ON pd.user_id = a.user_id AND pd.tseg = a.tseg
    GROUP BY f.useg, a.tseg
)
SELECT
    CASE WHEN $group_by IN ('day', 'week') THEN tseg ELSE useg END AS segment,
    active_users,
    payers,
    payers / active_users AS conversion,
    revenue,
    revenue / active_users AS arpu,
    revenue / nullif(payers, 0) AS arppu
FROM per_seg
ORDER BY segment

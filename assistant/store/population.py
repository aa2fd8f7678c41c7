"""How many people a metric is about, per cell of user attributes, read from the rollups.

A cell is one (country, region, platform, channel) combination. Every user is in exactly
one cell, so the people of any filter (lists of countries, regions, platforms, channels)
are a sum of cells: one query per date range answers every filter the privacy checks ask
about. Kinds, named in assistant/metrics/privacy/rules.py:

- "active": users with a session on a day of the range (the size column of the metrics
  counting active users);
- "cohort": users whose signup day is in the range, by signup day (retention's cohorts:
  day N counts only signup days with day N complete);
- "local_active": users with a session on a day of the range in their own zone (peak hours);
- "viewers": users who watched live video that started on a day of the range, by quality
  (HD = 720p/1080p, SD otherwise).
"""

from __future__ import annotations

from datetime import date
from typing import Any

CELL = ("country", "region", "platform", "channel")

SQL = {
    "active": """
        SELECT d.country, d.region, d.platform, d.channel, count(*) AS n
        FROM (SELECT DISTINCT uid FROM user_day
              WHERE sessions > 0 AND day BETWEEN $start AND $end) a
        JOIN user_dim d ON d.uid = a.uid
        GROUP BY ALL
    """,
    "local_active": """
        SELECT d.country, d.region, d.platform, d.channel, count(*) AS n
        FROM (SELECT DISTINCT uid FROM user_local_day
              WHERE local_day BETWEEN $start AND $end) a
        JOIN user_dim d ON d.uid = a.uid
        GROUP BY ALL
    """,
    "viewers": """
        SELECT country, region, platform, channel,
               CASE WHEN hd THEN 'HD' ELSE 'SD' END AS quality, count(DISTINCT uid) AS n
        FROM live_day
        WHERE day BETWEEN $start AND $end
        GROUP BY ALL
    """,
    "cohort": """
        SELECT d.country, d.region, d.platform, d.channel, d.signup_day, count(*) AS n
        FROM user_dim d
        WHERE d.signup_day BETWEEN $start AND $end
        GROUP BY ALL
    """,
}


def bound(start: date, end: date) -> dict[str, Any]:
    return {"start": start, "end": end}

"""Agreement of the nearest upcoming check-ups with a brute force (run by bench/checkups.py with
DATABASE_URL set): for each point, every scheduled event of the default window ranked by its
geodesic distance (PostGIS geography, no index), then start, then id, against
``checkup_upcoming_list``; each returned distance checked against GeographicLib.

Reads {"points": [[lon, lat], …], "from": ISO local time} on stdin; prints one JSON object."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from django.db import connection  # noqa: E402
from geographiclib.geodesic import Geodesic  # noqa: E402

from core.localtime import LOCAL_TZ  # noqa: E402
from core.nearest import point_sql  # noqa: E402
from services.checkups.selectors import checkup_upcoming_list  # noqa: E402
from services.checkups.serializers import DEFAULT_WINDOW  # noqa: E402

LIMIT = 10
ORACLE_SQL = """
SELECT id, ST_Distance(location::geography, %s::geography) AS d
  FROM services_checkupevent
 WHERE status = 'scheduled' AND starts_at BETWEEN %s AND %s
 ORDER BY d, starts_at, id LIMIT %s
"""


def oracle_check(lon: float, lat: float, starts_from: dt.datetime) -> tuple[bool, float]:
    """(same events in the same order as the brute force, worst distance error in mm)."""
    starts_to = starts_from + DEFAULT_WINDOW
    with connection.cursor() as cursor:
        cursor.execute(ORACLE_SQL, [point_sql(lon, lat), starts_from, starts_to, LIMIT])
        expected = [event_id for event_id, _ in cursor.fetchall()]
    got = checkup_upcoming_list(
        lon=lon, lat=lat, starts_from=starts_from, starts_to=starts_to, limit=LIMIT
    )
    worst_mm = 0.0
    for found in got:
        location = found.event.location
        metres = Geodesic.WGS84.Inverse(lat, lon, location.y, location.x)["s12"]
        worst_mm = max(worst_mm, abs(metres - found.distance_m) * 1000)
    return [found.event.pk for found in got] == expected, worst_mm


def main() -> None:
    task = json.loads(sys.stdin.read())
    starts_from = dt.datetime.fromisoformat(task["from"]).replace(tzinfo=LOCAL_TZ)
    points = [tuple(p) for p in task["points"]]
    with ThreadPoolExecutor(max_workers=2) as pool:
        checks = list(pool.map(lambda p: oracle_check(*p, starts_from), points))
    agree = sum(same and error_mm <= 1.0 for same, error_mm in checks)
    worst = max(error_mm for _, error_mm in checks)
    print(
        json.dumps(
            {"points": len(points), "agree": agree, "worst_distance_error_mm": round(worst, 3)}
        )
    )


if __name__ == "__main__":
    main()

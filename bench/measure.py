"""Database-side figures for one benchmark database (run by bench/run.py with DATABASE_URL set):
the raw KNN floor and yizhan's exact query, both as prepared statements over the same random
points, the whole ``station_nearest_list`` call, and agreement with a brute-force oracle.

Prints one JSON object on stdout."""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from django.db import connection  # noqa: E402
from geographiclib.geodesic import Geodesic  # noqa: E402

from core.nearest import (  # noqa: E402
    first_round_candidates,
    knn_params,
    knn_statement,
    point_sql,
)
from stations.selectors import station_nearest_list  # noqa: E402

FLOOR_SQL = (
    "SELECT id FROM stations_station"
    " ORDER BY location <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT 10"
)
# The oracle: every station's geodesic distance (PostGIS geography, spheroid), no index.
ORACLE_SQL = """
SELECT code, ST_Distance(location::geography, %s::geography) AS d
FROM stations_station ORDER BY d, code LIMIT 10
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(seconds: list[float]) -> dict[str, float]:
    millis = [s * 1000 for s in seconds]
    return {
        "p50_ms": round(statistics.median(millis), 4),
        "p99_ms": round(percentile(millis, 0.99), 4),
    }


def timed(runs: dict, points) -> dict[str, list[float]]:
    """Each run over every point once to warm the caches, then timed, interleaved point by
    point so that every run meets the same cache state."""
    for point in points:
        for run in runs.values():
            run(point)
    times: dict[str, list[float]] = {name: [] for name in runs}
    for point in points:
        for name, run in runs.items():
            started = time.perf_counter()
            run(point)
            times[name].append(time.perf_counter() - started)
    return times


def prepared_exact_sql() -> str:
    """yizhan's nearest statement, no filters, numbered placeholders for PREPARE."""
    sql = knn_statement("stations_station", "id, code, version", "TRUE")
    count = iter(range(1, 100))
    return re.sub(r"%s", lambda _: f"${next(count)}", sql)


def database_figures(points: list[tuple[float, float]]) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"PREPARE floor (float8, float8) AS {FLOOR_SQL}")
        cursor.execute(
            f"PREPARE exact (float8, float8, text, float8, float8, int) AS {prepared_exact_sql()}"
        )

        def floor(p):
            cursor.execute("EXECUTE floor (%s, %s)", p)
            cursor.fetchall()

        def exact(p):
            k = first_round_candidates(10, p[1])
            cursor.execute("EXECUTE exact (%s, %s, %s, %s, %s, %s)", knn_params(*p, (), k))
            cursor.fetchall()

        def call(p):
            station_nearest_list(lon=p[0], lat=p[1], limit=10)

        times = timed({"raw_floor": floor, "exact_sql": exact, "exact_call": call}, points)
    figures = {name: summary(seconds) for name, seconds in times.items()}
    figures["exact_sql_vs_floor"] = round(
        figures["exact_sql"]["p50_ms"] / figures["raw_floor"]["p50_ms"], 2
    )
    return figures


def oracle_check(lon: float, lat: float) -> tuple[bool, float]:
    """(same codes in the same order as the brute force, worst distance error in mm against
    GeographicLib) for one point."""
    with connection.cursor() as cursor:
        cursor.execute(ORACLE_SQL, [point_sql(lon, lat)])
        expected = [code for code, _ in cursor.fetchall()]
        got = station_nearest_list(lon=lon, lat=lat, limit=10)
        cursor.execute(
            "SELECT code, ST_X(location), ST_Y(location) FROM stations_station"
            " WHERE code = ANY(%s)",
            [[ref.code for ref in got]],
        )
        where = {code: (x, y) for code, x, y in cursor.fetchall()}
    worst_mm = 0.0
    for ref in got:
        x, y = where[ref.code]
        metres = Geodesic.WGS84.Inverse(lat, lon, y, x)["s12"]
        worst_mm = max(worst_mm, abs(metres - ref.distance_m) * 1000)
    return [ref.code for ref in got] == expected, worst_mm


def oracle_agreement(points: list[tuple[float, float]]) -> dict:
    """Agreement with the brute force on every point; two database sessions at once (the brute
    force scans every station per point)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        checks = list(pool.map(lambda p: oracle_check(*p), points))
    agree = sum(same and error_mm <= 1.0 for same, error_mm in checks)
    worst = max(error_mm for _, error_mm in checks)
    return {"points": len(points), "agree": agree, "worst_distance_error_mm": round(worst, 3)}


def main() -> None:
    task = json.loads(sys.stdin.read())
    points = [tuple(p) for p in task["points"]]
    result = {"database": database_figures(points)}
    if task.get("oracle_points"):
        result["oracle"] = oracle_agreement([tuple(p) for p in task["oracle_points"]])
    print(json.dumps(result))


if __name__ == "__main__":
    main()

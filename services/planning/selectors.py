"""Reads for van-tour planning: the candidate stops with their demand, the vans' free days, and
driving distances between points."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection

from core.localtime import LOCAL_TZ, local_midnight
from core.nearest import WGS84_SPHEROID
from services.checkups.models import CheckupEvent, Van
from services.checkups.selectors import EVENT_TABLE
from services.planning.planners import Candidate, VanDay
from stations.models import Station

DEFAULT_SEATS = 8
WORKERS_PER_SEAT = 3
UNCOVERED_WEIGHT = 2
UNCOVERED_KM = 3.0
UNCOVERED_DAYS = 90
"""Illustrative planning weights: a station is expected to send WORKERS_PER_SEAT workers per
seat (DEFAULT_SEATS when unknown) to a visit, twice as many where no check-up was held nearby
recently (by default: within UNCOVERED_KM in the last UNCOVERED_DAYS; pent-up need). Not from
a source; adjust with real attendance figures."""


def planning_candidates(
    *,
    city: str,
    district: str | None = None,
    codes: Sequence[str] = (),
    before: dt.datetime,
    uncovered_km: float,
    uncovered_days: int,
) -> list[Candidate]:
    """The open stations of a city (or district, or these codes) a van could visit, each with
    its demand; ``uncovered`` when no event (not cancelled) started within ``uncovered_km``
    in the ``uncovered_days`` before ``before``."""
    filters, params = ["s.city = %s", "s.status = %s"], [city, Station.Status.OPEN.value]
    if district:
        filters.append("s.district = %s")
        params.append(district)
    if codes:
        filters.append("s.code = ANY(%s)")
        params.append(list(codes))
    sql = f"""
        SELECT s.id, s.code, s.name, ST_X(s.location), ST_Y(s.location), s.seats,
               s.is_synthetic,
               NOT EXISTS (
                   SELECT 1 FROM {EVENT_TABLE} e
                    WHERE e.status <> %s
                      AND e.starts_at >= %s AND e.starts_at < %s
                      AND ST_DWithin(e.location::geography, s.location::geography, %s))
          FROM stations_station s
         WHERE {" AND ".join(filters)}
         ORDER BY s.code
    """
    since = before - dt.timedelta(days=uncovered_days)
    with connection.cursor() as cursor:
        cancelled = CheckupEvent.Status.CANCELLED.value
        cursor.execute(sql, [cancelled, since, before, uncovered_km * 1000, *params])
        rows = cursor.fetchall()
    return [
        Candidate(
            station_id=pk,
            code=code,
            name=name,
            lon=lon,
            lat=lat,
            demand=(seats or DEFAULT_SEATS) * WORKERS_PER_SEAT * (UNCOVERED_WEIGHT if free else 1),
            uncovered=free,
            is_synthetic=synthetic,
        )
        for pk, code, name, lon, lat, seats, synthetic, free in rows
    ]


def distance_matrix(points: list[tuple[float, float]]) -> list[list[float]]:
    """Geodesic metres (WGS-84 spheroid) between every pair of (lon, lat) points, in one query."""
    sql = """
        WITH p AS (
            SELECT n, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS g
              FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS t(lon, lat, n))
        SELECT a.n, b.n, ST_DistanceSpheroid(a.g, b.g, %s)
          FROM p a CROSS JOIN p b
    """  # raw SQL: an n×n matrix of points that are not rows of any table
    size = len(points)
    matrix = [[0.0] * size for _ in range(size)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [[p[0] for p in points], [p[1] for p in points], WGS84_SPHEROID])
        for a, b, metres in cursor.fetchall():
            matrix[a - 1][b - 1] = metres
    return matrix


def planning_van_days(
    *, vans: Sequence[Van], first: dt.date, last: dt.date, visit_minutes: int
) -> tuple[list[VanDay], list[tuple[Van, dt.date]]]:
    """Each van's working days in the range: not its day off, and not a day it already has
    visits (those are left as they are). Returns (van-days, days skipped as already busy)."""
    busy = set(
        CheckupEvent.objects.filter(
            van__in=vans,
            status=CheckupEvent.Status.SCHEDULED,
            starts_at__gte=local_midnight(first),
            starts_at__lt=local_midnight(last + dt.timedelta(days=1)),
        ).values_list("van_id", "starts_at")
    )
    busy_days = {(van_id, starts.astimezone(LOCAL_TZ).date()) for van_id, starts in busy}
    days, skipped = [], []
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        for van in vans:
            if day.weekday() in van.days_off:
                continue
            if (van.pk, day) in busy_days:
                skipped.append((van, day))
                continue
            days.append(
                VanDay(
                    van_id=van.pk,
                    van_name=van.name,
                    date=day,
                    depot=(van.depot.x, van.depot.y),
                    starts=van.day_starts,
                    ends=van.day_ends,
                    visit_capacity=van.checkups_per_hour * visit_minutes // 60,
                    van_is_synthetic=van.is_synthetic,
                )
            )
    return days, skipped

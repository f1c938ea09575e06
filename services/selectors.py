"""Reads for check-ups: the nearest upcoming events, one event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from services.models import BenefitScheme, CheckupEvent, Occupation, Van
from services.planning import Candidate, VanDay
from stations.conditions import Condition, where_clause
from stations.models import AdminArea, Station
from stations.nearest import nearest_rows
from stations.opening_hours import LOCAL_TZ, local_midnight
from stations.selectors import station_nearest_list

EVENT_TABLE = CheckupEvent._meta.db_table


@dataclass(frozen=True, slots=True)
class NearbyEvent:
    event: CheckupEvent
    distance_m: float


def checkup_upcoming_list(
    *,
    lon: float,
    lat: float,
    starts_from: dt.datetime,
    starts_to: dt.datetime,
    kinds: Sequence[str] = (),
    radius_m: float | None = None,
    limit: int = 10,
    open_places: bool = False,
) -> list[NearbyEvent]:
    """Scheduled events starting between the two moments, nearest first (exact geodesic metres,
    then start time): the same index-driven exact search as for stations."""
    conditions = [
        Condition(f"{EVENT_TABLE}.status = '{CheckupEvent.Status.SCHEDULED.value}'"),
        Condition(f"{EVENT_TABLE}.starts_at BETWEEN %s AND %s", (starts_from, starts_to)),
    ]
    if kinds:
        conditions.append(Condition(f"{EVENT_TABLE}.kind_id = ANY(%s)", (list(kinds),)))
    if open_places:
        conditions.append(Condition(f"{EVENT_TABLE}.booked < {EVENT_TABLE}.capacity"))
    rows = nearest_rows(
        table=EVENT_TABLE,
        columns=f"{EVENT_TABLE}.id, {EVENT_TABLE}.starts_at",
        where=where_clause(conditions),
        lon=lon,
        lat=lat,
        limit=limit,
        radius_m=radius_m,
        tie_break=lambda columns: (columns[1], columns[0]),
    )
    events = checkup_queryset().in_bulk([event_id for _, event_id, _ in rows])
    return [NearbyEvent(events[event_id], distance) for distance, event_id, _ in rows]


def checkup_queryset():
    return CheckupEvent.objects.select_related("kind", "station", "van")


def checkup_get(*, event_id: int) -> CheckupEvent | None:
    return checkup_queryset().filter(pk=event_id).first()


# Planning -----------------------------------------------------------------------------------

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
        SELECT a.n, b.n, ST_DistanceSpheroid(a.g, b.g, 'SPHEROID["WGS 84",6378137,298.257223563]')
          FROM p a CROSS JOIN p b
    """
    size = len(points)
    matrix = [[0.0] * size for _ in range(size)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [[p[0] for p in points], [p[1] for p in points]])
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


# Benefits -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a worker is, as far as the district boundaries tell (district None for a city)."""

    province: str
    city: str
    district: str | None
    lon: float
    lat: float


def place_at(*, lon: float, lat: float) -> Place | None:
    """The district containing the point, or None outside every boundary yizhan has."""
    area = (
        AdminArea.objects.filter(boundary__covers=Point(lon, lat, srid=4326))
        .values_list("province", "city", "name")
        .first()
    )
    return Place(*area, lon=lon, lat=lat) if area else None


def place_of_city(*, city: str) -> Place | None:
    """A city by name, located at a point inside it (for distances to claim points)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT province, ST_X(p), ST_Y(p) FROM ("
            " SELECT min(province) AS province, ST_PointOnSurface(ST_Union(boundary)) AS p"
            " FROM stations_adminarea WHERE city = %s) c",
            [city],
        )
        row = cursor.fetchone()
    return Place(row[0], city, None, row[1], row[2]) if row and row[0] else None


def known_cities() -> list[str]:
    return list(AdminArea.objects.order_by("city").values_list("city", flat=True).distinct())


def region_cities(*, level: str, name: str) -> list[str]:
    """The cities a region spans (empty for the whole country)."""
    areas = AdminArea.objects.order_by("city")
    if level == "province":
        return list(areas.filter(province=name).values_list("city", flat=True).distinct())
    if level == "city":
        return [name]
    if level == "county":
        return list(areas.filter(name=name).values_list("city", flat=True).distinct())
    return []


def normalised(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def occupation_names() -> dict[str, Occupation]:
    """Every way of naming an occupation (code, zh/en names, synonyms), normalised."""
    names: dict[str, Occupation] = {}
    for occupation in Occupation.objects.all():
        for name in [occupation.code, occupation.name, occupation.name_en, *occupation.synonyms]:
            names.setdefault(normalised(name), occupation)
    return names


def benefit_schemes(
    *, region: str | None = None, occupation: str | None = None
) -> list[BenefitScheme]:
    """The schemes, by code: of a region (its name or level: 深圳市, national…) and open to an
    occupation (schemes for every occupation included), when given."""
    schemes = BenefitScheme.objects.prefetch_related("occupations").order_by("code")
    if region:
        schemes = schemes.filter(Q(region_name=region) | Q(region_level=region))
    if occupation:
        schemes = schemes.filter(Q(occupations=None) | Q(occupations=occupation)).distinct()
    return list(schemes)


def stations_near(
    *, lon: float, lat: float, kinds: Sequence[str], cities: Sequence[str], limit: int = 3
) -> list[dict]:
    """The nearest stations of these kinds (in these cities, if any), with distance."""
    refs = station_nearest_list(lon=lon, lat=lat, kinds=kinds, cities=cities, limit=limit)
    stations = Station.objects.in_bulk([ref.id for ref in refs])
    return [
        {
            "code": ref.code,
            "name": stations[ref.id].name,
            "kind": stations[ref.id].kind,
            "address": stations[ref.id].address,
            "phone": stations[ref.id].phone,
            "location": stations[ref.id].location,
            "distance_m": round(ref.distance_m, 1),
            "is_synthetic": stations[ref.id].is_synthetic,
        }
        for ref in refs
    ]


def checkups_at_station(*, station_id: int, starts_from: dt.datetime, limit: int = 20):
    """The scheduled events at a station from a moment on, soonest first."""
    return list(
        checkup_queryset()
        .filter(
            station_id=station_id, status=CheckupEvent.Status.SCHEDULED, starts_at__gte=starts_from
        )
        .order_by("starts_at")[:limit]
    )


def van_visits_on(*, day: dt.date, city: str) -> list[CheckupEvent]:
    """The scheduled van visits that start on ``day`` (local time) in ``city``, by van, then
    start time."""
    start = local_midnight(day)
    in_city = AdminArea.objects.filter(city=city, boundary__covers=OuterRef("location"))
    return list(
        checkup_queryset()
        .filter(
            van__isnull=False,
            status=CheckupEvent.Status.SCHEDULED,
            starts_at__gte=start,
            starts_at__lt=start + dt.timedelta(days=1),
        )
        .filter(Exists(in_city))
        .order_by("van__name", "starts_at")
    )


def synthetic_events_present() -> bool:
    """Whether any check-up event is invented demo data."""
    return CheckupEvent.objects.filter(is_synthetic=True).exists()

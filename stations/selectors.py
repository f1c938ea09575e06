"""Reads that answer the worker's questions. Each is a bounded number of indexed queries.

What the API shows about a station is read in one SQL statement (:data:`STATION_VIEW_SQL`, with
its amenities and hours aggregated as JSON) into :class:`StationView` values: building ORM
objects and prefetching three relations cost ten times the query itself."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import Polygon
from django.db import connection
from django.db.models import QuerySet

from stations.conditions import filter_queryset, station_conditions, where_clause, within_degrees
from stations.models import Amenity, Station
from stations.opening_hours import LOCAL_TZ, Period, Schedule

# WGS-84: semi-major axis, first eccentricity squared, and the shortest metres per degree of
# latitude (the meridian at the equator).
WGS84_A = 6_378_137.0
WGS84_E2 = 0.006_694_379_990_14
MIN_METRES_PER_DEGREE_LATITUDE = 110_574.0


def metres_per_degree_floor(lat: float, reach_m: float) -> float:
    """A lower bound on metres per planar degree for any path of length ≤ reach_m from latitude
    ``lat``: such a path stays within |latitude| ≤ |lat| + reach/110,574 m, where a degree of
    longitude is shortest at the band's poleward edge and a degree of latitude is ≥ 110,574 m."""
    band = math.radians(min(90.0, abs(lat) + reach_m / MIN_METRES_PER_DEGREE_LATITUDE))
    longitude = (
        math.radians(1) * WGS84_A * math.cos(band) / math.sqrt(1 - WGS84_E2 * math.sin(band) ** 2)
    )
    return min(MIN_METRES_PER_DEGREE_LATITUDE, longitude)


_amenity_codes: list[str] = []


def amenity_codes(*, including: Sequence[str] = ()) -> list[str]:
    """The amenity catalogue's codes, in catalogue order. Kept per process and read again only
    when a code asked about is missing, so a code added since is never refused; a code removed
    since simply matches no station."""
    global _amenity_codes
    if not _amenity_codes or not set(including) <= set(_amenity_codes):
        _amenity_codes = list(Amenity.objects.values_list("code", flat=True))
    return _amenity_codes


@dataclass(frozen=True, slots=True)
class StationView:
    """A station as the API shows it; ``distance_m`` is set by the nearest query."""

    id: int
    version: int
    code: str
    name: str
    name_en: str
    address: str
    city: str
    district: str
    kind: str
    status: str
    phone: str
    lon: float
    lat: float
    last_verified_at: dt.datetime | None
    is_synthetic: bool
    amenities: list[list[Any]]
    """[code, name, name_en, status, details], in catalogue order."""
    weekly: list[list[Any]]
    """[weekday, "HH:MM:SS" opens, "HH:MM:SS" closes], by weekday and opening time."""
    exceptions: list[list[Any]]
    """[ISO date, closed, opens or null, closes or null, note], by date."""
    distance_m: float | None = None

    @property
    def is_open_status(self) -> bool:
        return self.status == Station.Status.OPEN

    def schedule(self) -> Schedule:
        weekly: dict[int, list[Period]] = {}
        for weekday, opens, closes in self.weekly:
            weekly.setdefault(weekday, []).append(_period(opens, closes))
        exceptions: dict[dt.date, list[Period]] = {}
        for date, closed, opens, closes, _note in self.exceptions:
            periods = exceptions.setdefault(dt.date.fromisoformat(date), [])
            if not closed:
                periods.append(_period(opens, closes))
        return Schedule(weekly=weekly, exceptions=exceptions)


def _period(opens: str, closes: str) -> Period:
    return Period(dt.time.fromisoformat(opens), dt.time.fromisoformat(closes))


STATION_VIEW_COLUMNS = """
    s.id, s.version, s.code, s.name, s.name_en, s.address, s.city, s.district, s.kind, s.status,
    s.phone,
    ST_X(s.location), ST_Y(s.location), s.last_verified_at, s.is_synthetic,
    (SELECT coalesce(json_agg(json_build_array(a.code, a.name, a.name_en, sa.status, sa.details)
                              ORDER BY a.sort_order, a.code), '[]')
       FROM stations_stationamenity sa JOIN stations_amenity a ON a.code = sa.amenity_id
      WHERE sa.station_id = s.id),
    (SELECT coalesce(json_agg(json_build_array(p.weekday, p.opens, p.closes)
                              ORDER BY p.weekday, p.opens), '[]')
       FROM stations_openingperiod p WHERE p.station_id = s.id),
    (SELECT coalesce(json_agg(json_build_array(e.date, e.closed, e.opens, e.closes, e.note)
                              ORDER BY e.date, e.opens), '[]')
       FROM stations_openingexception e WHERE e.station_id = s.id AND e.date >= %s)
"""
VIEW_WIDTH = len(StationView.__slots__) - 1  # every column but distance_m


def exceptions_since(moment: dt.datetime | None) -> dt.date:
    """Exceptions shown: from the day before ``moment`` (whose night hours may still run)."""
    local = (moment or dt.datetime.now(LOCAL_TZ)).astimezone(LOCAL_TZ)
    return local.date() - dt.timedelta(days=1)


def station_views(ids: Sequence[int], *, moment: dt.datetime | None = None) -> list[StationView]:
    """The stations with these ids, in the order given."""
    sql = f"SELECT {STATION_VIEW_COLUMNS} FROM stations_station s WHERE s.id = ANY(%s)"
    with connection.cursor() as cursor:
        cursor.execute(sql, [exceptions_since(moment), list(ids)])
        found = {row[0]: StationView(*row) for row in cursor.fetchall()}
    return [found[i] for i in ids if i in found]


def station_get(*, code: str, moment: dt.datetime | None = None) -> StationView | None:
    sql = f"SELECT {STATION_VIEW_COLUMNS} FROM stations_station s WHERE s.code = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [exceptions_since(moment), code])
        row = cursor.fetchone()
    return StationView(*row) if row else None


@dataclass(frozen=True, slots=True)
class StationRef:
    """A station found by a query: enough to fetch or reuse its output (id and version)."""

    id: int
    code: str
    version: int
    distance_m: float | None = None


def point_sql(lon: float, lat: float) -> str:
    """EWKT of a WGS-84 point, full precision, for a ``%s::geometry`` parameter."""
    return f"SRID=4326;POINT({lon!r} {lat!r})"


# The k nearest by the GiST index (``<->``: planar degrees), with the exact geodesic distance
# computed only for those k rows: ST_DistanceSpheroid on the WGS-84 spheroid runs the same
# GeographicLib algorithm as the geography ST_Distance (results agree to nanometres) at half the
# cost, with no cast per row. Placeholders, in order: the point twice, the conditions', the
# point, k. Ranking the k rows exactly is left to Python: a sort of a few dozen tuples costs
# less than asking PostgreSQL to do it in the same statement.
NEAREST_SQL = """
SELECT id, code, version, location <-> %s::geometry AS planar,
       ST_DistanceSpheroid(location, %s::geometry, 'SPHEROID["WGS 84",6378137,298.257223563]')
  FROM stations_station
 WHERE {where}
 ORDER BY location <-> %s::geometry
 LIMIT %s
"""


def _complete_up_to(candidates: list[tuple], k: int, lat: float, target_m: float) -> bool:
    """True if no station outside the k candidates can be nearer than target_m."""
    if len(candidates) < k:
        return True  # every station passing the filters is a candidate
    reach = target_m + 1.0
    return candidates[-1][3] >= reach / metres_per_degree_floor(lat, reach)


def first_round_candidates(limit: int, lat: float) -> int:
    """How many index candidates to fetch first. The proof needs every station within planar
    radius D/(metres per degree of longitude), D the answer's last distance: in metres that is
    an ellipse ``stretch`` = (metres per degree of latitude / of longitude) times the area of the
    answer's circle, so about limit × stretch stations for evenly spread ones. A margin makes a
    second round rare; when one is needed, it is taken, so the answer is always exact."""
    stretch = MIN_METRES_PER_DEGREE_LATITUDE / metres_per_degree_floor(lat, 0.0)
    return math.ceil(limit * stretch * 1.3) + 3


def _candidates(where: tuple[str, list], point: str, k: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(NEAREST_SQL.format(where=where[0]), [point, point, *where[1], point, k])
        return cursor.fetchall()


def station_nearest_list(
    *,
    lon: float,
    lat: float,
    limit: int = 10,
    radius_m: float | None = None,
    amenities: Sequence[str] = (),
    kinds: Sequence[str] = (),
    open_moment: dt.datetime | None = None,
) -> list[StationRef]:
    """The ``limit`` stations nearest to (lon, lat) by geodesic distance (ties by code), each with
    ``distance_m``; exactly the brute-force answer, found through the GiST index.

    The index orders by planar degrees, which differ from metres by latitude and direction, so
    it supplies k candidates, ranked exactly; k grows until the k-th candidate is provably
    farther than the answer (see :func:`metres_per_degree_floor`)."""
    conditions = station_conditions(amenities=amenities, kinds=kinds, open_moment=open_moment)
    if radius_m is not None:
        reach = radius_m + 1.0
        degrees = reach / metres_per_degree_floor(lat, reach)
        conditions.append(within_degrees(point_sql(lon, lat), degrees))
    where, ewkt = where_clause(conditions), point_sql(lon, lat)
    k = first_round_candidates(limit, lat)
    while True:
        candidates = _candidates(where, ewkt, k)
        ranked = sorted(candidates, key=lambda row: (row[4], row[1]))
        if radius_m is not None:
            ranked = [row for row in ranked if row[4] <= radius_m]
        answer = [StationRef(pk, code, version, m) for pk, code, version, _, m in ranked[:limit]]
        target = answer[-1].distance_m if len(answer) == limit else (radius_m or math.inf)
        if _complete_up_to(candidates, k, lat, target):
            return answer
        k *= 4


def station_list(
    *,
    bbox: tuple[float, float, float, float] | None = None,
    city: str | None = None,
    district: str | None = None,
    kinds: Sequence[str] = (),
    amenities: Sequence[str] = (),
) -> QuerySet[Station]:
    """Stations in a viewport (bbox in WGS-84: min lon, min lat, max lon, max lat), by code;
    page through it and read each page with :func:`station_views`."""
    queryset = filter_queryset(
        Station.objects.all(), station_conditions(amenities=amenities, kinds=kinds)
    )
    if city:
        queryset = queryset.filter(city=city)
    if district:
        queryset = queryset.filter(district=district)
    if bbox is not None:
        viewport = Polygon.from_bbox(bbox)
        viewport.srid = 4326
        queryset = queryset.filter(location__intersects=viewport)
    return queryset.order_by("code")

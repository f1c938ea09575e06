"""Reads that answer the worker's questions. Each is a bounded number of indexed queries.

What the API shows about a station is read in one SQL statement (:data:`STATION_VIEW_COLUMNS`, with
its amenities and hours aggregated as JSON) into :class:`StationView` values: building ORM
objects and prefetching three relations cost ten times the query itself."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.db.models import Union
from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.geos import Polygon
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Avg, Count, Min, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from core.catalogues import KeptCatalogue
from core.localtime import LOCAL_TZ, local_iso
from core.nearest import WGS84_SPHEROID, NearestQuery, nearest_rows, nearest_rows_many
from core.prepared import execute_prepared
from core.routers import read_connection
from stations.cells import (
    FIRST_STATION_ZOOM,
    FIRST_STORED_ZOOM,
    LAST_STORED_ZOOM,
    MAX_ZOOM,
    cell_of,
    cell_x,
    cell_y,
)
from stations.conditions import filter_queryset, station_conditions, where_clause
from stations.models import (
    AdminArea,
    Amenity,
    MapCell,
    PointX,
    PointY,
    Station,
    StationChange,
    StationRemoval,
)
from stations.opening_hours import Period, Schedule
from stations.permissions import managed_stations

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
    """A station as the API shows it (the nearest query's distances travel in StationRef)."""

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
    confirmed_at: dt.datetime | None
    """Last verified or changed by a person or an import (freshness)."""
    is_synthetic: bool
    amenities: list[list[Any]]
    """[code, name, name_en, status, details], in catalogue order."""
    weekly: list[list[Any]]
    """[weekday, "HH:MM:SS" opens, "HH:MM:SS" closes], by weekday and opening time."""
    exceptions: list[list[Any]]
    """[ISO date, closed, opens or null, closes or null, note], by date."""
    warning_rules: list[list[Any]]
    """[kind, opens or null, closes or null, services, [ISO dates of its warning days]], by
    kind: what the station does while a heat or cold warning is in force."""

    @property
    def is_open_status(self) -> bool:
        return self.status == Station.Status.OPEN

    def schedule(self) -> Schedule:
        return shared_schedule(
            tuple((weekday, opens, closes) for weekday, opens, closes in self.weekly),
            tuple(
                (date, closed, opens, closes) for date, closed, opens, closes, _ in self.exceptions
            ),
            tuple(
                (opens, closes, tuple(dates))
                for _kind, opens, closes, _services, dates in self.warning_rules
                if opens is not None
            ),
        )


@functools.lru_cache(maxsize=4096)
def shared_schedule(weekly: tuple, exceptions: tuple, warning_periods: tuple) -> Schedule:
    """One Schedule object for each set of hours, shared by the stations that keep them (most
    keep one of a few common ones). A Schedule of its own is ≈18 objects that Python's garbage
    collector walks: in the worker processes' 20,000 encoded stations (stations.geojson) that
    made every full collection take 100–200 ms at 1M stations, 1 request in 100 held that long
    (bench: the worker map's request, p99). Its parts are tuples: nothing may change it."""
    weekly_periods: dict[int, list[Period]] = {}
    for weekday, opens, closes in weekly:
        weekly_periods.setdefault(weekday, []).append(_period(opens, closes))
    exception_periods: dict[dt.date, list[Period]] = {}
    for date, closed, opens, closes in exceptions:
        periods = exception_periods.setdefault(dt.date.fromisoformat(date), [])
        if not closed:
            periods.append(_period(opens, closes))
    warning_days: dict[dt.date, list[Period]] = {}
    for opens, closes, dates in warning_periods:
        for date in dates:
            warning_days.setdefault(dt.date.fromisoformat(date), []).append(_period(opens, closes))
    return Schedule(
        weekly=frozen(weekly_periods),
        exceptions=frozen(exception_periods),
        warning_days=frozen(warning_days),
    )


def frozen(periods: dict[Any, list[Period]]) -> dict[Any, tuple[Period, ...]]:
    return {key: tuple(values) for key, values in periods.items()}


@functools.lru_cache(maxsize=1024)
def _period(opens: str, closes: str) -> Period:
    return Period(dt.time.fromisoformat(opens), dt.time.fromisoformat(closes))


STATION_VIEW_COLUMNS = """
    s.id, s.version, s.code, s.name, s.name_en, s.address, s.city, s.district, s.kind, s.status,
    s.phone,
    ST_X(s.location), ST_Y(s.location), s.last_verified_at,
    greatest(s.last_verified_at, s.last_changed_at), s.is_synthetic,
    (SELECT coalesce(json_agg(json_build_array(a.code, a.name, a.name_en, sa.status, sa.details)
                              ORDER BY a.sort_order, a.code), '[]')
       FROM stations_stationamenity sa JOIN stations_amenity a ON a.code = sa.amenity_id
      WHERE sa.station_id = s.id),
    (SELECT coalesce(json_agg(json_build_array(p.weekday, p.opens, p.closes)
                              ORDER BY p.weekday, p.opens), '[]')
       FROM stations_openingperiod p WHERE p.station_id = s.id),
    (SELECT coalesce(json_agg(json_build_array(e.date, e.closed, e.opens, e.closes, e.note)
                              ORDER BY e.date, e.opens), '[]')
       FROM stations_openingexception e WHERE e.station_id = s.id AND e.date >= %(since)s),
    (SELECT coalesce(json_agg(json_build_array(
                r.kind, r.opens, r.closes, r.services,
                (SELECT coalesce(json_agg(w.date ORDER BY w.date), '[]')
                   FROM stations_warningday w
                  WHERE w.station_id = s.id AND w.kind = r.kind AND w.date >= %(since)s))
            ORDER BY r.kind), '[]')
       FROM stations_warningrule r WHERE r.station_id = s.id)
"""


def exceptions_since(moment: dt.datetime | None) -> dt.date:
    """Exceptions shown: from the day before ``moment`` (whose night hours may still run)."""
    local = (moment or dt.datetime.now(LOCAL_TZ)).astimezone(LOCAL_TZ)
    return local.date() - dt.timedelta(days=1)


def _views(where: str, value: Any, moment: dt.datetime | None) -> list[StationView]:
    sql = f"SELECT {STATION_VIEW_COLUMNS} FROM stations_station s WHERE {where}"
    with read_connection().cursor() as cursor:
        cursor.execute(sql, {"since": exceptions_since(moment), "value": value})
        return [StationView(*row) for row in cursor.fetchall()]


def station_views(ids: Sequence[int], *, moment: dt.datetime | None = None) -> list[StationView]:
    """The stations with these ids, in the order given."""
    found = {view.id: view for view in _views("s.id = ANY(%(value)s)", list(ids), moment)}
    return [found[i] for i in ids if i in found]


def station_get(*, code: str, moment: dt.datetime | None = None) -> StationView | None:
    return next(iter(_views("s.code = %(value)s", code, moment)), None)


@dataclass(frozen=True, slots=True)
class StationRef:
    """A station found by a query: enough to fetch or reuse its output (id and version)."""

    id: int
    code: str
    version: int
    distance_m: float | None = None


STATION_TABLE = Station._meta.db_table


def station_nearest_list(
    *,
    lon: float,
    lat: float,
    limit: int = 10,
    radius_m: float | None = None,
    amenities: Sequence[str] = (),
    kinds: Sequence[str] = (),
    open_moment: dt.datetime | None = None,
    cities: Sequence[str] = (),
    margin_m: float = 0.0,
) -> list[StationRef]:
    """The ``limit`` stations nearest to (lon, lat) by geodesic distance (ties by code), each
    with ``distance_m``; exactly the brute-force answer, found through the GiST index
    (:func:`core.nearest.nearest_rows`). With ``margin_m``, also every station within that many
    metres beyond the ``limit``-th."""
    conditions = station_conditions(
        amenities=amenities, kinds=kinds, open_moment=open_moment, cities=cities
    )
    rows = nearest_rows(
        table=STATION_TABLE,
        columns="id, code, version",
        where=where_clause(conditions),
        lon=lon,
        lat=lat,
        limit=limit,
        radius_m=radius_m,
        tie_break=lambda columns: (columns[1],),
        margin_m=margin_m,
    )
    return [StationRef(pk, code, version, metres) for metres, pk, code, version in rows]


@dataclass(frozen=True)
class StationsWanted:
    """One list of :func:`station_nearest_lists`: the ``limit`` nearest of these kinds, in
    these cities (any, when empty)."""

    kinds: Sequence[str] = ()
    cities: Sequence[str] = ()
    limit: int = 3


def station_nearest_lists(
    *, lon: float, lat: float, wanted: Sequence[StationsWanted]
) -> list[list[StationRef]]:
    """Several of :func:`station_nearest_list`'s answers from one point, in one query whatever
    their number (:func:`core.nearest.nearest_rows_many`)."""
    queries = [
        NearestQuery(
            table=STATION_TABLE,
            columns="id, code, version",
            where=where_clause(station_conditions(kinds=one.kinds, cities=one.cities)),
            lon=lon,
            lat=lat,
            limit=one.limit,
            tie_break=lambda columns: (columns[1],),
        )
        for one in wanted
    ]
    return [
        [StationRef(pk, code, version, metres) for metres, pk, code, version in rows]
        for rows in nearest_rows_many(queries)
    ]


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
        Station.objects.all(),
        station_conditions(amenities=amenities, kinds=kinds, nearest_first=False),
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


def sync_watermark() -> dt.datetime:
    """Where a mirror's next ``modified_after`` starts: the start of the oldest transaction
    still writing on the primary, or now when none is. Every change not yet committed was
    stamped no earlier than its transaction's start (migration 0011), so polling from here
    never misses one; answers overlap a little instead. Read before the changes themselves,
    and those from the primary too (:func:`core.routers.reads_on_primary`)."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT least(clock_timestamp(), min(xact_start)) FROM pg_stat_activity"
            " WHERE backend_xid IS NOT NULL"
        )
        return cursor.fetchone()[0]


def station_changes(
    queryset: QuerySet[Station], *, modified_after: dt.datetime
) -> tuple[QuerySet[Station], list[dict[str, str]]]:
    """For a mirror: the stations of ``queryset`` changed at or after ``modified_after``
    (closures too: a closed station is a change of status) and every station removed since,
    oldest first."""
    removed = StationRemoval.objects.filter(removed_at__gte=modified_after)
    return (
        queryset.filter(updated_at__gte=modified_after),
        [
            {"code": code, "removed_at": local_iso(at)}
            for code, at in removed.order_by("removed_at", "id").values_list("code", "removed_at")
        ],
    )


@dataclass(frozen=True, slots=True)
class Cluster:
    """Stations drawn as one marker: how many, at their mean position (WGS-84)."""

    lon: float
    lat: float
    count: int


@dataclass(frozen=True)
class MapView:
    """What a map shows of a viewport: clusters where stations crowd, stations elsewhere."""

    clusters: list[Cluster]
    stations: list[StationRef]


MAP_STATION_LIMIT = 300  # more stations than this in view are drawn as clusters


def station_map(
    *,
    bbox: tuple[float, float, float, float],
    zoom: int,
    amenities: Sequence[str] = (),
    kinds: Sequence[str] = (),
) -> MapView:
    """The stations in a viewport (WGS-84 bbox) as a map at ``zoom`` draws them: one by one
    from street level (``FIRST_STATION_ZOOM``) while at most ``MAP_STATION_LIMIT`` are in view,
    else clustered per map cell; a cell of one station is that station. Unfiltered views
    below street level read the cells counted ahead (``stations_mapcell``); filtered ones
    count the matching stations in view."""
    viewport = Polygon.from_bbox(bbox)
    viewport.srid = 4326
    conditions = station_conditions(amenities=amenities, kinds=kinds, nearest_first=False)
    in_view = filter_queryset(Station.objects.filter(location__intersects=viewport), conditions)
    zoom = max(FIRST_STORED_ZOOM, min(zoom, MAX_ZOOM))
    if zoom >= FIRST_STATION_ZOOM:
        rows = list(in_view.values_list("id", "code", "version")[: MAP_STATION_LIMIT + 1])
        if len(rows) <= MAP_STATION_LIMIT:
            return MapView([], [StationRef(*row) for row in rows])
    if zoom <= LAST_STORED_ZOOM and not conditions:
        cells = stored_cells(bbox, zoom)
    else:
        cells = counted_cells(in_view, zoom)
    clusters, single_ids = [], []
    for count, lon, lat, station_id in cells:
        if count == 1:
            single_ids.append(station_id)
        else:
            clusters.append(Cluster(lon, lat, count))
    singles = Station.objects.filter(id__in=single_ids).order_by("id")
    return MapView(
        clusters, [StationRef(*row) for row in singles.values_list("id", "code", "version")]
    )


def counted_cells(stations: QuerySet[Station], zoom: int) -> QuerySet:
    """``stations`` counted per map cell at ``zoom``, now: (count, lon, lat, lowest id) rows."""
    return (
        stations.annotate(x=cell_x(zoom), y=cell_y(zoom))
        .values("x", "y")
        .annotate(
            count=Count("id"),
            lon=Avg(PointX("location")),
            lat=Avg(PointY("location")),
            station_id=Min("id"),
        )
        .values_list("count", "lon", "lat", "station_id")
    )


def stored_cells(bbox: tuple[float, float, float, float], zoom: int) -> QuerySet:
    """The cells counted ahead (``stations_mapcell``) that a WGS-84 bbox touches at ``zoom``:
    (count, lon, lat, lowest id) rows."""
    min_lon, min_lat, max_lon, max_lat = bbox
    west, north = cell_of(min_lon, max_lat, zoom)
    east, south = cell_of(max_lon, min_lat, zoom)
    return MapCell.objects.filter(
        zoom=zoom, x__range=(west, east), y__range=(north, south)
    ).values_list("count", "lon", "lat", "station_id")


def stale_before() -> dt.datetime:
    """Stations neither verified nor changed since this moment are stale (workers are told to
    call to confirm); ``YIZHAN_STALE_AFTER_DAYS`` ago."""
    return timezone.now() - dt.timedelta(days=settings.YIZHAN_STALE_AFTER_DAYS)


def station_stale_list(*, user: AbstractBaseUser) -> QuerySet[Station]:
    """The stale stations among those ``user`` manages, least recently confirmed first."""
    confirmed = Greatest("last_verified_at", "last_changed_at")
    return (
        managed_stations(user)
        .annotate(confirmed_at=confirmed)
        .filter(Q(confirmed_at__lt=stale_before()) | Q(confirmed_at__isnull=True))
        .order_by("confirmed_at", "code")
    )


def console_stations(
    *, user: AbstractBaseUser, moment: dt.datetime, limit: int
) -> tuple[list[StationView], int]:
    """The stations a manager's home lists, and how many they manage in all: every one, by
    code, when there are at most ``limit``; else (an administrator's) the ``limit`` stale ones
    least recently confirmed, which need a check first."""
    managed = managed_stations(user)
    total = managed.count()
    if total <= limit:
        ids = list(managed.order_by("code").values_list("id", flat=True))
    else:
        ids = list(station_stale_list(user=user).values_list("id", flat=True)[:limit])
    return station_views(ids, moment=moment), total


def station_changes_by_others(
    *, user: AbstractBaseUser, limit: int = 10
) -> QuerySet[StationChange]:
    """The latest changes to ``user``'s stations made by anyone else (a colleague, an
    administrator, an import), newest first."""
    changes = StationChange.objects.filter(station__in=managed_stations(user)).exclude(actor=user)
    return changes.select_related("station").order_by("-at", "-id")[:limit]


def station_history(*, code: str) -> QuerySet[StationChange]:
    return StationChange.objects.filter(station__code=code).order_by("-at", "-id")


@dataclass(frozen=True)
class Coverage:
    """How far the parts of a city are from the nearest open station, on a grid of cells of
    ``dx`` × ``dy`` degrees from (``west``, ``south``)."""

    cell_m: float
    west: float
    south: float
    dx: float
    dy: float
    cells: list[tuple[int, int, float]]
    """(column, row, metres from the cell's centre to the nearest open station), for the
    cells whose centre lies in the city."""
    stations: int
    isolated_stations: int
    """Open stations whose nearest other open station is farther than the target."""

    def area_share_beyond(self, metres: float) -> float:
        return sum(d > metres for *_, d in self.cells) / len(self.cells) if self.cells else 0.0

    def bounds(self, column: int, row: int) -> tuple[float, float, float, float]:
        """A cell's (west, south, east, north) in degrees."""
        west, south = self.west + column * self.dx, self.south + row * self.dy
        return west, south, west + self.dx, south + self.dy


COVERAGE_SQL = """
WITH cells AS MATERIALIZED (
    SELECT i, j, ST_SetSRID(ST_MakePoint(%(west)s + (i + 0.5) * %(dx)s,
                                         %(south)s + (j + 0.5) * %(dy)s), 4326) AS centre
      FROM generate_series(0, %(columns)s - 1) AS i, generate_series(0, %(rows)s - 1) AS j
),
inside AS MATERIALIZED (
    SELECT i, j, centre FROM cells c
     WHERE EXISTS (SELECT 1 FROM stations_adminarea a
                    WHERE a.city = %(city)s AND ST_Intersects(a.boundary, c.centre))
)
SELECT c.i, c.j, nearest.metres
  FROM inside c
  CROSS JOIN LATERAL (
      SELECT min(ST_DistanceSpheroid(c.centre, k.location, %(spheroid)s)) AS metres
        FROM (SELECT s.location FROM stations_station s
               WHERE s.status = %(open)s
               ORDER BY s.location <-> c.centre
               LIMIT 8) k) nearest
"""

ISOLATED_SQL = """
SELECT count(*), count(*) FILTER (WHERE nearest.metres > %(target)s)
  FROM stations_station s
  CROSS JOIN LATERAL (
      SELECT min(ST_DistanceSpheroid(s.location, k.location, %(spheroid)s)) AS metres
        FROM (SELECT o.location FROM stations_station o
               WHERE o.status = %(open)s AND o.id <> s.id
               ORDER BY o.location <-> s.location
               LIMIT 8) k) nearest
 WHERE s.city = %(city)s AND s.status = %(open)s
"""


def station_coverage(*, city: str, target_m: float = 1000, max_cells: int = 4000) -> Coverage:
    """A grid over the city (square cells sized for at most about ``max_cells``, 250 m at
    least), each cell with the geodesic distance from its centre to the nearest open station,
    and how many of the city's open stations are farther than ``target_m`` from the next.

    The nearest is the geodesically nearest of the 8 nearest by the index's planar distance:
    a map's colours, not the exact nearest-station query (``station_nearest_list``)."""
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT ST_Area(g::geography), ST_Y(ST_Centroid(g)), ST_XMin(g), ST_YMin(g),"
            " ST_XMax(g), ST_YMax(g)"
            " FROM (SELECT ST_Union(boundary) AS g FROM stations_adminarea WHERE city = %s) city",
            [city],
        )
        area_m2, lat, west, south, east, north = cursor.fetchone()
        if area_m2 is None:
            return Coverage(0, 0, 0, 0, 0, [], 0, 0)
        cell_m = max(250.0, math.sqrt(area_m2 / max_cells))
        dx, dy = cell_m / (111_320.0 * math.cos(math.radians(lat))), cell_m / 110_574.0
        params = {
            "city": city,
            "west": west,
            "south": south,
            "dx": dx,
            "dy": dy,
            "columns": math.ceil((east - west) / dx),
            "rows": math.ceil((north - south) / dy),
            "spheroid": WGS84_SPHEROID,
            "target": target_m,
            "open": Station.Status.OPEN.value,
        }
        cursor.execute(COVERAGE_SQL, params)
        cells = cursor.fetchall()
        cursor.execute(ISOLATED_SQL, params)
        stations, isolated = cursor.fetchone()
    return Coverage(cell_m, west, south, dx, dy, cells, stations, isolated)


def synthetic_stations_present() -> bool:
    """Whether any station is invented demo data."""
    return Station.objects.filter(is_synthetic=True).exists()


@dataclass(frozen=True)
class Place:
    """Where a worker is, as far as the district boundaries tell (district None for a city)."""

    province: str
    city: str
    district: str | None
    lon: float
    lat: float
    code: str | None = None
    """The county's adcode (None for a city)."""


# SQL by hand: the same ORM query cost 0.51 ms a call against 0.14 ms (1,000 points, demo
# data), a sixth of an eligibility answer, which asks it every time; prepared, 0.16 against
# 0.22 ms as text (the bench's 1,000 points on the demo data, 2026-12-03).
PLACE_AT_SQL = f"""
SELECT province, city, name, code FROM {AdminArea._meta.db_table}
 WHERE ST_Covers(boundary, ST_SetSRID(ST_MakePoint(%s, %s), 4326))
 ORDER BY id LIMIT 1
"""


def place_at(*, lon: float, lat: float) -> Place | None:
    """The district containing the point, or None outside every boundary yizhan has."""
    with read_connection().cursor() as cursor:
        execute_prepared(cursor, PLACE_AT_SQL, [lon, lat])
        area = cursor.fetchone()
    if area is None:
        return None
    province, city, district, code = area
    return Place(province, city, district, lon=lon, lat=lat, code=code)


def place_of_city(*, city: str) -> Place | None:
    """A city by name, located at a point inside it (for distances to claim points)."""
    found = AdminArea.objects.filter(city=city).aggregate(
        province=Min("province"), inside=PointOnSurface(Union("boundary"))
    )
    if found["province"] is None:
        return None
    return Place(found["province"], city, None, found["inside"].x, found["inside"].y)


def known_cities() -> list[str]:
    return list(AdminArea.objects.order_by("city").values_list("city", flat=True).distinct())


def _admin_area_names() -> list[tuple[str, str, str]]:
    return list(AdminArea.objects.values_list("province", "name", "city"))


ADMIN_AREA_NAMES = KeptCatalogue(_admin_area_names, seconds=60)
"""Every district's (province, name, city), read by each eligibility answer with a provincial
or county scheme: a query through the ORM cost ≈1 ms of such an answer (demo data); the
boundaries change when a loader runs (other processes see it within a minute)."""


def regions_cities(regions: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
    """The cities each region (level, name) spans, empty for the whole country (a city is its
    own), from the kept names of the districts."""
    found: dict[tuple[str, str], list[str]] = {}
    for level, name in set(regions):
        if level == "city":
            found[(level, name)] = [name]
            continue
        column = {"province": 0, "county": 1}.get(level)
        areas = ADMIN_AREA_NAMES.get() if column is not None else []
        found[(level, name)] = sorted({area[2] for area in areas if area[column] == name})
    return found

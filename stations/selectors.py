"""Reads that answer the worker's questions. Each is a bounded number of indexed queries."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import GeometryDistance
from django.contrib.gis.geos import Point, Polygon
from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from stations.expressions import GeodesicDistance, open_at
from stations.models import OpeningException, Station, StationAmenity

USABLE_AMENITY = (StationAmenity.Status.AVAILABLE, StationAmenity.Status.LIMITED)

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


def station_detail_queryset() -> QuerySet[Station]:
    """Stations with everything the API shows about them, in a fixed number of queries."""
    return Station.objects.prefetch_related(
        Prefetch(
            "amenities",
            queryset=StationAmenity.objects.select_related("amenity").order_by(
                "amenity__sort_order"
            ),
        ),
        "opening_periods",
        Prefetch("opening_exceptions", queryset=OpeningException.objects.order_by("date", "opens")),
    )


def station_filter(
    queryset: QuerySet[Station],
    *,
    amenities: Sequence[str] = (),
    kinds: Sequence[str] = (),
    open_moment: dt.datetime | None = None,
    city: str | None = None,
    district: str | None = None,
) -> QuerySet[Station]:
    for code in amenities:
        usable = StationAmenity.objects.filter(
            station=OuterRef("pk"), amenity_id=code, status__in=USABLE_AMENITY
        )
        queryset = queryset.filter(Exists(usable))
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    if open_moment is not None:
        queryset = queryset.filter(open_at(open_moment))
    if city:
        queryset = queryset.filter(city=city)
    if district:
        queryset = queryset.filter(district=district)
    return queryset


@dataclass(frozen=True)
class Candidate:
    pk: int
    code: str
    planar_deg: float
    distance_m: float


def knn_candidates_query(queryset: QuerySet[Station], point: Point, k: int) -> QuerySet:
    """The k nearest by the GiST index (``<->``, planar degrees), with the exact geodesic
    distance computed only for those k rows."""
    return (
        queryset.annotate(
            planar=GeometryDistance("location", point),
            distance_m=GeodesicDistance("location", point),
        )
        .order_by("planar")
        .values_list("pk", "code", "planar", "distance_m")[:k]
    )


def _complete_up_to(candidates: list[Candidate], k: int, lat: float, target_m: float) -> bool:
    """True if no station outside the candidates can be nearer than target_m."""
    if len(candidates) < k:
        return True  # every station passing the filters is a candidate
    reach = target_m + 1.0
    return candidates[-1].planar_deg >= reach / metres_per_degree_floor(lat, reach)


def station_nearest_list(
    *,
    point: Point,
    limit: int = 10,
    radius_m: float | None = None,
    amenities: Sequence[str] = (),
    kinds: Sequence[str] = (),
    open_moment: dt.datetime | None = None,
) -> list[Station]:
    """The ``limit`` stations nearest to ``point`` by geodesic distance (ties by code), each with
    ``distance_m``; exactly the brute-force answer, found through the GiST index.

    The index orders by planar degrees, which differ from metres by latitude and direction, so
    it supplies k candidates, ranked exactly; k grows until the k-th candidate is provably
    farther than the answer (see :func:`metres_per_degree_floor`)."""
    queryset = station_filter(
        Station.objects.all(), amenities=amenities, kinds=kinds, open_moment=open_moment
    )
    if radius_m is not None:
        reach = radius_m + 1.0
        degrees = reach / metres_per_degree_floor(point.y, reach)
        queryset = queryset.filter(location__dwithin=(point, degrees))
    k = 2 * limit + 8
    while True:
        candidates = [Candidate(*row) for row in knn_candidates_query(queryset, point, k)]
        ranked = sorted(candidates, key=lambda c: (c.distance_m, c.code))
        if radius_m is not None:
            ranked = [c for c in ranked if c.distance_m <= radius_m]
        answer = ranked[:limit]
        target = answer[-1].distance_m if len(answer) == limit else (radius_m or math.inf)
        if _complete_up_to(candidates, k, point.y, target):
            break
        k *= 4
    stations = station_detail_queryset().in_bulk([c.pk for c in answer])
    result = []
    for candidate in answer:
        station = stations[candidate.pk]
        station.distance_m = candidate.distance_m
        result.append(station)
    return result


def station_get(*, code: str) -> Station | None:
    return station_detail_queryset().filter(code=code).first()


def station_list(
    *,
    bbox: tuple[float, float, float, float] | None = None,
    city: str | None = None,
    district: str | None = None,
    kinds: Sequence[str] = (),
    amenities: Sequence[str] = (),
) -> QuerySet[Station]:
    """Stations in a viewport (bbox in WGS-84: min lon, min lat, max lon, max lat), by code."""
    queryset = station_filter(
        station_detail_queryset(), amenities=amenities, kinds=kinds, city=city, district=district
    )
    if bbox is not None:
        viewport = Polygon.from_bbox(bbox)
        viewport.srid = 4326
        queryset = queryset.filter(location__intersects=viewport)
    return queryset.order_by("code")

"""Reads for the HSDS export: the stations' amenities as services, a page at a time, with what
each document nests (hours, provinces), in a fixed number of queries per page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet

from core.localtime import local_today
from services.hsds.ids import Entity, amenity_key, parse_station_uuid
from stations.models import AdminArea, OpeningException, OpeningPeriod, Station, StationAmenity


def service_rows(
    *, modified_after: dt.datetime | None = None, with_demo: bool = False
) -> QuerySet[StationAmenity]:
    """Every amenity of a station, as one HSDS service each, by station code and catalogue
    order; the demo's invented stations only when asked (and then marked as such)."""
    rows = StationAmenity.objects.select_related("station", "amenity").order_by(
        "station__code", "amenity__sort_order", "amenity_id"
    )
    if not with_demo:
        rows = rows.filter(station__is_synthetic=False)
    if modified_after is not None:
        rows = rows.filter(station__updated_at__gte=modified_after)
    return rows


def service_row(service_id: str) -> StationAmenity | None:
    """The amenity an HSDS service id names, or None."""
    named = parse_station_uuid(service_id)
    if named is None or named.entity != Entity.AMENITY_SERVICE:
        return None
    rows = service_rows(with_demo=True).filter(station_id=named.station_id)
    return next((row for row in rows if amenity_key(row.amenity_id) == named.detail), None)


@dataclass
class StationHours:
    weekly: list[OpeningPeriod] = field(default_factory=list)
    dated: list[OpeningException] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """What the documents of a page of services nest: each station's hours (dated exceptions
    from today on) and each city's province."""

    hours: dict[int, StationHours]
    provinces: dict[str, str]


def page_context(stations: Sequence[Station]) -> Context:
    """What the documents of these stations nest, in 3 queries whatever their number."""
    station_ids = {station.pk for station in stations}
    hours: dict[int, StationHours] = {station_id: StationHours() for station_id in station_ids}
    for period in OpeningPeriod.objects.filter(station_id__in=station_ids).order_by(
        "weekday", "opens"
    ):
        hours[period.station_id].weekly.append(period)
    dated = OpeningException.objects.filter(station_id__in=station_ids, date__gte=local_today())
    for exception in dated.order_by("date", "opens"):
        hours[exception.station_id].dated.append(exception)
    cities = {station.city for station in stations}
    provinces = dict(
        AdminArea.objects.filter(city__in=cities).values_list("city", "province").distinct()
    )
    return Context(hours, provinces)

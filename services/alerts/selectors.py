"""Which weather warnings are in force at a point."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.contrib.gis.geos.prepared import PreparedGeometry
from django.utils import timezone
from django.utils.translation import gettext

from core.catalogues import KeptCatalogue
from core.routers import read_connection
from services.alerts.models import WeatherAlert
from stations.conditions import station_conditions, where_clause
from stations.models import AdminArea

LEVEL_ORDER = [level for level, _label in WeatherAlert.Level.choices]


@dataclass(frozen=True)
class AlertArea:
    """A warning with the area it covers, prepared for fast point tests."""

    alert: WeatherAlert
    area: PreparedGeometry


def alert_areas(*, expiring_after: dt.datetime) -> list[AlertArea]:
    """The warnings not cancelled that expire after ``expiring_after``, each with its polygon
    and districts united."""
    live = WeatherAlert.objects.filter(expires__gt=expiring_after, cancelled_at=None)
    areas = []
    for alert in live.prefetch_related("districts"):
        shapes = [district.boundary for district in alert.districts.all()]
        if alert.area is not None:
            shapes.append(alert.area)
        if shapes:
            union = shapes[0]
            for shape in shapes[1:]:
                union = union.union(shape)
            areas.append(AlertArea(alert, union.prepared))
    return areas


def _alert_areas() -> list[AlertArea]:
    """The warnings not yet expired nor cancelled (read by every nearest request in auto
    mode: kept by the process, see below)."""
    return alert_areas(expiring_after=timezone.now())


ALERT_AREAS = KeptCatalogue(_alert_areas, seconds=60)
"""New warnings reach the nearest answers of every process within a minute of their import."""


def alerts_in_force(now: dt.datetime) -> list[AlertArea]:
    """The warnings in force at ``now``, with their areas (kept by the process)."""
    return [a for a in ALERT_AREAS.get() if a.alert.effective <= now < a.alert.expires]


def alerts_at(*, lon: float, lat: float, now: dt.datetime) -> list[WeatherAlert]:
    """The warnings in force at (lon, lat) now — by their polygon or one of their districts —
    most severe first, then the latest."""
    areas = alerts_in_force(now)
    if not areas:  # the common case, on every nearest request: no GEOS point (≈10% of its CPU)
        return []
    point = Point(lon, lat, srid=4326)
    found = [a.alert for a in areas if a.area.covers(point)]
    return sorted(found, key=lambda a: (-LEVEL_ORDER.index(a.level), -a.sent.timestamp()))


def weather_mode_at(*, lon: float, lat: float, now: dt.datetime) -> dict[str, str] | None:
    """The most severe heat or cold warning in force at (lon, lat) as the nearest search's
    ``mode=auto`` needs it ({"kind", "level", "title", "banner"}), or None. The stations app
    reaches it through the setting YIZHAN_WEATHER_MODE_AT, not an import (it sits below this
    app)."""
    weather = (WeatherAlert.Kind.HEAT, WeatherAlert.Kind.COLD)
    alert = next((a for a in alerts_at(lon=lon, lat=lat, now=now) if a.kind in weather), None)
    if alert is None:
        return None
    title, advice = alert.title(), alert.advice()
    banner = gettext("%(title)s: %(advice)s") % {"title": title, "advice": advice}
    return {"kind": alert.kind, "level": alert.level, "title": title, "banner": banner}


@dataclass(frozen=True)
class DistrictRelief:
    """A district of a city under a warning in force, and how many open stations with the
    relief that weather calls for lie within ``RELIEF_M`` of it (none: nowhere to go)."""

    district: str
    warning: str
    stations: int


RELIEF_M = 1_000
RELIEF_AMENITIES = {
    WeatherAlert.Kind.HEAT: ["cooling"],
    WeatherAlert.Kind.COLD: ["heating"],
}

# The count is SQL: the geodesic 1 km around a district's boundary needs geography casts.
RELIEF_SQL = """
SELECT count(*) FROM stations_station
 WHERE {where}
   AND ST_DWithin(stations_station.location::geography, %s::geography, %s)
"""


def districts_under_warning(*, city: str, now: dt.datetime) -> list[DistrictRelief]:
    """For organisers (the coverage page): each district of ``city`` that a heat or cold
    warning in force covers — named in it, or meeting its polygon — with the open stations
    having cooling (heat) or heating (cold) within 1 km of it, fewest first."""
    found = []
    districts = AdminArea.objects.filter(city=city)
    for area in alerts_in_force(now):
        alert = area.alert
        if alert.kind not in RELIEF_AMENITIES:
            continue
        where, params = where_clause(
            station_conditions(amenities=RELIEF_AMENITIES[alert.kind], open_moment=now)
        )
        for district in districts:
            boundary = district.boundary
            if not area.area.intersects(boundary) or area.area.touches(boundary):
                continue  # a neighbour sharing only the border is not under it
            with read_connection().cursor() as cursor:
                cursor.execute(
                    RELIEF_SQL.format(where=where),
                    [*params, boundary.ewkt, RELIEF_M],
                )
                count = cursor.fetchone()[0]
            found.append(DistrictRelief(district.name, alert.title(), count))
    return sorted(found, key=lambda relief: (relief.stations, relief.district))

"""Which weather warnings are in force at a point."""

from __future__ import annotations

import datetime as dt

from django.contrib.gis.geos import Point
from django.db.models import Exists, OuterRef, Q

from services.alerts.models import WeatherAlert
from stations.models import AdminArea

LEVEL_ORDER = [level for level, _label in WeatherAlert.Level.choices]


def alerts_at(*, lon: float, lat: float, now: dt.datetime) -> list[WeatherAlert]:
    """The warnings in force at (lon, lat) now — by their polygon or one of their districts —
    most severe first."""
    point = Point(lon, lat, srid=4326)
    in_district = AdminArea.objects.filter(weather_alerts=OuterRef("pk"), boundary__covers=point)
    found = WeatherAlert.objects.filter(
        Q(area__covers=point) | Exists(in_district),
        effective__lte=now,
        expires__gt=now,
        cancelled_at=None,
    )
    return sorted(found, key=lambda a: (-LEVEL_ORDER.index(a.level), -a.sent.timestamp()))

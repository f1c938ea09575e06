"""Which weather warnings are in force at a point."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.contrib.gis.geos.prepared import PreparedGeometry
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from core.catalogues import KeptCatalogue
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


@dataclass(frozen=True)
class AlertArea:
    """A warning with the area it covers, prepared for fast point tests."""

    alert: WeatherAlert
    area: PreparedGeometry


def _alert_areas() -> list[AlertArea]:
    """The warnings not yet expired nor cancelled, each with its polygon and districts united
    (read by every nearest request in auto mode: kept by the process, see below)."""
    live = WeatherAlert.objects.filter(expires__gt=timezone.now(), cancelled_at=None)
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


ALERT_AREAS = KeptCatalogue(_alert_areas, seconds=60)
"""New warnings reach the nearest answers of every process within a minute of their import."""


def weather_mode_at(*, lon: float, lat: float, now: dt.datetime) -> dict[str, str] | None:
    """The most severe heat or cold warning in force at (lon, lat) as the nearest search's
    ``mode=auto`` needs it ({"kind", "level", "title"}), or None. The stations app reaches it
    through the setting YIZHAN_WEATHER_MODE_AT, not an import (it sits below this app)."""
    point = Point(lon, lat, srid=4326)
    found = [
        area.alert
        for area in ALERT_AREAS.get()
        if area.alert.kind in (WeatherAlert.Kind.HEAT, WeatherAlert.Kind.COLD)
        and area.alert.effective <= now < area.alert.expires
        and area.area.covers(point)
    ]
    alert = max(found, key=lambda a: (LEVEL_ORDER.index(a.level), a.sent), default=None)
    if alert is None:
        return None
    title, advice = alert.title(), alert.advice()
    banner = gettext("%(title)s: %(advice)s") % {"title": title, "advice": advice}
    return {"kind": alert.kind, "level": alert.level, "title": title, "banner": banner}

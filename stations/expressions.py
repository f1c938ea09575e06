"""Spatial and opening-hours SQL as small Django expressions."""

from __future__ import annotations

import datetime as dt

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import GEOSGeometry
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.expressions import Expression

from stations.models import OpeningException, OpeningPeriod, Station
from stations.opening_hours import LOCAL_TZ


class GeodesicDistance(Func):
    """Metres on the WGS-84 spheroid between two 4326 geometries (PostGIS geography distance,
    computed with GeographicLib's geodesic algorithm)."""

    template = "ST_Distance(%(expressions)s::geography)"
    arg_joiner = "::geography, "
    output_field = FloatField()

    def __init__(self, *expressions, **extra) -> None:
        as_values = [
            Value(e, output_field=GeometryField(srid=e.srid)) if isinstance(e, GEOSGeometry) else e
            for e in expressions
        ]
        super().__init__(*as_values, **extra)


def _covers(opens: F, closes: F, t: dt.time, *, same_day: bool) -> Q:
    """A period covers time-of-day t on its own day, or (wrapping periods) the next morning."""
    wraps = Q(closes__lte=opens)
    if same_day:
        return Q(opens__lte=t) & (wraps | Q(closes__gt=t))
    return wraps & Q(closes__gt=t)


def _day_open(day: dt.date, t: dt.time, *, same_day: bool) -> Expression:
    """Open on ``day``'s own rules at t (same_day), or by a night period of ``day`` spilling into
    the next morning: dated exceptions of that day replace its weekly periods."""
    exceptions = OpeningException.objects.filter(station=OuterRef("pk"), date=day)
    exception_covers = exceptions.filter(
        _covers(F("opens"), F("closes"), t, same_day=same_day), closed=False
    )
    weekly_covers = OpeningPeriod.objects.filter(
        _covers(F("opens"), F("closes"), t, same_day=same_day),
        station=OuterRef("pk"),
        weekday=day.weekday(),
    )
    return Case(
        When(Exists(exceptions), then=Exists(exception_covers)),
        default=Exists(weekly_covers),
        output_field=BooleanField(),
    )


def open_at(moment: dt.datetime) -> Q:
    """Stations open at ``moment``: status open, and covered by today's or last night's hours.

    The same rules as :meth:`stations.opening_hours.Schedule.is_open_at`, inside the query."""
    local = moment.astimezone(LOCAL_TZ)
    day, t = local.date(), local.time().replace(microsecond=0)
    yesterday = day - dt.timedelta(days=1)
    return Q(status=Station.Status.OPEN) & (
        Q(_day_open(day, t, same_day=True)) | Q(_day_open(yesterday, t, same_day=False))
    )

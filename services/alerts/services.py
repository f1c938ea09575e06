"""Taking weather warnings in: CAP messages checked whole (every file parsed and every area
matched to districts) before any is saved, then saved together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.localtime import LOCAL_TZ, local_midnight, local_today
from services.alerts.cap import CapAlert, CapError
from services.alerts.models import WeatherAlert
from services.alerts.selectors import ALERT_AREAS, AlertArea, alert_areas
from stations.models import AdminArea, Region, Station, WarningRule
from stations.services import warning_days_replace


@dataclass(frozen=True)
class AlertImport:
    created: int
    already_present: int
    cancelled: int


def alert_districts(alert: CapAlert) -> list[AdminArea]:
    """The districts a warning names (by name) or codes (adcode) — a city or a province named
    stands for all its counties; CapError when it names none yizhan knows and has no polygon
    either."""
    names = [n for n in alert.district_names if n]
    named = Q(name__in=names) | Q(code__in=alert.district_codes)
    found = list(AdminArea.objects.filter(named))
    for region in Region.objects.filter(named):  # a city or a province: each of its counties
        column = "province" if region.level == Region.Level.PROVINCE else "city"
        found += AdminArea.objects.filter(**{column: region.name}).exclude(
            pk__in=[area.pk for area in found]
        )
    if not found and not alert.polygons:
        raise CapError(
            f"<areaDesc> {alert.area_description!r} names no district yizhan has boundaries "
            "for, and there is no <polygon>"
        )
    return found


def alerts_import(alerts: Sequence[tuple[CapAlert, list[AdminArea]]]) -> AlertImport:
    """Save checked warnings (each with its districts) in one transaction: a new Alert is
    created (one already present, same sender and identifier, is left as it is); an Update
    replaces the messages it references, a Cancel cancels them."""
    created = present = cancelled = 0
    now = timezone.now()
    with transaction.atomic():
        for alert, districts in alerts:
            if alert.msg_type in ("Update", "Cancel"):
                replaced = Q(pk__in=[])
                for sender, identifier in alert.references:
                    replaced |= Q(sender=sender, identifier=identifier)
                cancelled += WeatherAlert.objects.filter(replaced, cancelled_at=None).update(
                    cancelled_at=now
                )
            if alert.msg_type == "Cancel":
                continue
            if WeatherAlert.objects.filter(
                sender=alert.sender, identifier=alert.identifier
            ).exists():
                present += 1
                continue
            saved = WeatherAlert.objects.create(
                sender=alert.sender,
                identifier=alert.identifier,
                sent=alert.sent,
                sender_name=alert.sender_name,
                event=alert.event,
                kind=alert.kind,
                level=alert.level,
                headline=alert.headline,
                description=alert.description,
                instruction=alert.instruction,
                effective=alert.effective,
                expires=alert.expires,
                area_description=alert.area_description,
                area=MultiPolygon(*[Polygon(ring) for ring in alert.polygons], srid=4326)
                if alert.polygons
                else None,
            )
            saved.districts.set(districts)
            created += 1
    ALERT_AREAS.clear()  # updates and cancellations bypass the model's signals
    warning_days_refresh()
    return AlertImport(created, present, cancelled)


def warning_days_refresh() -> int:
    """Put each station with a warning-day rule on every local date, from yesterday on, that a
    warning of the rule's kind is in force (for some part of the day) where the station stands;
    the days of a cancelled or replaced warning go. Run after each import and after a manager
    changes a station's rules. Returns how many days were added or removed."""
    since = local_today() - dt.timedelta(days=1)
    stations: dict[str, list[tuple[int, GEOSGeometry]]] = {k: [] for k in WarningRule.Kind.values}
    with_rules = Station.objects.filter(warning_rules__isnull=False)
    for station_id, location, kind in with_rules.values_list(
        "id", "location", "warning_rules__kind"
    ):
        stations[kind].append((station_id, location))
    days = []
    for area in alert_areas(expiring_after=local_midnight(since)):
        for station_id, location in stations.get(area.alert.kind, []):
            if area.area.covers(location):
                days += [(station_id, day, area.alert.kind) for day in _local_dates(area)]
    return warning_days_replace(days=days)


def _local_dates(area: AlertArea) -> Iterator[dt.date]:
    """The local dates a warning is in force on, for some part of the day."""
    day = area.alert.effective.astimezone(LOCAL_TZ).date()
    last = (area.alert.expires - dt.timedelta(microseconds=1)).astimezone(LOCAL_TZ).date()
    while day <= last:
        yield day
        day += dt.timedelta(days=1)

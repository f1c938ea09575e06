"""Taking weather warnings in: CAP messages checked whole (every file parsed and every area
matched to districts) before any is saved, then saved together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from services.alerts.cap import CapAlert, CapError
from services.alerts.models import WeatherAlert
from services.alerts.selectors import ALERT_AREAS
from stations.models import AdminArea


@dataclass(frozen=True)
class AlertImport:
    created: int
    already_present: int
    cancelled: int


def alert_districts(alert: CapAlert) -> list[AdminArea]:
    """The districts a warning names (by name) or codes (adcode); CapError when it names none
    yizhan knows and has no polygon either."""
    names = [n for n in alert.district_names if n]
    found = list(AdminArea.objects.filter(Q(name__in=names) | Q(code__in=alert.district_codes)))
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
    return AlertImport(created, present, cancelled)

"""Writes for workers' reports: taking one (rate-limited per client and station), and a
manager's resolution (audited in the station's history)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from core.exceptions import Refused
from core.phones import phone_digests
from services.reports.models import StationReport
from stations.models import Station, StationChange

PER_STATION_LIMIT = 3
PER_STATION_PERIOD = dt.timedelta(minutes=10)


def client_digest(address: str) -> str:
    """A client as the reports keep it: a keyed hash of its address, never the address."""
    return salted_hmac("yizhan.report.client", address, algorithm="sha256").hexdigest()


def report_create(
    *, station: Station, kind: str, client: str, note: str = "", phone: str = ""
) -> StationReport:
    """Take a worker's report. One client may report a station ``PER_STATION_LIMIT`` times in
    ``PER_STATION_PERIOD`` (429 beyond); the phone number, if given, is kept as bookings keep
    it (a keyed hash and the last four digits)."""
    recent = StationReport.objects.filter(
        station=station, client=client, created_at__gt=timezone.now() - PER_STATION_PERIOD
    )
    if recent.count() >= PER_STATION_LIMIT:
        refused = Refused(
            _("You have just reported this station: thank you. Try again in a few minutes."),
            status=429,
        )
        refused.headers["Retry-After"] = str(int(PER_STATION_PERIOD.total_seconds()))
        raise refused
    return StationReport.objects.create(
        station=station,
        kind=kind,
        note=note,
        client=client,
        phone_hash=phone_digests(phone, station.pk)[0] if phone else "",
        phone_last4=phone[-4:] if phone else "",
    )


@transaction.atomic
def reports_resolve(
    *, station: Station, resolution: str, actor: AbstractBaseUser, kind: str | None = None
) -> int:
    """A manager's answer to the station's open reports (of one kind, or all): fixed, not true,
    or the station is closed. Recorded in the station's history; returns how many it closed."""
    open_reports = StationReport.objects.select_for_update().filter(
        station=station, resolved_at=None
    )
    if kind:
        open_reports = open_reports.filter(kind=kind)
    ids = list(open_reports.values_list("pk", flat=True))
    now = timezone.now()
    StationReport.objects.filter(pk__in=ids).update(
        resolved_at=now, resolution=resolution, resolved_by=actor
    )
    if ids:
        StationChange.objects.create(
            station=station,
            at=now,
            actor=actor,
            actor_name=actor.get_username(),
            source=StationChange.Source.API,
            action=f"resolve reports: {resolution}",  # ≤ 40 characters
            changes={f"open_reports:{kind or 'all'}": {"before": len(ids), "after": 0}},
        )
    return len(ids)

"""The reports' answers: the notices workers see about a station, in the request's language."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from core.localtime import local_iso
from services.reports.models import StationReport
from services.reports.selectors import Notice, ReportedStation, station_notices


def notice_output(notice: Notice) -> dict[str, Any]:
    label = StationReport.Kind(notice.kind).label
    return {
        "kind": notice.kind,
        "text": _("Workers report: %(problem)s") % {"problem": label},
        "since": local_iso(notice.since),
        "latest": local_iso(notice.latest),
        "clients": notice.clients,
    }


def notices_output(station: ReportedStation) -> dict[str, Any]:
    notices = station_notices(station=station, now=timezone.now())
    return {"station": station.code, "notices": [notice_output(n) for n in notices]}

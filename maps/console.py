"""The staff's home after logging in (``/console/``), by role: a station manager's stations and
what needs checking, an organiser's vans and coming check-ups, an administrator's links; and an
organiser's check-up day (``/console/checkups/<id>/``): attendees, check-in, the waiting list."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.language import is_english
from core.localtime import LOCAL_TZ, local_midnight
from core.roles import ORGANISERS, STATION_KEEPERS, Role, has_any_role, has_role
from services.checkups.selectors import (
    attendance_counts,
    checkup_queryset,
    checkups_scheduled_from,
    event_attendees,
    van_list,
)
from services.checkups.serializers import attendee_rows
from services.reports.models import StationReport
from services.reports.selectors import StationReports, reports_of_stations
from services.reports.serializers import notice_output
from stations.geojson import OpenState
from stations.models import Station, StationAmenity
from stations.permissions import managed_stations
from stations.selectors import (
    StationView,
    console_stations,
    stale_before,
    station_changes_by_others,
)

CONSOLE_STATIONS = 50  # more than this (an administrator's): the ones to check first


@dataclass(frozen=True)
class StationRow:
    """One of a manager's stations as their home shows it."""

    station: StationView
    name: str
    status: str
    open_now: bool
    change: str
    """When that changes: "open until 18:00", "opens 08:00 (12月3日)", or ""."""
    stale: bool
    out_of_service: list[str]
    reports: list[StationReport]
    """Workers' open reports of the station, oldest first."""
    notices: list[dict]
    """What those reports show workers (services.reports.serializers.notice_output)."""


def station_row(
    station: StationView,
    moment: dt.datetime,
    stale_since: dt.datetime,
    reports: StationReports | None = None,
) -> StationRow:
    english = is_english()
    state = OpenState.of(station.schedule(), station.is_open_status, moment)
    change = ""
    if state.closes_at is not None:
        change = _("open until %(time)s") % {"time": moment_text(state.closes_at, moment)}
    elif state.opens_at is not None:
        change = _("opens %(time)s") % {"time": moment_text(state.opens_at, moment)}
    statuses = dict(Station.Status.choices)
    name_index = 2 if english else 1
    return StationRow(
        station=station,
        name=station.name_en if english and station.name_en else station.name,
        status=str(statuses.get(station.status, station.status)),
        open_now=state.open_now,
        change=change,
        stale=station.confirmed_at is None or station.confirmed_at < stale_since,
        out_of_service=[
            amenity[name_index] or amenity[1]
            for amenity in station.amenities
            if amenity[3] == StationAmenity.Status.OUT_OF_SERVICE
        ],
        reports=reports.reports if reports else [],
        notices=[notice_output(notice) for notice in reports.notices] if reports else [],
    )


def moment_text(moment: dt.datetime, now: dt.datetime) -> str:
    """18:00 today; 12月3日 08:00 (Dec 3 08:00) another day: local time, the page's language."""
    local, today = moment.astimezone(LOCAL_TZ), now.astimezone(LOCAL_TZ).date()
    time = date_format(local, "H:i")
    if local.date() == today:
        return time
    return f"{date_format(local, 'MONTH_DAY_FORMAT')} {time}"


@login_required
def console_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    context: dict = {
        "keeps_stations": has_any_role(user, STATION_KEEPERS),
        "organises": has_any_role(user, ORGANISERS),
        "administers": has_role(user, Role.ADMINISTRATOR),
    }
    if context["keeps_stations"]:
        views, total = console_stations(user=user, moment=now, limit=CONSOLE_STATIONS)
        stale_since = stale_before()
        reports = reports_of_stations(stations=views, now=now)
        context |= {
            "stations": [
                station_row(view, now, stale_since, reports.get(view.id)) for view in views
            ],
            "resolutions": StationReport.Resolution.choices,
            "stations_total": total,
            "changes": station_changes_by_others(user=user),
            "texts": {
                "verified": _("Confirmed just now."),
                "resolved": _("Answered: the reports are closed."),
                "stale": _("Someone changed this station meanwhile: reload the page."),
                "failed": _("Not saved:"),
                "offline": _("No connection: check the network, then try again."),
            },
        }
    if context["organises"]:
        today = local_midnight(now.astimezone(LOCAL_TZ).date())  # today's, started or not
        context |= {"vans": van_list(), "events": checkups_scheduled_from(starts_from=today)}
    return render(request, "maps/console.html", context)


@login_required
def checkup_day_page(request: HttpRequest, event_id: int) -> HttpResponse:
    """For organisers at the van: who booked, check-in by reference (or reference and the
    phone's last four digits), no-shows, the waiting list, the day's export. The list is drawn
    by the page's script from the organisers' API, which it also writes through."""
    if not has_any_role(request.user, ORGANISERS):
        raise PermissionDenied(_("Check-up days are for organisers and administrators."))
    event = get_object_or_404(checkup_queryset(), pk=event_id)
    attendees = event_attendees(event_id=event.pk)
    english = is_english()
    place = event.address
    if event.station is not None:
        place = event.station.name_en if english and event.station.name_en else event.station.name
    day = {
        "counts": dataclasses.asdict(attendance_counts(event, attendees, timezone.now())),
        "attendees": attendee_rows(attendees),
        "api": reverse("v1:organiser-event-attendees", args=[event.pk]),
        "attendance": reverse("v1:organiser-event-attendance", args=[event.pk]),
        "texts": {
            "check_in": _("Check in"),
            "did_not_come": _("Did not come"),
            "undo": _("Undo"),
            "checked_in": _("%(reference)s checked in."),
            "marked": _("%(reference)s marked as not come."),
            "undone": _("%(reference)s: attendance cleared."),
            "booked_at": _("booked %(time)s"),
            "position": _("number %(position)s in the waiting list"),
            "none": _("Nobody has booked yet."),
            "no_match": _("No booking matches."),
            "failed": _("Not saved:"),
            "offline": _("No connection: check the network, then try again."),
        },
    }
    context = {
        "event": event,
        "kind": event.kind.name_en if english else event.kind.name,
        "place": place,
        "day": day,
        "exports": [
            (fmt.upper(), reverse("v1:organiser-event-attendees-export", args=[event.pk, fmt]))
            for fmt in ("csv", "xlsx")
        ],
    }
    return render(request, "maps/checkup_day.html", context)


@login_required
def station_qr_page(request: HttpRequest, code: str) -> HttpResponse:
    """A sheet a manager prints and puts up at their station: its name and a QR code that
    opens its page at the report buttons."""
    station = managed_stations(request.user).filter(code=code).first()
    if station is None:
        if not Station.objects.filter(code=code).exists():
            raise Http404(_("No station with code “%s”.") % code)
        raise PermissionDenied(_("Only this station's managers print its QR code."))
    target = request.build_absolute_uri(reverse("station-page", args=[code])) + "#reports"
    qr = segno.make(target, error="m")
    context = {
        "station": station,
        "name": station.name_en if is_english() and station.name_en else station.name,
        "target": target,
        "qr": mark_safe(qr.svg_inline(scale=8, title=None)),
    }
    return render(request, "maps/station_qr.html", context)

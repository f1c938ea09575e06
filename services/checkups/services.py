"""Writes with their rules for check-ups: bookings that never over-book, van visits that
the van can really make."""

from __future__ import annotations

import datetime as dt
import secrets
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _
from geopy.distance import geodesic

from core.archive import rows_archive
from core.exceptions import Refused
from core.localtime import LOCAL_TZ, local_midnight
from core.phones import phone_digests
from services.checkups.models import Booking, CheckupEvent, Van
from stations.models import Station

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L


class BookingRefused(Refused):
    """The booking (or its cancellation) cannot be done (409, or 404 for what does not exist)."""


def _new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _why_no_place(event_id: int) -> BookingRefused:
    event = CheckupEvent.objects.filter(pk=event_id).first()
    if event is None:
        return BookingRefused(_("No such check-up event."), status=404)
    if event.status == CheckupEvent.Status.CANCELLED:
        return BookingRefused(_("This check-up event has been cancelled."))
    if event.status == CheckupEvent.Status.DONE or event.starts_at <= timezone.now():
        return BookingRefused(_("This check-up event has already started or taken place."))
    if event.is_synthetic and not settings.YIZHAN_DEMO:
        return BookingRefused(
            _("This check-up event is demo data (invented): it cannot be booked.")
        )
    full = BookingRefused(_("No places left: you can join the waiting list."))
    full.extra["waiting_list"] = True  # the page offers it
    return full


def _bookable(event_id: int):
    """The event, if it takes bookings now (scheduled, not started; demo events only in a demo
    deployment)."""
    bookable = CheckupEvent.objects.filter(
        pk=event_id, status=CheckupEvent.Status.SCHEDULED, starts_at__gt=Now()
    )
    return bookable if settings.YIZHAN_DEMO else bookable.filter(is_synthetic=False)


def _new_booking(event_id: int, phone: str, digest: str, *, waiting: bool) -> Booking:
    try:
        with transaction.atomic():
            return Booking.objects.create(
                event_id=event_id,
                reference=_new_reference(),
                phone_hash=digest,
                phone_last4=phone[-4:],
                waiting=waiting,
            )
    except IntegrityError as error:  # the same phone booked at the same moment; place given back
        raise BookingRefused(_("This phone number already has a place at this event.")) from error


@transaction.atomic
def booking_create(*, event_id: int, phone: str, join_waiting_list: bool = False) -> Booking:
    """Take a place and record the booking, all or nothing. The place is taken by one
    conditional UPDATE (the row lock serialises concurrent bookers and each re-checks
    ``booked < capacity``), so an event is never over-booked. When the event is full and the
    worker asks for it, they join its waiting list instead (``waiting``), decided with the
    event's row locked so that a place given back meanwhile is taken, not queued for. A demo
    (synthetic) event can be booked only in a demo deployment (``YIZHAN_DEMO``)."""
    digests = phone_digests(phone, event_id)
    live = Booking.objects.filter(event_id=event_id, phone_hash__in=digests, cancelled_at=None)
    if live.exists():
        raise BookingRefused(_("This phone number already has a place at this event."))
    took_place = (
        _bookable(event_id)
        .filter(booked__lt=F("capacity"))
        .update(booked=F("booked") + 1, updated_at=Now())
    )
    if took_place:
        return _new_booking(event_id, phone, digests[0], waiting=False)
    if not join_waiting_list:
        raise _why_no_place(event_id)
    event = _bookable(event_id).select_for_update().first()
    if event is None:
        raise _why_no_place(event_id)
    if event.booked < event.capacity:  # a place was given back after our UPDATE
        CheckupEvent.objects.filter(pk=event_id).update(booked=F("booked") + 1, updated_at=Now())
        return _new_booking(event_id, phone, digests[0], waiting=False)
    return _new_booking(event_id, phone, digests[0], waiting=True)


def _locked_event(event_id: int) -> CheckupEvent:
    event = CheckupEvent.objects.select_for_update().filter(pk=event_id).first()
    if event is None:
        raise BookingRefused(_("No such check-up event."), status=404)
    return event


@transaction.atomic
def booking_cancel(*, event_id: int, reference: str, phone: str) -> Booking:
    """Cancel a live booking (or leave the waiting list), given its reference and the phone
    number it was made with. A place given back goes to the first in the waiting list, if any,
    else back to the event. The event's row is locked first, as every booking write does, so
    the waiting list moves in order: nobody jumps the queue and no place is lost."""
    event = _locked_event(event_id)
    booking = (
        Booking.objects.select_for_update()
        .filter(event_id=event_id, reference=reference.upper(), cancelled_at=None)
        .first()
    )
    if booking is None or booking.phone_hash not in phone_digests(phone, event_id):
        raise BookingRefused(_("No live booking with this reference and phone number."), status=404)
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["cancelled_at"])
    if not booking.waiting and not _give_places_to_waiting_list(event, 1):
        CheckupEvent.objects.filter(pk=event_id, booked__gt=0).update(
            booked=F("booked") - 1, updated_at=timezone.now()
        )
    return booking


def _give_places_to_waiting_list(event: CheckupEvent, places: int) -> int:
    """Give up to ``places`` places to the first of the event's waiting list (the caller holds
    the event's row lock and accounts for the places); returns how many were given. The list
    of a scheduled event moves until the event ends: a place given back at the van still goes
    to the first waiting, who may be there hoping for one."""
    if event.status != CheckupEvent.Status.SCHEDULED or event.ends_at <= timezone.now():
        return 0
    first = Booking.objects.filter(event=event, waiting=True, cancelled_at=None).order_by("id")
    chosen = list(first.values_list("pk", flat=True)[:places])
    return Booking.objects.filter(pk__in=chosen).update(
        waiting=False, given_place_at=timezone.now()
    )


def waiting_list_advance(*, event_id: int) -> int:
    """After an event gains places (its capacity raised): give them to its waiting list, in
    order, with the event's row locked. Returns how many places were given."""
    with transaction.atomic():
        event = _locked_event(event_id)
        given = _give_places_to_waiting_list(event, max(event.capacity - event.booked, 0))
        if given:
            CheckupEvent.objects.filter(pk=event_id).update(
                booked=F("booked") + given, updated_at=timezone.now()
            )
        return given


class AttendanceMark(StrEnum):
    """What an organiser records at the van (the booking's resulting state is
    ``Booking.Attendance``)."""

    CAME = "came"
    DID_NOT_COME = "did_not_come"
    NOT_RECORDED = "not_recorded"


@transaction.atomic
def booking_attendance_record(
    *, event_id: int, reference: str, attendance: AttendanceMark, phone_last4: str = ""
) -> Booking:
    """Check a worker in at the van (by reference; with the phone's last four digits too when
    given, which must then match), mark them as not come, or undo either. Only live bookings
    with a place; checking in opens on the event's day (Beijing time), and nobody is marked
    as not come before the event has started."""
    event = CheckupEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise BookingRefused(_("No such check-up event."), status=404)
    booking = (
        Booking.objects.select_for_update()
        .filter(event_id=event_id, reference=reference.strip().upper(), cancelled_at=None)
        .first()
    )
    if booking is None or (phone_last4 and booking.phone_last4 != phone_last4):
        raise BookingRefused(_("No live booking with this reference at this event."), status=404)
    if booking.waiting:
        raise BookingRefused(_("This booking is on the waiting list: it has no place yet."))
    now = timezone.now()
    if attendance == AttendanceMark.CAME and now < local_midnight(
        event.starts_at.astimezone(LOCAL_TZ).date()
    ):
        raise BookingRefused(_("Check-in opens on the day of the check-up."))
    if attendance == AttendanceMark.DID_NOT_COME and now < event.starts_at:
        raise BookingRefused(_("The check-up has not started yet."))
    booking.checked_in_at = now if attendance == AttendanceMark.CAME else None
    booking.no_show_at = now if attendance == AttendanceMark.DID_NOT_COME else None
    booking.save(update_fields=["checked_in_at", "no_show_at"])
    return booking


def bookings_archive(*, ended_before: dt.datetime) -> int:
    """Move the bookings of events that ended before ``ended_before`` to the bookings' archive
    table (see core.archive); the events stay. Returns how many moved."""
    return rows_archive(
        table="services_booking",
        old_rows=(
            "SELECT b.id FROM services_booking b JOIN services_checkupevent e"
            " ON e.id = b.event_id WHERE e.ends_at < %s"
        ),
        params=[ended_before],
    )


class VisitRefused(Refused):
    """A van visit that the van cannot make; the message says why (409)."""


def van_travel_seconds(metres: float) -> float:
    """Driving time for a geodesic distance: stretched by a detour factor for real roads, at
    an average speed (settings YIZHAN_VAN_DETOUR_FACTOR, YIZHAN_VAN_SPEED_KMH). The one travel
    rule, for the van-visit checks and for tour planning."""
    hours = metres * settings.YIZHAN_VAN_DETOUR_FACTOR / (settings.YIZHAN_VAN_SPEED_KMH * 1000)
    return hours * 3600


def van_travel_time(origin: Point, destination: Point) -> dt.timedelta:
    """Driving time between two points (:func:`van_travel_seconds` of their geodesic distance)."""
    metres = geodesic((origin.y, origin.x), (destination.y, destination.x)).meters
    return dt.timedelta(seconds=van_travel_seconds(metres))


def _same_day_visits(van: Van, day: dt.date, moving: CheckupEvent | None):
    local_day_start = local_midnight(day)
    visits = van.visits.filter(
        status=CheckupEvent.Status.SCHEDULED,
        starts_at__gte=local_day_start,
        starts_at__lt=local_day_start + dt.timedelta(days=1),
    )
    return visits.exclude(pk=moving.pk) if moving else visits


def van_visit_problem(
    *,
    van: Van,
    location: Point,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    moving: CheckupEvent | None = None,
) -> str | None:
    """Why the van cannot make this visit, or None: its day off, outside its working hours,
    already booked then, or unable to drive here from its previous visit that day (or on to
    its next one) in time."""
    local_start, local_end = starts_at.astimezone(LOCAL_TZ), ends_at.astimezone(LOCAL_TZ)
    day = local_start.date()
    if day.weekday() in van.days_off:
        return _("%(day)s is the van's day off.") % {"day": day.isoformat()}
    if (
        local_end.date() != day
        or local_start.time() < van.day_starts
        or local_end.time() > van.day_ends
    ):
        return _("Outside the van's working hours (%(starts)s–%(ends)s).") % {
            "starts": f"{van.day_starts:%H:%M}",
            "ends": f"{van.day_ends:%H:%M}",
        }
    visits = list(_same_day_visits(van, day, moving).order_by("starts_at"))
    for other in visits:
        if other.starts_at < ends_at and starts_at < other.ends_at:
            return _("The van is already booked then (event %(id)s, %(starts)s–%(ends)s).") % {
                "id": other.pk,
                "starts": f"{other.starts_at.astimezone(LOCAL_TZ):%H:%M}",
                "ends": f"{other.ends_at.astimezone(LOCAL_TZ):%H:%M}",
            }
    previous = next((v for v in reversed(visits) if v.ends_at <= starts_at), None)
    following = next((v for v in visits if v.starts_at >= ends_at), None)
    if previous is not None:
        travel = van_travel_time(previous.location, location)
        if previous.ends_at + travel > starts_at:
            return _too_far(previous, travel)
    if following is not None:
        travel = van_travel_time(location, following.location)
        if ends_at + travel > following.starts_at:
            return _too_far(following, travel)
    return None


def _too_far(other: CheckupEvent, travel: dt.timedelta) -> str:
    return _(
        "The van cannot make it in time: %(minutes)d minutes of driving to or from event %(id)s."
    ) % {"minutes": round(travel.total_seconds() / 60), "id": other.pk}


@transaction.atomic
def checkup_event_schedule(
    *,
    event: CheckupEvent,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    station: Station | None = None,
    location: Point | None = None,
) -> CheckupEvent:
    """Create (``event`` unsaved) or move an event to a time and place. A van visit is checked
    against the van's other visits with the van's row locked, so two organisers cannot book
    the same van for the same hours at once. Raises VisitRefused, or ValidationError."""
    if station is not None:
        event.station, event.location = station, station.location
    elif location is not None:
        event.station, event.location = None, location
    event.starts_at, event.ends_at = starts_at, ends_at
    event.full_clean()
    if event.van_id is not None and event.status == CheckupEvent.Status.SCHEDULED:
        van = Van.objects.select_for_update().get(pk=event.van_id)
        problem = van_visit_problem(
            van=van,
            location=event.location,
            starts_at=starts_at,
            ends_at=ends_at,
            moving=event if event.pk else None,
        )
        if problem:
            raise VisitRefused(problem)
    event.save()  # never writes ``booked`` back (CheckupEvent.save)
    return event


@transaction.atomic
def checkup_event_save(*, event: CheckupEvent, data: dict[str, Any]) -> CheckupEvent:
    """Create (``event`` unsaved) or change an event from an organiser's validated data; a
    change of time, place, van or status is checked by :func:`checkup_event_schedule`.

    A change works on the event's row as it is now, locked (bookings wait for it, and it waits
    for them), and writes only the fields it was given: capacity cannot drop below the places
    booked meanwhile (409), and a booking made since is never undone."""
    data = dict(data)
    if event.pk is not None:
        event = CheckupEvent.objects.select_for_update().get(pk=event.pk)
        capacity = data.get("capacity", event.capacity)
        if capacity < event.booked:
            raise Refused(
                _("%(booked)d places are booked already: capacity cannot be %(capacity)d.")
                % {"booked": event.booked, "capacity": capacity}
            )
    starts_at = data.pop("starts_at", event.starts_at)
    ends_at = data.pop("ends_at", event.ends_at)
    station = data.pop("station", None)
    location = data.pop("location", None)
    for name, value in data.items():
        setattr(event, name, value)
    if station is None and location is None and event.pk is None:
        raise ValueError("a new event needs a station or a location")
    event = checkup_event_schedule(
        event=event, starts_at=starts_at, ends_at=ends_at, station=station, location=location
    )
    if "capacity" in data and event.booked < event.capacity:  # places added: list first
        waiting_list_advance(event_id=event.pk)
        event.refresh_from_db(fields=["booked"])
    return event


@transaction.atomic
def checkup_event_delete(*, event_id: int) -> None:
    """Delete an event nobody has booked; one with live bookings is cancelled instead (409)."""
    event = CheckupEvent.objects.select_for_update().get(pk=event_id)
    if event.booked:
        raise Refused(
            _("%(count)d places are booked: set the status to cancelled instead.")
            % {"count": event.booked}
        )
    event.bookings.all().delete()
    event.delete()


@transaction.atomic
def van_delete(*, van_id: int) -> None:
    van = Van.objects.select_for_update().get(pk=van_id)
    visits = van.visits.count()
    if visits:
        raise Refused(
            _("The van has %(count)d visits: delete or move them first.") % {"count": visits}
        )
    van.delete()


# Tour planning ------------------------------------------------------------------------------

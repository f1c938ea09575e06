"""Writes with their rules for check-ups: bookings that never over-book, van visits that
the van can really make."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _
from geopy.distance import geodesic

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
    return BookingRefused(_("No places left."))


@transaction.atomic
def booking_create(*, event_id: int, phone: str) -> Booking:
    """Take a place and record the booking, all or nothing. The place is taken by one
    conditional UPDATE (the row lock serialises concurrent bookers and each re-checks
    ``booked < capacity``), so an event is never over-booked. A demo (synthetic) event can
    be booked only in a demo deployment (``YIZHAN_DEMO``)."""
    digests = phone_digests(phone, event_id)
    live = Booking.objects.filter(event_id=event_id, phone_hash__in=digests, cancelled_at=None)
    if live.exists():
        raise BookingRefused(_("This phone number already has a place at this event."))
    bookable = CheckupEvent.objects.filter(
        pk=event_id,
        status=CheckupEvent.Status.SCHEDULED,
        starts_at__gt=Now(),
        booked__lt=F("capacity"),
    )
    if not settings.YIZHAN_DEMO:
        bookable = bookable.filter(is_synthetic=False)
    if bookable.update(booked=F("booked") + 1, updated_at=Now()) == 0:
        raise _why_no_place(event_id)
    try:
        with transaction.atomic():
            return Booking.objects.create(
                event_id=event_id,
                reference=_new_reference(),
                phone_hash=digests[0],
                phone_last4=phone[-4:],
            )
    except IntegrityError as error:  # the same phone booked at the same moment; place given back
        raise BookingRefused(_("This phone number already has a place at this event.")) from error


@transaction.atomic
def booking_cancel(*, event_id: int, reference: str, phone: str) -> Booking:
    """Cancel a live booking, given its reference and the phone number it was made with, and
    give its place back."""
    booking = (
        Booking.objects.select_for_update()
        .filter(event_id=event_id, reference=reference.upper(), cancelled_at=None)
        .first()
    )
    if booking is None or booking.phone_hash not in phone_digests(phone, event_id):
        raise BookingRefused(_("No live booking with this reference and phone number."), status=404)
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["cancelled_at"])
    CheckupEvent.objects.filter(pk=event_id, booked__gt=0).update(
        booked=F("booked") - 1, updated_at=timezone.now()
    )
    return booking


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
    return checkup_event_schedule(
        event=event, starts_at=starts_at, ends_at=ends_at, station=station, location=location
    )


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

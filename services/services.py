"""Writes with their rules for check-ups: bookings that never over-book, van visits that
the van can really make."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from geopy.distance import geodesic

from config.exceptions import Refused
from services.models import Booking, CheckupEvent, TourProposal, Van
from services.planning import Plan, plan_tours, problem
from services.selectors import (
    UNCOVERED_DAYS,
    UNCOVERED_KM,
    distance_matrix,
    planning_candidates,
    planning_van_days,
)
from stations.models import Station
from stations.opening_hours import LOCAL_TZ, local_midnight

# Mainland China mobile numbers: 11 digits from 13x–19x, optionally written with +86 / 0086 /
# 86 and spaces or dashes.
MOBILE = re.compile(r"1[3-9]\d{9}")
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L


class BookingRefused(Refused):
    """The booking (or its cancellation) cannot be done (409, or 404 for what does not exist)."""


def normalise_mobile(raw: str) -> str | None:
    """The 11-digit mainland mobile number in ``raw``, or None when it is not one."""
    digits = re.sub(r"[\s\-()]", "", raw)
    digits = re.sub(r"^(\+86|0086|86)(?=1\d{10}$)", "", digits)
    return digits if MOBILE.fullmatch(digits) else None


def phone_digests(phone: str, event_id: int) -> list[str]:
    """The keyed hashes that a booking of ``phone`` at this event may carry, the current key's
    first: HMAC-SHA256 under each of ``YIZHAN_PHONE_HASH_KEYS`` (the first hashes new
    bookings; older ones still match bookings made before a rotation), then the scheme of
    releases before those keys (under DJANGO_SECRET_KEY). The event is part of the message, so
    the same number at two events gives unrelated hashes: the database alone does not link a
    worker's bookings."""
    message = f"{event_id}:{phone}".encode()
    digests = [
        hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
        for key in settings.YIZHAN_PHONE_HASH_KEYS
    ]
    legacy = salted_hmac("yizhan.booking.phone", phone, algorithm="sha256").hexdigest()
    return [*digests, legacy]


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


@dataclass(frozen=True)
class TourRequest:
    city: str
    first_day: dt.date
    last_day: dt.date
    vans: Sequence[Van]
    visit_minutes: int
    district: str | None = None
    station_codes: Sequence[str] = ()
    uncovered_km: float = UNCOVERED_KM
    uncovered_days: int = UNCOVERED_DAYS
    time_limit_s: float = 10.0

    def parameters(self) -> dict[str, Any]:
        """What was asked, as JSON values (kept with the proposal)."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return values | {
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "vans": [van.pk for van in self.vans],
            "station_codes": list(self.station_codes),
        }


def tour_plan(
    request: TourRequest, *, on_solution: Callable[[float], None] | None = None
) -> tuple[Plan, list[tuple[Van, dt.date]]]:
    """Plan the tours (not saved). Returns the plan and the van-days left out because the van
    already has visits then."""
    van_days, busy = planning_van_days(
        vans=request.vans,
        first=request.first_day,
        last=request.last_day,
        visit_minutes=request.visit_minutes,
    )
    candidates = planning_candidates(
        city=request.city,
        district=request.district,
        codes=request.station_codes,
        before=local_midnight(request.first_day),
        uncovered_km=request.uncovered_km,
        uncovered_days=request.uncovered_days,
    )
    if not candidates:
        raise Refused(
            _("No open station to visit in %(place)s.") % {"place": request.city}, status=400
        )
    tour_problem = problem(
        van_days=van_days,
        candidates=candidates,
        visit_minutes=request.visit_minutes,
        distance_matrix=distance_matrix,
        travel_seconds=van_travel_seconds,
    )
    return plan_tours(
        tour_problem, time_limit_s=request.time_limit_s, on_solution=on_solution
    ), busy


def plan_document(plan: Plan, busy: Sequence[tuple[Van, dt.date]]) -> dict[str, Any]:
    """The plan as JSON values (what the API returns and a proposal keeps)."""
    tours = []
    for tour in plan.tours:
        day = tour.van_day
        stops = [
            {
                "order": order,
                "station": stop.candidate.code,
                "station_id": stop.candidate.station_id,
                "name": stop.candidate.name,
                "is_synthetic": stop.candidate.is_synthetic,
                "location": [stop.candidate.lon, stop.candidate.lat],
                "starts_at": stop.starts_at(day.date, LOCAL_TZ).isoformat(),
                "ends_at": stop.ends_at(day.date, LOCAL_TZ).isoformat(),
                "drive_minutes": round(stop.travel_s / 60),
                "demand": stop.candidate.demand,
                "uncovered": stop.candidate.uncovered,
                "reached": stop.reached,
            }
            for order, stop in enumerate(tour.stops, start=1)
        ]
        tours.append(
            {
                "van": day.van_id,
                "van_name": day.van_name,
                "van_is_synthetic": day.van_is_synthetic,
                "date": day.date.isoformat(),
                "capacity_per_visit": day.visit_capacity,
                "reached": tour.reached,
                "stops": stops,
            }
        )
    return {
        "method": plan.method,
        "solve_seconds": round(plan.seconds, 2),
        "demand_total": plan.demand_total,
        "demand_covered": plan.demand_covered,
        "visits": plan.visits,
        "tours": tours,
        "skipped_busy_days": [{"van": van.pk, "date": day.isoformat()} for van, day in busy],
    }


def tour_proposal_create(
    *,
    request: TourRequest,
    actor: AbstractBaseUser | None,
    on_solution: Callable[[float], None] | None = None,
) -> TourProposal:
    """Plan the tours and keep the proposal (no events yet: see :func:`tour_proposal_accept`)."""
    plan, busy = tour_plan(request, on_solution=on_solution)
    return TourProposal.objects.create(
        created_by=actor,
        parameters=request.parameters(),
        plan=plan_document(plan, busy),
        demand_total=plan.demand_total,
        demand_covered=plan.demand_covered,
    )


@transaction.atomic
def tour_proposal_accept(
    *, proposal_id: int, actor: AbstractBaseUser | None, kind: str = "general_checkup"
) -> list[CheckupEvent]:
    """Save a proposal's visits as events, all or none: each is checked by the van rules (with
    the van locked) as if an organiser had entered it, so a plan overtaken by other bookings
    is refused with the reason."""
    proposal = TourProposal.objects.select_for_update().get(pk=proposal_id)
    if proposal.accepted_at is not None:
        raise Refused(_("This proposal was already accepted."))
    # Every van of the plan is locked at once, in id order: two proposals over the same vans
    # accepted together wait for each other instead of deadlocking; the second is then refused
    # by the van rules (409), with the reason.
    van_ids = sorted({tour["van"] for tour in proposal.plan["tours"]})
    locked = Van.objects.select_for_update().filter(pk__in=van_ids).order_by("pk")
    vans = {van.pk: van for van in locked}
    stations = Station.objects.in_bulk(
        [stop["station_id"] for tour in proposal.plan["tours"] for stop in tour["stops"]]
    )
    events = []
    for tour in proposal.plan["tours"]:
        van = vans.get(tour["van"])
        for stop in tour["stops"]:
            station = stations.get(stop["station_id"])
            if van is None or station is None:
                raise Refused(_("A van or station of this proposal no longer exists."))
            event = CheckupEvent(
                kind_id=kind,
                capacity=tour["capacity_per_visit"],
                organiser=van.organiser,
                van=van,
                address=station.address,
            )
            events.append(
                checkup_event_schedule(
                    event=event,
                    starts_at=dt.datetime.fromisoformat(stop["starts_at"]),
                    ends_at=dt.datetime.fromisoformat(stop["ends_at"]),
                    station=station,
                )
            )
    proposal.accepted_at, proposal.accepted_by = timezone.now(), actor
    proposal.save(update_fields=["accepted_at", "accepted_by"])
    return events

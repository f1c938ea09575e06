"""Reads for check-ups: the nearest upcoming events, one event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from core.localtime import LOCAL_TZ, local_midnight
from core.nearest import nearest_rows
from core.routers import read_connection
from services.checkups.models import Booking, CheckupEvent, Van
from stations.conditions import Condition, where_clause
from stations.models import AdminArea, Station

EVENT_TABLE = CheckupEvent._meta.db_table


@dataclass(frozen=True, slots=True)
class NearbyEvent:
    event: CheckupEvent
    distance_m: float


@dataclass(frozen=True, slots=True)
class EventRef:
    """An event the nearest search found: its id, when it last changed (a booking changes it
    too) and how far it is."""

    id: int
    updated_at: dt.datetime
    distance_m: float


def checkup_upcoming_refs(
    *,
    lon: float,
    lat: float,
    starts_from: dt.datetime,
    starts_to: dt.datetime,
    kinds: Sequence[str] = (),
    radius_m: float | None = None,
    limit: int = 10,
    open_places: bool = False,
) -> list[EventRef]:
    """Scheduled events starting between the two moments, nearest first (exact geodesic metres,
    then start time): the same index-driven exact search as for stations."""
    conditions = [
        Condition(f"{EVENT_TABLE}.status = '{CheckupEvent.Status.SCHEDULED.value}'"),
        Condition(f"{EVENT_TABLE}.starts_at BETWEEN %s AND %s", (starts_from, starts_to)),
    ]
    if kinds:
        conditions.append(Condition(f"{EVENT_TABLE}.kind_id = ANY(%s)", (list(kinds),)))
    if open_places:
        conditions.append(Condition(f"{EVENT_TABLE}.booked < {EVENT_TABLE}.capacity"))
    rows = nearest_rows(
        table=EVENT_TABLE,
        columns=f"{EVENT_TABLE}.id, {EVENT_TABLE}.starts_at, {EVENT_TABLE}.updated_at",
        where=where_clause(conditions),
        lon=lon,
        lat=lat,
        limit=limit,
        radius_m=radius_m,
        tie_break=lambda columns: (columns[1], columns[0]),
    )
    return [EventRef(event_id, updated_at, metres) for metres, event_id, _, updated_at in rows]


def checkup_upcoming_list(**search: Any) -> list[NearbyEvent]:
    """:func:`checkup_upcoming_refs`' events, read whole."""
    refs = checkup_upcoming_refs(**search)
    events = checkups_by_id([ref.id for ref in refs])
    return [NearbyEvent(events[ref.id], ref.distance_m) for ref in refs]


def checkups_by_id(event_ids: Sequence[int]) -> dict[int, CheckupEvent]:
    return checkup_queryset().in_bulk(event_ids)


def checkup_queryset():
    return CheckupEvent.objects.select_related("kind", "station", "van")


def checkup_get(*, event_id: int) -> CheckupEvent | None:
    return checkup_queryset().filter(pk=event_id).first()


def checkups_scheduled_from(*, starts_from: dt.datetime, limit: int = 20) -> list[CheckupEvent]:
    """The scheduled events from a moment on, everywhere, soonest first (an organiser's view)."""
    return list(
        checkup_queryset()
        .filter(status=CheckupEvent.Status.SCHEDULED, starts_at__gte=starts_from)
        .order_by("starts_at", "pk")[:limit]
    )


def van_list() -> QuerySet[Van]:
    return Van.objects.order_by("name")


def checkups_at_station(*, station_id: int, starts_from: dt.datetime, limit: int = 20):
    """The scheduled events at a station from a moment on, soonest first."""
    return list(
        checkup_queryset()
        .filter(
            station_id=station_id, status=CheckupEvent.Status.SCHEDULED, starts_at__gte=starts_from
        )
        .order_by("starts_at")[:limit]
    )


def van_visits_on(*, day: dt.date, city: str) -> list[CheckupEvent]:
    """The scheduled van visits that start on ``day`` (local time) in ``city``, by van, then
    start time."""
    start = local_midnight(day)
    in_city = AdminArea.objects.filter(city=city, boundary__covers=OuterRef("location"))
    return list(
        checkup_queryset()
        .filter(
            van__isnull=False,
            status=CheckupEvent.Status.SCHEDULED,
            starts_at__gte=start,
            starts_at__lt=start + dt.timedelta(days=1),
        )
        .filter(Exists(in_city))
        .order_by("van__name", "starts_at")
    )


def synthetic_events_present() -> bool:
    """Whether any check-up event is invented demo data."""
    return CheckupEvent.objects.filter(is_synthetic=True).exists()


@dataclass(frozen=True, slots=True)
class AttendanceCounts:
    """An event's day in numbers. After the event has ended, a booking nobody checked in
    counts as a no-show (``no_shows``) whether or not it was marked."""

    capacity: int
    booked: int
    attended: int
    no_shows: int
    waiting: int
    cancelled: int


def event_attendees(*, event_id: int) -> list[Booking]:
    """Everyone who booked the event: those with a place (in booking order), then the waiting
    list (in its order), then cancellations (latest first)."""
    bookings = Booking.objects.filter(event_id=event_id).order_by("id")
    with_place = [b for b in bookings if b.cancelled_at is None and not b.waiting]
    waiting = [b for b in bookings if b.cancelled_at is None and b.waiting]
    cancelled = sorted(
        (b for b in bookings if b.cancelled_at is not None),
        key=lambda b: b.cancelled_at,
        reverse=True,
    )
    return [*with_place, *waiting, *cancelled]


def attendance_counts(
    event: CheckupEvent, attendees: list[Booking], now: dt.datetime
) -> AttendanceCounts:
    """The counts of :func:`event_attendees`'s list for ``event`` at ``now``."""
    over = event.ends_at <= now
    states = [booking.attendance for booking in attendees]
    attended = states.count(Booking.Attendance.ATTENDED)
    marked = states.count(Booking.Attendance.NO_SHOW)
    not_come = states.count(Booking.Attendance.BOOKED) if over else 0
    return AttendanceCounts(
        capacity=event.capacity,
        booked=attended + marked + states.count(Booking.Attendance.BOOKED),
        attended=attended,
        no_shows=marked + not_come,
        waiting=states.count(Booking.Attendance.WAITING),
        cancelled=states.count(Booking.Attendance.CANCELLED),
    )


def waiting_position(booking: Booking) -> int | None:
    """1 for the first in the event's waiting list; None when the booking is not waiting."""
    if not booking.waiting or booking.cancelled_at is not None:
        return None
    return Booking.objects.filter(
        event_id=booking.event_id, waiting=True, cancelled_at=None, pk__lte=booking.pk
    ).count()


@dataclass(frozen=True, slots=True)
class MonthNumbers:
    """A city's check-ups in one month (Beijing time): those held (not cancelled, ended), their
    places, the places booked and attended (no-shows: booked, not checked in), and the share of
    the city's open stations with a check-up held within ``COVERED_KM`` in the
    ``COVERED_DAYS`` before the month's end (or now, for the month under way)."""

    month: dt.date
    held: int
    places: int
    booked: int
    attended: int
    stations: int
    stations_covered: int

    @property
    def no_shows(self) -> int:
        return self.booked - self.attended

    @property
    def covered_share(self) -> float | None:
        return self.stations_covered / self.stations if self.stations else None


COVERED_KM = 3
COVERED_DAYS = 90

# One statement, in SQL: the local-month grouping and the geodesic 3 km test (geography casts,
# with a bounding-box prefilter) are not expressible with Django's lookups on these columns.
CHECKUP_NUMBERS_SQL = f"""
WITH months AS (
    SELECT generate_series(%(first)s::date, %(last)s::date, interval '1 month')::date AS month
), held AS (
    SELECT e.id, e.capacity, e.location, e.starts_at,
           date_trunc('month', e.starts_at AT TIME ZONE %(zone)s)::date AS month
      FROM {EVENT_TABLE} e
     WHERE e.status <> %(cancelled)s AND e.ends_at <= %(now)s AND e.starts_at >= %(since)s
       AND EXISTS (SELECT 1 FROM stations_adminarea a
                    WHERE a.city = %(city)s AND ST_Covers(a.boundary, e.location))
), per_month AS (
    SELECT h.month, count(*) AS held, sum(h.capacity)::int AS places,
           sum(b.booked)::int AS booked, sum(b.attended)::int AS attended
      FROM held h
      CROSS JOIN LATERAL (
          SELECT count(*) FILTER (WHERE NOT waiting) AS booked,
                 count(*) FILTER (WHERE checked_in_at IS NOT NULL) AS attended
            FROM services_booking
           WHERE event_id = h.id AND cancelled_at IS NULL) b
     GROUP BY h.month
), city_stations AS (
    SELECT location,
           ST_Expand(location, %(metres)s / 111000.0 / cos(radians(ST_Y(location)))) AS near
      FROM stations_station
     WHERE city = %(city)s AND status = %(open)s
), month_ends AS (
    SELECT month, LEAST(
        (month + interval '1 month')::timestamp AT TIME ZONE %(zone)s, %(now)s) AS ends
      FROM months
)
SELECT m.month, COALESCE(p.held, 0), COALESCE(p.places, 0), COALESCE(p.booked, 0),
       COALESCE(p.attended, 0), (SELECT count(*) FROM city_stations),
       (SELECT count(*) FROM city_stations s
         WHERE EXISTS (SELECT 1 FROM held h
                        WHERE h.starts_at >= m.ends - %(window)s AND h.starts_at < m.ends
                          AND h.location && s.near
                          AND ST_DWithin(h.location::geography, s.location::geography,
                                         %(metres)s)))
  FROM month_ends m LEFT JOIN per_month p USING (month)
 ORDER BY m.month
"""


def checkup_numbers(*, city: str, months: int, now: dt.datetime) -> list[MonthNumbers]:
    """The last ``months`` months of a city's check-ups, the month under way last."""
    today = now.astimezone(LOCAL_TZ).date()
    last = today.replace(day=1)
    first = last
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    params = {
        "first": first,
        "last": last,
        "since": local_midnight(first) - dt.timedelta(days=COVERED_DAYS),
        "now": now,
        "zone": str(LOCAL_TZ),
        "city": city,
        "cancelled": CheckupEvent.Status.CANCELLED.value,
        "open": Station.Status.OPEN.value,
        "metres": COVERED_KM * 1000,
        "window": dt.timedelta(days=COVERED_DAYS),
    }
    with read_connection().cursor() as cursor:
        cursor.execute(CHECKUP_NUMBERS_SQL, params)
        return [MonthNumbers(*row) for row in cursor.fetchall()]

"""Bookings and organisers' writes at the same moment, against the real database: an event is
never over-booked, its counter always equals its live bookings, and no write undoes another.

Each case starts 10 bookings for 10 places and 10 organiser writes of one kind together, on
threads with their own database connections, through the HTTP API."""

import datetime as dt
import threading
import time

import pytest
from django.contrib.gis.geos import Point
from django.db import connections
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.localtime import LOCAL_TZ
from core.roles import Role
from services.checkups.models import Booking, CheckupEvent
from services.planning.models import TourProposal
from tests.services.factories import CheckupEventFactory, VanFactory
from tests.stations.factories import StationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PLACES = 10
OFFER = {"kind": "general_checkup", "items": ["血压"]}


def next_weekday_at(hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=2)
    while day.weekday() >= 5:  # the factory's van works Monday to Friday here
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LOCAL_TZ)


def run_together(*jobs) -> list:
    """Run every job on its own thread, all released at once; their results in order."""
    start = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index: int, job) -> None:
        start.wait()
        try:
            results[index] = job()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def organiser_client() -> Client:
    token, _ = Token.objects.get_or_create(user=UserFactory(roles=[Role.ORGANISER]))
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")


def booking(event_id: int, n: int):
    # A client address each: the per-address booking limit is not what is tested here.
    client = Client(REMOTE_ADDR=f"10.0.{n // 200}.{n % 200 + 1}")
    return lambda: (
        client.post(
            f"/api/v1/checkups/{event_id}/bookings/",
            {"phone": f"139{n:08d}"},
            content_type="application/json",
        ).status_code
    )


WRITES = {
    "address": lambda event, n: {"address": f"新地址 {n}"},
    "capacity_up": lambda event, n: {"capacity": PLACES + 5},
    "capacity_below_booked": lambda event, n: {"capacity": 1 + n % 3},
    "status": lambda event, n: {"status": "scheduled"},
    "van_move": lambda event, n: {
        "starts_at": (event.starts_at + dt.timedelta(minutes=10 * (n % 3))).isoformat(),
        "ends_at": (event.ends_at + dt.timedelta(minutes=10 * (n % 3))).isoformat(),
    },
}


@pytest.mark.parametrize("repeat", range(2))
@pytest.mark.parametrize("write", sorted(WRITES))
def test_bookings_and_organiser_writes_at_once_never_over_book(write, repeat):
    van = VanFactory(day_starts=dt.time(7), day_ends=dt.time(19))
    starts = next_weekday_at(9)
    event = CheckupEventFactory(
        capacity=PLACES, van=van, starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    organiser = organiser_client()
    url = f"/api/v1/organisers/events/{event.pk}/"

    def organiser_write(n: int):
        body = WRITES[write](event, n)
        return lambda: organiser.patch(url, body, content_type="application/json").status_code

    jobs = []
    for n in range(PLACES):
        jobs += [booking(event.pk, n), organiser_write(n)]
    statuses = run_together(*jobs)
    bookings, writes = statuses[0::2], statuses[1::2]

    event.refresh_from_db()
    live = Booking.objects.filter(event=event, cancelled_at=None, waiting=False).count()
    assert event.booked == live, "the counter must equal the live bookings"
    assert live <= event.capacity, "never over-booked"
    assert bookings.count(201) == live
    assert set(bookings) <= {201, 409}
    if write == "capacity_below_booked":
        # Each lowering is accepted only while it stays at or above the places booked then.
        assert set(writes) <= {200, 409}
    else:
        assert writes == [200] * PLACES, writes
    if write == "address":
        assert event.address.startswith("新地址")
    if write == "capacity_up":
        assert event.capacity == PLACES + 5 and live == PLACES


def test_a_cancelled_event_takes_no_more_bookings_after_the_cancel():
    event = CheckupEventFactory(capacity=PLACES)
    organiser = organiser_client()
    url = f"/api/v1/organisers/events/{event.pk}/"
    jobs = [booking(event.pk, n) for n in range(PLACES)]
    jobs.append(
        lambda: organiser.patch(url, {"status": "cancelled"}, content_type="application/json")
    )
    run_together(*jobs)
    event.refresh_from_db()
    assert event.status == CheckupEvent.Status.CANCELLED
    assert event.booked == Booking.objects.filter(event=event, cancelled_at=None).count()


def bookings_api(event_id: int, n: int, **body):
    client = Client(REMOTE_ADDR=f"10.1.{n // 200}.{n % 200 + 1}", HTTP_ACCEPT_LANGUAGE="en")
    url = f"/api/v1/checkups/{event_id}/bookings/"
    return client, url, {"phone": f"139{n:08d}"} | body


def joining(event_id: int, n: int):
    client, url, body = bookings_api(event_id, n, waiting_list=True)
    return lambda: client.post(url, body, content_type="application/json").json()


def cancelling(event_id: int, n: int, reference: str):
    client, url, body = bookings_api(event_id, n)
    return lambda: client.delete(f"{url}{reference}/", body, content_type="application/json")


@pytest.mark.parametrize("repeat", range(3))
def test_the_waiting_list_moves_in_order_under_cancellations_and_bookings_at_once(repeat):
    """5 places all booked and 8 waiting; then at once the 5 holders cancel, 5 more join the
    list and 5 try to book a place outright: each place given back goes to the first waiting,
    nobody else gets one, nobody is lost, and the capacity holds."""
    event = CheckupEventFactory(capacity=5)
    holders = [joining(event.pk, n)() for n in range(5)]
    waiting = [joining(event.pk, 100 + n)() for n in range(8)]
    assert [w["waiting_position"] for w in waiting] == list(range(1, 9))
    jobs = [cancelling(event.pk, n, h["reference"]) for n, h in enumerate(holders)]
    jobs += [joining(event.pk, 200 + n) for n in range(5)]
    jobs += [booking(event.pk, 300 + n) for n in range(5)]
    results = run_together(*jobs)

    assert [r.status_code for r in results[:5]] == [200] * 5
    assert all(r["status"] == "waiting" for r in results[5:10]), results[5:10]
    assert results[10:] == [409] * 5, "a place given back goes to the list, not to a newcomer"
    event.refresh_from_db()
    by_reference = {b.reference: b for b in Booking.objects.filter(event=event)}
    with_place = [b for b in by_reference.values() if b.cancelled_at is None and not b.waiting]
    assert event.booked == len(with_place) == event.capacity
    promoted = {w["reference"] for w in waiting[:5]}
    assert {b.reference for b in with_place} == promoted, "nobody jumps the queue"
    still_waiting = sorted(
        (b for b in by_reference.values() if b.cancelled_at is None and b.waiting),
        key=lambda b: b.pk,
    )
    newcomers = {r["reference"] for r in results[5:10]}
    assert [b.reference for b in still_waiting[:3]] == [w["reference"] for w in waiting[5:]]
    assert {b.reference for b in still_waiting[3:]} == newcomers, "nobody is lost"


VISIT_HOURS = (7, 9, 11, 13, 15)


def proposal_over(vans, stations, day: dt.date) -> int:
    """A proposal whose tours visit ``stations`` with each of ``vans`` in that order, one two-hour
    visit from each of VISIT_HOURS on ``day`` (made by hand: the solver is not tested here)."""
    tours = []
    for van in vans:
        stops = []
        for hour, station in zip(VISIT_HOURS, stations, strict=True):
            starts = dt.datetime.combine(day, dt.time(hour), tzinfo=LOCAL_TZ)
            stops.append(
                {
                    "station": station.code,
                    "station_id": station.pk,
                    "starts_at": starts.isoformat(),
                    "ends_at": (starts + dt.timedelta(hours=2)).isoformat(),
                }
            )
        tours.append(
            {"van": van.pk, "date": day.isoformat(), "capacity_per_visit": 20, "stops": stops}
        )
    return TourProposal.objects.create(
        parameters={}, plan={"tours": tours}, demand_total=1, demand_covered=1
    ).pk


@pytest.mark.parametrize("repeat", range(3))
def test_two_proposals_over_the_same_vans_in_either_order_one_wins_one_is_told_why(repeat):
    vans = [VanFactory(day_starts=dt.time(7), day_ends=dt.time(19)) for _ in range(4)]
    here = Point(114.05, 22.54, srid=4326)
    stations = [StationFactory(location=here) for _ in VISIT_HOURS]
    day = next_weekday_at(9).date()
    first = proposal_over(vans, stations, day)
    second = proposal_over(vans[::-1], stations, day)
    organisers = [organiser_client(), organiser_client()]

    def accept(client, proposal_id):
        url = f"/api/v1/planning/van-tours/{proposal_id}/accept/"
        return lambda: client.post(url, OFFER, content_type="application/json")

    responses = run_together(accept(organisers[0], first), accept(organisers[1], second))
    assert sorted(r.status_code for r in responses) == [201, 409], [r.content for r in responses]
    refused = next(r for r in responses if r.status_code == 409)
    assert "already booked" in refused.json()["errors"]["detail"][0]
    assert CheckupEvent.objects.filter(van__in=vans).count() == len(vans) * len(VISIT_HOURS)


def test_an_accept_waiting_for_a_van_holds_no_other_van():
    """The order that makes deadlock impossible: an accept takes all its vans' locks first, in
    id order. Another transaction holds the lowest van; the accept of a plan that lists the
    vans highest first must wait for it holding nothing (so another accept, locking in the same
    order, is never waiting for a van that this one holds)."""
    vans = [VanFactory(day_starts=dt.time(7), day_ends=dt.time(19)) for _ in range(3)]
    here = Point(114.05, 22.54, srid=4326)
    stations = [StationFactory(location=here) for _ in VISIT_HOURS]
    proposal = proposal_over(vans[::-1], stations, next_weekday_at(9).date())
    organiser = organiser_client()
    holder = connections.create_connection("default")
    try:
        with holder.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT id FROM services_van WHERE id = %s FOR UPDATE", [vans[0].pk])
            url = f"/api/v1/planning/van-tours/{proposal}/accept/"
            accepted: list = []

            def accept() -> None:
                try:
                    accepted.append(
                        organiser.post(url, OFFER, content_type="application/json").status_code
                    )
                finally:
                    connections.close_all()  # the thread's own session, or it outlives the test

            thread = threading.Thread(target=accept)
            thread.start()
            waiting_for_the_lowest_van(cursor)
            for van in vans[1:]:  # not one of the others is taken meanwhile
                cursor.execute(
                    "SELECT id FROM services_van WHERE id = %s FOR UPDATE NOWAIT", [van.pk]
                )
            cursor.execute("ROLLBACK")
        thread.join(timeout=30)
        assert accepted == [201]
    finally:
        holder.close()
        connections.close_all()


def waiting_for_the_lowest_van(cursor, seconds: float = 10) -> None:
    """Until another backend waits for a lock (the accept, blocked on the held van)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # a transaction caches the view
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND datname = current_database()"
        )
        if cursor.fetchone()[0]:
            return
        time.sleep(0.05)
    raise AssertionError("the accept never waited for the held van")

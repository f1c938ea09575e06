"""The waiting list of a full event: joining it, moving up when a place is given back or added,
leaving it, and reading one's place by reference."""

import pytest
from django.test import Client
from django.utils import translation

from core.roles import Role
from services.checkups.models import Booking, CheckupEvent
from services.checkups.services import BookingRefused, booking_cancel, booking_create
from tests.services.factories import CheckupEventFactory
from tests.stations.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def phone(n: int) -> str:
    return f"139{n:08d}"


@pytest.fixture
def full_event():
    event = CheckupEventFactory(capacity=2)
    for n in range(2):
        booking_create(event_id=event.pk, phone=phone(n))
    return event


def join(event, n: int) -> Booking:
    return booking_create(event_id=event.pk, phone=phone(n), join_waiting_list=True)


def live_with_place(event) -> int:
    return Booking.objects.filter(event=event, cancelled_at=None, waiting=False).count()


def test_a_full_event_refuses_unless_the_worker_joins_the_waiting_list(full_event):
    with pytest.raises(BookingRefused, match="waiting list") as refused:
        booking_create(event_id=full_event.pk, phone=phone(5))
    assert refused.value.extra == {"waiting_list": True}
    first, second = join(full_event, 5), join(full_event, 6)
    assert first.waiting and second.waiting
    full_event.refresh_from_db()
    assert full_event.booked == 2 == live_with_place(full_event)


def test_an_event_with_a_place_books_even_when_the_worker_asked_to_wait():
    event = CheckupEventFactory(capacity=1)
    assert not join(event, 1).waiting


def test_a_place_given_back_goes_to_the_first_in_the_list(full_event):
    holder = Booking.objects.filter(event=full_event).order_by("id").first()
    first, second = join(full_event, 5), join(full_event, 6)
    booking_cancel(event_id=full_event.pk, reference=holder.reference, phone=phone(0))
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.waiting and first.given_place_at is not None
    assert second.waiting
    full_event.refresh_from_db()
    assert full_event.booked == 2 == live_with_place(full_event)


def test_leaving_the_waiting_list_gives_back_no_place(full_event):
    first, second = join(full_event, 5), join(full_event, 6)
    booking_cancel(event_id=full_event.pk, reference=first.reference, phone=phone(5))
    second.refresh_from_db()
    assert second.waiting
    full_event.refresh_from_db()
    assert full_event.booked == 2


def test_one_phone_waits_once(full_event):
    join(full_event, 5)
    with pytest.raises(BookingRefused, match="already has a place"):
        join(full_event, 5)


def test_a_cancelled_event_takes_nobody_on_its_list(full_event):
    CheckupEvent.objects.filter(pk=full_event.pk).update(status=CheckupEvent.Status.CANCELLED)
    with pytest.raises(BookingRefused, match="cancelled"):
        join(full_event, 5)


@pytest.fixture
def organiser() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(roles=[Role.ORGANISER]))
    return client


def test_places_added_by_the_organiser_go_to_the_list_in_order(full_event, organiser):
    waiters = [join(full_event, n) for n in (5, 6, 7)]
    response = organiser.patch(
        f"/api/v1/organisers/events/{full_event.pk}/",
        {"capacity": 4},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["booked"] == 4
    for waiter in waiters:
        waiter.refresh_from_db()
    assert [w.waiting for w in waiters] == [False, False, True]
    full_event.refresh_from_db()
    assert full_event.booked == 4 == live_with_place(full_event)


def test_the_api_says_the_position_and_keeps_it_out_of_shared_caches(full_event):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = f"/api/v1/checkups/{full_event.pk}/bookings/"
    refused = client.post(url, {"phone": phone(5)}, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["waiting_list"] is True
    answers = [
        client.post(url, {"phone": phone(n), "waiting_list": True}, content_type="application/json")
        for n in (5, 6)
    ]
    assert [a.status_code for a in answers] == [201, 201]
    assert [(a.json()["status"], a.json()["waiting_position"]) for a in answers] == [
        ("waiting", 1),
        ("waiting", 2),
    ]
    first_holder = Booking.objects.filter(event=full_event, waiting=False).order_by("id")[0]
    client.delete(
        f"{url}{first_holder.reference}/", {"phone": phone(0)}, content_type="application/json"
    )
    second = client.get(f"{url}{answers[1].json()['reference'].lower()}/")
    assert second.json()["status"] == "waiting" and second.json()["waiting_position"] == 1
    assert second["Cache-Control"] == "private, no-store"
    promoted = client.get(f"{url}{answers[0].json()['reference']}/").json()
    assert promoted["status"] == "booked" and promoted["waiting_position"] is None
    assert promoted["phone"] == "*******0005"
    assert client.get(f"{url}NOSUCH22/").status_code == 404

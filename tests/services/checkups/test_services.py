import datetime as dt
import threading

import pytest
from django.db import connections
from django.utils import timezone, translation

from core.phones import normalise_mobile, phone_digests
from services.checkups.models import Booking, CheckupEvent
from services.checkups.services import BookingRefused, booking_cancel, booking_create
from tests.services.factories import CheckupEventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("12812345678", None),  # no 12x mobile range
        ("1381234567", None),  # 10 digits
        ("138123456789", None),  # 12 digits
        ("0755-12345678", None),  # a landline
        ("abc", None),
    ],
)
def test_only_mainland_mobile_numbers_are_accepted(raw, expected):
    assert normalise_mobile(raw) == expected


def test_a_booking_keeps_a_keyed_hash_and_the_last_four_digits_only():
    event = CheckupEventFactory()
    booking = booking_create(event_id=event.pk, phone="13812345678")
    stored = Booking.objects.values().get(pk=booking.pk)
    assert "13812345678" not in str(stored)
    assert stored["phone_last4"] == "5678"
    assert stored["phone_hash"] == phone_digests("13812345678", event.pk)[0]
    assert len(booking.reference) == 8
    event.refresh_from_db()
    assert event.booked == 1


def test_the_phone_hash_has_its_own_key_and_does_not_link_events(settings):
    first, second = CheckupEventFactory(), CheckupEventFactory()
    one = booking_create(event_id=first.pk, phone="13812345678")
    two = booking_create(event_id=second.pk, phone="13812345678")
    assert one.phone_hash != two.phone_hash  # the same worker, unlinkable without the key
    settings.SECRET_KEY = "rotated-" + settings.SECRET_KEY  # the site key rotates…
    booking_cancel(event_id=first.pk, reference=one.reference, phone="13812345678")  # …still ok


def test_a_rotated_phone_key_still_matches_older_bookings(settings):
    event = CheckupEventFactory()
    settings.YIZHAN_PHONE_HASH_KEYS = ["old-key"]
    booking = booking_create(event_id=event.pk, phone="13812345678")
    settings.YIZHAN_PHONE_HASH_KEYS = ["new-key", "old-key"]
    with pytest.raises(BookingRefused, match="already has a place"):
        booking_create(event_id=event.pk, phone="13812345678")
    booking_cancel(event_id=event.pk, reference=booking.reference, phone="13812345678")
    settings.YIZHAN_PHONE_HASH_KEYS = ["newest-key"]  # the old key dropped: no match any more
    again = booking_create(event_id=event.pk, phone="13812345678")
    assert again.phone_hash == phone_digests("13812345678", event.pk)[0]


def test_the_same_phone_cannot_book_the_same_event_twice():
    event = CheckupEventFactory()
    booking_create(event_id=event.pk, phone="13812345678")
    with pytest.raises(BookingRefused, match="already has a place") as refused:
        booking_create(event_id=event.pk, phone="13812345678")
    assert refused.value.status == 409
    event.refresh_from_db()
    assert event.booked == 1


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"capacity": 1, "booked": 1}, "No places left"),
        ({"status": CheckupEvent.Status.CANCELLED}, "cancelled"),
        ({"starts_at": timezone.now() - dt.timedelta(hours=1)}, "already started"),
    ],
)
def test_a_full_cancelled_or_past_event_refuses_with_409_and_changes_nothing(changes, reason):
    event = CheckupEventFactory(**changes)
    booked = event.booked
    with pytest.raises(BookingRefused, match=reason) as refused:
        booking_create(event_id=event.pk, phone="13912345678")
    assert refused.value.status == 409
    event.refresh_from_db()
    assert event.booked == booked and not Booking.objects.exists()


def test_an_unknown_event_is_404():
    with pytest.raises(BookingRefused) as refused:
        booking_create(event_id=999_999, phone="13912345678")
    assert refused.value.status == 404


def test_cancelling_frees_the_place_and_needs_the_same_phone():
    event = CheckupEventFactory(capacity=1)
    booking = booking_create(event_id=event.pk, phone="13812345678")
    with pytest.raises(BookingRefused) as refused:
        booking_cancel(event_id=event.pk, reference=booking.reference, phone="13900000000")
    assert refused.value.status == 404
    booking_cancel(event_id=event.pk, reference=booking.reference.lower(), phone="13812345678")
    event.refresh_from_db()
    assert event.booked == 0
    booking_create(event_id=event.pk, phone="13812345678")  # the place and the phone are free
    with pytest.raises(BookingRefused):  # a cancelled booking cannot be cancelled again
        booking_cancel(event_id=event.pk, reference=booking.reference, phone="13812345678")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_concurrent_bookings_for_ten_places_never_over_book():
    event = CheckupEventFactory(capacity=12, booked=2)
    start = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(i: int) -> None:
        start.wait()
        translation.activate("en")  # each thread has its own
        try:
            booking_create(event_id=event.pk, phone=f"139{i:08d}")
            outcome = "booked"
        except BookingRefused as refused:
            outcome = refused.message
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=book, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("booked") == 10
    assert all(o.startswith("No places left") for o in outcomes if o != "booked")
    event.refresh_from_db()
    assert event.booked == event.capacity == 12
    assert Booking.objects.filter(event=event, cancelled_at=None).count() == 10

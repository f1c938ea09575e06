"""A check-up day at the van: the attendee list (masked), check-in, no-shows, the counts and
the day's export."""

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from core.roles import Role
from services.checkups.models import CheckupEvent
from services.checkups.services import booking_cancel, booking_create
from tests.services.factories import CheckupEventFactory, booked_event_held_at
from tests.stations.factories import UserFactory

pytestmark = pytest.mark.django_db

PHONES = [f"1391234{n:04d}" for n in range(4)]


def client_with(roles) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(roles=roles))
    return client


@pytest.fixture
def organiser() -> Client:
    return client_with([Role.ORGANISER])


@pytest.fixture
def day():
    """An event of 3 places booked by three phones and waited for by a fourth, then started
    10 minutes ago (as at the van)."""
    started = timezone.now() - dt.timedelta(minutes=10)
    return booked_event_held_at(started, phones=PHONES, capacity=3)


def record(client, event, reference, attendance="came", **more):
    return client.post(
        f"/api/v1/organisers/events/{event.pk}/attendance/",
        {"reference": reference, "attendance": attendance} | more,
        content_type="application/json",
    )


def attendees(client, event) -> dict:
    return client.get(f"/api/v1/organisers/events/{event.pk}/attendees/").json()


def test_check_in_by_reference_or_with_the_last_four_digits(organiser, day):
    event, bookings = day
    first = record(organiser, event, bookings[0].reference.lower())
    assert first.status_code == 200 and first.json()["status"] == "attended"
    second = record(organiser, event, bookings[1].reference, phone_last4="0001")
    assert second.status_code == 200 and second.json()["checked_in_at"]
    wrong_digits = record(organiser, event, bookings[2].reference, phone_last4="9999")
    assert wrong_digits.status_code == 404
    waiting = record(organiser, event, bookings[3].reference)
    assert waiting.status_code == 409 and "waiting list" in waiting.json()["errors"]["detail"][0]
    bad = record(organiser, event, bookings[2].reference, attendance="maybe", phone_last4="12")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"attendance", "phone_last4"}


def test_no_shows_are_marked_and_undone_and_counted(organiser, day):
    event, bookings = day
    record(organiser, event, bookings[0].reference)
    assert record(organiser, event, bookings[1].reference, "did_not_come").status_code == 200
    counts = attendees(organiser, event)["counts"]
    assert counts == {
        "capacity": 3,
        "booked": 3,
        "attended": 1,
        "no_shows": 1,
        "waiting": 1,
        "cancelled": 0,
    }
    undone = record(organiser, event, bookings[1].reference, "not_recorded")
    assert undone.json()["status"] == "booked"
    CheckupEvent.objects.filter(pk=event.pk).update(ends_at=timezone.now())
    after = attendees(organiser, event)["counts"]
    assert (after["attended"], after["no_shows"]) == (1, 2), "unchecked bookings after the end"


def test_nobody_is_checked_in_before_the_day_or_marked_absent_before_the_start(organiser):
    event = CheckupEventFactory(starts_at=timezone.now() + dt.timedelta(days=3))
    booking = booking_create(event_id=event.pk, phone=PHONES[0])
    assert (
        "day of the check-up"
        in record(organiser, event, booking.reference).json()["errors"]["detail"][0]
    )
    early = record(organiser, event, booking.reference, "did_not_come")
    assert early.status_code == 409


def test_the_list_shows_everyone_in_order_and_never_a_full_phone(organiser, day):
    event, bookings = day
    booking_cancel(event_id=event.pk, reference=bookings[3].reference, phone=PHONES[3])
    listed = attendees(organiser, event)["attendees"]
    assert [row["reference"] for row in listed] == [b.reference for b in bookings]
    assert [row["status"] for row in listed] == ["booked", "booked", "booked", "cancelled"]
    assert all(row["phone"].startswith("*******") for row in listed)
    assert not any(phone in str(listed) for phone in PHONES)


def test_the_days_export_is_masked_in_both_formats(organiser, day):
    event, bookings = day
    record(organiser, event, bookings[0].reference)
    url = f"/api/v1/organisers/events/{event.pk}/attendees"
    as_csv = organiser.get(f"{url}.csv")
    assert as_csv["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][0] == "booking reference" and len(rows) == 5
    assert rows[1][1] == "*******0000" and rows[1][3] == "checked in"
    sheet = load_workbook(io.BytesIO(organiser.get(f"{url}.xlsx").content)).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[0] for row in cells[1:]] == [b.reference for b in bookings]
    assert not any(phone in str(cells) + as_csv.content.decode() for phone in PHONES)


@pytest.mark.parametrize("path", ["attendees/", "attendees.csv", "attendees.xlsx", "attendance/"])
def test_only_organisers_see_or_record_the_day(day, path):
    event, _bookings = day
    manager = client_with([Role.STATION_MANAGER])
    url = f"/api/v1/organisers/events/{event.pk}/{path}"
    answer = manager.post(url, {}) if path == "attendance/" else manager.get(url)
    assert answer.status_code == 403
    assert Client().get(url).status_code in (401, 403)

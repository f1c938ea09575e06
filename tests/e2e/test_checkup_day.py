"""An organiser's check-up day at the van, on a phone, in a real browser: the attendee list
(masked phones), check-in by reference with the phone's last four digits and from the list, a
no-show, the waiting list moving up after a cancellation, the day's export; and a worker joining
the waiting list of a full event from the station page."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from core.roles import Role
from services.checkups.models import Booking
from services.checkups.services import booking_cancel, booking_create
from tests.e2e.pages import log_in, save_screenshots
from tests.services.factories import CheckupEventFactory, booked_event_held_at
from tests.stations.factories import StationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONES = [f"1380013{n:04d}" for n in range(4)]


@pytest.fixture
def day():
    """Three places, three booked and one waiting; started ten minutes ago."""
    started = timezone.now() - dt.timedelta(minutes=10)
    return booked_event_held_at(started, phones=PHONES, capacity=3, address="福田区体检点")


def counts(page) -> dict:
    return page.eval_on_selector_all(
        "[data-count]",
        "nodes => Object.fromEntries(nodes.map(n => [n.dataset.count, n.textContent]))",
    )


def test_an_organiser_runs_the_day_on_a_phone(day, open_page):
    event, bookings = day
    UserFactory(username="fang", roles=[Role.ORGANISER])
    page = open_page(f"/console/checkups/{event.pk}/", width=390)
    log_in(page, "fang")
    page.wait_for_url(f"**/console/checkups/{event.pk}/")
    rows = page.locator("#attendees li[data-reference]")
    assert rows.count() == 4
    assert "13800130000" not in page.content() and "*******0000" in rows.first.inner_text()
    assert counts(page) == {
        "booked": "3",
        "capacity": "3",
        "attended": "0",
        "no_shows": "0",
        "waiting": "1",
    }
    assert "候补第 1 位" in rows.nth(3).inner_text()

    # At the van: the first worker reads out their reference and the phone's last four digits.
    page.fill("#check-in-form [name=reference]", bookings[0].reference.lower())
    page.fill("#check-in-form [name=phone_last4]", "0000")
    page.click("#check-in-form button[type=submit]")
    page.wait_for_function("() => document.querySelector('#check-in-result.saved')")
    assert bookings[0].reference in page.inner_text("#check-in-result")
    # The second is found in the list by the last four digits and checked in from there.
    page.fill("#attendee-filter", "0001")
    assert rows.count() == 1
    check_in = rows.first.locator("button.book")
    assert check_in.bounding_box()["height"] >= 44
    check_in.click()
    page.wait_for_function("() => document.querySelector('#attendees li .result.saved')")
    page.fill("#attendee-filter", "")
    third = page.locator(f"li[data-reference='{bookings[2].reference}']")
    third.locator("button", has_text="未到").click()
    page.wait_for_function(
        "() => document.querySelector('[data-count=no_shows]').textContent === '1'"
    )
    assert counts(page)["attended"] == "2"
    states = {b.reference: b.attendance for b in Booking.objects.filter(event=event)}
    assert [states[b.reference] for b in bookings] == ["attended", "attended", "no_show", "waiting"]
    save_screenshots(page, "checkup-day")

    # A worker with a place who cannot come cancels from their phone: the first waiting takes it.
    booking_cancel(event_id=event.pk, reference=bookings[2].reference, phone=PHONES[2])
    page.reload()
    page.wait_for_selector("#attendees li[data-reference]")
    assert counts(page)["waiting"] == "0" and counts(page)["booked"] == "3"
    promoted = page.locator(f"li[data-reference='{bookings[3].reference}']")
    assert "已预约" in promoted.inner_text()
    with page.expect_download() as download:
        page.click("a[href$='attendees.csv']")
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert bookings[3].reference in exported and "13800130003" not in exported
    assert page.console_errors == []


def test_a_station_manager_is_told_which_role_the_day_needs(day, open_page):
    event, _bookings = day
    UserFactory(username="ming", roles=[Role.STATION_MANAGER])
    page = open_page(f"/console/checkups/{event.pk}/", language="en")
    log_in(page, "ming")
    page.wait_for_selector("#forbidden")
    assert "organisers and administrators" in page.inner_text("#forbidden")


def test_a_worker_joins_the_waiting_list_of_a_full_event_and_looks_it_up(open_page):
    station = StationFactory(code="T-FULL")
    event = CheckupEventFactory(station=station, location=station.location, capacity=1)
    holder = booking_create(event_id=event.pk, phone=PHONES[0])
    page = open_page("/stations/T-FULL/", language="en")
    item = page.locator(f"#checkups li[data-event='{event.pk}']")
    item.wait_for()
    assert "Full" in item.locator(".places").inner_text()
    join = item.locator("button.book")
    assert join.inner_text() == "Join the waiting list" and join.is_enabled()
    join.click()
    item.locator("form.booking [name=phone]").fill(PHONES[1])
    item.locator("form.booking button[type=submit]").click()
    item.locator(".result.saved").wait_for()
    said = item.locator(".result").inner_text()
    waiting = Booking.objects.get(event=event, waiting=True)
    assert "number 1" in said and waiting.reference in said

    booking_cancel(event_id=event.pk, reference=holder.reference, phone=PHONES[0])
    item.locator("summary").click()
    item.locator(".cancel-existing [name=reference]").fill(waiting.reference)
    item.locator("button.check-booking").click()
    page.wait_for_function(
        "item => item.querySelector('.result').textContent.includes(': booked')",
        arg=item.element_handle(),
    )
    assert page.console_errors == []

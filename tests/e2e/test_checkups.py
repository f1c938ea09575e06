"""A worker books a check-up from the page, cancels it, adds it to the calendar, and reads who
may come; in Chinese and in English, on a phone, against the real API."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from icalendar import Calendar

from services.checkups.models import Booking, CheckupEvent
from stations.models import Station
from stations.selectors import station_nearest_list
from tests.e2e.pages import FUTIAN, save_screenshots
from tests.services.factories import CheckupEventFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PHONE = "138 0013 8000"


@pytest.fixture
def station(demo):
    (nearest,) = station_nearest_list(lon=114.057, lat=22.543, limit=1)
    return Station.objects.get(pk=nearest.id)


@pytest.fixture
def event(station):
    return CheckupEventFactory(
        station=station,
        location=station.location,
        starts_at=(timezone.now() + dt.timedelta(days=2)).replace(second=0, microsecond=0),
        capacity=2,
        members_only=True,
        occupations=["courier"],
    )


def checkup_item(page, event):
    item = page.locator(f"#checkups li[data-event='{event.pk}']")
    item.wait_for()
    return item


def book(item, phone=PHONE):
    item.locator("button.book").click()
    item.locator("form.booking [name=phone]").fill(phone)
    item.locator("form.booking button[type=submit]").click()


def test_a_worker_books_and_cancels_on_the_station_page(event, open_page):
    page = open_page(f"/stations/{event.station.code}/")
    item = checkup_item(page, event)
    assert "仅限工会会员" in item.inner_text() and "快递员" in item.inner_text()
    assert "剩余 2 个名额" in item.inner_text()
    book(item)
    result = item.locator(".result.saved")
    result.wait_for()
    booking = Booking.objects.get(event=event)
    assert "预约成功" in result.inner_text() and booking.reference in result.inner_text()
    assert "*******8000" in result.inner_text()
    assert "剩余 1 个名额" in item.locator(".places").inner_text()
    assert item.locator("form.booking").is_hidden()
    assert CheckupEvent.objects.get(pk=event.pk).booked == 1
    save_screenshots(page, "checkup-booked")

    item.locator("button.cancel-booking").click()
    page.wait_for_function(
        "item => item.querySelector('.result').textContent.includes('预约已取消')",
        arg=item.element_handle(),
    )
    booking.refresh_from_db()
    assert booking.cancelled_at is not None
    assert CheckupEvent.objects.get(pk=event.pk).booked == 0
    assert page.console_errors == []


def test_refusals_are_said_in_the_pages_language(event, open_page):
    Station.objects.filter(pk=event.station_id).update(name_en="Futian Rest Stop")
    page = open_page(f"/stations/{event.station.code}/", language="en")
    item = checkup_item(page, event)
    assert "Futian Rest Stop" in item.inner_text()  # the English name on an English page
    book(item)
    item.locator(".result.saved").wait_for()
    book(item)  # the same number again
    error = item.locator(".result.error")
    error.wait_for()
    assert "already has a place" in error.inner_text()

    item.locator("summary").click()
    cancel = item.locator(".cancel-existing form")
    cancel.locator("[name=reference]").fill("WRONG123")
    cancel.locator("[name=phone]").fill(PHONE)
    cancel.locator("button[type=submit]").click()
    page.wait_for_function(
        "item => item.querySelector('.result').textContent.includes('No live booking')",
        arg=item.element_handle(),
    )


def test_add_to_calendar_downloads_the_events_ics(event, open_page):
    page = open_page(f"/stations/{event.station.code}/")
    item = checkup_item(page, event)
    with page.expect_download() as download:
        item.locator("a.calendar").click()
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    (component,) = calendar.walk("VEVENT")
    assert component.decoded("dtstart") == event.starts_at
    assert component.decoded("dtend") == event.ends_at


def test_the_worker_map_offers_booking_the_feed_and_sorting(event, open_page):
    later = CheckupEventFactory(
        station=event.station,
        location=event.station.location,
        starts_at=event.starts_at + dt.timedelta(days=5),
        ends_at=event.ends_at + dt.timedelta(days=5),
    )
    page = open_page("/", geolocation=FUTIAN)
    checkup_item(page, event)
    listed = page.eval_on_selector_all(
        "#checkups li[data-event]", "i => i.map(x => x.dataset.event)"
    )
    assert listed.index(str(event.pk)) < listed.index(str(later.pk))  # by date first
    feed = page.locator("#checkup-feed")
    assert "upcoming.ics?lat=" in feed.get_attribute("href")
    assert page.locator(f"#checkups li[data-event='{later.pk}'] button.book").is_enabled()
    page.click(".sort [data-sort=distance]")
    assert page.locator(".sort [data-sort=distance]").get_attribute("aria-pressed") == "true"
    assert page.locator("#checkups li[data-event]").count() == len(listed)


def test_an_invented_checkup_is_marked_and_not_booked_outside_a_demo(station, open_page):
    invented = CheckupEventFactory(station=station, location=station.location, is_synthetic=True)
    page = open_page(f"/stations/{station.code}/", language="en")
    item = checkup_item(page, invented)
    assert item.locator(".demo-badge").count() == 1
    book(item)
    item.locator(".result.error").wait_for()
    assert "demo data" in item.locator(".result.error").inner_text()

"""The organisers' tour map in a real browser: the demo caravan's routes with numbered stops
and the heat layer of uncovered demand, all from local files."""

import datetime as dt

import pytest

from core.localtime import LOCAL_TZ
from stations.models import Station
from tests.e2e.pages import log_in, save_screenshots
from tests.services.factories import CheckupEventFactory, VanFactory
from tests.stations.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def tour_day(demo):
    """Tomorrow in Lanzhou: a van visits three demo stations; most of the city has had no
    check-up in the last 90 days."""
    day = dt.datetime.now(LOCAL_TZ).date() + dt.timedelta(days=1)
    van = VanFactory(name="兰州体检车")
    for hour, station in zip((9, 11, 14), Station.objects.filter(city="兰州市")[:3], strict=True):
        starts = dt.datetime.combine(day, dt.time(hour), tzinfo=LOCAL_TZ)
        CheckupEventFactory(
            van=van,
            station=station,
            location=station.location,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
        )
    return day


def test_the_tours_of_a_day_with_numbered_stops_and_gaps(tour_day, open_page, outside_requests):
    UserFactory(username="organiser", roles=["organiser"])
    page = open_page(
        f"/organisers/tours/?date={tour_day.isoformat()}&city=兰州市", language="en", width=1280
    )
    log_in(page, "organiser")
    page.wait_for_selector(".stop-marker")
    assert page.locator(".stop").all_inner_texts() == ["1", "2", "3"]
    assert page.locator("path.leaflet-interactive").count() == 1  # the van's route
    assert page.locator("canvas.leaflet-heatmap-layer").count() == 1
    table = page.locator("table.timetable")
    assert table.locator("caption").inner_text() == "兰州体检车 · 3 stops · 0 of 90 booked"
    rows = table.locator("tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).locator("td").nth(1).inner_text() for i in range(3)] == [
        "09:00", "11:00", "14:00"
    ]  # fmt: skip
    bounds = page.evaluate("window.yizhanMap.getBounds().toBBoxString()")
    west, south, east, north = map(float, bounds.split(","))
    for marker in Station.objects.filter(city="兰州市")[:3]:
        assert west <= marker.location.x <= east and south <= marker.location.y <= north
    assert page.console_errors == []
    assert all("tile.openstreetmap.org" in url for url in outside_requests), outside_requests
    save_screenshots(page, "tours")


def test_the_tours_page_is_for_organisers(tour_day, open_page):
    UserFactory(username="worker")
    page = open_page("/organisers/tours/")
    assert "/accounts/login/" in page.url
    log_in(page, "worker")
    page.wait_for_selector("#forbidden")
    assert "仅供组织者和管理员查看" in page.locator("#forbidden").inner_text()
    assert page.locator("#forbidden a[href^='/accounts/login/']").count() == 1

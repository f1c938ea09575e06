""" "Open now, with what I need, near me" on the worker map: each station says when it opens or
closes, the open-now toggle hides closed stations, the search stops at 5 km and says so, and a
position prompt nobody answers falls back to the city centre, saying so."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from core.localtime import LOCAL_TZ
from tests.stations.factories import OpeningPeriodFactory, StationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
HERE = {"latitude": 30.0, "longitude": 100.0}  # far from every other test station


@pytest.fixture
def open_and_closed():
    """One station open round the clock and one that opens in three hours (closed now)."""
    always = StationFactory(code="T-OPEN", location=Point(100.0, 30.001, srid=4326))
    later = StationFactory(
        code="T-LATER", name_en="Later Station", location=Point(100.0, 30.002, srid=4326)
    )
    opens = (timezone.now().astimezone(LOCAL_TZ) + dt.timedelta(hours=3)).replace(
        minute=0, second=0, microsecond=0
    )
    for day in range(7):
        OpeningPeriodFactory(station=always, weekday=day, opens=dt.time(0), closes=dt.time(0))
        OpeningPeriodFactory(
            station=later,
            weekday=day,
            opens=opens.time(),
            closes=(opens + dt.timedelta(hours=1)).time(),
        )
    return always, later


def codes(page):
    return page.eval_on_selector_all("#stations li.station", "i => i.map(x => x.dataset.code)")


def test_open_now_hides_closed_stations_and_says_when_they_open(open_and_closed, open_page):
    page = open_page("/", geolocation=HERE)
    page.wait_for_selector("#stations li[data-code=T-LATER]")
    assert codes(page) == ["T-OPEN", "T-LATER"]
    assert "24小时营业" in page.locator("li[data-code=T-OPEN] .state-change").inner_text()
    assert "开门" in page.locator("li[data-code=T-LATER] .state-change").inner_text()
    page.click("#open-now")
    page.wait_for_function("() => !document.querySelector('#stations li[data-code=T-LATER]')")
    assert codes(page) == ["T-OPEN"]
    assert page.locator("#open-now").get_attribute("aria-pressed") == "true"
    assert page.locator(".leaflet-overlay-pane path").count() == 1  # the "you are here" marker


def test_nothing_within_5_km_is_said_with_the_nearest_beyond(open_and_closed, open_page):
    page = open_page("/", geolocation={"latitude": 30.3, "longitude": 100.0}, language="en")
    page.wait_for_selector("#stations li.station")
    status = page.locator("#status").inner_text()
    assert "within 5 km" in status and "The nearest is" in status
    assert codes(page) == ["T-LATER"]  # 33 km north of here, the nearer of the two
    assert page.locator("li[data-code=T-LATER] strong a").inner_text() == "Later Station"
    widen = page.locator("#widen")
    assert widen.is_visible() and "10 km" in widen.inner_text()


NO_ANSWER = "navigator.geolocation.getCurrentPosition = () => {};"  # the prompt stays open


def test_an_unanswered_position_prompt_falls_back_within_10_s(open_and_closed, open_page):
    page = open_page("/", init_script=NO_ANSWER, language="en")
    note = page.locator("#position-note")
    page.wait_for_function(
        "() => document.getElementById('position-note').textContent !== ''", timeout=10_000
    )
    page.wait_for_function(
        "() => !document.getElementById('status').textContent.includes('Finding')"
    )
    assert "showing the city centre" in note.inner_text()  # kept once the results are in


def test_the_url_keeps_the_question_for_a_link_and_the_back_button(open_and_closed, open_page):
    page = open_page("/", geolocation=HERE)
    page.wait_for_selector("#stations li[data-code=T-LATER]")
    page.click("#open-now")
    page.wait_for_function("() => location.search.includes('open_now=1')")
    shared = page.url
    assert "lat=30.00000" in shared and "lon=100.00000" in shared

    again = open_page("/" + shared.split("/", 3)[3])  # the link, in a fresh phone
    again.wait_for_selector("#stations li[data-code=T-OPEN]")
    assert codes(again) == ["T-OPEN"]  # the same question: open now only, from the same place
    assert again.locator("#open-now").get_attribute("aria-pressed") == "true"
    assert again.locator(".language [name=next]").get_attribute("value").endswith("open_now=1")

    page.go_back()
    page.wait_for_selector("#stations li[data-code=T-LATER]")
    assert page.locator("#open-now").get_attribute("aria-pressed") == "false"


def test_a_failure_is_said_in_the_pages_language_with_a_retry(open_and_closed, open_page):
    page = open_page("/?lat=30&lon=100", init_script=NO_ANSWER, service_workers="block")
    page.wait_for_selector("#stations li.station")
    page.route("**/api/v1/stations/nearest/**", lambda route: route.abort())
    page.click("#open-now")
    page.wait_for_selector("#retry:not([hidden])")
    assert "网络" in page.locator("#status").inner_text()
    page.unroute("**/api/v1/stations/nearest/**")
    page.click("#retry")
    page.wait_for_selector("#retry[hidden]", state="attached")
    page.wait_for_function("() => document.querySelectorAll('#stations li.station').length === 1")

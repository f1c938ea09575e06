"""A worker reports a problem from a station's page in one tap; once enough workers say the
same, the page shows it to everyone."""

import pytest
from django.contrib.gis.geos import Point

from services.reports.models import StationReport
from services.reports.services import client_digest, report_create
from stations.models import Station
from tests.e2e.pages import log_in
from tests.stations.factories import StationFactory, manager_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_third_workers_tap_makes_the_problem_seen(open_page):
    station = StationFactory(code="T-TAP")
    for address in ("10.8.0.1", "10.8.0.2"):  # two other workers, earlier
        report_create(station=station, kind="no_water", client=client_digest(address))
    page = open_page("/stations/T-TAP/", width=390)
    assert page.locator("#notices li").count() == 0
    button = page.locator("#reports button.report[data-kind=no_water]")
    assert button.bounding_box()["height"] >= 44
    page.click("#reports summary")
    page.fill("#reports [name=note]", "饮水机没电")
    button.click()
    page.wait_for_selector("#report-result.saved")
    assert page.locator("#notices li").inner_text() == "有人报告：没有水"
    mine = StationReport.objects.latest("created_at")
    assert (mine.kind, mine.note, mine.phone_last4) == ("no_water", "饮水机没电", "")
    assert Station.objects.get(pk=station.pk).version == station.version
    page.reload()
    assert page.locator("#notices li[data-kind=no_water]").count() == 1
    assert page.console_errors == []


def test_a_refusal_is_said_in_the_pages_language(open_page):
    StationFactory(code="T-TAP")
    page = open_page("/stations/T-TAP/", language="en")
    page.click("#reports summary")
    page.fill("#reports [name=phone]", "12345")
    page.click("#reports button.report[data-kind=closed]")
    page.wait_for_selector("#report-result.error")
    assert "mobile number" in page.inner_text("#report-result")
    assert not StationReport.objects.exists()


def test_a_manager_answers_the_reports_from_their_home(open_page):
    station = StationFactory(code="T-HOME")
    manager_of(station, username="lin")
    for address in ("10.8.0.1", "10.8.0.2", "10.8.0.3"):
        report_create(station=station, kind="closed", client=client_digest(address))
    page = open_page("/accounts/login/", width=390)
    log_in(page, "lin")
    page.wait_for_url("**/console/")
    block = page.locator("li[data-code=T-HOME] .open-reports")
    assert "有人报告：关门了" in block.inner_text()
    block.locator("button[data-resolution=not_true]").click()
    block.locator(".result.saved").wait_for()
    assert set(StationReport.objects.values_list("resolution", flat=True)) == {"not_true"}
    page.goto(page.url.replace("/console/", "/stations/T-HOME/"))
    assert page.locator("#notices li").count() == 0  # workers no longer see it
    assert page.console_errors == []


def test_the_worker_map_offers_a_report_from_each_real_station(open_page):
    StationFactory(code="T-REAL", location=Point(114.057, 22.543, srid=4326))
    page = open_page("/", geolocation={"latitude": 22.543, "longitude": 114.057})
    link = page.locator("#stations li[data-code=T-REAL] a.report-link")
    link.wait_for()
    assert link.get_attribute("href") == "/stations/T-REAL/#reports"
    assert link.bounding_box()["height"] >= 44
    link.click()
    page.wait_for_selector("#reports button.report")

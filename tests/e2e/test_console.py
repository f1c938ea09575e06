"""The staff's home in a real browser, on a phone: a manager logs in, lands on their stations,
confirms a stale one in one tap, and logs out."""

import datetime as dt

import pytest
from django.utils import timezone

from stations.models import Station
from tests.e2e.pages import log_in
from tests.stations.factories import StationFactory, manager_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_manager_confirms_a_stale_station_from_their_home_and_logs_out(open_page):
    station = StationFactory(code="T-STALE", name_en="Quiet Station")
    Station.objects.filter(pk=station.pk).update(
        last_verified_at=None, last_changed_at=timezone.now() - dt.timedelta(days=90)
    )
    manager_of(station, username="ming")
    page = open_page("/accounts/login/", language="en")
    log_in(page, "ming")
    page.wait_for_url("**/console/")
    item = page.locator("li[data-code=T-STALE]")
    assert "Quiet Station" in item.inner_text()
    button = item.locator("button.verify")
    box = button.bounding_box()
    assert box["height"] >= 44
    button.click()
    page.wait_for_function(
        "() => document.querySelector('li[data-code=T-STALE] .result').textContent !== ''"
    )
    assert item.locator(".result").inner_text() == "Confirmed just now."
    assert item.locator("button.verify").count() == 0
    assert Station.objects.get(code="T-STALE").last_verified_at is not None
    assert page.console_errors == []

    page.click("nav.account button[type=submit]")
    page.wait_for_url("**/")
    assert page.locator("nav.account").count() == 0

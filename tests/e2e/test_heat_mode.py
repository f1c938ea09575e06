"""Heat mode in a real browser: an orange heat warning for 南山区; the worker map in 南山 shows
the warning with what to do, and lists the station with cooling first."""

import io

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management import call_command

from tests.services.alerts.test_alerts import NANSHAN, cap
from tests.services.alerts.test_heat_mode import IN_NANSHAN, station
from tests.stations.factories import AdminAreaFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_worker_map_shows_the_warning_and_ranks_by_it(tmp_path, open_page):
    AdminAreaFactory(
        code="440305", name="南山区", boundary=MultiPolygon(Polygon.from_bbox(NANSHAN), srid=4326)
    )
    station("NS-NEAR", IN_NANSHAN[0] + 0.001, IN_NANSHAN[1])
    station("NS-COOL", IN_NANSHAN[0] + 0.006, IN_NANSHAN[1], "cooling", "drinking_water")
    path = tmp_path / "heat.xml"
    path.write_bytes(cap())
    call_command("import_alerts", path, stdout=io.StringIO())
    page = open_page("/", geolocation={"latitude": IN_NANSHAN[1], "longitude": IN_NANSHAN[0]})
    page.wait_for_selector("#stations li[data-code]")
    banner = page.locator("#weather")
    assert banner.is_visible()
    assert banner.inner_text() == "橙色高温预警：请就近到阴凉处或驿站休息，及时补水。"
    listed = page.eval_on_selector_all("#stations li[data-code]", "i => i.map(x => x.dataset.code)")
    assert listed[:2] == ["NS-COOL", "NS-NEAR"]
    assert page.console_errors == []


def test_a_station_under_the_warning_says_what_relief_it_offers(tmp_path, open_page):
    AdminAreaFactory(
        code="440305", name="南山区", boundary=MultiPolygon(Polygon.from_bbox(NANSHAN), srid=4326)
    )
    station("NS-COOL", IN_NANSHAN[0], IN_NANSHAN[1], "cooling", "drinking_water")
    path = tmp_path / "heat.xml"
    path.write_bytes(cap())
    call_command("import_alerts", path, stdout=io.StringIO())
    page = open_page("/stations/NS-COOL/")
    section = page.locator("#weather-services")
    assert "橙色高温预警" in section.inner_text()
    assert "防暑降温服务" in section.inner_text()
    assert "降温" in section.locator("p").last.inner_text()

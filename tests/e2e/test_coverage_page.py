"""The planners' coverage map in a real browser, on the demo data."""

import pytest

from tests.conftest import worker_process
from tests.e2e.pages import save_screenshots

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_coverage_of_shenzhen_with_its_numbers(demo, open_page, outside_requests):
    page = open_page("/coverage/?city=深圳市", language="en", width=1280)
    page.wait_for_selector("#computing")  # the grid is computed by a job…
    assert worker_process("--batch", "--interval", "0").wait(timeout=120) == 0
    page.wait_for_selector("#map[data-drawn]", timeout=20_000)  # …the page looks again
    assert int(page.locator("#map").get_attribute("data-drawn")) > 1000  # the grid cells
    assert page.locator("canvas.leaflet-zoom-animated").count() == 1  # drawn on one canvas
    area = float(page.locator("#area-share").inner_text().rstrip("%"))
    isolated = float(page.locator("#isolated-share").inner_text().rstrip("%"))
    assert 0 < area < 100 and 0 <= isolated < 100
    assert page.console_errors == []
    assert all("tile.openstreetmap.org" in url for url in outside_requests), outside_requests
    save_screenshots(page, "coverage")

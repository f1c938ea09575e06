"""The planners' coverage map in a real browser, on the demo data."""

from pathlib import Path

import pytest

from stations.demo_data import demo_data_load

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture
def demo(transactional_db):
    demo_data_load()


def test_coverage_of_shenzhen_with_its_numbers(demo, open_page, outside_requests):
    page = open_page("/coverage/?city=深圳市", language="en", width=1280)
    page.wait_for_selector("path.leaflet-interactive")
    assert page.locator("path.leaflet-interactive").count() > 1000  # the grid cells
    area = float(page.locator("#area-share").inner_text().rstrip("%"))
    isolated = float(page.locator("#isolated-share").inner_text().rstrip("%"))
    assert 0 < area < 100 and 0 <= isolated < 100
    assert page.console_errors == []
    assert all("tile.openstreetmap.org" in url for url in outside_requests), outside_requests
    SCREENSHOTS.mkdir(exist_ok=True)
    for width, height in [(390, 844), (1280, 800)]:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=SCREENSHOTS / f"coverage-{width}x{height}.png", full_page=True)

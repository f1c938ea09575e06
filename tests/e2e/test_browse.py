"""Browsing the worker map on a phone: every station in view wherever the worker pans, clusters
from the server when zoomed out, and a list that follows the view when asked."""

import pytest

from stations.models import Station
from tests.e2e.pages import FUTIAN

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
XIAMEN = (24.48, 118.1)


def listed(page) -> list[str]:
    return page.eval_on_selector_all("#stations li.station", "i => i.map(x => x.dataset.code)")


def view_drawn(page, move: str, zoom: int):
    """Move the map (a script, as a finger would) to ``zoom`` and wait for the answer about
    that view (not one still under way for the view before) to be drawn."""
    with page.expect_response(lambda r: "/stations/map/" in r.url and f"zoom={zoom}&" in r.url):
        page.evaluate(move)
    page.wait_for_timeout(300)


def test_zoomed_out_the_server_clusters_and_a_tap_zooms_in(demo, open_page):
    page = open_page("/", geolocation=FUTIAN)
    page.wait_for_selector("#stations li.station")
    view_drawn(page, "window.yizhanMap.setZoom(9)", 9)
    clusters = page.locator(".cluster")
    assert clusters.count() >= 3
    counts = [int(text.replace(",", "")) for text in clusters.all_inner_texts()]
    assert sum(counts) > 500  # Shenzhen's demo stations, drawn as a few markers
    # Measured once the map has settled (no zoom animation, markers laid out), in one step: under
    # load a late answer could redraw the markers between two calls.
    page.wait_for_function(
        """() => !document.querySelector('.leaflet-zoom-anim')
                 && [...document.querySelectorAll('.cluster')].every(
                      c => c.getBoundingClientRect().width > 0)"""
    )
    box, title = page.eval_on_selector(
        ".cluster", "c => [c.getBoundingClientRect().toJSON(), c.getAttribute('title')]"
    )
    assert box["width"] >= 44 and box["height"] >= 44
    assert "请放大" in title
    view_drawn(page, "document.querySelector('.cluster').click()", 11)
    assert page.evaluate("window.yizhanMap.getZoom()") == 11


def test_panning_to_another_city_shows_its_stations_and_the_list_follows_when_asked(
    demo, open_page
):
    page = open_page("/", geolocation=FUTIAN, language="en")
    page.wait_for_selector("#stations li.station")
    assert all(code.startswith("SZ-") for code in listed(page))
    search_area = page.locator("#search-area")
    assert search_area.is_hidden()

    view_drawn(page, f"window.yizhanMap.setView([{XIAMEN[0]}, {XIAMEN[1]}], 12)", 12)
    titles = page.eval_on_selector_all(".station-marker[title]", "m => m.map(x => x.title)")
    clusters = page.locator(".cluster").count()
    xiamen = set(Station.objects.filter(code__startswith="XM-").values_list("name_en", flat=True))
    assert titles or clusters
    assert set(titles) <= xiamen  # Xiamen's stations, not the list's
    assert search_area.is_visible() and search_area.inner_text() == "Search this area"
    box = search_area.bounding_box()
    assert box["height"] >= 44

    search_area.click()
    page.wait_for_function(
        "() => document.querySelector('#stations li.station')?.dataset.code.startsWith('XM-')"
    )
    assert all(code.startswith("XM-") for code in listed(page))
    assert "lat=24.48" in page.url and "lon=118.1" in page.url  # the shared link keeps it
    assert search_area.is_hidden()


def test_no_marker_hides_another(demo, open_page):
    """Stations side by side at street level, cells whose stations' mean positions are close:
    merged into one cluster, so that every target keeps its 44 px (Lighthouse target-size)."""
    page = open_page("/", geolocation=FUTIAN)
    page.wait_for_selector("#stations li.station")
    for zoom in (14, 11):
        move = f"window.yizhanMap.setZoom({zoom})"
        view_drawn(page, move, zoom)
        boxes = page.eval_on_selector_all(
            ".leaflet-marker-pane .leaflet-marker-icon",
            "icons => icons.map(i => { const r = i.getBoundingClientRect();"
            " return [r.left, r.top, r.right, r.bottom]; })",
        )
        assert len(boxes) >= 2
        for index, (left, top, right, bottom) in enumerate(boxes):
            for other in boxes[index + 1 :]:
                overlap = (
                    min(right, other[2]) - max(left, other[0]),
                    min(bottom, other[3]) - max(top, other[1]),
                )
                assert min(overlap) <= 0.5, (move, (left, top), other[:2])

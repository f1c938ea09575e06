"""The worker map in a real browser, on the demo data: markers for the nearest stations, a
filter chip that changes markers and list, English labels, page weight, screenshots."""

from urllib.parse import parse_qs, urlsplit

import pytest

from stations.models import StationAmenity
from tests.e2e.pages import FUTIAN, SCREENSHOTS, save_screenshots

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
MAX_FIRST_LOAD_BYTES = 500_000
USABLE = [StationAmenity.Status.AVAILABLE, StationAmenity.Status.LIMITED]


def loaded(page):
    page.wait_for_selector("#stations li.station")
    return page


def test_the_map_shows_the_nearest_stations_without_errors(demo, open_page, outside_requests):
    page = open_page("/", geolocation=FUTIAN)
    loaded(page)
    assert page.locator("h1").inner_text() == "附近的驿站"
    items = page.locator("#stations li.station")
    assert items.count() == 30
    markers = page.locator(".leaflet-marker-pane .dot, .leaflet-marker-pane .cluster")
    assert markers.count() >= 1
    assert page.console_errors == []
    assert all("tile.openstreetmap.org" in url for url in outside_requests), outside_requests
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the phone's width


def codes_listed(page):
    return page.eval_on_selector_all(
        "#stations li.station", "items => items.map(i => i.dataset.code)"
    )


def test_a_filter_chip_changes_the_markers_and_the_list(demo, open_page):
    page = loaded(open_page("/", geolocation=FUTIAN))
    before = codes_listed(page)
    assert any(
        page.locator(f"#stations li[data-code='{code}'] .amenity[data-amenity=cooling]").count()
        == 0
        for code in before
    )  # some of the nearest have no cooling
    with page.expect_response(lambda r: "/stations/map/" in r.url and "cooling" in r.url):
        page.click(".chip[data-amenity=cooling]")
    page.wait_for_function(
        """() => [...document.querySelectorAll('#stations li.station')]
                   .every(item => item.querySelector('.amenity[data-amenity=cooling]'))"""
    )
    after = codes_listed(page)
    assert after and after != before
    page.wait_for_timeout(500)  # the view's answer drawn
    titles = page.eval_on_selector_all(
        ".station-marker[title]", "markers => markers.map(m => m.title)"
    )
    with_cooling = set(
        StationAmenity.objects.filter(amenity_id="cooling", status__in=USABLE).values_list(
            "station__name", flat=True
        )
    )
    assert titles and set(titles) <= with_cooling  # the map shows only what the chip asks
    assert page.locator(".chip[data-amenity=cooling]").get_attribute("aria-pressed") == "true"


def test_switching_to_english_changes_the_labels(demo, open_page):
    page = loaded(open_page("/", geolocation=FUTIAN))
    page.click(".language button[value=en]")
    loaded(page)
    assert page.locator("h1").inner_text() == "Stations near me"
    assert page.locator(".chip[data-amenity=drinking_water]").inner_text() == "Drinking water"
    assert page.locator("#stations .state").first.inner_text() in {"Open now", "Closed now"}


def test_first_load_weight_and_screenshots(demo, open_page):
    page = loaded(open_page("/", geolocation=FUTIAN))
    transferred = page.evaluate(
        """() => {
            const entries = [...performance.getEntriesByType('navigation'),
                             ...performance.getEntriesByType('resource')];
            return entries.filter(e => !e.name.includes('tile.openstreetmap.org'))
                          .reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0);
        }"""
    )
    print(f"worker map first load: {transferred / 1000:.1f} KB transferred (tiles excluded)")
    assert 0 < transferred < MAX_FIRST_LOAD_BYTES
    save_screenshots(page, "worker-map")
    assert (SCREENSHOTS / "worker-map-390x844.png").stat().st_size > 0


def test_with_gcj02_tiles_the_map_asks_for_gcj02_points(demo, open_page, settings):
    from core.coordinates import from_wgs84
    from stations.models import Station

    settings.YIZHAN_TILE_CRS = "gcj02"
    page = open_page("/", geolocation=FUTIAN)
    views = []  # the map's answers for the view (every station in it, or clusters)
    page.on("response", lambda r: views.append(r) if "/stations/map/" in r.url else None)
    with page.expect_response(lambda r: "nearest/" in r.url and "toilet" in r.url) as answer:
        page.click(".chip[data-amenity=toilet]")
    assert "crs=gcj02" in answer.value.url
    assert "position_crs=wgs84" in answer.value.url  # the phone's GPS position, as it is
    page.wait_for_function(
        """() => { const items = [...document.querySelectorAll('#stations li.station')];
                   return items.length > 0 && items.every(
                       item => item.querySelector('.amenity[data-amenity=toilet]')); }"""
    )  # the answer drawn: list, markers and "you are here"
    here = page.evaluate(
        """() => Object.values(window.yizhanMap._layers)
                 .filter(layer => layer.getRadius && !layer.options.interactive)
                 .map(layer => [layer.getLatLng().lng, layer.getLatLng().lat])"""
    )
    gps = (FUTIAN["longitude"], FUTIAN["latitude"])
    assert here == [pytest.approx(list(from_wgs84(*gps, "gcj02")), abs=1e-6)]  # on Amap tiles
    feature = answer.value.json()["features"][0]
    station = Station.objects.get(code=feature["properties"]["code"])
    expected = from_wgs84(station.location.x, station.location.y, "gcj02")
    assert feature["geometry"]["coordinates"] == pytest.approx(list(expected), abs=1e-7)
    page.wait_for_timeout(1000)  # the zoom to the new markers, and the clusters' animation
    marker_positions = page.evaluate(
        """() => Object.values(window.yizhanMap._layers)
                 .filter(layer => layer.getLatLng && layer.options && layer.options.icon
                                  && layer.options.icon.options.className === "station-marker")
                 .map(layer => [layer.getLatLng().lng, layer.getLatLng().lat])"""
    )
    drawn = [answer.value, *views]
    assert views and all("crs=gcj02" in view.url for view in views)
    points = {tuple(f["geometry"]["coordinates"]) for r in drawn for f in r.json()["features"]}
    assert marker_positions  # the markers sit at the GCJ-02 points the API gave
    assert all(tuple(position) in points for position in marker_positions)


def test_the_demo_stations_are_marked_as_such(demo, open_page):
    page = loaded(open_page("/", geolocation=FUTIAN))
    assert "请勿前往" in page.locator(".demo-banner").inner_text()
    stations = page.locator("#stations li.station")
    assert stations.count() > 0
    assert page.locator("#stations li.station .demo-badge").count() == stations.count()
    assert page.locator("#stations .navigate").count() == 0  # nowhere real to go


# What a finger can tap on the worker map (a checkbox is tapped through its label).
TARGETS = "a, button, select, summary, label, input:not([type=checkbox]), .leaflet-marker-icon"


def test_every_target_a_finger_uses_is_at_least_44_px(demo, open_page):
    page = loaded(open_page("/", geolocation=FUTIAN))
    page.wait_for_selector("#checkups li, #checkups .hint")
    small = page.eval_on_selector_all(
        TARGETS,
        """nodes => nodes.filter(n => n.offsetParent !== null || n.closest('.leaflet-pane'))
                        .map(n => [n.outerHTML.slice(0, 80), n.getBoundingClientRect()])
                        .filter(([, r]) => r.width > 0 && (r.width < 43.5 || r.height < 43.5))
                        .map(([html, r]) => `${r.width}x${r.height} ${html}`)""",
    )
    assert small == []
    assert "user-scalable" not in page.locator("meta[name=viewport]").get_attribute("content")


def test_a_keyboard_user_can_skip_to_the_content(demo, open_page):
    page = loaded(open_page("/", geolocation=FUTIAN))
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("link => link === document.activeElement")
    assert skip.bounding_box()["x"] >= 0  # shown while it has the focus
    skip.press("Enter")
    assert page.evaluate("location.hash") == "#main"


LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const shift of list.getEntries()) if (!shift.hadRecentInput) total += shift.value;
  }).observe({ type: "layout-shift", buffered: true });
  setTimeout(() => resolve(total), 500);
})"""


def test_the_page_does_not_jump_while_it_loads(demo, open_page):
    page = loaded(open_page("/", geolocation=FUTIAN))
    page.wait_for_selector("#checkups li")
    # Cumulative layout shift: "good" is below 0.1; an emptied status line alone made 0.05.
    assert page.evaluate(LAYOUT_SHIFT) < 0.01


def test_a_name_several_places_share_offers_the_others_one_tap_away(demo, open_page):
    from stations.services import national_boundaries_load

    national_boundaries_load(only=["110105", "220104"])  # 朝阳区 in Beijing and in Changchun
    page = loaded(open_page("/", geolocation=FUTIAN))
    page.fill("#search [name=q]", "朝阳区")
    with page.expect_response(lambda r: "q=" in r.url and "/stations/nearest/" in r.url):
        page.click("#search button[type=submit]")
    note = page.locator("#place-note")
    note.locator("button").wait_for()
    assert note.inner_text().startswith("正在显示：北京市朝阳区。 同名的地方还有：")
    other = note.locator("button")
    assert other.inner_text() == "长春市朝阳区"
    box = other.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44

    def in_changchun(response) -> bool:
        query = parse_qs(urlsplit(response.url).query)
        lat = query.get("lat")  # asked by position, not by the name again
        return "/stations/nearest/" in response.url and lat and 43 < float(lat[0]) < 45

    with page.expect_response(in_changchun) as answer:
        other.click()
    assert answer.value.ok
    assert note.inner_text() == "正在显示：长春市朝阳区。"

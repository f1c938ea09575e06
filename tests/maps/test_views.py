import datetime as dt
import json
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def embedded_json(page: str, element_id: str):
    """The data a page hands its script in a json_script element."""
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', page)
    return json.loads(found.group(1))


def test_the_benefits_page_loads_leaflet_from_its_own_static_files():
    page = Client().get("/benefits/").content.decode()
    assert "/static/maps/vendor/leaflet/leaflet.js" in page
    assert "/static/maps/js/benefits.js" in page
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert external == []  # no CDN; tiles are requested by Leaflet at run time
    assert "哪些保障覆盖我" in page


def test_the_benefits_page_speaks_english_when_asked():
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/benefits/").content.decode()
    assert "Which schemes cover me?" in page
    assert "Food-delivery rider" in page


def test_the_worker_map_page_is_local_and_chinese_first():
    page = Client().get("/").content.decode()
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', page) == []
    assert "/static/maps/vendor/leaflet/leaflet.js" in page
    assert "附近的驿站" in page
    chips = re.findall(r'data-amenity="([a-z_]+)"', page)
    assert chips == ["ebike_charging", "drinking_water", "free_meal", "toilet", "cooling"]


def test_the_tile_coordinate_system_is_one_setting(settings):
    settings.YIZHAN_TILE_CRS = "gcj02"
    settings.YIZHAN_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    page = Client().get("/").content.decode()
    assert '"tileCrs": "gcj02"' in page
    assert "https://tiles.example/{z}/{x}/{y}.png" in page


def test_the_station_page_shows_forms_only_to_the_stations_managers():
    from tests.stations.factories import StationAmenityFactory, StationFactory, manager_of

    station = StationFactory(code="SZ-P1", name="沙头驿站")
    StationAmenityFactory(station=station, amenity_id="microwave")
    public = Client().get("/stations/SZ-P1/").content.decode()
    assert "沙头驿站" in public and 'id="manage"' not in public
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', public) == [
        u for u in re.findall(r'href="(https?://[^"]+)"', public) if "amap" in u or "baidu" in u
    ]  # only the navigation links leave the site
    other = Client()
    other.force_login(manager_of(StationFactory()))
    assert 'id="manage"' not in other.get("/stations/SZ-P1/").content.decode()
    own = Client()
    own.force_login(manager_of(station))
    page = own.get("/stations/SZ-P1/").content.decode()
    assert 'id="manage"' in page and 'data-amenity="microwave"' in page
    assert Client().get("/stations/NOPE/").status_code == 404


def test_the_tours_page_is_for_organisers_and_local():
    from tests.stations.factories import AdminAreaFactory, UserFactory

    AdminAreaFactory(city="兰州市", name="城关区", province="甘肃省")
    assert Client().get("/organisers/tours/").status_code == 302
    worker = Client()
    worker.force_login(UserFactory())
    assert worker.get("/organisers/tours/").status_code == 403
    organiser = Client()
    organiser.force_login(UserFactory(roles=["organiser"]))
    page = organiser.get("/organisers/tours/", {"city": "兰州市", "date": "2027-03-01"})
    html = page.content.decode()
    assert page.status_code == 200 and "2027-03-01" in html
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', html) == []


def test_the_coverage_page_is_computed_by_a_job_then_shown(run_jobs):
    from django.contrib.gis.geos import Point

    from core.models import Job
    from tests.stations.factories import AdminAreaFactory, StationFactory

    AdminAreaFactory(city="深圳市", name="福田区")
    StationFactory(city="深圳市", location=Point(114.0, 22.5, srid=4326))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    waiting = client.get("/coverage/").content.decode()
    assert 'id="computing"' in waiting and 'data-job="/api/v1/jobs/' in waiting
    assert "maps/js/coverage.js" in waiting  # asks the job; no timed reload (WCAG 2.2.1)
    assert 'http-equiv="refresh"' not in waiting
    client.get("/coverage/")  # asking again joins the job under way
    assert Job.objects.filter(kind="coverage").count() == 1
    run_jobs()
    html = client.get("/coverage/").content.decode()
    assert 'id="area-share"' in html and "more than 1 km" in html and "Computed" in html
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', html) == []
    assert Job.objects.filter(kind="coverage").count() == 1  # fresh: nothing new to compute


def test_server_drawn_maps_follow_the_tiles_coordinate_system(settings):
    from django.contrib.gis.geos import Point

    from core.coordinates import from_wgs84
    from tests.stations.factories import StationFactory

    StationFactory(code="SZ-G", location=Point(114.05, 22.54, srid=4326))
    gcj_lon, gcj_lat = from_wgs84(114.05, 22.54, "gcj02")
    settings.YIZHAN_TILE_CRS = "wgs84"
    wgs_page = Client().get("/stations/SZ-G/").content.decode()
    assert "[22.54, 114.05]" in wgs_page
    settings.YIZHAN_TILE_CRS = "gcj02"
    gcj_page = Client().get("/stations/SZ-G/").content.decode()
    assert f"[{gcj_lat}, {gcj_lon}]" in gcj_page  # ≈ 300 m from the WGS-84 point
    assert "[22.54, 114.05]" not in gcj_page


def test_the_coverage_page_loads_its_grid_in_the_tiles_coordinate_system(run_jobs, settings):
    from django.contrib.gis.geos import Point

    from tests.stations.factories import AdminAreaFactory, StationFactory

    AdminAreaFactory(city="深圳市", name="福田区")
    StationFactory(city="深圳市", location=Point(114.0, 22.5, srid=4326))
    settings.YIZHAN_TILE_CRS = "gcj02"
    Client().get("/coverage/")
    run_jobs()
    html = Client().get("/coverage/").content.decode()
    spec = json.loads(re.search(r'id="map-spec"[^>]*>(.*?)</script>', html, re.S).group(1))
    (layer,) = spec["layers"]
    assert layer["type"] == "grid" and "crs=gcj02" in layer["url"]
    assert len(html) < 20_000  # the grid is not in the page: the browser keeps it apart
    grid = Client().get(layer["url"]).json()
    assert grid["cells"] and grid["computed_at"].endswith("+08:00")


def test_the_coverage_page_is_rate_limited_per_address():
    """YIZHAN_COVERAGE_RATE, 120 an hour: a client looping on it gets 429 (cheap) after that."""
    from core.throttles import CoveragePageThrottle

    limit = CoveragePageThrottle().num_requests
    client = Client()
    codes = [client.get("/coverage/").status_code for _ in range(limit + 1)]
    assert codes[:limit] == [200] * limit
    assert codes[limit] == 429
    other = Client(REMOTE_ADDR="198.51.100.1")
    assert other.get("/coverage/").status_code == 200


BANNER = "演示数据：地点与活动为模拟，请勿前往。"


def test_every_page_shows_the_demo_banner_while_there_is_demo_data():
    from django.core.cache import cache

    from tests.stations.factories import StationFactory

    assert BANNER not in Client().get("/").content.decode()
    station = StationFactory(code="SZ-D1", is_synthetic=True)
    cache.clear()  # the banner asks the database at most once a minute
    for path in ["/", "/benefits/", "/coverage/", f"/stations/{station.code}/"]:
        assert BANNER in Client().get(path).content.decode(), path
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/").content.decode()
    assert "Demo data: places and events are simulated. Do not go there." in english


def test_an_invented_station_has_a_badge_and_no_phone_directions_or_verified_date():
    from tests.services.factories import CheckupEventFactory
    from tests.stations.factories import StationFactory

    StationFactory(code="SZ-R1", phone="0755-12345678")
    page = Client().get("/stations/SZ-R1/").content.decode()
    assert "tel:0755-12345678" in page and "uri.amap.com" in page and "最近核实" in page
    invented = StationFactory(code="SZ-D2", phone="0755-87654321", is_synthetic=True)
    CheckupEventFactory(station=invented, location=invented.location, is_synthetic=True)
    response = Client().get("/stations/SZ-D2/")
    page = response.content.decode()
    assert page.count('class="demo-badge"') == 1  # the station; its check-up's is drawn by script
    (checkup,) = embedded_json(page, "station-checkups")["features"]
    assert checkup["properties"]["is_synthetic"] is True
    assert "0755-87654321" not in page and "uri.amap.com" not in page
    assert "最近核实" not in page and "从未核实" in page


def test_the_station_page_says_states_and_dates_in_words():
    from django.utils import timezone

    from tests.stations.factories import StationAmenityFactory, StationFactory

    station = StationFactory(
        code="SZ-W1",
        name_en="Words Station",
        last_verified_at=timezone.now() - dt.timedelta(days=3),
    )
    StationAmenityFactory(station=station, amenity_id="drinking_water", status="out_of_service")
    page = Client().get("/stations/SZ-W1/").content.decode()
    text = re.sub(r"<script.*?</script>", "", page, flags=re.S).replace("\xa0", " ")
    assert "暂停服务" in text and "out_of_service" not in text
    assert "3 日前" in text and not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:", text)
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/stations/SZ-W1/").content.decode()
    english = english.replace("\xa0", " ")
    assert "<h1>Words Station" in english and "3 days ago" in english

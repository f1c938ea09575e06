import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


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
    assert "/static/maps/vendor/leaflet.markercluster/leaflet.markercluster.js" in page
    assert "附近的驿站" in page
    chips = re.findall(r'data-amenity="([a-z_]+)"', page)
    assert chips == ["ebike_charging", "drinking_water", "free_meal", "toilet", "cooling"]


def test_the_tile_coordinate_system_is_one_setting(settings):
    settings.YIZHAN_TILE_CRS = "gcj02"
    settings.YIZHAN_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    page = Client().get("/").content.decode()
    assert '"tileCrs": "gcj02"' in page
    assert "https://tiles.example/{z}/{x}/{y}.png" in page

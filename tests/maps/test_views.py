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

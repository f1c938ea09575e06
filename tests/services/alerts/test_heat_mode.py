"""The worked example of heat mode, end to end: an orange heat warning for 南山区 imported from
a CAP file; the nearest search from a point in 南山 puts the open stations with cooling and
drinking water first and says why; from 福田, untouched by the warning, distance alone."""

import io

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.management import call_command
from django.test import Client

from stations.models import StationAmenity
from tests.services.alerts.test_alerts import FUTIAN, NANSHAN, cap
from tests.stations.factories import (
    AdminAreaFactory,
    OpeningPeriodFactory,
    StationAmenityFactory,
    StationFactory,
)

pytestmark = pytest.mark.django_db

IN_NANSHAN = (113.930, 22.520)
IN_FUTIAN = (114.000, 22.500)


def always_open(station):
    for day in range(7):
        OpeningPeriodFactory(station=station, weekday=day, opens="00:00", closes="00:00")
    return station


def station(code: str, lon: float, lat: float, *amenities: str):
    made = always_open(StationFactory(code=code, location=Point(lon, lat, srid=4326)))
    for amenity in amenities:
        StationAmenityFactory(station=made, amenity_id=amenity)
    return made


@pytest.fixture
def shenzhen(tmp_path):
    AdminAreaFactory(
        code="440305", name="南山区", boundary=MultiPolygon(Polygon.from_bbox(NANSHAN), srid=4326)
    )
    AdminAreaFactory(
        code="440304", name="福田区", boundary=MultiPolygon(Polygon.from_bbox(FUTIAN), srid=4326)
    )
    # In each district: a station right there without cooling, one farther with it.
    for district, (lon, lat) in (("NS", IN_NANSHAN), ("FT", IN_FUTIAN)):
        station(f"{district}-NEAR", lon + 0.001, lat)
        station(f"{district}-COOL", lon + 0.006, lat, "cooling", "drinking_water")
    path = tmp_path / "heat.xml"
    path.write_bytes(cap())  # 深圳市南山区气象台: 高温橙色预警, 南山区
    call_command("import_alerts", path, stdout=io.StringIO())


def nearest(lon: float, lat: float, **more) -> dict:
    answer = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(
        "/api/v1/stations/nearest/", {"lat": lat, "lon": lon, "limit": 2, **more}
    )
    assert answer.status_code == 200, answer.content
    return answer.json()


def codes(answer: dict) -> list[str]:
    return [feature["properties"]["code"] for feature in answer["features"]]


def test_an_orange_heat_warning_puts_cooling_first_where_it_is_in_force(shenzhen):
    in_nanshan = nearest(*IN_NANSHAN)
    assert codes(in_nanshan) == ["NS-COOL", "NS-NEAR"]
    mode = in_nanshan["mode"]
    assert (mode["applied"], mode["asked"], mode["first"]) == ("heat", "auto", ["NS-COOL"])
    assert mode["warning"]["title"] == "橙色高温预警"
    assert mode["reason"].startswith("橙色高温预警：")

    in_futian = nearest(*IN_FUTIAN)
    assert codes(in_futian) == ["FT-NEAR", "FT-COOL"]
    assert in_futian["mode"] == {"applied": None, "asked": "auto"}


def test_the_mode_can_be_forced_or_turned_off(shenzhen):
    assert codes(nearest(*IN_NANSHAN, mode="off")) == ["NS-NEAR", "NS-COOL"]
    forced = nearest(*IN_FUTIAN, mode="heat")
    assert codes(forced) == ["FT-COOL", "FT-NEAR"] and forced["mode"]["warning"] is None
    assert codes(nearest(*IN_FUTIAN, mode="cold")) == ["FT-NEAR", "FT-COOL"]  # no heating
    bad = Client().get("/api/v1/stations/nearest/", {"lat": 22.5, "lon": 114, "mode": "hot"})
    assert bad.status_code == 400 and "mode" in bad.json()["errors"]


def test_the_coverage_page_names_districts_under_a_warning_without_relief(shenzhen):
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/coverage/", {"city": "深圳市"})
    text = page.content.decode()
    section = text[text.index('id="under-warning"') :]
    assert "南山区 · 橙色高温预警 · 1 公里内有 1 个开放的降温或取暖驿站" in section
    assert "福田区" not in section[: section.index("</section>")]  # not under the warning
    StationAmenity.objects.filter(station__code="NS-COOL").delete()
    text = Client(HTTP_ACCEPT_LANGUAGE="en").get("/coverage/", {"city": "深圳市"}).content
    assert "no open station with cooling or heating within 1 km" in text.decode()

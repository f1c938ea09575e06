"""A position snapped to a grid (``cell``), so that a shared cache can keep one answer for every
worker in that cell: the answer, ranked again by each worker's true position, is exactly the
answer to that true position — on random stations and random points, with and without a
radius, in WGS-84 and GCJ-02."""

import random

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from geographiclib.geodesic import Geodesic

from core.coordinates import from_wgs84
from stations.selectors import station_nearest_list
from tests.stations.factories import StationFactory

pytestmark = pytest.mark.django_db
NEAREST = "/api/v1/stations/nearest/"
CELL = 0.002  # ≈220 m: every worker within a cell shares one cached answer


@pytest.fixture
def stations():
    rng = random.Random(20261203)
    for number in range(160):
        StationFactory(
            code=f"SN-{number:03d}",
            location=Point(rng.uniform(113.93, 113.97), rng.uniform(22.53, 22.56), srid=4326),
        )


def snapped(value: float) -> float:
    return round(round(value / CELL) * CELL, 6)


def ranked_for(lon: float, lat: float, features: list[dict], limit: int, radius_m=None) -> list:
    """What the client does: its own geodesic distances (the features are in WGS-84), its
    radius, its limit; ties by code, as the API breaks them."""
    ranked = []
    for feature in features:
        x, y = feature["geometry"]["coordinates"]
        metres = Geodesic.WGS84.Inverse(lat, lon, y, x)["s12"]
        ranked.append((metres, feature["properties"]["code"]))
    ranked.sort()
    return [code for metres, code in ranked if radius_m is None or metres <= radius_m][:limit]


@pytest.mark.parametrize("radius_m", [None, 600])
def test_a_snapped_answer_ranked_again_is_the_true_points_answer(stations, radius_m):
    rng = random.Random(7)
    client = Client()
    widened = 0
    for _ in range(40):
        lon, lat = rng.uniform(113.935, 113.965), rng.uniform(22.535, 22.555)
        params = {"lat": snapped(lat), "lon": snapped(lon), "cell": CELL, "mode": "off"}
        params |= {"limit": 8} | ({"radius_m": radius_m} if radius_m else {})
        body = client.get(NEAREST, params).json()
        features = body["features"]
        widened += len(features) > 8
        truth = station_nearest_list(lon=lon, lat=lat, limit=8, radius_m=radius_m)
        assert ranked_for(lon, lat, features, 8, radius_m) == [ref.code for ref in truth]
        assert body["query"]["cell"] == CELL and 0 < body["query"]["cell_reach_m"] < 300
    assert widened  # the margin is at work, not merely a coincidence of the points


def test_a_position_snapped_in_gcj02_keeps_the_guarantee(stations):
    rng = random.Random(8)
    for _ in range(15):
        lon, lat = rng.uniform(113.935, 113.965), rng.uniform(22.535, 22.555)
        gcj_lon, gcj_lat = from_wgs84(lon, lat, "gcj02")
        params = {"lat": snapped(gcj_lat), "lon": snapped(gcj_lon), "position_crs": "gcj02"}
        params |= {"cell": CELL, "mode": "off", "limit": 5}
        features = Client().get(NEAREST, params).json()["features"]
        truth = station_nearest_list(lon=lon, lat=lat, limit=5)
        assert ranked_for(lon, lat, features, 5) == [ref.code for ref in truth]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": 22.5401, "lon": 113.94}, "lat"),  # not on the grid
        ({"lat": 22.54, "lon": 113.9411}, "lon"),
        ({"lat": 22.54, "lon": 113.94, "mode": "auto"}, "mode"),
        ({"q": "福田区"}, "cell"),
        ({"lat": 22.54, "lon": 113.94, "cell": 0.5}, "cell"),
    ],
)
def test_a_snapped_request_that_is_not_on_its_grid_is_refused_naming_the_field(params, field):
    asked = {"cell": CELL, "mode": "off"} | params
    answer = Client().get(NEAREST, asked)
    assert answer.status_code == 400 and field in answer.json()["errors"]

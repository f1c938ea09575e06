"""A city's coverage grid as the compact layer its page loads: computed by a job, served from
the job's result (never computed for a request), computed again once a station of the city
changes, and revalidated for nothing while it has not."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.test import Client
from geographiclib.geodesic import Geodesic

from core.models import Job
from stations.models import Station
from tests.stations.factories import AdminAreaFactory, StationFactory

pytestmark = pytest.mark.django_db
LAYER = "/api/v1/stations/coverage/"


@pytest.fixture
def city():
    AdminAreaFactory(
        city="测试市",
        name="甲区",
        boundary=MultiPolygon(Polygon.from_bbox((114.00, 22.50, 114.04, 22.54)), srid=4326),
    )
    return [
        StationFactory(city="测试市", location=Point(114.005, 22.505, srid=4326)),
        StationFactory(city="测试市", location=Point(114.035, 22.535, srid=4326)),
    ]


def nearest_m(lon: float, lat: float, stations) -> float:
    return min(
        Geodesic.WGS84.Inverse(lat, lon, s.location.y, s.location.x)["s12"] for s in stations
    )


def test_the_first_answer_is_the_job_then_the_grid(city, run_jobs):
    waiting = Client().get(LAYER, {"city": "测试市"})
    assert waiting.status_code == 202 and waiting.json()["status"] == "queued"
    run_jobs()
    body = Client().get(LAYER, {"city": "测试市"}).json()
    assert body["refreshing"] is False and body["computed_at"].endswith("+08:00")
    assert (body["stations"], body["isolated_stations"], body["target_m"]) == (2, 2, 1000)
    dx, dy = body["size"]
    assert 100 <= len(body["cells"]) <= 4000
    for west, south, metres in body["cells"]:
        lon, lat = west + dx / 2, south + dy / 2
        assert 114.0 <= lon <= 114.04 and 22.5 <= lat <= 22.54
        assert metres == pytest.approx(nearest_m(lon, lat, city), abs=2)  # whole metres, 1e-5°


def test_a_station_that_moves_or_closes_makes_the_grid_computed_again(city, run_jobs):
    Client().get(LAYER, {"city": "测试市"})
    run_jobs()
    before = Client().get(LAYER, {"city": "测试市"}).json()
    assert Client().get(LAYER, {"city": "测试市"}).json()["refreshing"] is False
    Station.objects.filter(pk=city[1].pk).update(status="closed")  # as any writer would
    stale = Client().get(LAYER, {"city": "测试市"}).json()
    assert stale["refreshing"] is True and stale["cells"] == before["cells"]  # meanwhile
    run_jobs()
    after = Client().get(LAYER, {"city": "测试市"}).json()
    assert after["refreshing"] is False and after["cells"] != before["cells"]
    assert (after["stations"], Job.objects.filter(kind="coverage").count()) == (1, 2)


def test_an_unchanged_grid_is_revalidated_with_304(city, run_jobs):
    Client().get(LAYER, {"city": "测试市"})
    run_jobs()
    first = Client().get(LAYER, {"city": "测试市"}, HTTP_ACCEPT_ENCODING="gzip")
    assert first["Cache-Control"] == "public, max-age=60"
    again = Client().get(
        LAYER, {"city": "测试市"}, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("params", [{"city": "没有的市"}, {}, {"city": "测试市", "crs": "x"}])
def test_a_bad_request_names_the_field(city, params):
    answer = Client().get(LAYER, params)
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"crs" if "crs" in params else "city"}

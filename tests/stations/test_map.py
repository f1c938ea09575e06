"""Browsing the map: every station in view, clustered on the server where they crowd."""

import datetime as dt
import json
import random

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone

from core.models import Job
from stations import jobs
from stations.cells import cell_of, cells_across
from stations.models import MapCell, Station
from stations.selectors import MAP_STATION_LIMIT, counted_cells, stored_cells
from stations.services import map_cells_refresh
from tests.stations.factories import StationAmenityFactory, StationFactory

pytestmark = pytest.mark.django_db
CHINA = "73,18,135,54"
FUTIAN = "114.0,22.5,114.1,22.56"


def get_map(client: Client, query: str) -> dict:
    response = client.get(f"/api/v1/stations/map/?{query}")
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def counts(document: dict) -> tuple[int, int]:
    """(stations drawn in all, clusters)."""
    features = document["features"]
    clusters = [f for f in features if f["properties"].get("cluster")]
    return sum(f["properties"].get("count", 1) for f in features), len(clusters)


@pytest.fixture
def scattered():
    """60 stations spread over Shenzhen, 30 in one street block of Futian, one in Lanzhou."""
    rng = random.Random(7)
    for number in range(60):
        lon, lat = 113.8 + rng.random() * 0.5, 22.5 + rng.random() * 0.2
        StationFactory(code=f"SZ-{number:03d}", location=Point(lon, lat, srid=4326))
    for number in range(30):
        lon, lat = 114.05 + number * 1e-5, 22.53
        StationFactory(code=f"FT-{number:03d}", location=Point(lon, lat, srid=4326))
    StationFactory(code="LZ-001", city="兰州市", location=Point(103.83, 36.06, srid=4326))
    map_cells_refresh()


def test_a_national_view_is_a_few_clusters_that_count_every_station(client, scattered):
    document = get_map(client, f"bbox={CHINA}&zoom=4")
    drawn, clusters = counts(document)
    assert drawn == 91 and document["clustered"] is True
    assert clusters == 1  # Shenzhen in one cell at zoom 4
    lanzhou = [f for f in document["features"] if f.get("id") == "LZ-001"]
    assert lanzhou, "a cell of one station is that station"
    assert lanzhou[0]["properties"]["name"] and "open_now" in lanzhou[0]["properties"]


def test_street_level_shows_each_station_with_what_a_marker_needs(client, scattered):
    document = get_map(client, f"bbox={FUTIAN}&zoom=15")
    assert document["clustered"] is False
    codes = {f["id"] for f in document["features"]}
    assert {f"FT-{n:03d}" for n in range(30)} <= codes
    properties = document["features"][0]["properties"]
    assert {"code", "name", "name_en", "address", "status", "open_now", "opens_at"} <= set(
        properties
    )
    assert "amenities" not in properties  # the station page has the rest


def test_a_crowded_street_view_is_clustered_and_the_clusters_count_everyone(client, scattered):
    StationFactory.create_batch(
        MAP_STATION_LIMIT, location=Point(114.06, 22.54, srid=4326), city="深圳市"
    )
    document = get_map(client, f"bbox={FUTIAN}&zoom=13")
    drawn, clusters = counts(document)
    in_view = Station.objects.filter(
        location__intersects="POLYGON((114 22.5,114.1 22.5,114.1 22.56,114 22.56,114 22.5))"
    )
    assert document["clustered"] is True and clusters >= 2
    assert drawn == in_view.count()


def test_a_filter_counts_only_the_stations_that_match(client, scattered):
    for station in Station.objects.filter(code__startswith="FT-")[:7]:
        StationAmenityFactory(station=station, amenity_id="drinking_water")
    document = get_map(client, f"bbox={CHINA}&zoom=5&amenity=drinking_water")
    assert counts(document) == (7, 1)


def test_the_stored_cells_agree_with_the_cells_counted_now(scattered):
    """The materialized view's SQL and the expressions are the same grid."""

    def rounded(rows):
        return sorted((count, round(lon, 9), round(lat, 9), pk) for count, lon, lat, pk in rows)

    for zoom in (3, 7, 12):
        stored = rounded(stored_cells((-180, -85, 180, 85), zoom))
        assert stored == rounded(counted_cells(Station.objects.all(), zoom)), zoom


def test_cells_in_python_and_in_sql_agree():
    rng = random.Random(3)
    points = [(73 + rng.random() * 62, 18 + rng.random() * 36) for _ in range(40)]
    for number, (lon, lat) in enumerate(points):
        StationFactory(code=f"P-{number}", location=Point(lon, lat, srid=4326))
    map_cells_refresh()
    for zoom in (3, 8, 12):
        cells = {(c.x, c.y) for c in MapCell.objects.filter(zoom=zoom)}
        assert cells == {cell_of(lon, lat, zoom) for lon, lat in points}
    assert cells_across(0) == 4  # 64 px cells on a 256 px tile


def test_coordinates_follow_the_crs(client, scattered):
    wgs = get_map(client, f"bbox={FUTIAN}&zoom=16")
    gcj = get_map(client, f"bbox={FUTIAN}&zoom=16&crs=gcj02")
    first = {f["id"]: f["geometry"]["coordinates"] for f in wgs["features"]}
    moved = {f["id"]: f["geometry"]["coordinates"] for f in gcj["features"]}
    common = set(first) & set(moved)
    assert common
    code = sorted(common)[0]
    assert first[code] != moved[code]  # ≈ 500 m apart in Shenzhen


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("zoom=4", "bbox"),
        (f"bbox={CHINA}", "zoom"),
        (f"bbox={CHINA}&zoom=23", "zoom"),
        ("bbox=120,30,110,40&zoom=5", "bbox"),
        (f"bbox={CHINA}&zoom=5&amenity=teleport", "amenity"),
    ],
)
def test_bad_questions_get_400_naming_the_field(client, query, field):
    response = client.get(f"/api/v1/stations/map/?{query}")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_changed_registry_starts_one_recount_and_a_fresh_one_none(client, scattered, run_jobs):
    jobs._map_cells_next_check[0] = 0.0
    get_map(client, f"bbox={CHINA}&zoom=4")
    assert Job.objects.filter(kind="map-cells").count() == 1  # never counted by a job yet
    run_jobs()
    jobs._map_cells_next_check[0] = 0.0
    get_map(client, f"bbox={CHINA}&zoom=4")
    assert Job.objects.filter(kind="map-cells").count() == 1  # fresh: nothing to do

    StationFactory(code="XM-001", location=Point(118.1, 24.48, srid=4326))
    get_map(client, f"bbox={CHINA}&zoom=4")
    assert Job.objects.filter(kind="map-cells").count() == 1  # checked at most every 30 s
    jobs._map_cells_next_check[0] = 0.0
    before = counts(get_map(client, f"bbox={CHINA}&zoom=4"))[0]
    assert Job.objects.filter(kind="map-cells").count() == 2
    assert before == 91  # the previous count, until the job is done
    run_jobs()
    assert counts(get_map(client, f"bbox={CHINA}&zoom=4"))[0] == 92


def test_an_old_count_is_made_again_whatever_changed(client, scattered, run_jobs, settings):
    jobs._map_cells_next_check[0] = 0.0
    get_map(client, f"bbox={CHINA}&zoom=4")
    run_jobs()
    Job.objects.filter(kind="map-cells").update(
        finished_at=timezone.now()
        - dt.timedelta(minutes=settings.YIZHAN_MAP_CELLS_MAX_AGE_MINUTES + 1)
    )
    jobs._map_cells_next_check[0] = 0.0
    get_map(client, f"bbox={CHINA}&zoom=4")
    assert Job.objects.filter(kind="map-cells").count() == 2

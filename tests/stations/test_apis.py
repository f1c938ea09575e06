import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.gis.geos import Point

from core.coordinates import from_wgs84
from stations.models import Amenity, Station, StationAmenity
from tests.stations.factories import (
    AdminAreaFactory,
    OpeningPeriodFactory,
    StationAmenityFactory,
    StationFactory,
)

pytestmark = pytest.mark.django_db
NEAREST = "/api/v1/stations/nearest/"


@pytest.fixture
def stations():
    AdminAreaFactory(name="福田区")
    made = []
    for i in range(12):
        station = StationFactory(
            code=f"S{i:02d}", location=Point(114.0 + 0.001 * (i + 1), 22.5, srid=4326),
            subdistrict="沙头街道", district="福田区",
        )  # fmt: skip
        StationAmenityFactory(station=station, amenity_id="drinking_water")
        for day in range(7):
            OpeningPeriodFactory(station=station, weekday=day, opens=dt.time(8), closes=dt.time(20))
        made.append(station)
    return made


def test_nearest_returns_geojson_sorted_with_every_documented_property(client, stations):
    response = client.get(NEAREST, {"lat": 22.5, "lon": 114.0, "limit": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["query"]["wgs84"] == [114.0, 22.5]
    assert [f["properties"]["code"] for f in body["features"]] == ["S00", "S01", "S02"]
    props = body["features"][0]["properties"]
    for key in ("code", "name", "name_en", "address", "city", "district", "kind", "status",
                "distance_m", "open_now", "opens_at", "closes_at", "opening_hours", "amenities",
                "last_verified_at", "navigation"):  # fmt: skip
        assert key in props
    assert props["distance_m"] == pytest.approx(102.8, abs=0.2)
    assert props["opening_hours"]["text"] == {"zh": "每天 08:00–20:00", "en": "Daily 08:00–20:00"}
    assert props["amenities"][0]["code"] == "drinking_water"
    assert "uri.amap.com" in props["navigation"]["amap"]


def test_open_now_at_a_given_time(client, stations):
    night = {"lat": 22.5, "lon": 114.0, "open_now": "true", "at": "2026-11-23T23:00:00+08:00"}
    assert client.get(NEAREST, night).json()["features"] == []
    day = night | {"at": "2026-11-23T10:00:00"}  # no offset: Asia/Shanghai
    assert len(client.get(NEAREST, day).json()["features"]) == 10


def test_each_station_says_when_it_opens_or_closes(client, stations):
    def first(at: str, **more) -> dict:
        query = {"lat": 22.5, "lon": 114.0, "limit": 1, "at": at, **more}
        return client.get(NEAREST, query).json()["features"][0]["properties"]

    morning = first("2026-11-23T07:00:00+08:00")
    assert (morning["open_now"], morning["opens_at"], morning["closes_at"]) == (
        False, "2026-11-23T08:00:00+08:00", None
    )  # fmt: skip
    noon = first("2026-11-23T12:00:00+08:00")
    assert (noon["open_now"], noon["opens_at"], noon["closes_at"]) == (
        True, None, "2026-11-23T20:00:00+08:00"
    )  # fmt: skip
    assert first("2026-11-23T12:30:00+08:00")["closes_at"] == "2026-11-23T20:00:00+08:00"
    night = first("2026-11-23T21:00:00+08:00")  # after a cached answer: the state has changed
    assert (night["open_now"], night["opens_at"]) == (False, "2026-11-24T08:00:00+08:00")
    Station.objects.filter(code="S00").update(status="temporarily_closed")
    shut = first("2026-11-23T12:00:00+08:00")
    assert (shut["open_now"], shut["opens_at"], shut["closes_at"]) == (False, None, None)


def test_crs_applies_to_input_and_output(client, stations):
    gcj_lon, gcj_lat = from_wgs84(114.0, 22.5, "gcj02")
    body = client.get(NEAREST, {"lat": gcj_lat, "lon": gcj_lon, "crs": "gcj02", "limit": 1}).json()
    assert body["query"]["wgs84"] == pytest.approx([114.0, 22.5], abs=1e-6)
    expected = from_wgs84(114.001, 22.5, "gcj02")
    assert body["features"][0]["geometry"]["coordinates"] == pytest.approx(expected, abs=1e-6)
    assert body["features"][0]["properties"]["distance_m"] == pytest.approx(102.8, abs=0.2)


def test_q_is_geocoded_by_the_offline_gazetteer(client, stations):
    body = client.get(NEAREST, {"q": "福田区沙头街道", "limit": 1}).json()
    assert body["query"]["place"] == "深圳市福田区沙头街道"
    assert len(body["features"]) == 1


@pytest.mark.parametrize(
    "q, place, nearest",
    [
        ("福田区", "深圳市福田区", None),  # a point inside the district polygon
        ("深圳市福田区", "深圳市福田区", None),
        ("福田", "深圳市福田区", None),
        ("海滨驿站", "海滨驿站（深圳市福田区海滨路8号）", "HB"),  # a station name
        ("海滨路8号", "海滨驿站（深圳市福田区海滨路8号）", "HB"),  # part of an address
    ],
)
def test_gazetteer_answers_districts_station_names_and_addresses(
    client, stations, q, place, nearest
):
    StationFactory(code="HB", name="海滨驿站", address="深圳市福田区海滨路8号",
                   location=Point(114.015, 22.495, srid=4326))  # fmt: skip
    body = client.get(NEAREST, {"q": q, "limit": 1}).json()
    assert body["query"]["place"] == place
    lon, lat = body["query"]["wgs84"]
    assert 113.99 <= lon <= 114.02 and 22.49 <= lat <= 22.51
    if nearest:
        assert body["features"][0]["properties"]["code"] == nearest


def test_navigation_links_carry_the_coordinates_each_app_expects(client, stations):
    props = client.get("/api/v1/stations/S00/").json()["properties"]
    amap = parse_qs(urlsplit(props["navigation"]["amap"]).query)
    baidu = parse_qs(urlsplit(props["navigation"]["baidu"]).query)
    gcj_lon, gcj_lat = from_wgs84(114.001, 22.5, "gcj02")
    bd_lon, bd_lat = from_wgs84(114.001, 22.5, "bd09")
    assert amap["position"] == [f"{gcj_lon:.6f},{gcj_lat:.6f}"] and amap["coordinate"] == ["gaode"]
    assert baidu["location"] == [f"{bd_lat:.6f},{bd_lon:.6f}"]
    assert baidu["coord_type"] == ["bd09ll"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"lat": "95", "lon": "114"}, "lat"),
        ({"lat": "x", "lon": "114"}, "lat"),
        ({"lat": "22", "lon": "200"}, "lon"),
        ({"lat": "22"}, "lon"),
        ({}, "lat"),
        ({"q": "火星基地"}, "q"),
        ({"lat": "22", "lon": "114", "amenity": "jacuzzi"}, "amenity"),
        ({"lat": "22", "lon": "114", "crs": "utm"}, "crs"),
        ({"lat": "22", "lon": "114", "kind": "castle"}, "kind"),
        ({"lat": "22", "lon": "114", "radius_m": "0"}, "radius_m"),
        ({"lat": "22", "lon": "114", "radius_m": "50001"}, "radius_m"),
        ({"lat": "22", "lon": "114", "limit": "101"}, "limit"),
        ({"lat": "22", "lon": "114", "at": "yesterday"}, "at"),
        ({"lat": "22", "lon": "114", "open_now": "perhaps"}, "open_now"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, params, field):
    response = client.get(NEAREST, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_unknown_amenity_lists_the_valid_codes(client):
    response = client.get(NEAREST, {"lat": 22, "lon": 114, "amenity": "wifi,jacuzzi"})
    message = response.json()["errors"]["amenity"][0]
    assert "jacuzzi" in message and "ebike_charging" in message


def test_errors_come_in_the_language_asked_for(client):
    zh = client.get(NEAREST, {"lat": 95, "lon": 114}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    en = client.get(NEAREST, {"lat": 95, "lon": 114}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert "90" in zh["errors"]["lat"][0] and "请" in zh["errors"]["lat"][0]
    assert "less than or equal to 90" in en["errors"]["lat"][0]


@pytest.mark.parametrize("limit", [1, 12])
def test_nearest_runs_a_bounded_number_of_queries_whatever_the_result_size(
    client, stations, django_assert_max_num_queries, limit
):
    # the amenity catalogue (once per process), the candidates, the stations not yet encoded
    params = {"lat": 22.5, "lon": 114.0, "limit": limit, "amenity": "drinking_water"}
    with django_assert_max_num_queries(3):
        assert len(client.get(NEAREST, params).json()["features"]) == limit


def test_detail_and_404(client, stations):
    body = client.get("/api/v1/stations/S03/").json()
    assert body["type"] == "Feature" and body["properties"]["code"] == "S03"
    assert "distance_m" not in body["properties"]
    response = client.get("/api/v1/stations/NOPE/")
    assert response.status_code == 404
    assert "errors" in response.json()


def test_viewport_list_is_paginated_and_filtered(client, stations, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # amenity catalogue, count, page, stations
        body = client.get(
            "/api/v1/stations/", {"bbox": "114.0005,22.4,114.0055,22.6", "page_size": 2}
        ).json()
    assert body["count"] == 5
    assert [f["properties"]["code"] for f in body["features"]] == ["S00", "S01"]
    assert body["next"]
    bad = client.get("/api/v1/stations/", {"bbox": "114,22,113,23"})
    assert bad.status_code == 400 and "bbox" in bad.json()["errors"]


def test_amenity_catalogue(client):
    body = client.get("/api/v1/amenities/").json()
    codes = {a["code"]: a for a in body["results"]}
    assert codes["ebike_charging"]["name"] == "电动车充电"
    assert codes["ebike_charging"]["name_en"] == "E-bike charging"


def test_openapi_schema_documents_the_parameters(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    parameters = {
        p["name"] for p in schema["paths"]["/api/v1/stations/nearest/"]["get"]["parameters"]
    }
    assert {
        "lat",
        "lon",
        "q",
        "crs",
        "amenity",
        "open_now",
        "at",
        "kind",
        "radius_m",
        "limit",
    } <= parameters
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs and "cdn" not in docs.lower()


def test_a_change_shows_at_once_although_stations_are_kept_encoded(client, stations):
    params = {"lat": 22.5, "lon": 114.0, "limit": 1}
    first = client.get(NEAREST, params).json()["features"][0]["properties"]
    assert first["amenities"][0]["details"] == ""
    StationAmenity.objects.filter(station=stations[0]).update(details="免费矿泉水")
    again = client.get(NEAREST, params).json()["features"][0]["properties"]
    assert again["amenities"][0]["details"] == "免费矿泉水"


def test_an_amenity_added_to_the_catalogue_is_accepted_at_once(client, stations):
    assert client.get(NEAREST, {"lat": 22.5, "lon": 114.0, "amenity": "wifi"}).status_code == 200
    Amenity.objects.create(code="shower", name="淋浴", name_en="Shower", sort_order=99)
    response = client.get(NEAREST, {"lat": 22.5, "lon": 114.0, "amenity": "shower"})
    assert response.status_code == 200 and response.json()["features"] == []


def test_the_public_api_answers_json_whatever_the_client_accepts(client, stations):
    response = client.get(NEAREST, {"lat": 22.5, "lon": 114.0}, HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    error = client.get(NEAREST, {"lat": 95, "lon": 114.0}, HTTP_ACCEPT="text/html")
    assert error.status_code == 400 and error.json()["errors"]["lat"]


def test_a_full_viewport_page_runs_as_few_queries_as_a_small_one(
    client, stations, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/stations/", {"bbox": "113.9,22.4,114.1,22.6", "page_size": 500})
    assert body.json()["count"] == len(body.json()["features"]) == 12


def test_a_gps_position_can_be_asked_about_on_an_amap_map(client):
    """position_crs: lat/lon as the phone's GPS gives them (WGS-84), the answer in crs."""
    StationFactory(location=Point(114.05, 22.54, srid=4326))
    gps = {"lat": 22.543, "lon": 114.057}
    answer = client.get(
        "/api/v1/stations/nearest/", {**gps, "crs": "gcj02", "position_crs": "wgs84"}
    )
    query = answer.json()["query"]
    assert query["wgs84"] == [114.057, 22.543]
    assert query["gcj02"] == pytest.approx(list(from_wgs84(114.057, 22.543, "gcj02")), abs=1e-6)
    as_gcj = client.get("/api/v1/stations/nearest/", {**gps, "crs": "gcj02"}).json()["query"]
    assert as_gcj["gcj02"] == [114.057, 22.543]  # without it, lat/lon are in crs
    assert as_gcj["wgs84"] != query["wgs84"]
    checkups = client.get(
        "/api/v1/checkups/upcoming/", {**gps, "crs": "gcj02", "position_crs": "wgs84"}
    ).json()["query"]
    assert checkups["wgs84"] == [114.057, 22.543]
    bad = client.get("/api/v1/stations/nearest/", {**gps, "position_crs": "mars"})
    assert bad.status_code == 400 and "position_crs" in bad.json()["errors"]

"""The public API's answers travel compressed when the client asks, say how long they may be kept,
and are revalidated with a 304 instead of sent again."""

import gzip
import json

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from core.transfer import accepts_gzip
from stations.services import map_cells_refresh
from tests.core.wsgi import call, environ
from tests.stations.factories import StationFactory

pytestmark = pytest.mark.django_db
NEAREST = "/api/v1/stations/nearest/?lat=22.54&lon=113.94&limit=10"
MAP = "/api/v1/stations/map/?bbox=113.9,22.5,114.0,22.6&zoom=15"


@pytest.fixture
def stations():
    for number in range(12):
        StationFactory(location=Point(113.94 + number * 1e-3, 22.54, srid=4326))
    map_cells_refresh()


def test_a_client_that_accepts_gzip_gets_the_same_answer_compressed(stations):
    plain = Client().get(NEAREST)
    packed = Client().get(NEAREST, HTTP_ACCEPT_ENCODING="br, gzip;q=0.8")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content) / 4
    unpacked = json.loads(gzip.decompress(packed.content))
    expected = json.loads(plain.content)
    unpacked.pop("at"), expected.pop("at")  # each answer names its own moment
    assert unpacked == expected
    for answer in (plain, packed):
        assert "Accept-Encoding" in answer["Vary"]


@pytest.mark.parametrize(
    ("path", "method", "headers"),
    [
        (NEAREST, "get", {"HTTP_ACCEPT_ENCODING": "gzip;q=0"}),  # refused by the client
        (NEAREST, "get", {"HTTP_ACCEPT_ENCODING": "identity"}),
        ("/", "get", {"HTTP_ACCEPT_ENCODING": "gzip"}),  # a page, with its CSRF token
        ("/api/v1/stations/nearest/?lat=x", "get", {"HTTP_ACCEPT_ENCODING": "gzip"}),  # small
    ],
)
def test_what_is_never_compressed(stations, path, method, headers):
    answer = getattr(Client(), method)(path, **headers)
    assert "Content-Encoding" not in answer


def test_accept_encoding_is_read_as_the_standard_says():
    def asks(value: str) -> bool:
        return accepts_gzip(type("R", (), {"headers": {"Accept-Encoding": value}})())

    assert asks("gzip") and asks("deflate, GZIP") and asks("x-gzip") and asks("gzip;q=0.5")
    assert not asks("gzip;q=0") and not asks("br") and not asks("") and not asks("gzip;q=x")


def test_an_unchanged_answer_is_revalidated_with_304_and_no_body(stations):
    first = Client().get(MAP, HTTP_ACCEPT_ENCODING="gzip")
    tag = first["ETag"]
    assert tag.startswith('W/"')  # the same entity in another encoding: a weak tag
    again = Client().get(MAP, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b""
    StationFactory(location=Point(113.95, 22.55, srid=4326))
    changed = Client().get(MAP, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag


def test_the_nearest_answer_names_its_moment_so_it_carries_no_content_tag(stations):
    answer = Client().get(NEAREST)
    assert "ETag" not in answer
    assert answer["Cache-Control"] == "public, max-age=60"


def vary(answer) -> list[str]:
    return [value.strip() for value in answer["Vary"].split(",")]


@pytest.mark.parametrize(
    "path", [NEAREST, MAP, "/api/v1/checkups/upcoming/?lat=22.54&lon=113.94", "/api/v1/amenities/"]
)
def test_a_shared_cache_keeps_one_copy_per_language_and_encoding_whoever_asks(stations, path):
    """Vary names only what the answer depends on: not Cookie, which differs for every client
    and would leave a CDN nothing to share."""
    answer = Client().get(path, HTTP_ACCEPT_ENCODING="gzip", HTTP_COOKIE="django_language=en")
    assert vary(answer) == ["Accept-Language", "Accept-Encoding"]


def test_the_api_speaks_the_language_of_accept_language_never_of_a_cookie(stations):
    def spoken(**headers) -> tuple[str, str]:
        answer = Client().get("/api/v1/stations/nearest/?lat=x&lon=114", **headers)
        return answer["Content-Language"], answer.json()["errors"]["lat"][0]

    chinese = spoken()
    assert chinese[0] == "zh-hans" and not chinese[1].isascii()
    assert spoken(HTTP_COOKIE="django_language=en") == chinese
    english = spoken(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert english[0] == "en" and english[1].isascii()
    assert spoken(HTTP_ACCEPT_LANGUAGE="fr, en;q=0.5") == english
    assert spoken(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.8") == chinese


def test_pages_still_follow_the_language_switch_cookie(stations):
    page = Client().get("/", HTTP_COOKIE="django_language=en")
    assert page["Content-Language"] == "en"


def test_a_station_keeps_its_version_as_etag_for_managers_writes(stations):
    code = StationFactory(code="T-ETAG").code
    plain = Client().get(f"/api/v1/stations/{code}/")
    packed = Client().get(f"/api/v1/stations/{code}/", HTTP_ACCEPT_ENCODING="gzip")
    assert plain["ETag"] == '"1"' and packed["ETag"] == 'W/"1"'


@pytest.mark.parametrize(
    ("path", "cache_control"),
    [
        ("/api/v1/amenities/", "public, max-age=60"),
        ("/api/v1/checkups/upcoming/?lat=22.54&lon=113.94", "public, max-age=10"),
        ("/api/v1/health/", "public, max-age=0"),
    ],
)
def test_how_long_answers_may_be_kept(stations, path, cache_control):
    assert Client().get(path)["Cache-Control"] == cache_control


def test_errors_and_writes_are_not_marked_for_keeping(stations):
    assert "Cache-Control" not in Client().get("/api/v1/stations/nearest/?lat=x")
    login = Client().post(
        "/api/v1/auth/token/", {"username": "x", "password": "y"}, content_type="application/json"
    )
    assert "public" not in login.get("Cache-Control", "")


@pytest.mark.parametrize("path", [NEAREST, "/api/v1/amenities/", "/", "/no/such/page/"])
def test_a_head_request_gets_the_get_answers_headers_and_no_body(stations, served, path):
    host = {"HTTP_HOST": "127.0.0.1", "SERVER_NAME": "127.0.0.1"}
    at = "&at=2026-12-02T12:00:00" if "?" in path else ""
    target, _, query = f"{path}{at}".partition("?")
    get = call(served, environ(target, "GET", QUERY_STRING=query, **host))
    head = call(served, environ(target, "HEAD", QUERY_STRING=query, **host))
    assert get[2] and head[2] == b""
    assert head[0] == get[0]
    assert head[1]["Content-Type"] == get[1]["Content-Type"]

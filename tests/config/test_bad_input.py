"""Inputs that used to crash the server (500) are 400s in the error shape, naming the field."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from core.roles import Role
from tests.services.factories import VanFactory
from tests.stations.factories import AdminAreaFactory, StationFactory, UserFactory, manager_of

pytestmark = pytest.mark.django_db

DEEP_JSON = "[" * 20_000 + "]" * 20_000


def token_client(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("/api/v1/auth/token/", None),
        ("/api/v1/checkups/1/bookings/", None),
        ("/api/v1/organisers/events/", Role.ORGANISER),
        ("/api/v1/organisers/vans/", Role.ORGANISER),
        ("/api/v1/planning/van-tours/", Role.ORGANISER),
    ],
)
def test_json_nested_too_deep_is_400(url, who):
    client = token_client(UserFactory(roles=[who])) if who else Client()
    response = client.post(url, DEEP_JSON, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert "errors" in response.json()


def test_json_nested_too_deep_for_a_manager_write_is_400():
    station = StationFactory(code="SZ-DEEP")
    client = token_client(manager_of(station))
    etag = Client().get("/api/v1/stations/SZ-DEEP/")["ETag"]
    response = client.patch(
        "/api/v1/stations/SZ-DEEP/", DEEP_JSON, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/api/v1/stations/nearest/", {"lat": 22.5, "lon": 114, "at": "0001-01-01T00:00:00"}, "at"),
        ("/api/v1/stations/nearest/", {"lat": 22.5, "lon": 114, "at": "9999-12-31T23:59"}, "at"),
        (
            "/api/v1/checkups/upcoming/",
            {"lat": 22.5, "lon": 114, "from": "9999-12-31T00:00"},
            "from",
        ),
        ("/api/v1/checkups/upcoming/", {"lat": 22.5, "lon": 114, "to": "0001-01-01T00:00"}, "to"),
        ("/api/v1/stations/SZ-X/", {"at": "0001-01-01T00:00:00Z"}, "at"),
    ],
)
def test_moments_out_of_range_are_400(url, params, field):
    StationFactory(code="SZ-X")
    response = Client().get(url, params)
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    "url",
    ["/api/v1/stations/nearest/", "/api/v1/checkups/upcoming/", "/api/v1/benefits/eligible/"],
)
@pytest.mark.parametrize(("lat", "lon"), [(90, 180), (-90, -180), (90, 0)])
def test_the_poles_in_gcj02_are_answered(url, lat, lon):
    """prcoords' iterative inverse failed with a math domain error at the pole."""
    StationFactory()
    params = {"lat": lat, "lon": lon, "crs": "gcj02", "occupation": "courier"}
    response = Client().get(url, params)
    assert response.status_code in (200, 400), response.content[:300]


def test_an_offset_postgresql_refuses_is_read_not_crashed():
    client = token_client(UserFactory(roles=[Role.ORGANISER]))
    response = client.get(
        "/api/v1/organisers/events/", {"starts_from": "2027-01-01T00:00:00+23:00"}
    )
    assert response.status_code == 200, response.content[:300]


@pytest.fixture
def planner():
    AdminAreaFactory(city="兰州市", name="城关区", province="甘肃省")
    return token_client(UserFactory(roles=[Role.ORGANISER]))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"date_from": "9999-12-30", "date_to": "9999-12-31"}, "date_from", "between 1970"),
        ({"date_from": "2020-01-01", "date_to": "2020-01-02"}, "date_from", "from today on"),
        ({"vans": "twice"}, "vans", "Each van once"),
    ],
)
def test_plans_that_cannot_be_are_400(planner, change, field, message):
    van = VanFactory()
    body = {
        "city": "兰州市",
        "date_from": "2027-03-01",
        "date_to": "2027-03-02",
        "vans": [van.pk],
        "time_limit_s": 1,
    } | change
    if body["vans"] == "twice":
        body["vans"] = [van.pk, van.pk]
    response = planner.post("/api/v1/planning/van-tours/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert message in " ".join(response.json()["errors"][field])

"""The organisers' API: roles, CRUD of vans and events, and the van rules as 409s."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.authtoken.models import Token

from core.roles import Role
from services.checkups.models import CheckupEvent, Van
from tests.services.factories import CheckupEventFactory, VanFactory
from tests.stations.factories import StationFactory, UserFactory, manager_of

pytestmark = pytest.mark.django_db
VANS = "/api/v1/organisers/vans/"
EVENTS = "/api/v1/organisers/events/"
MONDAY = "2026-11-30"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def client_for(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def organiser():
    return client_for(UserFactory(roles=[Role.ORGANISER]))


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


VAN = {
    "name": "兰州1号车",
    "organiser": "甘肃省总工会",
    "depot": [103.83, 36.06],
    "day_starts": "08:30",
    "day_ends": "17:30",
    "checkups_per_hour": 12,
    "days_off": [6],
}


def visit(van_id, start="09:00", end="11:00", day=MONDAY, **more):
    return {
        "kind": "general_checkup",
        "location": [103.84, 36.06],
        "address": "兰州市城关区",
        "starts_at": f"{day}T{start}",
        "ends_at": f"{day}T{end}",
        "capacity": 24,
        "organiser": "甘肃省总工会",
        "van": van_id,
    } | more


def test_only_organisers_and_administrators(station_factory=StationFactory):
    assert Client().get(VANS).status_code == 401
    assert client_for(UserFactory()).get(VANS).status_code == 403
    assert client_for(manager_of(StationFactory())).get(VANS).status_code == 403
    assert client_for(UserFactory(roles=[Role.ADMINISTRATOR])).get(VANS).status_code == 200


def test_van_crud(organiser):
    created = post(organiser, VANS, VAN)
    assert created.status_code == 201, created.content
    van = created.json()
    assert van["depot"] == [103.83, 36.06] and van["days_off"] == [6]
    url = f"{VANS}{van['id']}/"
    assert organiser.get(url).json()["name"] == "兰州1号车"
    changed = patch(organiser, url, {"checkups_per_hour": 15})
    assert changed.status_code == 200 and changed.json()["checkups_per_hour"] == 15
    assert [v["id"] for v in organiser.get(VANS).json()] == [van["id"]]
    assert organiser.delete(url).status_code == 204
    assert not Van.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"depot": [203.0, 36.0]}, "depot"),
        ({"day_ends": "07:00"}, "day_ends"),
        ({"days_off": [7]}, "days_off"),
        ({"checkups_per_hour": 0}, "checkups_per_hour"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_van_input_is_400_naming_the_field(organiser, change, field):
    response = post(organiser, VANS, VAN | change)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not Van.objects.exists()


def test_a_van_with_visits_cannot_be_deleted(organiser):
    van = VanFactory()
    CheckupEventFactory(van=van)
    response = organiser.delete(f"{VANS}{van.pk}/")
    assert response.status_code == 409
    assert "1 visits" in response.json()["errors"]["detail"][0]


def test_event_crud_at_a_station(organiser):
    station = StationFactory(code="SZ-9")
    body = visit(None) | {"station": "SZ-9"}
    del body["location"]
    created = post(organiser, EVENTS, body)
    assert created.status_code == 201, created.content
    event = created.json()
    assert event["station"] == "SZ-9"
    assert event["location"] == [station.location.x, station.location.y]
    assert event["starts_at"] == f"{MONDAY}T09:00:00+08:00"
    url = f"{EVENTS}{event['id']}/"
    assert patch(organiser, url, {"capacity": 50}).json()["capacity"] == 50
    assert organiser.get(EVENTS).json()["count"] == 1
    assert organiser.delete(url).status_code == 204


def test_an_event_needs_a_place_and_sensible_times(organiser):
    body = visit(None)
    del body["location"]
    assert "station" in post(organiser, EVENTS, body).json()["errors"]
    bad_times = post(organiser, EVENTS, visit(None, start="12:00", end="10:00"))
    assert "ends_at" in bad_times.json()["errors"]
    unknown_kind = post(organiser, EVENTS, visit(None, kind="spa"))
    assert "kind" in unknown_kind.json()["errors"]
    assert not CheckupEvent.objects.exists()


def test_capacity_cannot_drop_below_places_booked(organiser):
    event = CheckupEventFactory(capacity=10, booked=8)
    response = patch(organiser, f"{EVENTS}{event.pk}/", {"capacity": 5})
    assert response.status_code == 409
    assert "8 places are booked already" in response.json()["errors"]["detail"][0]
    event.refresh_from_db()
    assert event.capacity == 10 and event.booked == 8


def test_a_booked_event_is_cancelled_not_deleted(organiser):
    event = CheckupEventFactory(booked=1)
    response = organiser.delete(f"{EVENTS}{event.pk}/")
    assert response.status_code == 409
    assert "cancelled" in response.json()["errors"]["detail"][0]
    cancelled = patch(organiser, f"{EVENTS}{event.pk}/", {"status": "cancelled"})
    assert cancelled.status_code == 200


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (dict(start="10:00", end="12:00"), "already booked"),
        (dict(start="07:00", end="09:00"), "working hours"),
        (dict(day="2026-12-06"), "day off"),  # a Sunday
        (dict(start="11:10", end="13:00", location=[104.2, 36.06]), "in time"),
    ],
)
def test_van_rules_refuse_a_visit_with_the_reason(organiser, body, reason):
    van = VanFactory(days_off=[6])
    first = post(organiser, EVENTS, visit(van.pk))
    assert first.status_code == 201
    response = post(organiser, EVENTS, visit(van.pk, **body))
    assert response.status_code == 409, response.content
    assert reason in response.json()["errors"]["detail"][0]
    assert CheckupEvent.objects.count() == 1


def test_moving_a_visit_onto_another_is_refused(organiser):
    van = VanFactory()
    post(organiser, EVENTS, visit(van.pk))
    later = post(organiser, EVENTS, visit(van.pk, start="14:00", end="16:00")).json()
    moved = patch(
        organiser,
        f"{EVENTS}{later['id']}/",
        {"starts_at": f"{MONDAY}T10:00", "ends_at": f"{MONDAY}T11:30"},
    )
    assert moved.status_code == 409
    assert CheckupEvent.objects.get(pk=later["id"]).starts_at.hour + 8 == 14  # UTC+8, unchanged
    ok = patch(organiser, f"{EVENTS}{later['id']}/", {"starts_at": f"{MONDAY}T13:00"})
    assert ok.status_code == 200


def test_events_list_filters(organiser):
    van = VanFactory()
    kept = CheckupEventFactory(van=van)
    CheckupEventFactory()
    CheckupEventFactory(van=van, status="cancelled")
    body = organiser.get(EVENTS, {"van": van.pk, "status": "scheduled"}).json()
    assert [e["id"] for e in body["results"]] == [kept.pk]
    soon = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert organiser.get(EVENTS, {"starts_to": soon}).json()["count"] == 0

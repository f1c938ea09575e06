"""Demo data says so wherever it reaches a person: every API output that carries an invented
station, event, van or place flags it, its calendar entry is only tentative and labelled, and
it is booked only in a demo deployment, with an answer that says so."""

import json

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from icalendar import Calendar
from rest_framework.authtoken.models import Token

from core.roles import Role
from services.benefits.services import benefit_schemes_load
from tests.services.factories import CheckupEventFactory, VanFactory
from tests.stations.factories import StationFactory, UserFactory

pytestmark = pytest.mark.django_db
PHONE = {"phone": "13800138000"}


@pytest.fixture
def demo_event():
    station = StationFactory(is_synthetic=True, location=Point(114.0, 22.5, srid=4326))
    van = VanFactory(is_synthetic=True)
    return CheckupEventFactory(
        is_synthetic=True, station=station, location=station.location, van=van
    )


def organiser_client() -> Client:
    token, _ = Token.objects.get_or_create(user=UserFactory(roles=[Role.ORGANISER]))
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def assert_flagged(properties):
    assert properties["is_synthetic"] is True
    assert properties["station"]["is_synthetic"] is True
    assert properties["van"]["is_synthetic"] is True


def test_an_invented_event_its_station_and_van_are_flagged_in_every_output(client, demo_event):
    upcoming = client.get("/api/v1/checkups/upcoming/", {"lat": 22.5, "lon": 114.0}).json()
    assert_flagged(upcoming["features"][0]["properties"])
    assert_flagged(client.get(f"/api/v1/checkups/{demo_event.pk}/").json()["properties"])
    organiser = organiser_client()
    assert organiser.get(f"/api/v1/organisers/events/{demo_event.pk}/").json()["is_synthetic"]
    assert organiser.get(f"/api/v1/organisers/vans/{demo_event.van_id}/").json()["is_synthetic"]


def test_claim_points_and_where_to_join_are_flagged(demo_data):
    benefit_schemes_load()
    body = (
        Client()
        .get(
            "/api/v1/benefits/eligible/",
            {"lat": 22.54, "lon": 114.05, "occupation": "courier", "union_member": "false"},
        )
        .json()
    )
    places = [p for s in body["covered"] for p in s["claim_points"]]
    places += [s["where_to_join_the_union"] for s in body["not_covered_yet"]]
    places = [p for p in places if p]
    assert places and all(p["is_synthetic"] is True for p in places)  # the demo stations


@pytest.mark.parametrize(
    ("language", "label", "notice"),
    [("zh-hans", "（演示数据）", "演示数据"), ("en", "(demo data)", "Demo data")],
)
def test_the_calendar_entry_of_an_invented_event_is_tentative_and_says_demo(
    client, demo_event, language, label, notice
):
    response = client.get(f"/api/v1/checkups/{demo_event.pk}.ics", HTTP_ACCEPT_LANGUAGE=language)
    (entry,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert entry["STATUS"] == "TENTATIVE"
    assert str(entry["SUMMARY"]).endswith(label)
    assert str(entry["DESCRIPTION"]).startswith(notice)


def test_a_real_events_calendar_entry_is_confirmed_and_unlabelled(client):
    event = CheckupEventFactory()
    (entry,) = Calendar.from_ical(client.get(f"/api/v1/checkups/{event.pk}.ics").content).walk(
        "VEVENT"
    )
    assert entry["STATUS"] == "CONFIRMED" and "演示" not in str(entry["SUMMARY"])


def book(event):
    url = f"/api/v1/checkups/{event.pk}/bookings/"
    return Client(HTTP_ACCEPT_LANGUAGE="en").post(url, PHONE, content_type="application/json")


def test_an_invented_event_cannot_be_booked_outside_a_demo_deployment(settings, demo_event):
    settings.YIZHAN_DEMO = False
    refused = book(demo_event)
    assert refused.status_code == 409
    assert "demo data" in json.dumps(refused.json()["errors"])
    demo_event.refresh_from_db()
    assert demo_event.booked == 0


def test_a_demo_deployment_books_it_and_says_it_is_a_demo_booking(settings, demo_event):
    settings.YIZHAN_DEMO = True
    booked = book(demo_event)
    assert booked.status_code == 201
    assert booked.json()["is_synthetic"] is True and "demo booking" in booked.json()["note"]
    real = book(CheckupEventFactory())
    assert real.status_code == 201
    assert real.json()["is_synthetic"] is False and real.json()["note"] is None

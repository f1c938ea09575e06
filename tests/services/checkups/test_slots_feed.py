"""The check-ups as a SMART Scheduling Links feed: the manifest lists a Location, a Schedule and a
Slot file; every line parses as the resource it says; the slots' capacities add up to the
places the API shows (free: left, busy: taken); demo, cancelled and ended events stay out."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from services.checkups.models import CheckupEvent
from tests.services.factories import CheckupEventFactory
from tests.stations.factories import StationFactory

pytestmark = pytest.mark.django_db

CAPACITY = "http://fhir-registry.smarthealthit.org/StructureDefinition/slot-capacity"
BOOKING_LINK = "http://fhir-registry.smarthealthit.org/StructureDefinition/booking-deep-link"


def ndjson(client: Client, url: str) -> list[dict]:
    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/fhir+ndjson"
    text = answer.content.decode()
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def events():
    station = StationFactory(code="SZ-0001", phone="0755-1234 5678")
    at_station = CheckupEventFactory(station=station, location=station.location, capacity=30)
    CheckupEvent.objects.filter(pk=at_station.pk).update(booked=12)
    same_place_other_kind = CheckupEventFactory(
        station=station, location=station.location, kind_id="two_cancer_screening", capacity=20
    )
    full_in_a_square = CheckupEventFactory(address="莲花山公园北门", capacity=5)
    CheckupEvent.objects.filter(pk=full_in_a_square.pk).update(booked=5)
    CheckupEventFactory(is_synthetic=True)  # demo: never published
    CheckupEventFactory(status=CheckupEvent.Status.CANCELLED)
    CheckupEventFactory(
        starts_at=timezone.now() - dt.timedelta(hours=5),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    return at_station, same_place_other_kind, full_in_a_square


def test_the_feed_lists_its_files_and_every_line_is_the_resource_it_says(events):
    client = Client()
    manifest = client.get("/api/v1/checkups/$bulk-publish").json()
    assert [item["type"] for item in manifest["output"]] == ["Location", "Schedule", "Slot"]
    assert manifest["request"].endswith("/api/v1/checkups/$bulk-publish")
    assert manifest["error"] == [] and dt.datetime.fromisoformat(manifest["transactionTime"])
    files = {item["type"]: ndjson(client, item["url"]) for item in manifest["output"]}

    for kind, resources in files.items():
        assert {r["resourceType"] for r in resources} == {kind}
        ids = [r["id"] for r in resources]
        assert len(ids) == len(set(ids))
        assert all(len(i) <= 64 and i.replace(".", "").replace("_", "").isalnum() for i in ids)

    locations = {r["id"]: r for r in files["Location"]}
    assert set(locations) == {"station.SZ.0001", f"event.{events[2].pk}"}
    assert locations["station.SZ.0001"]["telecom"] == [
        {"system": "phone", "value": "0755-1234 5678"}
    ]
    schedules = {r["id"]: r for r in files["Schedule"]}
    assert len(schedules) == 3  # two kinds at the station, one in the square
    for schedule in schedules.values():
        assert schedule["actor"][0]["reference"].removeprefix("Location/") in locations
    for slot in files["Slot"]:
        assert slot["schedule"]["reference"].removeprefix("Schedule/") in schedules
        assert dt.datetime.fromisoformat(slot["end"]) > dt.datetime.fromisoformat(slot["start"])


def test_the_capacities_add_up_to_the_places_the_api_shows(events):
    client = Client()
    slots = ndjson(client, "/api/v1/checkups/slots/slot.ndjson")
    by_event: dict[int, dict[str, int]] = {}
    for slot in slots:
        event_id = int(slot["id"].split(".")[1])
        (capacity,) = [e["valueInteger"] for e in slot["extension"] if e["url"] == CAPACITY]
        by_event.setdefault(event_id, {})[slot["status"]] = capacity
    assert set(by_event) == {event.pk for event in events}
    for event_id, counts in by_event.items():
        shown = client.get(f"/api/v1/checkups/{event_id}/").json()["properties"]
        assert counts.get("free", 0) == shown["places_left"]
        assert counts.get("free", 0) + counts.get("busy", 0) == shown["capacity"]
    at_station = next(s for s in slots if s["id"] == f"event.{events[0].pk}.free")
    (link,) = [e["valueUrl"] for e in at_station["extension"] if e["url"] == BOOKING_LINK]
    assert link.endswith("/stations/SZ-0001/#checkups")

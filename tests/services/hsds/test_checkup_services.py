"""Check-ups in the HSDS export: each kind of check-up at a place is a service, its upcoming
sessions one-day schedules with the places left; they validate against HSDS's schemas, their
ids lead back to them, and the demo's invented check-ups stay out unless asked for."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone
from jsonschema import Draft202012Validator

from core.localtime import LOCAL_TZ
from services.checkups.models import CheckupEvent
from services.hsds.tabular import SCHEMA_DIR
from tests.services.factories import CheckupEventFactory
from tests.stations.factories import StationAmenityFactory, StationFactory

pytestmark = pytest.mark.django_db


def nested_schema() -> Draft202012Validator:
    path = SCHEMA_DIR / "compiled" / "service_with_definitions.json"
    return Draft202012Validator(json.loads(path.read_text(encoding="utf-8")))


@pytest.fixture
def checkups():
    station = StationFactory(code="SZ-0001", name="福田驿站")
    soon = timezone.now().astimezone(LOCAL_TZ).replace(hour=9, minute=0) + dt.timedelta(days=3)
    for day in (0, 7):  # two sessions of one kind at the station: one service
        event = CheckupEventFactory(
            station=station, location=station.location, starts_at=soon + dt.timedelta(days=day),
            ends_at=soon + dt.timedelta(days=day, hours=3), capacity=30, items=["血压", "血糖"],
            members_only=True, organiser="深圳市总工会",
        )  # fmt: skip
    CheckupEvent.objects.filter(pk=event.pk).update(booked=30)
    CheckupEventFactory(
        address="莲花山公园北门", location=Point(114.06, 22.56, srid=4326), kind_id="tcm_clinic",
        starts_at=soon, ends_at=soon + dt.timedelta(hours=4), organiser="福田区总工会",
    )  # fmt: skip
    CheckupEventFactory(is_synthetic=True, starts_at=soon, ends_at=soon + dt.timedelta(hours=2))


def checkup_services(client: Client, **params) -> list[dict]:
    contents = client.get("/api/v1/hsds/services/", {"full": "true", **params}).json()["contents"]
    return [s for s in contents if s["service_at_locations"][0]["schedules"]]


def test_each_kind_at_a_place_is_a_service_with_its_sessions(checkups):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    found = checkup_services(client)
    assert len(found) == 2  # the demo's invented one stays out
    validator = nested_schema()
    for service in found:
        assert [e.message for e in validator.iter_errors(service)] == []
    at_station = next(s for s in found if "福田驿站" in s["name"])
    assert at_station["description"] == "血压、血糖"
    assert "union members only" not in at_station["eligibility_description"]  # in Chinese
    link = at_station["service_at_locations"][0]
    assert link["location"]["external_identifier"] == "SZ-0001"
    first, second = link["schedules"]
    assert first["valid_from"] == first["valid_to"] and first["opens_at"] == "09:00+08:00"
    assert "30" in first["description"] and second["description"] == "已约满"
    in_the_park = next(s for s in found if "莲花山公园北门" in s["name"])
    assert in_the_park["service_at_locations"][0]["location"]["addresses"][0]["address_1"] == (
        "莲花山公园北门"
    )
    for service in found:
        again = client.get(f"/api/v1/hsds/services/{service['id']}/").json()
        assert again == service
    assert len(checkup_services(client, demo="true")) == 3


def test_the_organisers_are_organizations_and_the_package_has_the_sessions(checkups):
    client = Client()
    names = {o["name"] for o in client.get("/api/v1/hsds/organizations/").json()["contents"]}
    assert {"深圳市总工会", "福田区总工会"} <= names
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/v1/hsds/datapackage.zip").content))
    schedules = archive.read("schedules.csv").decode("utf-8").splitlines()
    assert len(schedules) == 1 + 3  # the header, three sessions (no weekly hours here)


def test_pages_of_one_cut_the_same_list_and_modified_after_finds_a_changed_session(checkups):
    client = Client()
    # one station with an amenity: one amenity service before the check-ups
    StationAmenityFactory(station=StationFactory(code="SZ-0003"))
    whole = client.get("/api/v1/hsds/services/", {"per_page": 50}).json()
    ids = [s["id"] for s in whole["contents"]]
    assert whole["total_items"] == len(ids) == 3  # one amenity, two check-up services
    paged = []
    for page in range(1, 4):
        answer = client.get("/api/v1/hsds/services/", {"per_page": 1, "page": page}).json()
        paged += [s["id"] for s in answer["contents"]]
    assert paged == ids
    since = timezone.now()
    CheckupEvent.objects.filter(kind_id="tcm_clinic").update(booked=1, updated_at=timezone.now())
    changed = client.get("/api/v1/hsds/services/", {"modified_after": since.isoformat()}).json()
    assert [s["name"] for s in changed["contents"]] == ["中医义诊（莲花山公园北门）"]

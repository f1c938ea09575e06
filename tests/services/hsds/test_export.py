"""The registry as HSDS 3.0: every service page and fully nested service validates against Open
Referral's schemas (vendored in services/hsds/schema); ids are UUIDs that lead back to their row;
closures and out-of-service amenities say so; the demo's invented stations stay out unless
asked for, and are then marked; ``modified_after`` gives exactly what changed."""

import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone
from jsonschema import Draft202012Validator

from services.hsds.tabular import SCHEMA_DIR
from stations.models import Amenity, Station, StationAmenity
from tests.services.factories import CheckupEventFactory
from tests.stations.factories import (
    AdminAreaFactory,
    OpeningExceptionFactory,
    OpeningPeriodFactory,
    StationAmenityFactory,
    StationFactory,
)

pytestmark = pytest.mark.django_db

SCHEMAS = SCHEMA_DIR


def schema(name: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((SCHEMAS / name).read_text(encoding="utf-8")))


def valid(validator: Draft202012Validator, document: dict) -> bool:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []
    return True


@pytest.fixture
def registry():
    AdminAreaFactory(city="深圳市", province="广东省")
    station = StationFactory(
        code="SZ-0001", operator="深圳市总工会", phone="0755-1234 5678", name_en="Futian Station"
    )
    StationAmenityFactory(station=station, amenity_id="drinking_water", details="饮水机在门口")
    StationAmenityFactory(station=station, amenity_id="ebike_charging", status="out_of_service")
    OpeningPeriodFactory(station=station, weekday=0, opens="22:00", closes="06:00")
    OpeningExceptionFactory(station=station, date=timezone.localdate().replace(year=2099))
    closed = StationFactory(code="SZ-0002", status=Station.Status.CLOSED)
    StationAmenityFactory(station=closed, amenity_id="toilet")
    demo = StationFactory(code="DEMO-1", is_synthetic=True)
    StationAmenityFactory(station=demo, amenity_id="toilet")
    return station


def services(client: Client, **params) -> dict:
    answer = client.get("/api/v1/hsds/services/", params)
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_pages_and_full_services_validate_against_the_hsds_schemas(registry):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = services(client)
    valid(schema("page.json"), page)
    assert (page["total_items"], page["size"], page["first_page"], page["last_page"]) == (
        3, 3, True, True
    )  # fmt: skip
    item = schema("compiled/service_list.json")
    assert all(valid(item, service) for service in page["contents"])

    full = services(client, full="true")["contents"]
    nested = schema("compiled/service_with_definitions.json")
    assert all(valid(nested, service) for service in full)
    water = next(s for s in full if s["name"].startswith("饮用水"))
    assert water["description"] == "饮水机在门口" and water["status"] == "active"
    location = water["service_at_locations"][0]["location"]
    assert (location["external_identifier"], location["latitude"]) == ("SZ-0001", 22.54)
    assert location["addresses"][0]["state_province"] == "广东省"
    assert location["phones"][0]["number"] == "0755-1234 5678"
    weekly, dated = location["schedules"]
    assert (weekly["byday"], weekly["opens_at"], weekly["closes_at"]) == (
        "MO",
        "22:00+08:00",
        "06:00+08:00",
    )
    assert (
        "past midnight"
        in Client(HTTP_ACCEPT_LANGUAGE="en")
        .get(f"/api/v1/hsds/services/{water['id']}/")
        .json()["service_at_locations"][0]["location"]["schedules"][0]["description"]
    )
    assert dated["valid_from"] == dated["valid_to"] and "opens_at" not in dated

    statuses = {s["name"].split("（")[0]: s["status"] for s in full}
    names = dict(Amenity.objects.values_list("code", "name"))
    assert statuses[names["ebike_charging"]] == "inactive"
    assert statuses[names["toilet"]] == "defunct"  # the closed station's


def test_ids_are_uuids_that_lead_back_to_their_service(registry):
    client = Client()
    for service in services(client)["contents"]:
        assert uuid.UUID(service["id"]).version == 8
        one = client.get(f"/api/v1/hsds/services/{service['id']}/")
        assert one.status_code == 200 and one.json()["id"] == service["id"]
        assert one.json()["name"] == service["name"]
    organization = services(client)["contents"][0]["organization"]
    found = client.get(f"/api/v1/hsds/organizations/{organization['id']}/").json()
    assert found == organization
    assert client.get("/api/v1/hsds/services/not-a-uuid/").status_code == 404
    assert client.get(f"/api/v1/hsds/services/{uuid.uuid4()}/").status_code == 404


def test_demo_stations_only_when_asked_and_then_marked(registry):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    demo_alert = "Demo data: an invented station, not a real place."
    assert services(client)["total_items"] == 3
    assert all(s.get("alert") != demo_alert for s in services(client)["contents"])
    with_demo = services(client, demo="true", full="true")["contents"]
    (demo,) = [s for s in with_demo if s.get("alert") == demo_alert]
    assert demo["service_at_locations"][0]["location"]["external_identifier"] == "DEMO-1"
    organizations = client.get("/api/v1/hsds/organizations/").json()
    valid(schema("page.json"), organizations)
    assert all(
        valid(schema("compiled/organization_list.json"), o) for o in organizations["contents"]
    )


def test_modified_after_gives_what_changed_including_a_closure(registry):
    client = Client()
    since = timezone.now()
    assert services(client, modified_after=since.isoformat())["total_items"] == 0
    Station.objects.filter(code="SZ-0001").update(status=Station.Status.TEMPORARILY_CLOSED)
    changed = services(client, modified_after=since.isoformat())["contents"]
    assert len(changed) == 2 and {s["status"] for s in changed} == {"temporarily closed"}
    StationAmenity.objects.filter(amenity_id="toilet").update(details="二楼")
    assert services(client, modified_after=since.isoformat())["total_items"] == 3


def test_pages_and_bad_parameters(registry):
    client = Client()
    second = services(client, per_page=2, page=2)
    assert (second["size"], second["first_page"], second["last_page"]) == (1, False, True)
    beyond = services(client, per_page=2, page=9)
    assert beyond["empty"] and beyond["contents"] == []
    bad = client.get("/api/v1/hsds/services/", {"per_page": 0, "modified_after": "x"})
    assert bad.status_code == 400 and {"per_page", "modified_after"} <= set(bad.json()["errors"])


@pytest.mark.parametrize("stations", [1, 6])
def test_a_page_costs_the_same_queries_however_many_stations_it_holds(
    stations, django_assert_num_queries
):
    for _number in range(stations):
        station = StationFactory(operator="深圳市总工会")
        StationAmenityFactory(station=station)
        OpeningPeriodFactory(station=station)
        CheckupEventFactory(station=station, location=station.location)
    client = Client()
    client.get("/api/v1/hsds/services/")  # the amenity catalogue read once
    # amenities: count, the page's rows; check-ups: count, the page's places and kinds, their
    # sessions; the stations' weekly hours, dated hours, provinces
    with django_assert_num_queries(8):
        assert services(client, full="true")["size"] == 2 * stations

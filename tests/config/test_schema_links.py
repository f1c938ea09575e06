"""The schema's OpenAPI links lead from a real answer to a real row: followed as a client (or
schemathesis's stateful phase) would follow them, each one gives a 2xx."""

import json
import re

import pytest
from django.test import Client

from services.benefits.services import benefit_schemes_load
from tests.services.factories import CheckupEventFactory

pytestmark = pytest.mark.django_db
PHONE = {"phone": "13800138000"}


@pytest.fixture
def links(client):
    """``links(path, method, status)``: the links of that answer in the served schema."""
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    return lambda path, method, status: paths[path][method]["responses"][status]["links"]


def follow(link, response, request_path=None):
    """The target URL of ``link`` after ``response`` (to a request with ``request_path``)."""
    target = link["operationRef"].removeprefix("#/paths/").rsplit("/", 1)[0]
    url = target.replace("~1", "/").replace("~0", "~")
    for name, expression in link["parameters"].items():
        if expression.startswith("$request.path."):
            value = request_path[expression.removeprefix("$request.path.")]
        else:
            value = response.json()
            for step in expression.removeprefix("$response.body#/").split("/"):
                value = value[int(step)] if isinstance(value, list) else value[step]
        url = url.replace("{" + name + "}", str(value))
    assert not re.search(r"\{\w+\}", url), url
    return url


def test_from_the_scheme_list_to_a_scheme(client, links):
    benefit_schemes_load()
    listed = client.get("/api/v1/benefits/schemes/")
    link = links("/api/v1/benefits/schemes/", "get", "200")["FirstScheme"]
    scheme = client.get(follow(link, listed))
    assert scheme.status_code == 200
    assert scheme.json()["id"] == listed.json()["results"][0]["id"]


def test_from_an_upcoming_event_to_a_booking_and_its_cancellation(client, links):
    event = CheckupEventFactory()
    upcoming = client.get("/api/v1/checkups/upcoming/", {"lat": 22.5, "lon": 114.0})
    from_upcoming = links("/api/v1/checkups/upcoming/", "get", "200")
    assert client.get(follow(from_upcoming["NearestEvent"], upcoming)).json()["id"] == event.pk
    booking_url = follow(from_upcoming["BookNearestEvent"], upcoming)
    booked = Client().post(booking_url, PHONE, content_type="application/json")
    assert booked.status_code == 201
    link = links("/api/v1/checkups/{event_id}/bookings/", "post", "201")["CancelBooking"]
    cancel_url = follow(link, booked, request_path={"event_id": event.pk})
    cancelled = Client().delete(cancel_url, json.dumps(PHONE), content_type="application/json")
    assert cancelled.status_code == 200 and cancelled.json()["cancelled_at"]

"""Incremental sync for mirrors: ``modified_after`` on the station list gives exactly the stations
changed since (by any writer: their own row, amenities, hours; closures included) and the codes
removed, and says where to ask from next, never past a change still being written."""

import datetime as dt
import threading

import pytest
from django.db import connections, transaction
from django.test import Client
from django.utils import timezone

from stations.models import Station, StationAmenity
from tests.stations.factories import OpeningPeriodFactory, StationAmenityFactory, StationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/stations/"


def poll(client: Client, since: str, **headers) -> tuple[int, dict, dict]:
    answer = client.get(URL, {"modified_after": since}, headers=headers)
    body = answer.json() if answer.status_code != 304 else {}
    return answer.status_code, body, answer


def codes(body: dict) -> list[str]:
    return [feature["properties"]["code"] for feature in body["features"]]


def test_exactly_the_stations_changed_since_and_those_removed():
    amenity = StationAmenityFactory(station=StationFactory(code="A-AMENITY"))
    closing = StationFactory(code="B-CLOSED")
    hours = StationFactory(code="C-HOURS")
    removed = StationFactory(code="D-GONE")
    StationFactory(code="E-UNTOUCHED")
    since = timezone.now()

    StationAmenity.objects.filter(pk=amenity.pk).update(status="out_of_service")
    Station.objects.filter(pk=closing.pk).update(status=Station.Status.CLOSED)
    OpeningPeriodFactory(station=hours)
    removed.delete()

    client = Client()
    status, body, answer = poll(client, since.isoformat())
    assert status == 200
    assert codes(body) == ["A-AMENITY", "B-CLOSED", "C-HOURS"]
    closed = next(f for f in body["features"] if f["properties"]["code"] == "B-CLOSED")
    assert closed["properties"]["status"] == "closed"
    assert [r["code"] for r in body["removed"]] == ["D-GONE"]
    assert body["count"] == 3

    later = timezone.now()
    status, body, _answer = poll(client, later.isoformat())
    assert (status, codes(body), body["removed"]) == (200, [], [])
    next_from = dt.datetime.fromisoformat(answer["Yizhan-Next-Modified-After"])
    assert next_from <= timezone.now()


def test_a_poll_that_finds_nothing_new_is_answered_304():
    StationFactory()
    client = Client()
    since = timezone.now().isoformat()
    status, _body, first = poll(client, since)
    assert status == 200 and first.has_header("ETag")
    status, _body, _answer = poll(client, since, if_none_match=first["ETag"])
    assert status == 304
    StationFactory(code="NEW")
    status, body, _answer = poll(client, since, if_none_match=first["ETag"])
    assert status == 200 and codes(body) == ["NEW"]


def test_a_bad_moment_is_refused_naming_the_field():
    answer = Client().get(URL, {"modified_after": "yesterday"})
    assert answer.status_code == 400 and "modified_after" in answer.json()["errors"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_next_poll_starts_before_a_change_still_being_written():
    """A change stamped before the poll but committed after it must come in the next poll."""
    station = StationFactory(code="SLOW")
    wrote, polled = threading.Event(), threading.Event()

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                Station.objects.filter(pk=station.pk).update(phone="0755-1234")
                wrote.set()
                polled.wait(timeout=10)  # commits only after the mirror's poll
        finally:
            connections.close_all()

    since = timezone.now().isoformat()
    writer = threading.Thread(target=slow_writer)
    writer.start()
    wrote.wait(timeout=10)
    status, body, answer = poll(Client(), since)
    polled.set()
    writer.join()
    assert status == 200 and codes(body) == []  # not committed yet
    status, body, _answer = poll(Client(), answer["Yizhan-Next-Modified-After"])
    assert codes(body) == ["SLOW"]


def test_the_export_gives_the_records_changed_since_in_its_own_form():
    StationFactory(code="OLD")
    since = timezone.now()
    changed = StationFactory(code="NEW")
    OpeningPeriodFactory(station=changed)
    StationFactory(code="GONE").delete()
    answer = Client().get(
        "/api/v1/stations/export.geojson", {"modified_after": since.isoformat(), "crs": "gcj02"}
    )
    assert answer.status_code == 200 and answer.has_header("Yizhan-Next-Modified-After")
    body = answer.json()
    (feature,) = body["features"]
    assert feature["properties"]["code"] == "NEW"
    assert feature["properties"]["opening_hours"]["weekly"] == [[0, "08:00", "20:00"]]
    assert [r["code"] for r in body["removed"]] == ["GONE"]
    bad = Client().get("/api/v1/stations/export.geojson", {"modified_after": "soon"})
    assert bad.status_code == 400 and "modified_after" in bad.json()["errors"]

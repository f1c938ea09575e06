"""Workers' reports: the trust rule (one client cannot flip a station, three can), decay, all
clear, a manager's confirmation and resolution (audited), spam, rate limits, masked phones,
roles, and many clients at once."""

import datetime as dt
import threading

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone, translation

from core.roles import Role
from services.reports.models import StationReport
from services.reports.selectors import WINDOW
from stations.models import Station, StationChange
from tests.stations.factories import StationFactory, UserFactory, manager_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def station():
    return StationFactory(code="T-REPORT")


URL = "/api/v1/stations/T-REPORT/reports/"


def report(kind: str, client: int, **more):
    return Client(REMOTE_ADDR=f"10.9.0.{client}", HTTP_ACCEPT_LANGUAGE="en").post(
        URL, {"kind": kind, **more}, content_type="application/json"
    )


def notices() -> list[str]:
    return [n["kind"] for n in Client().get(URL).json()["notices"]]


def test_one_client_cannot_flip_a_station_three_can(station):
    for _ in range(3):
        assert report("no_water", 1).status_code == 201
    assert notices() == []
    report("no_water", 2)
    answer = report("no_water", 3).json()
    assert [n["kind"] for n in answer["notices"]] == ["no_water"]
    assert answer["notices"][0]["clients"] == 3
    assert answer["notices"][0]["text"] == "Workers report: No drinking water"
    assert Station.objects.get(pk=station.pk).version == station.version  # data untouched


def test_reports_decay_after_the_window(station):
    for client in (1, 2, 3):
        report("closed", client)
    StationReport.objects.update(created_at=timezone.now() - WINDOW - dt.timedelta(minutes=1))
    assert notices() == []


def test_two_all_good_clients_clear_and_one_does_not(station):
    for client in (1, 2, 3):
        report("crowded", client)
    report("all_good", 4)
    assert notices() == ["crowded"]
    report("all_good", 5)
    assert notices() == []


def test_spam_counts_for_nothing(station):
    for client in (1, 2, 3):
        report("charging_broken", client)
    StationReport.objects.update(is_spam=True)
    assert notices() == []


def manager_client(station) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager_of(station))
    return client


def test_a_managers_confirmation_clears(station):
    for client in (1, 2, 3):
        report("closed", client)
    Station.objects.filter(pk=station.pk).update(last_verified_at=timezone.now())
    assert notices() == []


def test_the_manager_reads_masked_reports_and_resolves_them_audited(station):
    for client in (1, 2, 3):
        report("microwave_broken", client, phone="13912345678", note="门口那台")
    manager = manager_client(station)
    listed = manager.get(f"{URL}open/").json()
    assert [r["phone"] for r in listed["reports"]] == ["*******5678"] * 3
    assert "13912345678" not in str(listed)
    resolved = manager.post(
        f"{URL}resolve/",
        {"resolution": "fixed", "kind": "microwave_broken"},
        content_type="application/json",
    )
    assert resolved.status_code == 200 and resolved.json() == {
        "station": "T-REPORT",
        "notices": [],
        "resolved": 3,
    }
    change = StationChange.objects.get(station=station)
    assert change.action == "resolve reports: fixed" and change.actor_name
    assert set(StationReport.objects.values_list("resolution", flat=True)) == {"fixed"}


def test_only_the_stations_managers_see_and_resolve(station):
    other = manager_client(StationFactory(code="T-OTHER"))
    assert other.get(f"{URL}open/").status_code == 403
    assert Client().post(f"{URL}resolve/", {}, content_type="application/json").status_code in (
        401,
        403,
    )
    organiser = Client()
    organiser.force_login(UserFactory(roles=[Role.ORGANISER]))
    assert organiser.get(f"{URL}open/").status_code == 403


def test_bad_input_names_the_field_and_nothing_is_kept(station):
    bad = report("on_fire", 1, phone="123")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"kind", "phone"}
    assert (
        Client()
        .post("/api/v1/stations/NOPE/reports/", {"kind": "closed"}, content_type="application/json")
        .status_code
        == 404
    )
    assert not StationReport.objects.exists()


def test_one_client_is_limited_per_station(station):
    for _ in range(3):
        report("closed", 1)
    refused = report("closed", 1)
    assert refused.status_code == 429 and refused["Retry-After"] == "600"
    assert StationReport.objects.count() == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_many_clients_at_once_are_all_counted():
    StationFactory(code="T-REPORT")
    clients = 24
    start = threading.Barrier(clients)
    statuses = []

    def one(n: int) -> None:
        start.wait()
        try:
            statuses.append(report("no_water", n + 1).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * clients
    assert StationReport.objects.count() == clients
    [notice] = Client().get(URL).json()["notices"]
    assert notice["clients"] == clients

"""The staff's home after logging in: by role, what each needs to see first."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from core.roles import Role
from services.checkups.models import CheckupEvent
from services.reports.services import client_digest, report_create
from stations.models import Station, StationAmenity
from stations.services import station_verify
from tests.e2e.pages import PASSWORD
from tests.services.factories import CheckupEventFactory, VanFactory
from tests.stations.factories import (
    StationAmenityFactory,
    StationFactory,
    UserFactory,
    manager_of,
)

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_logging_in_without_next_lands_on_the_console_not_a_404():
    user = UserFactory(username="ming", roles=[Role.STATION_MANAGER])
    answer = Client().post("/accounts/login/", {"username": "ming", "password": PASSWORD})
    assert answer.status_code == 302 and answer["Location"] == "/console/"
    assert Client().get("/console/")["Location"].startswith("/accounts/login/?next=/console/")
    page = logged_in(user).get("/console/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Logged in as ming." in page and 'action="/accounts/logout/"' in page


def test_a_manager_sees_their_stations_and_what_needs_checking():
    fresh = StationFactory(code="T-FRESH", name="新鲜驿站", last_verified_at=timezone.now())
    stale = StationFactory(code="T-STALE", name="久未核实驿站")
    Station.objects.filter(pk=stale.pk).update(
        last_verified_at=None, last_changed_at=timezone.now() - dt.timedelta(days=90)
    )
    StationAmenityFactory(
        station=fresh, amenity_id="drinking_water", status=StationAmenity.Status.OUT_OF_SERVICE
    )
    StationFactory(code="T-OTHER", name="别人的驿站")
    manager = manager_of(fresh, stale)
    colleague = manager_of(fresh)
    version = Station.objects.get(code="T-FRESH").version
    station_verify(code="T-FRESH", expected_version=version, actor=colleague)

    page = logged_in(manager).get("/console/").content.decode()
    assert "新鲜驿站" in page and "久未核实驿站" in page and "别人的驿站" not in page
    assert page.count('class="button verify"') == 1  # only the stale one asks
    assert 'data-code="T-STALE"' in page
    assert "停用：" in page  # the amenity out of service, in the page's language
    assert colleague.username in page  # a change by someone else
    assert 'id="my-checkups"' not in page  # not an organiser


def test_an_organiser_sees_vans_and_coming_check_ups_with_places_booked():
    van = VanFactory(name="甘肃1号车")
    CheckupEventFactory(van=van, capacity=40, booked=12)
    CheckupEventFactory(starts_at=timezone.now() - dt.timedelta(days=2))  # past: not shown
    organiser = UserFactory(roles=[Role.ORGANISER])
    page = logged_in(organiser).get("/console/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "甘肃1号车" in page and "12 of 40 booked" in page
    assert page.count("data-event=") == 1
    assert "My stations" not in page and "/admin/" not in page


def test_an_administrator_sees_both_and_the_admin_site():
    StationFactory.create_batch(3)
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    page = logged_in(admin).get("/console/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        "My stations" in page
        and "Today's and coming check-ups" in page
        and 'href="/admin/"' in page
    )


def test_an_administrator_of_many_stations_sees_those_to_check_first(monkeypatch):
    from maps import console

    monkeypatch.setattr(console, "CONSOLE_STATIONS", 2)
    for number in range(4):
        StationFactory(code=f"T-{number}", last_verified_at=timezone.now())
    Station.objects.filter(code__in=["T-1", "T-3"]).update(
        last_verified_at=None, last_changed_at=timezone.now() - dt.timedelta(days=60)
    )
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    page = logged_in(admin).get("/console/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "4 stations in all; these need a check first" in page
    assert 'data-code="T-1"' in page and 'data-code="T-3"' in page and 'data-code="T-0"' not in page


def test_an_account_without_a_role_is_told_what_to_ask_for():
    page = logged_in(UserFactory()).get("/console/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your account has no role yet" in page


def test_the_console_costs_a_fixed_number_of_queries(django_assert_num_queries):
    stations = StationFactory.create_batch(5)
    manager = manager_of(*stations)
    for _ in range(3):
        CheckupEventFactory(van=VanFactory())
    Group.objects.get(name=Role.ORGANISER).user_set.add(manager)
    client = logged_in(manager)
    client.get("/console/")
    for station in stations:  # reports at every station: still one query for all
        for address in ("10.7.0.1", "10.7.0.2", "10.7.0.3"):
            report_create(station=station, kind="closed", client=client_digest(address))
    # session, user, groups, managed count, ids, views, workers' reports, changes, vans, events
    with django_assert_num_queries(10):
        assert client.get("/console/").status_code == 200


def test_joining_a_role_with_admin_pages_is_all_it_takes_to_use_the_admin():
    user = UserFactory(roles=[Role.ADMINISTRATOR])
    user.refresh_from_db()
    assert user.is_staff
    client = logged_in(user)
    assert client.get("/admin/").status_code == 200
    user.groups.clear()
    user.refresh_from_db()
    assert not user.is_staff
    assert client.get("/admin/").status_code == 302  # to the admin's login

    organiser = UserFactory(roles=[Role.ORGANISER])
    manager = UserFactory(roles=[Role.STATION_MANAGER])
    organiser.refresh_from_db(), manager.refresh_from_db()
    assert organiser.is_staff and not manager.is_staff  # managers work on their pages
    Group.objects.get(name=Role.ORGANISER).user_set.clear()
    organiser.refresh_from_db()
    assert not organiser.is_staff


def test_events_listed_are_scheduled_ones():
    CheckupEventFactory(status=CheckupEvent.Status.CANCELLED)
    organiser = UserFactory(roles=[Role.ORGANISER])
    page = logged_in(organiser).get("/console/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No check-up is scheduled." in page


def test_a_manager_sees_workers_reports_of_their_stations_masked():
    station = StationFactory(code="T-HEARD")
    for n, address in enumerate(("10.7.0.1", "10.7.0.2", "10.7.0.3")):
        report_create(
            station=station,
            kind="no_water",
            client=client_digest(address),
            note="饮水机坏了" if n == 0 else "",
            phone="13912345678" if n == 0 else "",
        )
    page = logged_in(manager_of(station)).get("/console/").content.decode()
    assert "劳动者看到的提示： 有人报告：没有水 (3 位劳动者)" in page
    assert "饮水机坏了" in page and "*******5678" in page and "13912345678" not in page
    assert page.count('class="button resolve"') == 3


def test_a_manager_prints_their_stations_qr_code_and_nobody_else_can():
    station = StationFactory(code="T-QR", name="二维码驿站")
    page = logged_in(manager_of(station)).get("/console/stations/T-QR/qr/")
    text = page.content.decode()
    assert page.status_code == 200 and "二维码驿站" in text and "<svg" in text
    assert "http://testserver/stations/T-QR/#reports" in text
    other = logged_in(manager_of(StationFactory(code="T-ELSE")))
    assert other.get("/console/stations/T-QR/qr/").status_code == 403
    assert other.get("/console/stations/NOPE/qr/").status_code == 404
    assert Client().get("/console/stations/T-QR/qr/").status_code == 302

"""The organisers' numbers page: a city's check-ups by month — held, places, booked, attended,
no-shows, the share of stations with a check-up nearby lately — as a table, an SVG chart and
CSV; for organisers only."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone

from core.localtime import LOCAL_TZ, local_today
from core.roles import Role
from services.checkups.models import Booking, CheckupEvent
from services.checkups.selectors import checkup_numbers
from services.checkups.services import booking_cancel, booking_create
from services.reports.models import StationReport
from services.reports.services import client_digest, report_create
from tests.services.factories import CheckupEventFactory, booked_event_held_at
from tests.stations.factories import AdminAreaFactory, StationFactory, UserFactory

pytestmark = pytest.mark.django_db

IN_FUTIAN = Point(114.0, 22.5, srid=4326)


def last_month_at(day: int, hour: int) -> dt.datetime:
    previous = (local_today().replace(day=1) - dt.timedelta(days=1)).replace(day=day)
    return dt.datetime.combine(previous, dt.time(hour), LOCAL_TZ)


@pytest.fixture
def shenzhen():
    AdminAreaFactory()  # 福田区, 深圳市, around IN_FUTIAN
    for code, lon in (("T-0KM", 114.0), ("T-2KM", 114.0195), ("T-3.5KM", 114.034)):
        StationFactory(code=code, city="深圳市", location=Point(lon, 22.5, srid=4326))
    event = CheckupEventFactory(location=IN_FUTIAN, capacity=5)
    phones = [f"1390000000{n}" for n in range(6)]
    bookings = [booking_create(event_id=event.pk, phone=p) for p in phones[:5]]
    booking_create(event_id=event.pk, phone=phones[5], join_waiting_list=True)
    booking_cancel(event_id=event.pk, reference=bookings[4].reference, phone=phones[4])
    booking_cancel(event_id=event.pk, reference=bookings[3].reference, phone=phones[3])
    # 4 with a place (the waiting one moved up, one place given back), then held last month:
    # 2 came.
    starts = last_month_at(10, 9)
    CheckupEvent.objects.filter(pk=event.pk).update(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=3)
    )
    Booking.objects.filter(pk__in=[bookings[0].pk, bookings[1].pk]).update(checked_in_at=starts)
    booked_event_held_at(
        last_month_at(12, 9), location=IN_FUTIAN, status=CheckupEvent.Status.CANCELLED
    )
    CheckupEventFactory(location=Point(116.4, 39.9, srid=4326))  # Beijing: another city
    booked_event_held_at(last_month_at(14, 9), location=Point(116.4, 39.9, srid=4326))
    return event


def test_a_month_counts_what_was_held_and_who_came(shenzhen):
    months = checkup_numbers(city="深圳市", months=12, now=timezone.now())
    assert len(months) == 12 and months[-1].month == local_today().replace(day=1)
    last = months[-2]
    assert (last.held, last.places, last.booked, last.attended, last.no_shows) == (1, 5, 4, 2, 2)
    assert (last.stations, last.stations_covered) == (3, 2), "within 3 km: 0 and 2 km, not 3.5"
    assert months[-1].held == 0 and months[-1].stations_covered == 2  # still within 90 days
    assert all(m.held == 0 and m.stations_covered == 0 for m in months[:-5])


def organiser() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(roles=[Role.ORGANISER]))
    return client


def test_the_page_draws_the_table_and_chart_and_gives_the_csv(shenzhen):
    client = organiser()
    page = client.get("/organisers/numbers/", {"city": "深圳市"}).content.decode()
    assert page.count('<rect class="bar ') == 36
    assert "<td>1</td><td>5</td><td>4</td><td>2</td><td>2</td>" in page
    assert "67% (2 / 3)" in page
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    "/organisers/numbers/", {"city": "深圳市", "format": "csv"}
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert rows[0][0] == "month" and len(rows) == 13
    assert rows[-2][1:] == ["1", "5", "4", "2", "2", "3", "2"]


def test_a_city_that_is_not_one_is_said_not_replaced(shenzhen):
    response = organiser().get("/organisers/numbers/", {"city": "火星市"})
    assert response.status_code == 400 and "火星市" in response.content.decode()


def test_only_organisers_see_the_numbers(shenzhen):
    manager = Client(HTTP_ACCEPT_LANGUAGE="en")
    manager.force_login(UserFactory(roles=[Role.STATION_MANAGER]))
    refused = manager.get("/organisers/numbers/")
    assert (
        refused.status_code == 403 and "organisers and administrators" in refused.content.decode()
    )
    assert Client().get("/organisers/numbers/").status_code == 302


def test_the_page_counts_workers_reports_by_month_and_station(shenzhen):
    station = StationFactory(code="T-LOUD", city="深圳市", name="常被报告驿站")
    for n in range(3):
        report_create(station=station, kind="no_water", client=client_digest(f"10.6.0.{n}"))
    spam = report_create(station=station, kind="closed", client=client_digest("10.6.0.9"))
    StationReport.objects.filter(pk=spam.pk).update(is_spam=True)
    page = organiser().get("/organisers/numbers/", {"city": "深圳市"}).content.decode()
    table = page[page.index('id="report-counts"') :]
    this_month = table[table.rindex("<tr>") :]
    assert "<td>0</td><td>3</td>" in this_month  # closed (spam left out), no water
    assert "常被报告驿站</a> · 3 reports" in page

"""The organisers' tours page: a timetable per van, errors said on the page, a clear 403."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from core.localtime import LOCAL_TZ
from core.roles import Role
from tests.services.factories import CheckupEventFactory, VanFactory
from tests.stations.factories import AdminAreaFactory, StationFactory, UserFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2027, 3, 1)


@pytest.fixture
def organiser() -> Client:
    AdminAreaFactory(city="兰州市", name="城关区", province="甘肃省")  # a square near 114°E, 22.5°N
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(roles=[Role.ORGANISER]))
    return client


def visit(van, hour: int, lon: float, name: str):
    station = StationFactory(name=name, city="兰州市", location=Point(lon, 22.5, srid=4326))
    starts = dt.datetime.combine(DAY, dt.time(hour), tzinfo=LOCAL_TZ)
    return CheckupEventFactory(
        van=van,
        station=station,
        location=station.location,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        capacity=30,
        booked=4,
    )


def test_each_van_reads_like_a_timetable(organiser, settings):
    settings.YIZHAN_VAN_DETOUR_FACTOR, settings.YIZHAN_VAN_SPEED_KMH = 1.0, 60
    van = VanFactory(name="一号车", depot=Point(113.991, 22.5, srid=4326))
    visit(van, 9, 114.0, "东岗驿站")
    visit(van, 11, 114.018, "西站驿站")
    page = organiser.get("/organisers/tours/", {"city": "兰州市", "date": DAY.isoformat()})
    html = page.content.decode()
    assert page.status_code == 200
    assert "一号车 · 2 stops · 8 of 60 booked" in html
    assert html.index("东岗驿站") < html.index("西站驿站")
    # 0.93 km from the depot and 1.85 km to the next stop at 60 km/h: 1 and 2 minutes
    assert "<td>1 min</td>" in html and "<td>2 min</td>" in html
    assert "<td>09:00</td>" in html and "<td>10:00</td>" in html and "<td>4/30</td>" in html


def test_one_stop_is_singular(organiser):
    visit(VanFactory(name="二号车"), 9, 114.0, "东岗驿站")
    html = organiser.get("/organisers/tours/", {"city": "兰州市", "date": DAY.isoformat()})
    assert "二号车 · 1 stop · 4 of 30 booked" in html.content.decode()


@pytest.mark.parametrize(
    ("query", "field"),
    [({"date": "2027-02-30", "city": "兰州市"}, "Date"), ({"city": "火星市"}, "City")],
)
def test_a_bad_date_or_city_is_said_not_replaced(organiser, query, field):
    page = organiser.get("/organisers/tours/", query)
    html = page.content.decode()
    assert page.status_code == 400
    assert f"{field}:" in html and 'role="alert"' in html
    assert 'id="map"' not in html  # no other day or city shown instead


def test_the_wrong_role_gets_a_page_that_says_which_role(organiser):
    manager = Client(HTTP_ACCEPT_LANGUAGE="en")
    manager.force_login(UserFactory(roles=[Role.STATION_MANAGER]))
    page = manager.get("/organisers/tours/")
    html = page.content.decode()
    assert page.status_code == 403
    assert "The van tours are for organisers and administrators." in html
    assert 'href="/console/"' in html and "/accounts/login/?next=" in html

"""Names and texts that try to run script, in every field a page shows, on every page, in a
real browser: each is shown as text, nothing runs, and the Content-Security-Policy reports no
script of the pages' own (an inline script anywhere would be refused and logged)."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point

from core.localtime import LOCAL_TZ
from services.benefits.models import BenefitScheme
from services.checkups.models import CheckupEvent
from services.checkups.services import booking_create
from services.reports.services import client_digest, report_create
from stations.models import OpeningException, Station
from tests.e2e.pages import FUTIAN, log_in
from tests.services.factories import CheckupEventFactory, VanFactory
from tests.stations.factories import StationAmenityFactory, StationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Breaks out of HTML, attributes, a script element, a JS string and a template literal.
HOSTILE = "</script><img src=x onerror=__pwned=1><svg onload=__pwned=2>${__pwned=3}'\";__pwned=4//"
INJECTED = "img[src=x], svg[onload], [onerror]"


def nothing_ran(page) -> None:
    page.wait_for_timeout(300)  # any injected handler would have fired by now
    assert page.evaluate("window.__pwned") is None
    assert page.locator(INJECTED).count() == 0
    assert page.console_errors == []  # CSP refusals of the pages' own scripts show here too


@pytest.fixture
def hostile(demo):
    futian = Point(FUTIAN["longitude"], FUTIAN["latitude"], srid=4326)
    station = StationFactory(
        code="SZ-EVIL", name=HOSTILE, name_en=HOSTILE, address=HOSTILE, location=futian
    )
    StationAmenityFactory(station=station, amenity_id="microwave", details=HOSTILE)
    OpeningException.objects.create(
        station=station, date=dt.date.today() + dt.timedelta(days=3), closed=True, note=HOSTILE
    )
    day = dt.datetime.now(LOCAL_TZ).date() + dt.timedelta(days=1)
    van = VanFactory(name=HOSTILE, organiser=HOSTILE, days_off=[])
    starts = dt.datetime.combine(day, dt.time(9), tzinfo=LOCAL_TZ)
    lanzhou = Station.objects.filter(city="兰州市").first()
    CheckupEventFactory(
        van=van,
        location=lanzhou.location,
        address=HOSTILE,
        organiser=HOSTILE,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    CheckupEventFactory(
        station=station, location=futian, organiser=HOSTILE, eligibility_note=HOSTILE
    )
    BenefitScheme.objects.create(
        code="hostile",
        name=HOSTILE,
        name_en=HOSTILE,
        operator=HOSTILE,
        region_level="city",
        region_name="深圳市",
        enrolment="automatic",
        cover_items=[{"kind": HOSTILE, "kind_en": HOSTILE, "amount_yuan": 1, "rule": HOSTILE}],
        claim_channels=[{"zh": HOSTILE, "en": HOSTILE}],
        paid_cases=[{"zh": HOSTILE, "en": HOSTILE, "amount_yuan": 1}],
        validity={"zh": HOSTILE, "en": HOSTILE},
        source=HOSTILE,
        illustrative_zh=HOSTILE,
    )
    return day


def test_the_worker_map_list_and_popups(hostile, open_page):
    page = open_page("/", geolocation=FUTIAN)
    page.wait_for_selector("#stations li[data-code=SZ-EVIL]")
    item = page.locator("#stations li[data-code=SZ-EVIL]")
    assert HOSTILE in item.inner_text()
    with page.expect_response(lambda r: "/stations/map/" in r.url and "zoom=19" in r.url):
        page.evaluate("window.yizhanMap.setZoom(19, { animate: false })")  # street level
    page.wait_for_timeout(300)  # the view's stations drawn, each apart
    opened = page.evaluate(
        """(name) => {
            const map = window.yizhanMap;
            const marker = Object.values(map._layers)
              .find((layer) => layer.options && layer.options.title === name);
            if (marker) marker.openPopup();
            return Boolean(marker);
        }""",
        HOSTILE,
    )
    assert opened
    assert HOSTILE in page.locator(".leaflet-popup-content").inner_text()
    at_the_station = CheckupEvent.objects.get(station__code="SZ-EVIL")
    checkup = page.locator(f"#checkups li[data-event='{at_the_station.pk}']")
    checkup.wait_for()  # the station's name and who may come, as text
    assert checkup.inner_text().count(HOSTILE) == 2
    nothing_ran(page)


def test_the_station_page_for_workers_and_its_manager(hostile, open_page):
    page = open_page("/stations/SZ-EVIL/")
    assert page.locator("h1").inner_text() == HOSTILE
    assert page.locator("#checkups li[data-event]").inner_text().count(HOSTILE) == 2
    page.wait_for_selector(".leaflet-interactive")
    page.locator(".leaflet-interactive").first.hover()
    nothing_ran(page)
    manager = UserFactory(username="evil-manager", roles=["station_manager"])
    Station.objects.get(code="SZ-EVIL").managers.add(manager)
    page = open_page("/accounts/login/?next=/stations/SZ-EVIL/")
    log_in(page, "evil-manager")
    page.wait_for_selector("#manage[data-ready=true]")
    assert page.locator(".amenity-form [name=details]").input_value() == HOSTILE
    nothing_ran(page)


def test_the_tours_page_for_an_administrator(hostile, open_page):
    get_user_model().objects.create_superuser("boss", password="correct horse battery staple")
    UserFactory(username="evil-admin", roles=["administrator"])
    page = open_page(f"/organisers/tours/?date={hostile.isoformat()}&city=兰州市")
    log_in(page, "evil-admin")
    page.wait_for_selector(".stop-marker")
    page.locator(".stop-marker").first.hover()
    page.wait_for_selector(".leaflet-tooltip")
    assert HOSTILE in page.locator(".leaflet-tooltip").inner_text()
    assert HOSTILE in page.locator(".leaflet-control-layers").inner_text()
    nothing_ran(page)


def test_the_benefits_page(hostile, open_page):
    page = open_page("/benefits/")
    page.select_option("[name=city]", "深圳市")
    page.click("#worker button[type=submit]")
    page.wait_for_selector("article[data-code=hostile]")
    assert HOSTILE in page.locator("article[data-code=hostile]").inner_text()
    nothing_ran(page)


def test_the_coverage_page_and_a_hostile_query(hostile, open_page):
    page = open_page("/coverage/?city=" + HOSTILE)
    page.wait_for_selector("#computing")
    nothing_ran(page)


def test_the_admin_and_its_map_widget_run_under_the_policy(hostile, open_page):
    get_user_model().objects.create_superuser("root", password="correct horse battery staple")
    station = Station.objects.get(code="SZ-EVIL")
    page = open_page(f"/admin/login/?next=/admin/stations/station/{station.pk}/change/")
    page.fill("[name=username]", "root")
    page.fill("[name=password]", "correct horse battery staple")
    page.click("[type=submit]")
    page.wait_for_selector(".dj_map .ol-viewport")
    nothing_ran(page)


def test_the_staff_pages_added_since(hostile, open_page):
    """The manager's home with workers' reports, the QR sheet, the numbers page and a check-up
    day: every name, note and address shown as text."""
    station = Station.objects.get(code="SZ-EVIL")
    for n in range(3):
        report_create(
            station=station, kind="no_water", client=client_digest(f"10.5.0.{n}"), note=HOSTILE
        )
    event = CheckupEventFactory(station=station, location=station.location, address=HOSTILE)
    booking_create(event_id=event.pk, phone="13800138000")
    staff = UserFactory(username="evil-staff", roles=["station_manager", "organiser"])
    station.managers.add(staff)
    page = open_page("/accounts/login/?next=/console/")
    log_in(page, "evil-staff")
    page.wait_for_selector("li[data-code=SZ-EVIL] .open-reports")
    assert HOSTILE in page.locator("li[data-code=SZ-EVIL] .open-reports").inner_text()
    nothing_ran(page)
    origin = page.url.split("/console/")[0]
    for path, ready in (
        ("/console/stations/SZ-EVIL/qr/", "#qr-sheet"),
        ("/organisers/numbers/?city=深圳市", "#reported-stations"),
        (f"/console/checkups/{event.pk}/", "#attendees li[data-reference]"),
    ):
        page.goto(origin + path)
        page.wait_for_selector(ready)
        assert HOSTILE in page.inner_text("main")
        nothing_ran(page)
    sheet = page.context.request.get(origin + "/console/stations/SZ-EVIL/qr/").text()
    svg = sheet[sheet.index("<svg") : sheet.index("</svg>")]
    assert set(re.findall(r"<(\w+)", svg)) == {"svg", "path"}  # the QR drawn: no text in it

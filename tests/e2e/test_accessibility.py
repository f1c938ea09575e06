"""axe-core (vendored by scripts/vendor_static.py, never served) on every page a person uses,
workers' and staff's, on a phone, in both languages: no serious or critical violation."""

from pathlib import Path

import pytest

from services.checkups.services import booking_create
from stations.models import Station
from tests.e2e.pages import FUTIAN, log_in
from tests.services.factories import CheckupEventFactory
from tests.stations.factories import StationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
PAGES = [
    ("/", "#stations li.station"),
    ("/benefits/", "form"),
    ("/stations/SZ-0001/", "#checkups"),
    ("/accounts/login/", "form"),
]


def serious_violations(page) -> list[str]:
    page.add_script_tag(content=AXE)
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("language", ["zh-CN", "en"])
@pytest.mark.parametrize(("path", "ready"), PAGES)
def test_no_serious_accessibility_violation(demo, open_page, path, ready, language):
    page = open_page(path, geolocation=FUTIAN, language=language, bypass_csp=True)
    page.wait_for_selector(ready)
    assert serious_violations(page) == []


@pytest.mark.parametrize("language", ["zh-CN", "en"])
@pytest.mark.parametrize(
    ("path", "role", "ready"),
    [
        ("/organisers/tours/?city=兰州市", "organiser", "form.tour-form"),
        ("/stations/SZ-0001/", "station_manager", "#manage"),
        ("/console/", "station_manager", "#my-stations"),
        ("/console/", "organiser", "#my-checkups"),
        ("/organisers/numbers/?city=深圳市", "organiser", "#numbers"),
        ("/console/stations/SZ-0001/qr/", "station_manager", "#qr-sheet"),
    ],
)
def test_no_serious_violation_on_the_staff_pages(demo, open_page, path, role, ready, language):
    user = UserFactory(username="staff", roles=[role])
    if role == "station_manager":
        Station.objects.get(code="SZ-0001").managers.add(user)
    page = open_page(f"/accounts/login/?next={path}", language=language, bypass_csp=True)
    log_in(page, "staff")
    page.wait_for_selector(ready)
    assert serious_violations(page) == []


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_no_serious_violation_on_the_coverage_page(demo, open_page, language):
    """The organisers' coverage map, once its job has drawn it (and while it is computed)."""
    from core.jobs import job_run
    from stations.jobs import coverage_of

    page = open_page("/coverage/?city=深圳市", language=language, bypass_csp=True)
    page.wait_for_selector("main")
    assert serious_violations(page) == []  # "being computed"
    _, job = coverage_of("深圳市")
    job_run(str(job.pk))
    page = open_page("/coverage/?city=深圳市", language=language, bypass_csp=True)
    page.wait_for_selector("#area-share")
    assert serious_violations(page) == []


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_no_serious_violation_on_a_check_up_day_or_a_real_stations_reports(open_page, language):
    station = StationFactory(code="T-A11Y")
    event = CheckupEventFactory(station=station, location=station.location, capacity=2)
    for phone in ("13800138001", "13800138002", "13800138003"):
        booking_create(event_id=event.pk, phone=phone, join_waiting_list=True)
    UserFactory(username="staff", roles=["organiser"])
    page = open_page(
        f"/accounts/login/?next=/console/checkups/{event.pk}/", language=language, bypass_csp=True
    )
    log_in(page, "staff")
    page.wait_for_selector("#attendees li[data-reference]")
    assert serious_violations(page) == []
    page.goto(page.url.split("/console/")[0] + "/stations/T-A11Y/")
    page.wait_for_selector("#reports button.report")
    assert serious_violations(page) == []

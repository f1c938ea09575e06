"""Stations' warning-day rules meet the warnings: an imported heat warning for 南山区 puts the
stations there that keep longer hours during heat warnings on its days, so the nearest search's
open filter finds them; a station in 福田, outside the warning, stays as it is; a manager's rule
set while the warning is in force takes effect at once; a cancellation takes the days away."""

import datetime as dt
import io

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.management import call_command
from django.test import Client

from core.localtime import LOCAL_TZ
from stations.models import Station, WarningDay, WarningRule
from stations.services import station_update
from tests.services.alerts.test_alerts import FUTIAN, NANSHAN, cap
from tests.stations.factories import AdminAreaFactory, StationFactory, UserFactory

pytestmark = pytest.mark.django_db


def closed_but_open_all_day_in_the_heat(code: str, lon: float, lat: float) -> Station:
    """No weekly hours: open only on heat-warning days, round the clock."""
    station = StationFactory(code=code, location=Point(lon, lat, srid=4326))
    WarningRule.objects.create(
        station=station, kind="heat", opens=dt.time(0), closes=dt.time(0), services="免费绿豆汤"
    )
    return station


@pytest.fixture
def shenzhen():
    AdminAreaFactory(
        code="440305", name="南山区", boundary=MultiPolygon(Polygon.from_bbox(NANSHAN), srid=4326)
    )
    AdminAreaFactory(
        code="440304", name="福田区", boundary=MultiPolygon(Polygon.from_bbox(FUTIAN), srid=4326)
    )
    closed_but_open_all_day_in_the_heat("NS-HEAT", 113.93, 22.52)
    closed_but_open_all_day_in_the_heat("FT-HEAT", 114.00, 22.50)


def import_cap(tmp_path, data: bytes) -> None:
    path = tmp_path / "warning.xml"
    path.write_bytes(data)
    call_command("import_alerts", path, stdout=io.StringIO())


def open_now_near(lon: float, lat: float) -> list[str]:
    answer = Client().get(
        "/api/v1/stations/nearest/",
        {"lon": lon, "lat": lat, "open_now": "true", "radius_m": 20_000, "mode": "off"},
    )
    assert answer.status_code == 200, answer.content
    return sorted(f["properties"]["code"] for f in answer.json()["features"])


def test_a_heat_warning_opens_the_stations_that_promised_longer_hours_where_it_is(
    shenzhen, tmp_path
):
    assert open_now_near(113.95, 22.51) == []
    import_cap(tmp_path, cap("one"))  # orange heat warning for 南山区, from now for 6 hours
    today = dt.datetime.now(LOCAL_TZ).date()
    days = WarningDay.objects.filter(station__code="NS-HEAT")
    assert today in {day.date for day in days} and len(days) <= 2  # 6 hours: one or two dates
    assert not WarningDay.objects.filter(station__code="FT-HEAT").exists()
    assert open_now_near(113.95, 22.51) == ["NS-HEAT"]

    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/stations/NS-HEAT/").content.decode()
    assert "高温预警期间" in page and "免费绿豆汤" in page

    cancel = cap("two", msg_type="Cancel", references="sz.weather@example.cn,one,2026-07-20")
    import_cap(tmp_path, cancel)
    assert not WarningDay.objects.exists()
    assert open_now_near(113.95, 22.51) == []


def test_a_rule_set_while_a_warning_is_in_force_takes_effect_at_once(
    shenzhen, tmp_path, django_capture_on_commit_callbacks
):
    import_cap(tmp_path, cap("one"))
    station = StationFactory(code="NS-LATE", location=Point(113.94, 22.52, srid=4326))
    rule = WarningRule(kind="heat", opens=dt.time(0), closes=dt.time(0))
    with django_capture_on_commit_callbacks(execute=True):
        station_update(
            code="NS-LATE",
            expected_version=Station.objects.get(pk=station.pk).version,
            actor=UserFactory(),
            fields={},
            warning_rules=[rule],
        )
    assert "NS-LATE" in open_now_near(113.95, 22.51)


def test_a_hostile_rule_is_shown_as_text_to_workers_and_in_the_managers_form(shenzhen, tmp_path):
    import_cap(tmp_path, cap("one"))
    hostile = '"><script>alert(1)</script>'
    WarningRule.objects.filter(station__code="NS-HEAT").update(services=hostile)
    manager = UserFactory(roles=["station_manager"])
    Station.objects.get(code="NS-HEAT").managers.add(manager)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(manager)
    page = client.get("/stations/NS-HEAT/").content.decode()
    assert "<script>alert(1)" not in page
    assert page.count("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # notice, rule, form

"""The worker map as an installable web app: a manifest, and a service worker that keeps the
shell and the last answers, so that after a first visit the map opens offline with the saved
stations, says so, and works out "open now" on the phone."""

import json

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from tests.stations.factories import StationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
HERE = {"latitude": 30.0, "longitude": 100.0}
SAVED = "async () => !!(await caches.match('/api/v1/stations/nearest/', {cacheName: 'answers'}))"


def test_the_manifest_and_the_service_worker_are_served():
    manifest = json.loads(Client().get("/manifest.webmanifest").content)
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    worker = Client().get("/sw.js")
    assert worker["Content-Type"].startswith("application/javascript")
    assert "/static/maps/js/worker.js" in worker.content.decode()


def test_after_a_first_visit_the_map_opens_offline_with_the_saved_stations(open_page):
    StationFactory(code="T-SAVED", location=Point(100.0, 30.001, srid=4326))
    page = open_page("/", geolocation=HERE)
    page.wait_for_selector("#stations li[data-code=T-SAVED]")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.reload()  # the first answers came before the worker took over: ask through it
    page.wait_for_selector("#stations li[data-code=T-SAVED]")
    page.wait_for_function(SAVED)
    assert page.locator("#offline-note").inner_text() == ""

    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#stations li[data-code=T-SAVED]")
    note = page.locator("#offline-note").inner_text()
    assert note.startswith("离线") and "保存的驿站" in note
    assert page.locator("li[data-code=T-SAVED] .state").inner_text() in ("正在开放", "现已关闭")


def test_the_phone_works_out_open_now_as_the_server_does(open_page):
    import datetime as dt

    from core.localtime import LOCAL_TZ
    from stations.opening_hours import Period, Schedule

    monday = dt.date(2026, 11, 23)
    schedule = Schedule(
        weekly={0: (Period(dt.time(22), dt.time(2)),), 1: (Period(dt.time(9), dt.time(17)),)},
        exceptions={monday + dt.timedelta(days=1): ()},  # closed on Tuesday
        # heat warnings on Tuesday (closed all the same) and Wednesday: 20:00–01:30 added
        warning_days={
            monday + dt.timedelta(days=day): (Period(dt.time(20), dt.time(1, 30)),)
            for day in (1, 2)
        },
    )
    hours = {
        "always_open": False,
        "weekly": [
            {"weekday": 0, "opens": "22:00", "closes": "02:00"},
            {"weekday": 1, "opens": "09:00", "closes": "17:00"},
        ],
        "exceptions": [{"date": "2026-11-24", "closed": True, "opens": None, "closes": None}],
        "during_warnings": [
            {
                "warning": "heat",
                "opens": "20:00",
                "closes": "01:30",
                "services": "",
                "dates": ["2026-11-24", "2026-11-25"],
            },
        ],
    }
    moments = [
        dt.datetime.combine(monday, dt.time(hour), tzinfo=LOCAL_TZ) + dt.timedelta(days=day)
        for day in range(4)
        for hour in (1, 10, 21, 23)
    ]
    page = open_page("/", init_script="navigator.geolocation.getCurrentPosition = () => {};")
    page.wait_for_function("() => window.yizhanHours")
    on_the_phone = page.evaluate(
        "([hours, moments]) => moments.map(m => window.yizhanHours.isOpenAt(hours, new Date(m)))",
        [hours, [moment.isoformat() for moment in moments]],
    )
    assert on_the_phone == [schedule.is_open_at(moment) for moment in moments]
    assert any(on_the_phone) and not all(on_the_phone)

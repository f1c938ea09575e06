import datetime as dt
import logging
import zoneinfo

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone
from geographiclib.geodesic import Geodesic
from icalendar import Calendar

from core.coordinates import from_wgs84
from services.checkups.models import Booking
from tests.services.factories import CheckupEventFactory
from tests.stations.factories import StationFactory

pytestmark = pytest.mark.django_db
UPCOMING = "/api/v1/checkups/upcoming/"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def in_days(days: float, hour: int = 9) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=int(days))
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


@pytest.fixture
def events():
    station = StationFactory(
        code="EV-S",
        name="测试驿站",
        name_en="Test Station",
        location=Point(114.01, 22.5, srid=4326),
    )
    return {
        "near_later": CheckupEventFactory(
            station=station, location=station.location, starts_at=in_days(3)
        ),
        "near_sooner": CheckupEventFactory(
            station=station, location=station.location, starts_at=in_days(2)
        ),
        "far": CheckupEventFactory(location=Point(114.05, 22.5, srid=4326), starts_at=in_days(1)),
        "full": CheckupEventFactory(
            location=Point(114.002, 22.5, srid=4326), starts_at=in_days(1), capacity=5, booked=5
        ),
        "past": CheckupEventFactory(
            location=Point(114.001, 22.5, srid=4326),
            starts_at=timezone.now() - dt.timedelta(hours=1),
        ),
        "next_year": CheckupEventFactory(
            location=Point(114.0, 22.5, srid=4326), starts_at=in_days(60)
        ),
        "cancelled": CheckupEventFactory(
            location=Point(114.0, 22.5, srid=4326), starts_at=in_days(1), status="cancelled"
        ),
        "tcm": CheckupEventFactory(
            kind_id="tcm_clinic", location=Point(114.03, 22.5, srid=4326), starts_at=in_days(4)
        ),
    }


def ids(body) -> list[int]:
    return [f["id"] for f in body["features"]]


def test_upcoming_sorted_by_geodesic_distance_then_start(client, events):
    body = client.get(UPCOMING, {"lat": 22.5, "lon": 114.0}).json()
    expected = ["full", "near_sooner", "near_later", "tcm", "far"]
    assert ids(body) == [events[name].pk for name in expected]
    first = body["features"][1]["properties"]
    metres = Geodesic.WGS84.Inverse(22.5, 114.0, 22.5, 114.01)["s12"]
    assert first["distance_m"] == pytest.approx(metres, abs=0.05)
    assert first["station"] == {
        "code": "EV-S", "name": "测试驿站", "name_en": "Test Station", "is_synthetic": False
    }  # fmt: skip
    assert first["places_left"] == 30 and first["starts_at"].endswith("+08:00")


def test_upcoming_filters(client, events):
    params = {"lat": 22.5, "lon": 114.0}
    assert ids(client.get(UPCOMING, params | {"open_places": "true"}).json())[0] == (
        events["near_sooner"].pk
    )
    assert ids(client.get(UPCOMING, params | {"kind": "tcm_clinic"}).json()) == [events["tcm"].pk]
    assert events["far"].pk not in ids(client.get(UPCOMING, params | {"radius_m": 4000}).json())
    window = {"from": in_days(2, 0).isoformat(), "to": in_days(2, 23).isoformat()}
    assert ids(client.get(UPCOMING, params | window).json()) == [events["near_sooner"].pk]
    later = client.get(UPCOMING, params | {"to": in_days(90).isoformat(), "limit": 20}).json()
    assert events["next_year"].pk in ids(later)


def test_upcoming_places_left_follow_each_booking_and_cancellation(client, events):
    """The events are kept encoded per process: a booking or cancellation changes the event,
    so the next answer reads it again."""
    event = events["near_sooner"]
    params = {"lat": 22.5, "lon": 114.0}

    def places_left() -> int:
        features = client.get(UPCOMING, params).json()["features"]
        return next(f for f in features if f["id"] == event.pk)["properties"]["places_left"]

    assert places_left() == 30
    created = client.post(
        bookings_url(event), {"phone": "13812345678"}, content_type="application/json"
    ).json()
    assert places_left() == 29
    url = f"{bookings_url(event)}{created['reference']}/"
    client.delete(url, {"phone": "13812345678"}, content_type="application/json")
    assert places_left() == 30


def test_upcoming_speaks_the_asked_language(client, events):
    params = {"lat": 22.5, "lon": 114.0, "kind": "tcm_clinic"}
    chinese = client.get(UPCOMING, params).json()["features"][0]["properties"]["kind"]
    english = client.get(UPCOMING, params, HTTP_ACCEPT_LANGUAGE="en").json()
    assert chinese["name"] == "中医义诊"
    assert english["features"][0]["properties"]["kind"]["name"] == "Free TCM clinic"


def test_upcoming_reads_every_event_found_in_one_query(client, events, django_assert_num_queries):
    params = {"lat": 22.5, "lon": 114.0, "limit": 20, "from": in_days(-1).isoformat()}
    with django_assert_num_queries(2):  # the nearest search, the events not yet encoded
        assert len(client.get(UPCOMING, params).json()["features"]) == 6


def test_upcoming_speaks_gcj02(client, events):
    lon, lat = from_wgs84(114.0, 22.5, "gcj02")
    body = client.get(UPCOMING, {"lat": lat, "lon": lon, "crs": "gcj02"}).json()
    assert body["query"]["wgs84"] == pytest.approx([114.0, 22.5], abs=1e-6)
    station_gcj = from_wgs84(114.01, 22.5, "gcj02")
    assert body["features"][1]["geometry"]["coordinates"] == pytest.approx(station_gcj, abs=1e-6)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": 22.5}, "lon"),
        ({"lat": 95, "lon": 114}, "lat"),
        ({"lat": 22.5, "lon": 114, "kind": "x-ray"}, "kind"),
        ({"lat": 22.5, "lon": 114, "limit": 0}, "limit"),
        ({"lat": 22.5, "lon": 114, "radius_m": 60_000}, "radius_m"),
        ({"lat": 22.5, "lon": 114, "from": "tomorrow"}, "from"),
        ({"lat": 22.5, "lon": 114, "from": "2026-12-02T00:00", "to": "2026-12-01T00:00"}, "to"),
        ({"lat": 22.5, "lon": 114, "to": "2030-01-01T00:00"}, "to"),
    ],
)
def test_upcoming_errors_name_the_field(client, params, field):
    response = client.get(UPCOMING, params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_detail_and_404(client, events):
    event = events["near_sooner"]
    body = client.get(f"/api/v1/checkups/{event.pk}/").json()
    assert body["id"] == event.pk and "distance_m" not in body["properties"]
    assert client.get("/api/v1/checkups/999999/").status_code == 404


def test_ics_parses_with_local_times_location_and_geo(client, events):
    event = events["near_sooner"]
    response = client.get(f"/api/v1/checkups/{event.pk}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    [vevent] = Calendar.from_ical(response.content).walk("VEVENT")
    assert vevent.decoded("dtstart").astimezone(SHANGHAI) == in_days(2)
    assert vevent.decoded("dtend").astimezone(SHANGHAI) == in_days(2, 12)
    assert "测试驿站" in str(vevent["location"])
    assert vevent["geo"].latitude == pytest.approx(22.5) and vevent[
        "geo"
    ].longitude == pytest.approx(114.01)
    assert client.get("/api/v1/checkups/999999.ics").status_code == 404


def test_upcoming_feed_is_a_calendar_of_the_same_events(client, events):
    response = client.get("/api/v1/checkups/upcoming.ics", {"lat": 22.5, "lon": 114.0})
    uids = [str(e["uid"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    expected = ["full", "near_sooner", "near_later", "tcm", "far"]
    assert uids == [f"checkup-{events[name].pk}@yizhan" for name in expected]
    assert client.get("/api/v1/checkups/upcoming.ics", {"lat": 99, "lon": 0}).status_code == 400


def bookings_url(event) -> str:
    return f"/api/v1/checkups/{event.pk}/bookings/"


def test_book_then_cancel(client, events):
    event = events["near_sooner"]
    created = client.post(
        bookings_url(event), {"phone": "138 1234 5678"}, content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["phone"] == "*******5678" and "13812345678" not in created.content.decode()
    again = client.post(
        bookings_url(event), {"phone": "13812345678"}, content_type="application/json"
    )
    assert again.status_code == 409
    url = f"{bookings_url(event)}{body['reference']}/"
    wrong = client.delete(url, {"phone": "13900000000"}, content_type="application/json")
    assert wrong.status_code == 404
    cancelled = client.delete(url, {"phone": "13812345678"}, content_type="application/json")
    assert cancelled.status_code == 200 and cancelled.json()["cancelled_at"]
    event.refresh_from_db()
    assert event.booked == 0


@pytest.mark.parametrize(
    ("name", "status", "text"),
    [
        ("full", 409, "No places left"),
        ("past", 409, "already started"),
        ("cancelled", 409, "cancelled"),
    ],
)
def test_booking_refusals(client, events, name, status, text):
    response = client.post(
        bookings_url(events[name]),
        {"phone": "13812345678"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == status and text in response.json()["errors"]["detail"][0]


def test_booking_needs_a_mainland_mobile_number(client, events):
    for phone in ["12345", "0755-12345678", ""]:
        response = client.post(
            bookings_url(events["near_sooner"]), {"phone": phone}, content_type="application/json"
        )
        assert response.status_code == 400 and "phone" in response.json()["errors"]
    assert not Booking.objects.exists()


def test_booking_an_unknown_event_is_404(client):
    response = client.post(
        "/api/v1/checkups/999999/bookings/",
        {"phone": "13812345678"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_refusals_speak_chinese_by_default(client, events):
    response = client.post(
        bookings_url(events["full"]), {"phone": "13812345678"}, content_type="application/json"
    )
    assert response.status_code == 409 and response.json()["errors"]["detail"] == [
        "名额已满，可以排队候补。"
    ]


def test_a_phone_number_is_never_logged(client, events, caplog):
    caplog.set_level(logging.DEBUG)
    url = bookings_url(events["near_sooner"])
    created = client.post(url, {"phone": "13812345678"}, content_type="application/json")
    client.post(url, {"phone": "13812345678"}, content_type="application/json")  # 409
    client.post(url, {"phone": "1381234567"}, content_type="application/json")  # 400
    reference = created.json()["reference"]
    client.delete(f"{url}{reference}/", {"phone": "13812345678"}, content_type="application/json")
    assert caplog.records  # the requests were logged, the numbers were not
    assert "13812345678" not in caplog.text and "1381234567" not in caplog.text


def test_one_address_cannot_book_out_an_event(client, events):
    """YIZHAN_BOOKING_RATE, 5 an hour per address: a flood of made-up numbers stops at 5."""
    url = bookings_url(events["near_later"])
    codes = [
        client.post(url, {"phone": f"1391234{n:04d}"}, content_type="application/json").status_code
        for n in range(8)
    ]
    assert codes == [201] * 5 + [429] * 3
    assert Booking.objects.filter(event=events["near_later"]).count() == 5
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert (
        other.post(url, {"phone": "13700000000"}, content_type="application/json").status_code
        == 201
    )


def test_an_event_takes_a_limited_number_of_bookings_an_hour_from_everyone(events, settings):
    """YIZHAN_BOOKING_EVENT_RATE (120 an hour by default) bounds a flood from many addresses."""
    from services.checkups.apis import EventBookingThrottle

    url = bookings_url(events["near_later"])
    limit = EventBookingThrottle().num_requests
    codes = [
        Client(REMOTE_ADDR=f"10.1.{n // 250}.{n % 250 + 1}")
        .post(url, {"phone": "12345"}, content_type="application/json")  # 400s count too
        .status_code
        for n in range(limit + 2)
    ]
    assert codes == [400] * limit + [429] * 2


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_a_booking_must_say_it_is_json(client, events, content_type):
    """A cross-site HTML form can send text/plain or form bodies, never application/json."""
    response = client.generic(
        "POST",
        bookings_url(events["near_sooner"]),
        '{"phone": "13812345678"}',
        content_type=content_type,
    )
    assert response.status_code == 415
    assert "errors" in response.json()
    assert not Booking.objects.exists()

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils import translation
from geographiclib.geodesic import Geodesic

from core.localtime import LOCAL_TZ
from services.checkups.models import CheckupEvent
from services.checkups.services import VisitRefused, checkup_event_schedule, van_travel_time
from tests.services.factories import CheckupEventFactory, VanFactory

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 11, 30)
LANZHOU = Point(103.83, 36.06, srid=4326)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def at(hour: int, minute: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LOCAL_TZ)


def new_visit(van, location=LANZHOU) -> CheckupEvent:
    return CheckupEvent(kind_id="general_checkup", capacity=40, organiser="工会", van=van,
                        location=location)  # fmt: skip


def point_at(metres_east: float) -> Point:
    line = Geodesic.WGS84.Direct(LANZHOU.y, LANZHOU.x, 90.0, metres_east)
    return Point(line["lon2"], line["lat2"], srid=4326)


def test_travel_time_is_geodesic_distance_times_detour_over_speed(settings):
    settings.YIZHAN_VAN_DETOUR_FACTOR, settings.YIZHAN_VAN_SPEED_KMH = 1.5, 30
    travel = van_travel_time(LANZHOU, point_at(20_000))
    assert travel == pytest.approx(dt.timedelta(hours=1), abs=dt.timedelta(milliseconds=1))


def test_a_visit_within_the_vans_day_is_saved():
    van = VanFactory(day_starts=dt.time(8, 30), day_ends=dt.time(17, 30))
    event = checkup_event_schedule(event=new_visit(van), starts_at=at(9), ends_at=at(12))
    assert event.pk and event.van == van


@pytest.mark.parametrize(
    ("starts", "ends", "reason"),
    [(at(8), at(10), "working hours"), (at(15), at(18), "working hours"),
     (at(9, day=MONDAY + dt.timedelta(days=6)), at(11, day=MONDAY + dt.timedelta(days=6)),
      "day off")],
)  # fmt: skip
def test_outside_hours_or_on_a_day_off_is_refused(starts, ends, reason):
    van = VanFactory(day_starts=dt.time(8, 30), day_ends=dt.time(17, 30), days_off=[6])
    with pytest.raises(VisitRefused, match=reason):
        checkup_event_schedule(event=new_visit(van), starts_at=starts, ends_at=ends)
    assert not CheckupEvent.objects.exists()


def test_a_van_already_booked_then_is_refused():
    van = VanFactory()
    booked = CheckupEventFactory(van=van, location=LANZHOU, starts_at=at(9), ends_at=at(12))
    with pytest.raises(VisitRefused, match=f"already booked then \\(event {booked.pk}"):
        checkup_event_schedule(event=new_visit(van), starts_at=at(11), ends_at=at(13))
    other_van = VanFactory()
    assert checkup_event_schedule(event=new_visit(other_van), starts_at=at(11), ends_at=at(13))


def test_the_van_must_be_able_to_drive_from_its_previous_and_to_its_next_visit(settings):
    settings.YIZHAN_VAN_DETOUR_FACTOR, settings.YIZHAN_VAN_SPEED_KMH = 1.0, 40
    van = VanFactory()
    CheckupEventFactory(van=van, location=LANZHOU, starts_at=at(9), ends_at=at(11))
    forty_km = point_at(40_000)  # one hour away
    with pytest.raises(VisitRefused, match="60 minutes of driving"):
        checkup_event_schedule(event=new_visit(van, forty_km), starts_at=at(11, 30), ends_at=at(13))
    visit = checkup_event_schedule(event=new_visit(van, forty_km), starts_at=at(12), ends_at=at(13))
    # a visit back in Lanzhou before it, leaving no time to drive there
    with pytest.raises(VisitRefused, match=f"event {visit.pk}"):
        checkup_event_schedule(event=new_visit(van), starts_at=at(11, 0), ends_at=at(11, 30))


def test_moving_a_visit_ignores_its_own_old_slot_and_checks_the_new_one():
    van = VanFactory()
    visit = checkup_event_schedule(event=new_visit(van), starts_at=at(9), ends_at=at(12))
    moved = checkup_event_schedule(event=visit, starts_at=at(10), ends_at=at(13))
    assert moved.starts_at == at(10)
    with pytest.raises(VisitRefused):
        checkup_event_schedule(event=visit, starts_at=at(17), ends_at=at(19))
    visit.refresh_from_db()
    assert visit.starts_at == at(10)  # a refused move changes nothing


def test_an_event_ending_before_it_starts_is_a_validation_error():
    with pytest.raises(ValidationError):
        checkup_event_schedule(event=new_visit(None), starts_at=at(12), ends_at=at(11))

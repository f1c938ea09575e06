"""The filter columns on each station's row (migration 0008) follow every write to its amenities,
hours and exceptions — inserts, updates, deletes, rows moved between stations, and writers of
the same station at the same moment."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction

from stations.models import OpeningException, OpeningPeriod, Station, StationAmenity
from tests.stations.factories import (
    OpeningExceptionFactory,
    OpeningPeriodFactory,
    StationAmenityFactory,
    StationFactory,
)

pytestmark = pytest.mark.django_db
DAY_S = 86_400


def columns(station: Station) -> tuple[list[str], list[tuple[int, int]], list[dt.date]]:
    """(usable amenity codes, weekly open spans in seconds of the week, exception dates)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ARRAY(SELECT a.code FROM stations_amenity a"
            "             WHERE stations_amenity_key(a.code) = ANY(usable_amenities)"
            "             ORDER BY a.code),"
            " exception_dates,"
            " ARRAY(SELECT ARRAY[lower(r), upper(r)] FROM unnest(weekly_open) AS r)"
            " FROM stations_station WHERE id = %s",
            [station.pk],
        )
        usable, dates, spans = cursor.fetchone()
    return usable, [tuple(span) for span in spans], dates


def test_usable_amenities_follow_inserts_status_changes_deletes_and_moves():
    station, other = StationFactory(), StationFactory()
    toilet = StationAmenityFactory(station=station, amenity_id="toilet")
    StationAmenityFactory(station=station, amenity_id="wifi", status="limited")
    StationAmenityFactory(station=station, amenity_id="aed", status="out_of_service")
    assert columns(station)[0] == ["toilet", "wifi"]
    StationAmenity.objects.filter(pk=toilet.pk).update(status="out_of_service")
    assert columns(station)[0] == ["wifi"]
    StationAmenity.objects.filter(station=station, amenity_id="aed").update(status="available")
    assert columns(station)[0] == ["aed", "wifi"]
    StationAmenity.objects.filter(station=station, amenity_id="wifi").update(station=other)
    assert columns(station)[0] == ["aed"] and columns(other)[0] == ["wifi"]
    StationAmenity.objects.filter(station=station).delete()
    assert columns(station)[0] == []


def test_weekly_open_spans_day_periods_nights_sunday_into_monday_and_whole_days():
    station = StationFactory()
    OpeningPeriodFactory(station=station, weekday=0, opens=dt.time(8), closes=dt.time(12))
    OpeningPeriodFactory(station=station, weekday=0, opens=dt.time(12), closes=dt.time(18))
    OpeningPeriodFactory(station=station, weekday=2, opens=dt.time(0), closes=dt.time(0))
    night = OpeningPeriodFactory(station=station, weekday=6, opens=dt.time(22), closes=dt.time(2))
    assert columns(station)[1] == [
        (0, 2 * 3600),  # Sunday night's end, on Monday morning
        (8 * 3600, 18 * 3600),  # back-to-back periods, one span
        (2 * DAY_S, 3 * DAY_S),  # Wednesday round the clock
        (6 * DAY_S + 22 * 3600, 7 * DAY_S),
    ]
    OpeningPeriod.objects.filter(pk=night.pk).update(weekday=5)
    assert columns(station)[1][-1] == (5 * DAY_S + 22 * 3600, 6 * DAY_S + 2 * 3600)
    OpeningPeriod.objects.filter(station=station).delete()
    assert columns(station)[1] == []


def test_exception_dates_follow_their_rows():
    station = StationFactory()
    christmas = OpeningExceptionFactory(station=station, date=dt.date(2026, 12, 25), closed=True)
    new_year = dt.date(2027, 1, 1)
    for opens, closes in [(9, 12), (14, 16)]:  # two periods on one date: the date once
        OpeningExceptionFactory(
            station=station,
            date=new_year,
            closed=False,
            opens=dt.time(opens),
            closes=dt.time(closes),
        )
    assert columns(station)[2] == [dt.date(2026, 12, 25), dt.date(2027, 1, 1)]
    OpeningException.objects.filter(pk=christmas.pk).update(date=dt.date(2026, 12, 26))
    assert columns(station)[2] == [dt.date(2026, 12, 26), dt.date(2027, 1, 1)]
    OpeningException.objects.filter(station=station).delete()
    assert columns(station)[2] == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_writers_of_one_station_at_once_both_stay_in_its_columns():
    """Each writer's trigger reads after locking the station: the one that waits sees what the
    other committed, instead of writing back a list without it."""
    station = StationFactory()
    first_wrote, second_done = threading.Event(), threading.Event()

    def first() -> None:
        try:
            with transaction.atomic():
                StationAmenityFactory(station_id=station.pk, amenity_id="toilet")
                first_wrote.set()
                second_done.wait(timeout=1)  # the second writer is blocked on the station
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_wrote.wait(timeout=5)
            with transaction.atomic():
                StationAmenityFactory(station_id=station.pk, amenity_id="wifi")
            second_done.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert columns(station)[0] == ["toilet", "wifi"]

"""Old change history and old bookings move to their archive tables, whole rows, in batches,
and nothing newer moves."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from core.archive import rows_archive
from services.checkups.models import Booking
from stations.models import StationChange
from stations.services import station_history_archive
from tests.services.factories import booked_event_held_at
from tests.stations.factories import StationFactory

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def archived_columns_agree(table: str) -> bool:
    """Whether ``<table>_archive`` has the live table's columns, in the same order and types."""
    sql = """
        SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
         WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [table])
        live = cursor.fetchall()
        cursor.execute(sql, [f"{table}_archive"])
        return live == cursor.fetchall()


def archived(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table}_archive ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize("table", ["stations_stationchange", "services_booking"])
def test_an_archive_has_its_live_tables_columns(table):
    assert archived_columns_agree(table)


def changes(station, *ages_in_days: int) -> list[StationChange]:
    now = timezone.now()
    return [
        StationChange.objects.create(
            station=station, at=now - age * DAY, source="api", action="update", changes={}
        )
        for age in ages_in_days
    ]


def test_old_history_moves_in_batches_and_recent_history_stays():
    station = StationFactory()
    old = changes(station, 900, 800, 750)
    recent = changes(station, 10, 1)
    moved = rows_archive(
        table="stations_stationchange",
        old_rows="SELECT id FROM stations_stationchange WHERE at < %s ORDER BY at",
        params=[timezone.now() - 730 * DAY],
        batch=2,  # two batches
    )
    assert moved == 3
    assert archived("stations_stationchange") == [c.pk for c in old]
    assert set(StationChange.objects.values_list("pk", flat=True)) >= {c.pk for c in recent}
    assert station_history_archive(before=timezone.now() - 730 * DAY) == 0  # nothing left


def test_bookings_of_long_ended_check_ups_move_and_the_events_stay():
    phones = ("13900000001", "13900000002")
    long_ago, _bookings = booked_event_held_at(timezone.now() - 800 * DAY, phones=phones)
    lately, recent = booked_event_held_at(timezone.now() - 30 * DAY, phones=phones)
    out = io.StringIO()
    call_command("archive_bookings", stdout=out)
    assert out.getvalue().startswith("2 bookings")
    assert list(Booking.objects.values_list("pk", flat=True).order_by("pk")) == [
        b.pk for b in recent
    ]
    assert len(archived("services_booking")) == 2
    long_ago.refresh_from_db()  # the event stays, with its counts
    assert long_ago.booked == 2 and lately.bookings.count() == 2


def test_the_commands_refuse_a_period_that_is_not_one():
    with pytest.raises(CommandError, match="--days"):
        call_command("archive_station_history", days=0)

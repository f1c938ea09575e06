"""Run by test_replica.py in a process of its own, configured with a primary (DATABASE_URL) and
a real streaming standby (DATABASE_REPLICA_URLS): what the router and read-your-writes do
there, printed as JSON for the test to judge."""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.db import connections, router  # noqa: E402
from django.test import Client  # noqa: E402

from core.models import Job  # noqa: E402
from core.routers import read_connection  # noqa: E402
from stations.models import Station  # noqa: E402
from stations.selectors import station_nearest_list  # noqa: E402
from tests.services.factories import CheckupEventFactory  # noqa: E402
from tests.stations.factories import StationFactory  # noqa: E402


def in_recovery(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def until(check, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


seen: dict = {
    "primary_in_recovery": in_recovery(connections["default"]),
    "replica_in_recovery": in_recovery(connections["replica_0"]),
}
station = StationFactory(code="REPLICA-1")
seen["replicated"] = until(lambda: Station.objects.filter(code="REPLICA-1").exists())
seen["station_reads_from"] = Station.objects.filter(code="REPLICA-1").db
seen["selector_sql_in_recovery"] = in_recovery(read_connection())
nearest = station_nearest_list(lon=station.location.x, lat=station.location.y, limit=1)
seen["nearest_on_replica"] = [found.code for found in nearest]
seen["jobs_read_from"] = router.db_for_read(Job)

event = CheckupEventFactory(station=station, location=station.location)
until(lambda: Station.objects.filter(checkup_events=event).exists())
with connections["replica_0"].cursor() as cursor:
    cursor.execute("SELECT pg_wal_replay_pause()")  # the standby falls behind from here on
booker, stranger = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
booked = booker.post(
    f"/api/v1/checkups/{event.pk}/bookings/", {"phone": "13912345678"}, "application/json"
)
seen["booking_status"] = booked.status_code
seen["sticky_cookie"] = "yizhan_primary" in booked.cookies
mine = f"/api/v1/checkups/{event.pk}/bookings/{booked.json()['reference']}/"
seen["booker_reads_own_booking"] = booker.get(mine).status_code
seen["stranger_reads_lagging_replica"] = stranger.get(mine).status_code
with connections["replica_0"].cursor() as cursor:
    cursor.execute("SELECT pg_wal_replay_resume()")
seen["stranger_after_replay"] = until(lambda: stranger.get(mine).status_code == 200)
print(json.dumps(seen))

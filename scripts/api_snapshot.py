"""Record the API's answers to a fixed sample of requests, or compare them with a recording.

A refactoring that promises "behaviour unchanged" is checked with it: record on the old tree,
migrate, record on the new one against the same database, compare byte for byte::

    .venv/bin/python scripts/api_snapshot.py /tmp/before.json            # old checkout
    .venv/bin/python scripts/api_snapshot.py /tmp/after.json --compare /tmp/before.json

It reads the database of ``DATABASE_URL`` (the demo data loaded, as ``make run`` does) and never
writes to it except to create the superuser ``api-snapshot`` it asks as. Questions about "now"
ask about one moment, the start of the current hour, which a comparison takes from the earlier
recording. DEBUG is off, as in production (an unknown URL answers JSON, not Django's page).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

SHENZHEN = "lat=22.54&lon=114.05"
LANZHOU = "lat=36.06&lon=103.83"
PUBLIC = [
    f"/api/v1/stations/nearest/?{SHENZHEN}&limit=30&at={{at}}",
    f"/api/v1/stations/nearest/?{SHENZHEN}&amenity=drinking_water&open_now=true&at={{at}}",
    f"/api/v1/stations/nearest/?{SHENZHEN}&limit=5&crs=gcj02&at={{at}}",
    "/api/v1/stations/?bbox=113.9,22.5,114.1,22.6",
    "/api/v1/stations/?bbox=113.9,22.5,114.1,22.6&amenity=ebike_charging",
    "/api/v1/stations/?bbox=113.9,22.5,114.1,22.6&amenity=charging",
    "/api/v1/stations/SZ-0001/",
    "/api/v1/stations/SZ-0001/?crs=bd09",
    "/api/v1/stations/SZ-0001/amenities/",
    "/api/v1/amenities/",
    f"/api/v1/checkups/upcoming/?{LANZHOU}&limit=20&from={{at}}",
    f"/api/v1/checkups/upcoming.ics?{LANZHOU}&from={{at}}",
    "/api/v1/checkups/{event}/",
    "/api/v1/checkups/{event}.ics",
    "/api/v1/benefits/schemes/",
    "/api/v1/benefits/schemes/?city=深圳市&occupation=courier",
    "/api/v1/benefits/schemes/{scheme}/",
    f"/api/v1/benefits/eligible/?{SHENZHEN}&occupation=courier&union_member=false",
    "/api/v1/benefits/eligible/?city=兰州市&occupation=courier&union_member=true&months=12",
    "/api/v1/benefits/eligible/?city=西安市&occupation=外卖骑手&union_member=true&age=30",
    # Refusals keep their shape too.
    "/api/v1/stations/nearest/?lat=95&lon=114",
    "/api/v1/stations/nearest/?lat=22.5&lon=114&amenity=nonsense",
    "/api/v1/checkups/upcoming/?lat=x",
    "/api/v1/benefits/eligible/?occupation=courier",
    "/api/v1/checkups/999999999/",
    "/api/v1/nowhere/",
    "/api/schema/",
]
STAFF = [
    "/api/v1/organisers/vans/",
    "/api/v1/organisers/vans/{van}/",
    "/api/v1/organisers/events/",
    "/api/v1/organisers/events/?status=scheduled&page=2",
    "/api/v1/organisers/events/{event}/",
    "/api/v1/stations/stale/",
    "/api/v1/stations/SZ-0001/history/",
]
LANGUAGES = ["zh-hans", "en"]


def record(at: str) -> dict[str, dict]:
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    with connection.cursor() as cursor:  # by table: the model may live in either app
        cursor.execute(
            "SELECT id, van_id FROM services_checkupevent WHERE van_id IS NOT NULL ORDER BY id"
        )
        event, van = cursor.fetchone()
        cursor.execute("SELECT min(id) FROM services_benefitscheme")
        (scheme,) = cursor.fetchone()
    user, _created = get_user_model().objects.get_or_create(
        username="api-snapshot", defaults={"is_superuser": True, "is_staff": True}
    )
    anyone, staff = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    staff.force_login(user)
    answers = {}
    for client, paths in ((anyone, PUBLIC), (staff, STAFF)):
        for path in paths:
            url = path.format(event=event, van=van, scheme=scheme, at=quote(at))
            for language in LANGUAGES:
                response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
                answers[f"{language} {path}"] = {
                    "status": response.status_code,
                    "type": response.get("Content-Type"),
                    "body": response.content.decode(),
                }
    return answers


def this_hour() -> str:
    """The start of the current hour in Asia/Shanghai, ISO-8601."""
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))
    return now.replace(minute=0, second=0, microsecond=0).isoformat()


def differences(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    found = []
    for key in sorted(before.keys() | after.keys()):
        if before.get(key) != after.get(key):
            found.append(key)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="where to write this recording (JSON)")
    parser.add_argument("--compare", type=Path, help="an earlier recording to compare with")
    arguments = parser.parse_args()
    earlier = json.loads(arguments.compare.read_text()) if arguments.compare else None
    at = earlier["at"] if earlier else this_hour()
    answers = record(at)
    recording = {"at": at, "answers": answers}
    arguments.output.write_text(json.dumps(recording, ensure_ascii=False, indent=1))
    print(f"{len(answers)} answers recorded in {arguments.output}")
    if arguments.compare:
        changed = differences(earlier["answers"], answers)
        for key in changed:
            print(f"differs: {key}")
        print(f"{len(answers) - len(changed)} of {len(answers)} answers byte-identical")
        sys.exit(1 if changed else 0)


if __name__ == "__main__":
    main()

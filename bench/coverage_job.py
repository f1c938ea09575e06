"""Shenzhen's coverage grid computed afresh in the database at DATABASE_URL, as the job queue
would (run by bench/coverage.py). For the 1M registry, first: every county's boundary
(``load_boundaries``, only what is missing) and the name 深圳市 on the stations inside
Shenzhen, once. Prints one JSON object: seconds taken, cells, the city's stations."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from generate import CLUSTER_SQL  # noqa: E402  (bench/, the script's own folder)

from core.jobs import job_run  # noqa: E402
from core.models import Job  # noqa: E402
from stations.jobs import COVERAGE, coverage_of, coverage_result  # noqa: E402
from stations.models import AdminArea, Station  # noqa: E402

CITY = "深圳市"

# Written once with triggers off: the generated stations keep their version and updated_at.
# The update moves those rows to the end of the table and leaves their old versions behind: the
# table is clustered on location again and vacuumed, so that the next run's nearest queries
# in Shenzhen read the registry as it was generated (spatial order, no dead rows).
NAME_STATIONS_SQL = """
SET session_replication_role = replica;
UPDATE stations_station s SET city = %(city)s
  FROM (SELECT ST_Union(boundary) AS g FROM stations_adminarea WHERE city = %(city)s) c
 WHERE s.city = '' AND ST_Intersects(s.location, c.g);
SET session_replication_role = DEFAULT;
"""


def prepare() -> None:
    if not AdminArea.objects.filter(city=CITY).exists():
        with contextlib.redirect_stdout(sys.stderr):  # its progress: stdout is the answer's
            call_command("load_boundaries")
    if not Station.objects.filter(city=CITY).exists():
        with connection.cursor() as cursor:
            cursor.execute(NAME_STATIONS_SQL, {"city": CITY})
            cursor.execute(CLUSTER_SQL)
            cursor.execute("VACUUM ANALYZE stations_station")


def main() -> None:
    prepare()
    Job.objects.filter(kind=COVERAGE).delete()  # timed afresh every run
    _, job = coverage_of(CITY)
    started = time.perf_counter()
    job_run(str(job.pk))
    seconds = time.perf_counter() - started
    coverage = coverage_result(Job.objects.get(pk=job.pk))
    print(
        json.dumps(
            {
                "job_s": round(seconds, 2),
                "cells": len(coverage.cells),
                "stations": coverage.stations,
                "cell_m": round(coverage.cell_m),
            }
        )
    )


if __name__ == "__main__":
    main()

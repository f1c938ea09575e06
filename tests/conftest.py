import functools
import os
import subprocess
import sys

import psycopg2
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from core.catalogues import KeptCatalogue
from core.jobs import job_run
from core.lru import LruCache
from core.models import Job
from stations.demo_data import LoadReport, demo_data_load
from stations.models import (
    AdminArea,
    Amenity,
    OpeningException,
    OpeningPeriod,
    Station,
    StationAmenity,
)
from stations.services import map_cells_refresh

# The demo data's tables, parents first.
DEMO_TABLES = [
    model._meta.db_table
    for model in (AdminArea, Station, StationAmenity, OpeningPeriod, OpeningException)
]


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker) -> LoadReport:
    """The demo data loaded once per run by the real loader, its rows copied aside into
    ``snapshot_<table>`` tables (which no test flushes) and removed again: a test that needs
    the demo data copies them back in milliseconds instead of validating 1,276 stations."""
    with django_db_blocker.unblock():
        serialized = getattr(connection, "_test_serialized_contents", None)
        if serialized and not Amenity.objects.exists():
            # A transactional test ran first and its flush took the catalogues that the
            # migrations seed (restored only when the next such test starts): put them back.
            connection.creation.deserialize_db_from_string(serialized)
        report = demo_data_load()
        with connection.cursor() as cursor:
            for table in DEMO_TABLES:
                cursor.execute(f"DROP TABLE IF EXISTS snapshot_{table}")
                cursor.execute(f"CREATE TABLE snapshot_{table} AS TABLE {table}")
            for table in reversed(DEMO_TABLES):
                cursor.execute(f"DELETE FROM {table}")
            cursor.execute("VACUUM")  # leave no dead rows for the index scans of later tests
    return report


def vacuum_demo_tables() -> None:
    """VACUUM the demo data's tables from a connection of its own (VACUUM cannot run inside
    the test's transaction): every rolled-back copy of the demo data leaves its rows behind as
    dead tuples, and with autovacuum off (as on this machine's server) the spatial index scans
    of later tests walked them all (a test of 0.4 s took 22 s late in the suite)."""
    database = connection.settings_dict
    own = psycopg2.connect(
        dbname=database["NAME"],
        user=database["USER"],
        host=database["HOST"],
        port=database["PORT"],
        password=database["PASSWORD"],
    )
    try:
        own.autocommit = True
        with own.cursor() as cursor:
            # Never wait on the test's own transaction (a table it altered): skip instead.
            cursor.execute("SET lock_timeout = '1s'")
            cursor.execute(f"VACUUM {', '.join(DEMO_TABLES)}")
    except psycopg2.errors.LockNotAvailable:
        pass
    finally:
        own.close()


@functools.cache
def written_columns(table: str) -> str:
    """The table's columns but its generated ones (PostgreSQL computes those itself)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)"
            " FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = %s"
            " AND is_generated = 'NEVER'",
            [table],
        )
        return cursor.fetchone()[0]


def demo_restore() -> None:
    """Copy the demo snapshot's rows back into their tables (vacuumed first)."""
    vacuum_demo_tables()
    with connection.cursor() as cursor:
        for table in DEMO_TABLES:
            columns = written_columns(table)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM snapshot_{table}"
            )
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
            )
    map_cells_refresh()  # the map's clusters, as `load_demo_data` leaves them


@pytest.fixture
def demo_data(db, demo_snapshot) -> LoadReport:
    """The whole demo data set in the test database (rolled back after the test)."""
    demo_restore()
    return demo_snapshot


@pytest.fixture(autouse=True)
def first_language():
    """Each test starts in the product's first language, whatever an earlier test in the same
    worker activated (a request in English leaves English active in the thread)."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Throttle counters, kept catalogues, encoded stations and events (and anything else
    cached) do not leak from one test to the next, whose database has rolled back: restoring
    the demo data sets the id sequences back, so another test's rows can come with the ids of
    rows already encoded."""
    cache.clear()
    KeptCatalogue.clear_all()
    LruCache.clear_all()
    yield
    cache.clear()
    KeptCatalogue.clear_all()
    LruCache.clear_all()


@pytest.fixture
def run_jobs():
    """``run_jobs()``: run every queued job, oldest first, in the test's transaction (the
    worker itself, a separate process, is exercised by :func:`worker_process`)."""

    def run() -> None:
        for job_id in Job.objects.filter(status=Job.Status.QUEUED).order_by("created_at"):
            job_run(str(job_id.pk))

    return run


def worker_process(*args: str) -> subprocess.Popen:
    """The task queue's worker (``manage.py db_worker``) as its own process on the test
    database: it sees what the (transactional) test committed."""
    database = connection.settings_dict
    url = f"postgis://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", *args],
        cwd=settings.BASE_DIR,
        env=env,
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every transactional test restores the serialized database (``serialized_rollback``):
    one that does not lets its flush re-seed the role groups (post_migrate), and the next test
    that restores collides with them, failing or not by the order the tests happen to run."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: django_db(transaction=True) needs serialized_rollback=True"
            )

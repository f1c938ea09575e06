import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from core.jobs import job_run
from core.models import Job
from stations.demo_data import demo_data_load


@pytest.fixture
def demo_data(db):
    """The whole demo data set, loaded into the test database (rolled back after the test)."""
    return demo_data_load()


@pytest.fixture(autouse=True)
def empty_cache():
    """Throttle counters (and anything else cached) do not leak from one test to the next."""
    cache.clear()
    yield
    cache.clear()


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

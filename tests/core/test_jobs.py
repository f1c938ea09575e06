"""Jobs on the task queue: started by a request that answers at once (202), run by the real
worker (``db_worker``), with progress while they run and the result kept."""

import datetime as dt
import time

import psycopg2
import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test import Client
from django.utils import translation
from rest_framework.authtoken.models import Token

from core.jobs import LOCK_CLASS, job_start
from core.models import Job
from core.roles import Role
from services.planning.models import TourProposal
from tests.conftest import worker_process
from tests.services.factories import VanFactory
from tests.stations.factories import AdminAreaFactory, StationFactory, UserFactory


def organiser_client(user=None) -> Client:
    token, _ = Token.objects.get_or_create(user=user or UserFactory(roles=[Role.ORGANISER]))
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def lanzhou():
    AdminAreaFactory(city="兰州市", name="城关区", province="甘肃省")
    for n in range(12):
        StationFactory(city="兰州市", district="城关区", location=Point(103.8 + n / 100, 36.06))


def plan_request(van, seconds: float) -> dict:
    monday = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())
    return {
        "city": "兰州市",
        "date_from": monday.isoformat(),
        "date_to": (monday + dt.timedelta(days=1)).isoformat(),
        "vans": [van.pk],
        "time_limit_s": seconds,
    }


@pytest.mark.django_db
def test_a_minute_of_planning_is_asked_for_in_an_instant(lanzhou):
    """time_limit_s 60 used to hold a server worker past the server's 30 s timeout (harakiri)."""
    organiser = organiser_client()
    started = time.monotonic()
    response = organiser.post(
        "/api/v1/planning/van-tours/",
        plan_request(VanFactory(), 60),
        content_type="application/json",
    )
    assert time.monotonic() - started < 2
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "queued" and job["kind"] == "van_tours"
    assert response["Location"] == job["url"] and response["Retry-After"]
    assert not TourProposal.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_runs_the_job_with_progress_and_keeps_the_result(lanzhou):
    organiser = organiser_client()
    response = organiser.post(
        "/api/v1/planning/van-tours/",
        plan_request(VanFactory(), 4),
        content_type="application/json",
    )
    url = response["Location"]
    worker = worker_process("--batch", "--interval", "0")
    seen = []
    while worker.poll() is None:
        job = organiser.get(url).json()
        seen.append((job["status"], job["progress"]))
        time.sleep(0.2)
    assert worker.returncode == 0
    job = organiser.get(url).json()
    assert job["status"] == "done" and job["progress"] == 1
    assert any(status == "running" and 0 < progress < 1 for status, progress in seen), seen
    proposal = organiser.get(job["result"]["proposal_url"])
    assert proposal.status_code == 200 and proposal.json()["id"] == job["result"]["proposal"]


@pytest.mark.django_db
def test_a_job_that_cannot_be_done_fails_with_the_reason(run_jobs):
    AdminAreaFactory(city="兰州市", name="城关区", province="甘肃省")  # a city with no station
    organiser = organiser_client()
    response = organiser.post(
        "/api/v1/planning/van-tours/",
        plan_request(VanFactory(), 1),
        content_type="application/json",
    )
    run_jobs()
    job = organiser.get(response["Location"]).json()
    assert job["status"] == "failed"
    assert job["error"] == "No open station to visit in 兰州市."
    assert job["result"] is None


@pytest.mark.django_db
def test_a_job_is_its_starters_and_administrators_only(lanzhou):
    owner = UserFactory(roles=[Role.ORGANISER])
    url = organiser_client(owner).post(
        "/api/v1/planning/van-tours/",
        plan_request(VanFactory(), 1),
        content_type="application/json",
    )["Location"]
    assert organiser_client(owner).get(url).status_code == 200
    assert organiser_client().get(url).status_code == 404  # another organiser
    assert Client().get(url).status_code == 404
    admin = organiser_client(UserFactory(roles=[Role.ADMINISTRATOR]))
    assert admin.get(url).status_code == 200


@pytest.mark.django_db
def test_asking_again_for_unfinished_work_joins_it():
    first = job_start(kind="test", key="same", parameters={})
    again = job_start(kind="test", key="same", parameters={})
    assert again.pk == first.pk
    Job.objects.filter(pk=first.pk).update(status=Job.Status.DONE)
    assert job_start(kind="test", key="same", parameters={}).pk != first.pk


def held_lock(job):
    """Another session (a worker) holding the job's advisory lock, as a running worker does."""
    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"]
    )
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [LOCK_CLASS, str(job.pk)])
    return other


def died(worker) -> None:
    """Close the worker's connection and wait until its server session holds no lock: the
    server lets go of them a moment after the client hangs up (pg_locks is live, unlike
    pg_stat_activity, which a transaction sees as it was when first read)."""
    pid = worker.get_backend_pid()
    worker.close()
    with connection.cursor() as cursor:
        for _ in range(100):
            cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)
    raise AssertionError(f"session {pid} still holds locks 5 s after its client closed it")


@pytest.mark.django_db
def test_a_running_job_whose_worker_died_is_started_again():
    """A worker killed mid-job left it "running" with nobody to finish it: the coverage page
    then said "being computed" for ever."""
    first = job_start(kind="test", key="same", parameters={})
    Job.objects.filter(pk=first.pk).update(status=Job.Status.RUNNING)
    worker = held_lock(first)
    try:
        assert job_start(kind="test", key="same", parameters={}).pk == first.pk  # alive
    finally:
        died(worker)  # the worker dies: its session, and the lock, go with it
    with translation.override("en"):
        again = job_start(kind="test", key="same", parameters={})
    assert again.pk != first.pk and again.status == Job.Status.QUEUED
    first.refresh_from_db()
    assert first.status == Job.Status.FAILED and "worker stopped" in first.error

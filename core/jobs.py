"""Long work as jobs on the task queue (django-tasks with its database backend: PostgreSQL is
the queue, ``manage.py db_worker`` the worker, no other server to run).

An app registers what a kind of job does with :func:`job_kind`; a request starts a job with
:func:`job_start` and answers 202 with the job's URL; the worker runs it with :func:`job_run`,
which keeps its progress, its result or why it failed.

While a job runs, its worker holds a PostgreSQL advisory lock named after it. The lock goes
with the worker's connection, so a job left "running" by a worker that was killed is seen as
such (its lock is free) and the next request for the same work starts it again instead of
waiting for it forever."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.exceptions import Refused
from core.models import Job

logger = logging.getLogger("yizhan.jobs")

Progress = Callable[[float], None]
Runner = Callable[[dict[str, Any], Progress], dict[str, Any]]
_RUNNERS: dict[str, Runner] = {}
UNFINISHED = (Job.Status.QUEUED, Job.Status.RUNNING)
PROGRESS_INTERVAL_S = 0.5
LOCK_CLASS = 72_011  # the advisory locks' first key: "a running job" (the second: its id's hash)


def job_kind(kind: str) -> Callable[[Runner], Runner]:
    """Register ``runner(parameters, progress) -> result`` as what a ``kind`` job does. The
    result must be JSON; ``progress(share)`` reports the share done (0–1); a
    :class:`~core.exceptions.Refused` is a failure whose message the job keeps for its
    reader."""

    def register(runner: Runner) -> Runner:
        _RUNNERS[kind] = runner
        return runner

    return register


def job_start(
    *,
    kind: str,
    key: str,
    parameters: dict[str, Any],
    actor: AbstractBaseUser | None = None,
) -> Job:
    """Queue a job, or give the unfinished one with the same ``key`` (asking again for work
    already under way joins it). The job remembers the language it was asked in."""
    from core.tasks import run_job  # the task module needs the app registry ready

    parameters = parameters | {"language": translation.get_language() or "zh-hans"}
    with transaction.atomic():
        unfinished = Job.objects.filter(key=key, status__in=UNFINISHED).first()
        if unfinished is not None and not _orphaned(unfinished):
            return unfinished
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind,
                    key=key,
                    parameters=parameters,
                    created_by=actor if actor and actor.is_authenticated else None,
                )
        except IntegrityError:  # queued by another request at the same moment
            return Job.objects.get(key=key, status__in=UNFINISHED)
        run_job.enqueue(str(job.pk))  # in the same transaction: both or neither
    return job


def job_latest(*, key: str) -> Job | None:
    """The newest job with this key that has finished well (its result, which may be large, is
    read when first used)."""
    jobs = Job.objects.filter(key=key, status=Job.Status.DONE).defer("result")
    return jobs.order_by("-finished_at").first()


def job_unfinished(*, key: str) -> Job | None:
    return Job.objects.filter(key=key, status__in=UNFINISHED).first()


def _orphaned(job: Job) -> bool:
    """A running job whose worker is gone (nobody holds its lock): marked failed."""
    if job.status != Job.Status.RUNNING:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s, hashtext(%s))", [LOCK_CLASS, str(job.pk)]
        )
        (free,) = cursor.fetchone()
    if free:
        logger.warning("Job %s (%s) was left running by a worker that stopped", job.pk, job.kind)
        _finish(job.pk, status=Job.Status.FAILED, error=_("Interrupted: the worker stopped."))
    return free


def _finish(job_id: Any, **fields: Any) -> None:
    Job.objects.filter(pk=job_id).update(finished_at=timezone.now(), **fields)


def job_run(job_id: str) -> None:
    """Run a queued job (the task queue calls this once per job)."""
    job = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).first()
    if job is None:
        return
    with connection.cursor() as cursor:  # held until the job ends or the worker dies
        cursor.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [LOCK_CLASS, str(job.pk)])
    try:
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
        _run(job)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", [LOCK_CLASS, str(job.pk)])


def _run(job: Job) -> None:
    """Run the job's kind, keeping its progress, then its result or why it failed."""
    last_written = [0.0]

    def progress(share: float) -> None:
        """At most two writes a second: a solver may report hundreds of better plans."""
        now = time.monotonic()
        if now - last_written[0] >= PROGRESS_INTERVAL_S:
            last_written[0] = now
            Job.objects.filter(pk=job.pk).update(progress=min(max(share, 0.0), 0.99))

    with translation.override(job.parameters.get("language", "zh-hans")):
        try:
            result = _RUNNERS[job.kind](job.parameters, progress)
        except Refused as refused:
            _finish(job.pk, status=Job.Status.FAILED, error=refused.message)
            return
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            _finish(job.pk, status=Job.Status.FAILED, error=_("The job failed; it is logged."))
            return
    _finish(job.pk, status=Job.Status.DONE, progress=1.0, result=result)

"""Long work as jobs on the task queue (django-tasks with its database backend: PostgreSQL is
the queue, ``manage.py db_worker`` the worker, no other server to run).

An app registers what a kind of job does with :func:`job_kind`; a request starts a job with
:func:`job_start` and answers 202 with the job's URL; the worker runs it with :func:`job_run`,
which keeps its progress, its result or why it failed."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.exceptions import Refused
from core.models import Job

logger = logging.getLogger("yizhan.jobs")

Progress = Callable[[float], None]
Runner = Callable[[dict[str, Any], Progress], dict[str, Any]]
_RUNNERS: dict[str, Runner] = {}
UNFINISHED = (Job.Status.QUEUED, Job.Status.RUNNING)
PROGRESS_INTERVAL_S = 0.5


def job_kind(kind: str) -> Callable[[Runner], Runner]:
    """Register ``runner(parameters, progress) -> result`` as what a ``kind`` job does. The
    result must be JSON; ``progress(share)`` reports the share done (0–1); a
    :class:`~config.exceptions.Refused` is a failure whose message the job keeps for its
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
        if unfinished is not None:
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
    """The newest job with this key that has finished well."""
    return Job.objects.filter(key=key, status=Job.Status.DONE).order_by("-finished_at").first()


def job_unfinished(*, key: str) -> Job | None:
    return Job.objects.filter(key=key, status__in=UNFINISHED).first()


def _finish(job_id: Any, **fields: Any) -> None:
    Job.objects.filter(pk=job_id).update(finished_at=timezone.now(), **fields)


def job_run(job_id: str) -> None:
    """Run a queued job (the task queue calls this once per job)."""
    job = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).first()
    if job is None:
        return
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())

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

"""The task queue's entry point: one task that runs any job (see core.jobs)."""

from django_tasks import task

from core.jobs import job_run


@task()
def run_job(job_id: str) -> None:
    job_run(job_id)

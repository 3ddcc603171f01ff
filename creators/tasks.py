"""Celery tasks of the creators app (thin: the work is in the services)."""

from celery import shared_task

from creators.importing.services import import_job_run
from matchmaker.celery import single_flight


@shared_task(acks_late=True)
def run_import(job_id: int) -> str:
    """Run an import job. Idempotent: a job that already succeeded is left alone; a job that
    died mid-way (nothing committed) starts over. A second delivery of the same job waits for
    the first to finish instead of running beside it."""
    with single_flight("creators.run_import", job_id):
        return import_job_run(job_id=job_id).status


@shared_task
def requeue_stale_imports() -> list[int]:
    """Every few minutes (beat): re-send import jobs whose task the broker lost."""
    from creators.stale_jobs import import_jobs_requeue_stale

    return import_jobs_requeue_stale()

"""Celery tasks of the creators app (thin: the work is in the services)."""

from celery import shared_task

from creators.importing.services import import_job_run


@shared_task(acks_late=True)
def run_import(job_id: int) -> str:
    """Run an import job. Idempotent: a job that already succeeded is left alone; a job that
    died mid-way (nothing committed) starts over."""
    return import_job_run(job_id=job_id).status

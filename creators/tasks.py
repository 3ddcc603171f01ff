"""Celery tasks of the creators app (thin: the work is in the services)."""

from celery import shared_task
from django.utils import timezone

from creators.importing.retention import import_files_purge
from creators.importing.services import import_job_run
from creators.models import ImportJob, ImportStatus
from creators.stale_jobs import import_jobs_requeue_stale
from matchmaker.celery import delivery_count, give_up_redelivered, single_flight

GAVE_UP = (
    "The import stopped its worker {n} times without finishing (for example, it ran out of "
    "memory); it will not be retried automatically. Nothing was written."
)


@shared_task(bind=True, acks_late=True)
def run_import(self, job_id: int) -> str:
    """Run an import job. Idempotent: a job that already succeeded is left alone; a job that
    died mid-way (nothing committed) starts over. A second delivery of the same job waits for
    the first to finish instead of running beside it; a message that keeps killing its worker
    fails the job after MAX_DELIVERIES."""
    deliveries = delivery_count(self)
    with single_flight("creators.run_import", job_id):
        unfinished = ImportJob.objects.filter(
            pk=job_id, status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]
        )
        if give_up_redelivered(
            deliveries,
            unfinished,
            what=f"import job {job_id}",
            status=ImportStatus.FAILED,
            message=GAVE_UP.format(n=deliveries - 1),
            finished_at=timezone.now(),
        ):
            return ImportJob.objects.get(pk=job_id).status
        return import_job_run(job_id=job_id).status


@shared_task
def requeue_stale_imports() -> list[int]:
    """Every few minutes (beat): re-send import jobs whose task the broker lost."""
    return import_jobs_requeue_stale()


@shared_task
def purge_old_import_files() -> int:
    """Daily (beat): delete uploaded files past IMPORT_FILE_RETENTION_DAYS."""
    return import_files_purge()

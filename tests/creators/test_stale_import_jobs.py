"""A job killed mid-task is never left "running" (issue 14 item 2): past the task time limit no
task can still be running it (the worker kills a task there and acknowledges its message, so
nothing would ever finish it), and the beat's stale-job check marks it failed with the reason.
Within the limit a job may still be running, or its message be on its way back: left alone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from creators.models import ImportJob, ImportStatus
from creators.stale_jobs import (
    TIME_LIMIT_MARGIN,
    TIMED_OUT,
    import_jobs_fail_timed_out,
    import_jobs_requeue_stale,
)

pytestmark = pytest.mark.django_db


def _job(status: str, started_ago: timedelta | None) -> ImportJob:
    started = None if started_ago is None else timezone.now() - started_ago
    return ImportJob.objects.create(
        kind="profiles", file="imports/x.csv", original_name="x.csv", status=status,
        started_at=started,
    )  # fmt: skip


def test_jobs_running_past_the_time_limit_are_failed(settings):
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + TIME_LIMIT_MARGIN
    killed = _job(ImportStatus.RUNNING, limit + timedelta(minutes=1))
    busy = _job(ImportStatus.RUNNING, limit - timedelta(minutes=1))
    done = _job(ImportStatus.SUCCEEDED, limit * 2)
    waiting = _job(ImportStatus.PENDING, None)

    # The beat's check runs it first; the failed job is then no candidate for re-sending.
    assert import_jobs_requeue_stale(older_than=limit) == []
    killed.refresh_from_db()
    assert killed.status == ImportStatus.FAILED and killed.message == TIMED_OUT
    assert killed.finished_at is not None
    for job, status in ((busy, "running"), (done, "succeeded"), (waiting, "pending")):
        job.refresh_from_db()
        assert job.status == status
    assert import_jobs_fail_timed_out() == []  # idempotent

"""A job killed mid-task is never left "running" (issue 14 item 2): past the task time limit no
task can still be running it (the worker kills a task there and acknowledges its message, so
nothing would ever finish it), and the beat's stale-job check marks it failed with the reason.
Within the limit a job may still be running, or its message be on its way back: left alone.

Lost jobs are told by their row (issue 16 item 4): a queued job still pending, or a running one
whose heartbeat stopped and whose lock no worker holds, is sent again; an upload waiting for its
preview to be confirmed never is."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from creators.importing.services import import_job_create, import_job_queue
from creators.models import Creator, ImportJob, ImportStatus
from creators.stale_jobs import (
    RUN_IMPORT_LOCK,
    STALE_AFTER,
    TIME_LIMIT_MARGIN,
    TIMED_OUT,
    import_jobs_fail_timed_out,
    import_jobs_requeue_stale,
)
from matchmaker.celery import single_flight, single_flight_held

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


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _queued_job(name: str = "p.csv") -> ImportJob:
    job = import_job_create(
        kind="profiles",
        file=ContentFile(b"handle,followers\nanna,1200\nbob,3400\n"),
        original_name=name,
        platform="tiktok",
    )
    ImportJob.objects.filter(pk=job.pk).update(queued_at=timezone.now())
    return job


def _age(job: ImportJob, **fields: timedelta) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        **{name: timezone.now() - ago for name, ago in fields.items()}
    )


def test_a_running_job_whose_heartbeat_stopped_is_sent_again(media):
    job = _queued_job()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, attempts=1)
    _age(job, queued_at=timedelta(hours=1), started_at=timedelta(minutes=30))
    _age(job, heartbeat_at=STALE_AFTER + timedelta(minutes=1))

    # In-process, the re-sent task runs at once.
    assert import_jobs_requeue_stale() == [job.pk]
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED and job.attempts == 2 and job.task_id
    assert Creator.objects.filter(handle__in=["anna", "bob"]).count() == 2


def test_a_running_job_with_a_recent_heartbeat_is_left_alone(media):
    job = _queued_job()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, attempts=1)
    # Started long ago, but it reported progress a minute ago: busy, not lost.
    _age(job, started_at=timedelta(minutes=30), heartbeat_at=timedelta(minutes=1))

    assert import_jobs_requeue_stale() == []
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING and job.attempts == 1


def test_a_silent_running_job_whose_worker_holds_its_lock_is_left_alone(media):
    job = _queued_job()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, attempts=1)
    _age(job, started_at=timedelta(minutes=30), heartbeat_at=timedelta(minutes=20))

    # A worker busy writing saves no progress, but holds the job's single-flight lock.
    with single_flight(RUN_IMPORT_LOCK, job.pk):
        assert single_flight_held(RUN_IMPORT_LOCK, [job.pk, job.pk + 1]) == {job.pk}
        assert import_jobs_requeue_stale() == []
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING and job.attempts == 1
    assert single_flight_held(RUN_IMPORT_LOCK, [job.pk]) == set()


def test_a_queued_job_never_started_is_sent_again_once_stale(media):
    fresh = _queued_job("fresh.csv")
    lost = _queued_job("lost.csv")
    _age(lost, queued_at=STALE_AFTER + timedelta(minutes=1))
    _age(fresh, queued_at=timedelta(minutes=1))

    assert import_jobs_requeue_stale() == [lost.pk]
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == ImportStatus.SUCCEEDED
    assert fresh.status == ImportStatus.PENDING


def test_an_upload_awaiting_confirmation_is_never_run(media):
    waiting = import_job_create(
        kind="profiles",
        file=ContentFile(b"handle,followers\nanna,1200\n"),
        original_name="p.csv",
        platform="tiktok",
    )
    assert waiting.queued_at is None
    _age(waiting, created_at=timedelta(days=2))

    assert import_jobs_requeue_stale(older_than=timedelta(0)) == []
    waiting.refresh_from_db()
    assert waiting.status == ImportStatus.PENDING and waiting.attempts == 0
    assert not Creator.objects.exists()


def test_queueing_a_job_marks_it_queued_and_a_run_beats(media, django_capture_on_commit_callbacks):
    job = import_job_create(
        kind="profiles",
        file=ContentFile(b"handle,followers\nanna,1200\n"),
        original_name="p.csv",
        platform="tiktok",
    )
    with django_capture_on_commit_callbacks(execute=True) as sent:
        import_job_queue(job=job)  # sent on commit; in-process, it runs then
    assert sent[0].__qualname__ == "creators.tasks.run_import.delay"
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED
    assert job.queued_at is not None
    assert job.heartbeat_at is not None and job.heartbeat_at >= job.started_at

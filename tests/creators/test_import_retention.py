"""Uploaded files are not kept forever (issue 14 item 10): IMPORT_FILE_RETENTION_DAYS after a
job finished its file is deleted by a daily beat task, the job's record staying; files no job
names are deleted past the same age; waiting and running jobs keep theirs; 0 keeps all."""

import os
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from creators.importing.services import import_job_create
from creators.models import ImportJob, ImportStatus
from creators.tasks import purge_old_import_files
from matchmaker.celery import app

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def retention(settings):
    settings.IMPORT_FILE_RETENTION_DAYS = 30


def _job(status: str, finished_days_ago: float | None) -> ImportJob:
    job = import_job_create(
        kind="profiles", file=ContentFile(b"handle,followers\na,1\n"), original_name="a.csv"
    )
    finished = None if finished_days_ago is None else timezone.now() - timedelta(finished_days_ago)
    ImportJob.objects.filter(pk=job.pk).update(status=status, finished_at=finished)
    job.refresh_from_db()
    return job


def _stored(name: str, days_old: float) -> str:
    name = default_storage.save(name, ContentFile(b"x"))
    stamp = time.time() - days_old * 86400
    os.utime(default_storage.path(name), (stamp, stamp))
    return name


def test_files_past_the_retention_are_deleted_and_the_jobs_kept():
    old_done = _job(ImportStatus.SUCCEEDED, 31)
    old_failed = _job(ImportStatus.FAILED, 45)
    recent = _job(ImportStatus.SUCCEEDED, 29)
    waiting = _job(ImportStatus.PENDING, None)
    ImportJob.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(90))
    old_orphan = _stored("imports/2026/01/lost.csv", 40)
    new_orphan = _stored("imports/2026/11/fresh.csv", 1)
    paths = {job.pk: job.file.path for job in (old_done, old_failed, recent, waiting)}

    assert purge_old_import_files() == 3  # two jobs' files and the old orphan

    for job in (old_done, old_failed):
        job.refresh_from_db()
        assert job.file.name == "" and not os.path.exists(paths[job.pk])
        assert job.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)  # the record stays
    for job in (recent, waiting):
        job.refresh_from_db()
        assert job.file.name and os.path.exists(paths[job.pk])
    assert not default_storage.exists(old_orphan) and default_storage.exists(new_orphan)
    assert purge_old_import_files() == 0  # idempotent


def test_zero_keeps_every_file(settings):
    settings.IMPORT_FILE_RETENTION_DAYS = 0
    job = _job(ImportStatus.SUCCEEDED, 400)
    assert purge_old_import_files() == 0
    assert os.path.exists(job.file.path)


def test_the_beat_schedule_runs_it_daily():
    entry = django_settings.CELERY_BEAT_SCHEDULE["purge-old-import-files"]
    assert entry["task"] == "creators.tasks.purge_old_import_files"
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {4}  # once a day

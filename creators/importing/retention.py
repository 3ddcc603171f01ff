"""How long uploaded files are kept: IMPORT_FILE_RETENTION_DAYS after their job finished (0
keeps them forever). The beat task `purge_old_import_files` deletes older files of finished
jobs (the job, its counts and its row errors stay: the history still says what happened) and
files under imports/ that no job names any more (a job deleted in the admin, a crash between
storing a file and saving its job). A job waiting or running keeps its file, however old."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models.functions import Coalesce
from django.utils import timezone

from creators.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

UPLOADS_DIR = "imports"
FINISHED = (ImportStatus.SUCCEEDED, ImportStatus.FAILED)


def retention_cutoff(now: datetime | None = None) -> datetime | None:
    days = settings.IMPORT_FILE_RETENTION_DAYS
    return None if days <= 0 else (now or timezone.now()) - timedelta(days=days)


def import_files_purge(*, now: datetime | None = None) -> int:
    """Delete the uploaded files past the retention period; returns how many were deleted."""
    cutoff = retention_cutoff(now)
    if cutoff is None:
        return 0
    expired = (
        ImportJob.objects.filter(status__in=FINISHED)
        .exclude(file="")
        .annotate(ended=Coalesce("finished_at", "created_at"))
        .filter(ended__lt=cutoff)
    )
    deleted = 0
    for pk, name in expired.values_list("pk", "file"):
        if default_storage.exists(name):
            default_storage.delete(name)
            deleted += 1
        ImportJob.objects.filter(pk=pk).update(file="")
    deleted += _purge_orphans(cutoff)
    if deleted:
        logger.info("deleted %d uploaded file(s) older than the retention period", deleted)
    return deleted


def _purge_orphans(cutoff: datetime) -> int:
    named = set(ImportJob.objects.exclude(file="").values_list("file", flat=True))
    deleted = 0
    for name in _stored_files(UPLOADS_DIR):
        if name in named or default_storage.get_modified_time(name) >= cutoff:
            continue
        default_storage.delete(name)
        deleted += 1
    return deleted


def _stored_files(directory: str):
    if not default_storage.exists(directory):
        return
    folders, files = default_storage.listdir(directory)
    for name in files:
        yield str(PurePosixPath(directory) / name)
    for folder in folders:
        yield from _stored_files(str(PurePosixPath(directory) / folder))

"""Finding import jobs whose task was lost, and sending them again.

Tasks are acks_late, so a worker that dies leaves its message in Redis and the message comes back
after the visibility timeout. What acks_late cannot save is a message Redis itself lost (a Redis
restart without persistence, a flushed database): the job then stays "pending" or "running" and
nothing will ever run it. The beat task `requeue_stale_imports` calls
`import_jobs_requeue_stale` every few minutes, which tells a lost job by the job's own row, never
by the broker's insides:
- a queued job still pending STALE_AFTER after it was sent has lost its message;
- a running job whose heartbeat (the progress it saves per chunk read) is older than STALE_AFTER,
  and whose single-flight lock no database session holds, has lost its worker (the lock goes
  with the worker's connection; a job busy writing, which saves no progress, still holds it).
Both are marked waiting again and sent again. Sending twice is harmless: run_import is
idempotent and single-flight per job. An upload waiting for its preview to be confirmed was
never queued (queued_at is empty): it is never sent.

A job still "running" past the task time limit (plus a margin) has no task left whatever the
broker holds: the worker kills a task there, and a killed task's message is acknowledged, so
re-sending it would only run into the limit again. Such a job is marked failed, with the reason.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from creators.importing.services import RUN_IMPORT
from creators.models import ImportJob, ImportStatus
from matchmaker.celery import app, single_flight_held

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=5)
TIME_LIMIT_MARGIN = timedelta(minutes=5)
RUN_IMPORT_LOCK = "creators.run_import"  # the single_flight name creators.tasks.run_import holds
REQUEUED = "Its task was lost (the queue restarted); it was queued again."
TIMED_OUT = (
    "The import stopped before it finished: it ran past the task time limit or its worker was "
    "killed. Nothing was written."
)


def stale_import_jobs(now=None, older_than: timedelta = STALE_AFTER):
    """Jobs that should have shown progress by now: queued and still pending since before the
    cut-off, or running with no heartbeat since then. Whether a worker still holds a running
    one is checked separately (its lock)."""
    cutoff = (now or timezone.now()) - older_than
    return (
        ImportJob.objects.alias(last_beat=Coalesce("heartbeat_at", "started_at"))
        .filter(
            Q(status=ImportStatus.PENDING, queued_at__lt=cutoff)
            | Q(status=ImportStatus.RUNNING, last_beat__lt=cutoff)
        )
        .order_by("pk")
    )


def import_jobs_fail_timed_out(*, now=None) -> list[int]:
    """Mark failed the jobs running for longer than any task may run; returns their ids."""
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + TIME_LIMIT_MARGIN
    cutoff = (now or timezone.now()) - limit
    stale = ImportJob.objects.filter(status=ImportStatus.RUNNING, started_at__lt=cutoff)
    ids = list(stale.values_list("pk", flat=True))
    if ids:
        ImportJob.objects.filter(pk__in=ids, status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED, message=TIMED_OUT, finished_at=timezone.now()
        )
        logger.warning("marked %d import job(s) failed past the time limit: %s", len(ids), ids)
    return ids


def import_jobs_requeue_stale(*, older_than: timedelta = STALE_AFTER, connection=None) -> list[int]:
    """Fail the jobs running past the time limit, then send run_import again for every other
    stale job no worker holds. Returns the re-sent job ids. `connection` is a kombu broker
    connection to send on (the app's broker by default)."""
    import_jobs_fail_timed_out()
    candidates = list(stale_import_jobs(older_than=older_than).values_list("pk", "status"))
    running = [pk for pk, status in candidates if status == ImportStatus.RUNNING]
    held = single_flight_held(RUN_IMPORT_LOCK, running)
    requeued = []
    for pk, status in candidates:
        if pk in held:
            continue  # a live worker is on it, busy between two heartbeats
        # A running job with no task is not running any more: show it as waiting again.
        changed = ImportJob.objects.filter(pk=pk, status=status).update(
            status=ImportStatus.PENDING, message=REQUEUED, queued_at=timezone.now()
        )
        if not changed:
            continue  # it finished meanwhile
        result = app.signature(RUN_IMPORT).apply_async((pk,), connection=connection)
        ImportJob.objects.filter(pk=pk).update(task_id=result.id)
        requeued.append(pk)
    if requeued:
        logger.warning(
            "re-queued %d import job(s) whose task was lost: %s", len(requeued), requeued
        )
    return requeued

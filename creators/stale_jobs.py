"""Finding import jobs whose task was lost, and sending them again.

Tasks are acks_late, so a worker that dies leaves its message in Redis and the message comes back
after the visibility timeout. What acks_late cannot save is a message Redis itself lost (a Redis
restart without persistence, a flushed database): the job then stays "pending" or "running" and
nothing will ever run it. The beat task `requeue_stale_imports` calls
`import_jobs_requeue_stale` every few minutes: a job pending or running for longer than
STALE_AFTER with no message for it in the broker (queued, or delivered and not yet acknowledged)
and no worker executing it is sent again. Sending twice is harmless: run_import is idempotent
and single-flight per job.

A job still "running" past the task time limit (plus a margin) has no task left whatever the
broker holds: the worker kills a task there, and a killed task's message is acknowledged, so
re-sending it would only run into the limit again. Such a job is marked failed, with the reason.
"""

from __future__ import annotations

import base64
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from creators.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=5)
TIME_LIMIT_MARGIN = timedelta(minutes=5)
RUN_IMPORT = "creators.tasks.run_import"
REQUEUED = "Its task was lost (the queue restarted); it was queued again."
TIMED_OUT = (
    "The import stopped before it finished: it ran past the task time limit or its worker was "
    "killed. Nothing was written."
)


def _job_id_of(message: dict) -> int | None:
    """The job id of a run_import message in kombu's Redis format (protocol 2), else None."""
    headers = message.get("headers") or {}
    if headers.get("task") != RUN_IMPORT:
        return None
    try:
        body = message["body"]
        if message.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        args = json.loads(body)[0]
        return int(args[0])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def queued_import_job_ids(app, connection) -> set[int]:
    """Job ids with a run_import message in the broker: waiting in a queue, or delivered to a
    worker and not acknowledged yet (the redelivery that acks_late promises)."""
    # A connection of its own: a channel that consumed (inspect's replies) cannot be reused.
    with connection.clone() as conn:
        channel = conn.default_channel
        client = channel.client
        raw: list[bytes] = []
        for queue in {app.conf.task_default_queue, *app.amqp.queues.keys()}:
            for priority in channel.priority_steps:
                raw.extend(client.lrange(channel._q_for_pri(queue, priority), 0, -1))
        messages = [json.loads(item) for item in raw]
        for item in client.hvals(channel.unacked_key):
            messages.append(json.loads(item)[0])  # [message, exchange, routing key]
    return {job_id for m in messages if (job_id := _job_id_of(m)) is not None}


def running_import_job_ids(app, connection, timeout: float = 1.0) -> set[int]:
    """Job ids a live worker is executing right now (its message may be gone with Redis)."""
    with connection.clone() as conn:
        replies = app.control.inspect(timeout=timeout, connection=conn).active() or {}
    ids = set()
    for tasks in replies.values():
        for task in tasks:
            if task.get("name") == RUN_IMPORT and task.get("args"):
                ids.add(int(task["args"][0]))
    return ids


def stale_import_jobs(now=None, older_than: timedelta = STALE_AFTER):
    """Jobs that should have run by now: pending since before the cut-off, or running and
    started before it. Whether their task is still alive is checked separately."""
    cutoff = (now or timezone.now()) - older_than
    return ImportJob.objects.filter(
        Q(status=ImportStatus.PENDING, created_at__lt=cutoff)
        | Q(status=ImportStatus.RUNNING, started_at__lt=cutoff)
    ).order_by("pk")


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
    stale job no message and no worker holds. Returns the re-sent job ids. `connection` is a
    kombu broker connection (the app's broker by default)."""
    from creators.tasks import run_import
    from matchmaker.celery import app

    import_jobs_fail_timed_out()
    candidates = list(stale_import_jobs(older_than=older_than).values_list("pk", "status"))
    if not candidates:
        return []
    own = connection is None
    conn = app.connection_for_write() if own else connection
    try:
        live = queued_import_job_ids(app, conn) | running_import_job_ids(app, conn)
        requeued = []
        for pk, status in candidates:
            if pk in live:
                continue
            # A running job with no task is not running any more: show it as waiting again.
            changed = ImportJob.objects.filter(pk=pk, status=status).update(
                status=ImportStatus.PENDING, message=REQUEUED
            )
            if not changed:
                continue  # it finished meanwhile
            result = run_import.apply_async((pk,), connection=conn)
            ImportJob.objects.filter(pk=pk).update(task_id=result.id)
            requeued.append(pk)
    finally:
        if own:
            conn.release()
    if requeued:
        logger.warning(
            "re-queued %d import job(s) whose task was lost: %s", len(requeued), requeued
        )
    return requeued

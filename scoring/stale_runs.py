"""Runs whose worker is gone: marked failed, so pages stop waiting and offer Recompute again.

A recompute task is acks_late: a worker that dies leaves its message in Redis and the task runs
again, marking the dead run abandoned (scoring.runs). What that cannot save is a message Redis
itself lost (a restart without persistence): the run then stays "running", the campaign page
shows "Computing matches..." and hides the Recompute button until the nightly recompute.

No task can run longer than CELERY_TASK_TIME_LIMIT (the worker kills it there), so a run still
pending or running past that limit, plus a margin, has no task left. The beat task
`fail_stale_runs` marks such runs failed with the reason. A creator metrics run in chunks is
one task per chunk: it is stale when no chunk has finished within that time either.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from scoring.models import MetricsChunk, ScoreRun

logger = logging.getLogger(__name__)

MARGIN = timedelta(minutes=5)
LOST = (
    "Its worker stopped before finishing and the task is gone (the queue restarted?); "
    "the previous results stay. Recompute again."
)


def stale_after() -> timedelta:
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + MARGIN


def score_runs_fail_stale(*, now=None) -> list[int]:
    """Mark runs pending or running for longer than any task may run as failed; returns their
    ids. Completed runs and the results they wrote are untouched."""
    cutoff = (now or timezone.now()) - stale_after()
    stale = ScoreRun.objects.filter(
        Q(status=ScoreRun.Status.RUNNING, started_at__lt=cutoff)
        | Q(status=ScoreRun.Status.RUNNING, started_at__isnull=True, created_at__lt=cutoff)
        | Q(status=ScoreRun.Status.PENDING, created_at__lt=cutoff)
    ).exclude(pk__in=MetricsChunk.objects.filter(finished_at__gte=cutoff).values("run_id"))
    ids = list(stale.values_list("pk", flat=True))
    if ids:
        ScoreRun.objects.filter(
            pk__in=ids, status__in=[ScoreRun.Status.PENDING, ScoreRun.Status.RUNNING]
        ).update(status=ScoreRun.Status.FAILED, error=LOST, finished_at=timezone.now())
        logger.warning("marked %d score run(s) failed: no task left for them: %s", len(ids), ids)
    return ids

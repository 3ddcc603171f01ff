"""ScoreRun bookkeeping shared by the recompute services and their tasks: a run started,
failed, abandoned by a dead worker, or given up after its message kept killing workers.
(Runs no task is left for are found by time in scoring/stale_runs.py.)"""

from django.utils import timezone

from matchmaker.celery import delivery_count, give_up_redelivered
from scoring.models import ScoreRun

ABANDONED = "The worker running this recompute stopped before it finished; it was run again."
GAVE_UP = "The recompute stopped its worker {n} times without finishing; not retried again."


def score_run_start(kind: str, *, campaign=None, scope: dict | None = None) -> ScoreRun:
    return ScoreRun.objects.create(
        kind=kind,
        campaign=campaign,
        scope=scope or {},
        status=ScoreRun.Status.RUNNING,
        started_at=timezone.now(),
        attempts=1,
    )


def score_run_fail(run: ScoreRun, exc: Exception) -> None:
    """Mark the run failed with the error (the caller logs it); its previous results stay."""
    ScoreRun.objects.filter(pk=run.pk).update(
        status=ScoreRun.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
    )


def _running(kind: str, campaign_id: int | None):
    return ScoreRun.objects.filter(
        kind=kind, campaign_id=campaign_id, status=ScoreRun.Status.RUNNING
    )


def score_runs_abandon(kind: str, campaign_id: int | None = None) -> int:
    """Mark runs of `kind` still "running" as failed. Call only while holding the single-flight
    lock for that kind and campaign: no live task can own such a run then."""
    return _running(kind, campaign_id).update(
        status=ScoreRun.Status.FAILED, error=ABANDONED, finished_at=timezone.now()
    )


def score_runs_give_up(task, kind: str, campaign_id: int | None = None) -> bool:
    """A message that has killed its worker MAX_DELIVERIES times is not run again (its runs are
    marked failed, with the reason); the previous results stay."""
    deliveries = delivery_count(task)
    return give_up_redelivered(
        deliveries,
        _running(kind, campaign_id),
        what=f"{kind} recompute (campaign {campaign_id})",
        status=ScoreRun.Status.FAILED,
        error=GAVE_UP.format(n=deliveries - 1),
        finished_at=timezone.now(),
    )

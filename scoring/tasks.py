"""Celery tasks of the scoring engine: thin, idempotent wrappers around scoring.services
(a redelivered task simply recomputes; results are replaced in one transaction).

Tasks are acks_late: when a worker dies mid-run its message is delivered again. Each recompute
runs single-flight per campaign (or for all creator metrics), and a run left "running" by a dead
worker is marked failed by the next one, so the page never waits on it forever.
"""

import logging

from celery import shared_task
from django.utils import timezone

from campaigns.models import Campaign
from matchmaker.celery import MAX_DELIVERIES, delivery_count, single_flight
from scoring import services
from scoring.models import ScoreRun

logger = logging.getLogger(__name__)
ABANDONED = "The worker running this recompute stopped before it finished; it was run again."
GAVE_UP = "The recompute stopped its worker {n} times without finishing; not retried again."


def _abandon_running(kind: str, campaign_id: int | None = None) -> int:
    """Mark runs of `kind` still "running" as failed. Call only while holding the single-flight
    lock for that kind and campaign: no live task can own such a run then."""
    return ScoreRun.objects.filter(
        kind=kind, campaign_id=campaign_id, status=ScoreRun.Status.RUNNING
    ).update(status=ScoreRun.Status.FAILED, error=ABANDONED, finished_at=timezone.now())


def _given_up(task, kind: str, campaign_id: int | None = None) -> bool:
    """A message that has killed its worker MAX_DELIVERIES times is not run again (its runs are
    marked failed, with the reason); the previous results stay."""
    deliveries = delivery_count(task)
    if deliveries <= MAX_DELIVERIES:
        return False
    logger.error(
        "%s recompute (campaign %s): delivered %d times, giving up", kind, campaign_id, deliveries
    )
    ScoreRun.objects.filter(
        kind=kind, campaign_id=campaign_id, status=ScoreRun.Status.RUNNING
    ).update(
        status=ScoreRun.Status.FAILED,
        error=GAVE_UP.format(n=deliveries - 1),
        finished_at=timezone.now(),
    )
    return True


@shared_task(bind=True, acks_late=True)
def recompute_creator_metrics(self, creator_ids: list[int] | None = None) -> int | None:
    with single_flight("scoring.creator_metrics", 0):
        if _given_up(self, ScoreRun.Kind.CREATOR_METRICS):
            return None
        _abandon_running(ScoreRun.Kind.CREATOR_METRICS)
        return services.recompute_creator_metrics(creator_ids=creator_ids).pk


@shared_task(bind=True, acks_late=True)
def recompute_campaign_matches(self, campaign_id: int) -> int | None:
    if not Campaign.objects.filter(pk=campaign_id).exists():
        return None  # deleted since it was queued
    with single_flight("scoring.campaign_matches", campaign_id):
        if _given_up(self, ScoreRun.Kind.CAMPAIGN_MATCHES, campaign_id):
            return None
        _abandon_running(ScoreRun.Kind.CAMPAIGN_MATCHES, campaign_id)
        return services.recompute_campaign_matches(campaign_id=campaign_id).pk


@shared_task
def recompute_everything() -> None:
    """Nightly: all creator metrics, then every active campaign's matches. Stored rows the
    metrics cannot use are skipped and listed on the run; should the metrics fail anyway (their
    run says why), the matches are still recomputed, from the metrics there are."""
    try:
        recompute_creator_metrics()
    except Exception:
        logger.exception("nightly recompute: creator metrics failed; recomputing matches anyway")
    for pk in Campaign.objects.exclude(status="archived").values_list("pk", flat=True):
        recompute_campaign_matches.delay(pk)


@shared_task(bind=True, acks_late=True)
def recompute_overlaps(self, campaign_id: int) -> int | None:
    from scoring.overlap_services import recompute_overlaps as service

    with single_flight("scoring.overlaps", campaign_id):
        if _given_up(self, ScoreRun.Kind.OVERLAPS, campaign_id):
            return None
        _abandon_running(ScoreRun.Kind.OVERLAPS, campaign_id)
        run = service(campaign_id=campaign_id)
        return run.pk if run else None  # None: the campaign was deleted since it was queued


@shared_task
def fail_stale_runs() -> list[int]:
    """Every few minutes (beat): runs no task will ever finish are marked failed."""
    from scoring.stale_runs import score_runs_fail_stale

    return score_runs_fail_stale()

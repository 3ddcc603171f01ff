"""Celery tasks of the scoring engine: thin, idempotent wrappers around scoring.services
(a redelivered task simply recomputes; results are replaced in one transaction).

Tasks are acks_late: when a worker dies mid-run its message is delivered again. Each recompute
runs single-flight per campaign (or for all creator metrics), and a run left "running" by a dead
worker is marked failed by the next one (scoring.runs), so the page never waits on it forever.
"""

import logging

from celery import shared_task

from campaigns.models import Campaign
from matchmaker.celery import single_flight
from scoring.models import ScoreRun
from scoring.runs import score_runs_abandon, score_runs_give_up
from scoring.services import matches, metrics, overlaps
from scoring.stale_runs import score_runs_fail_stale

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True)
def recompute_creator_metrics(self, creator_ids: list[int] | None = None) -> int | None:
    with single_flight("scoring.creator_metrics", 0):
        if score_runs_give_up(self, ScoreRun.Kind.CREATOR_METRICS):
            return None
        score_runs_abandon(ScoreRun.Kind.CREATOR_METRICS)
        return metrics.recompute_creator_metrics(creator_ids=creator_ids).pk


@shared_task(bind=True, acks_late=True)
def recompute_campaign_matches(self, campaign_id: int) -> int | None:
    if not Campaign.objects.filter(pk=campaign_id).exists():
        return None  # deleted since it was queued
    with single_flight("scoring.campaign_matches", campaign_id):
        if score_runs_give_up(self, ScoreRun.Kind.CAMPAIGN_MATCHES, campaign_id):
            return None
        score_runs_abandon(ScoreRun.Kind.CAMPAIGN_MATCHES, campaign_id)
        return matches.recompute_campaign_matches(campaign_id=campaign_id).pk


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
    with single_flight("scoring.overlaps", campaign_id):
        if score_runs_give_up(self, ScoreRun.Kind.OVERLAPS, campaign_id):
            return None
        score_runs_abandon(ScoreRun.Kind.OVERLAPS, campaign_id)
        run = overlaps.recompute_overlaps(campaign_id=campaign_id)
        return run.pk if run else None  # None: the campaign was deleted since it was queued


@shared_task
def fail_stale_runs() -> list[int]:
    """Every few minutes (beat): runs no task will ever finish are marked failed."""
    return score_runs_fail_stale()

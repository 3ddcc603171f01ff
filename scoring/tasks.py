"""Celery tasks of the scoring engine: thin, idempotent wrappers around scoring.services
(a redelivered task simply recomputes; results are replaced in one transaction).

Tasks are acks_late: when a worker dies mid-run its message is delivered again. Each recompute
runs single-flight per campaign (or for all creator metrics), and a run left "running" by a dead
worker is marked failed by the next one (scoring.runs), so the page never waits on it forever.
"""

import logging

from celery import shared_task
from django.utils import timezone

from campaigns.models import Campaign
from matchmaker.celery import delivery_count, give_up_redelivered, single_flight
from scoring.models import ScoreRun
from scoring.runs import GAVE_UP, score_runs_abandon, score_runs_give_up
from scoring.services import matches, metrics_chunks, overlaps, reaction
from scoring.stale_runs import score_runs_fail_stale

logger = logging.getLogger(__name__)


THEN_MATCHES = {"then": "campaign_matches"}


@shared_task(bind=True, acks_late=True)
def recompute_creator_metrics(
    self, creator_ids: list[int] | None = None, then_matches: bool = False
) -> int | None:
    """Creator metrics for the given creators (all when None). A partial recompute, or a
    catalogue of one chunk, runs here; otherwise the run's chunks are sent to the workers (on
    this task's queue) and the last to finish publishes the run. then_matches (the nightly
    recompute): a run sent out in chunks queues every active campaign's matches when it ends."""
    with single_flight("scoring.creator_metrics", 0):
        if score_runs_give_up(self, ScoreRun.Kind.CREATOR_METRICS):
            return None
        metrics_chunks.runs_make_way(full=creator_ids is None)
        if creator_ids is not None:
            return metrics_chunks.recompute_creator_metrics(creator_ids=creator_ids).pk
        run = metrics_chunks.plan_full_run()
        if run.chunks_total == 1:
            metrics_chunks.run_chunk(run.pk, 0)
            return run.pk
        if then_matches and run.chunks_total:
            ScoreRun.objects.filter(pk=run.pk).update(scope={**run.scope, **THEN_MATCHES})
    queue = (self.request.delivery_info or {}).get("routing_key")
    for number in range(run.chunks_total):
        recompute_metrics_chunk.apply_async((run.pk, number), queue=queue)
    return run.pk


def _queue_campaign_matches() -> None:
    for pk in Campaign.objects.exclude(status="archived").values_list("pk", flat=True):
        recompute_campaign_matches.delay(pk)


@shared_task(bind=True, acks_late=True)
def recompute_metrics_chunk(self, run_id: int, number: int) -> bool:
    """One chunk of a creator metrics run (scoring.services.metrics_chunks); idempotent. The
    chunk that ends a nightly run (published, or failed) queues the campaigns' matches."""
    deliveries = delivery_count(self)
    if give_up_redelivered(
        deliveries,
        ScoreRun.objects.filter(pk=run_id, status=ScoreRun.Status.RUNNING),
        what=f"creator metrics chunk {number} of run {run_id}",
        status=ScoreRun.Status.FAILED,
        error=GAVE_UP.format(n=deliveries - 1),
        finished_at=timezone.now(),
    ):
        return False
    nightly = ScoreRun.objects.filter(pk=run_id, scope__contains=THEN_MATCHES).exists()
    try:
        published = metrics_chunks.run_chunk(run_id, number)
    except Exception:
        if nightly:
            _queue_campaign_matches()
        raise
    if published and nightly:
        _queue_campaign_matches()
    return published


@shared_task(bind=True, acks_late=True)
def recompute_campaign_matches(self, campaign_id: int) -> int | None:
    if not Campaign.objects.filter(pk=campaign_id).exists():
        return None  # deleted since it was queued
    with single_flight("scoring.campaign_matches", campaign_id):
        if score_runs_give_up(self, ScoreRun.Kind.CAMPAIGN_MATCHES, campaign_id):
            return None
        score_runs_abandon(ScoreRun.Kind.CAMPAIGN_MATCHES, campaign_id)
        return matches.recompute_campaign_matches(campaign_id=campaign_id).pk


@shared_task(bind=True, acks_late=True)
def recompute_creator_reactions(self, creator_ids: list[int] | None = None) -> int:
    """How the audience reacts (scoring.services.reaction) for the creators, all when None:
    after an import changed their posts or comments, and nightly. Idempotent: the rows of the
    creators are replaced in one transaction, so a redelivered message just recomputes."""
    with single_flight("scoring.creator_reactions", 0):
        return reaction.creator_reactions_recompute(creator_ids=creator_ids)


@shared_task
def recompute_everything() -> None:
    """Nightly: all creator metrics, then every active campaign's matches. Stored rows the
    metrics cannot use are skipped and listed on the run; should the metrics fail anyway (their
    run says why), the matches are still recomputed, from the metrics there are. A metrics run
    sent out to the workers in chunks queues the matches itself when it ends."""
    run_id = None
    try:
        recompute_creator_reactions()
    except Exception:
        logger.exception("nightly recompute: creator reactions failed; going on")
    try:
        run_id = recompute_creator_metrics(then_matches=True)
    except Exception:
        logger.exception("nightly recompute: creator metrics failed; recomputing matches anyway")
    if run_id and ScoreRun.objects.filter(pk=run_id, scope__contains=THEN_MATCHES).exists():
        return
    _queue_campaign_matches()


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

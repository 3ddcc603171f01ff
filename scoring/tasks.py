"""Celery tasks of the scoring engine: thin, idempotent wrappers around scoring.services
(a redelivered task simply recomputes; results are replaced in one transaction)."""

from celery import shared_task

from campaigns.models import Campaign
from scoring import services


@shared_task(acks_late=True)
def recompute_creator_metrics(creator_ids: list[int] | None = None) -> int:
    return services.recompute_creator_metrics(creator_ids=creator_ids).pk


@shared_task(acks_late=True)
def recompute_campaign_matches(campaign_id: int) -> int | None:
    if not Campaign.objects.filter(pk=campaign_id).exists():
        return None  # deleted since it was queued
    return services.recompute_campaign_matches(campaign_id=campaign_id).pk


@shared_task
def recompute_everything() -> None:
    """Nightly: all creator metrics, then every active campaign's matches."""
    services.recompute_creator_metrics()
    for pk in Campaign.objects.exclude(status="archived").values_list("pk", flat=True):
        recompute_campaign_matches.delay(pk)


@shared_task(acks_late=True)
def recompute_overlaps(campaign_id: int) -> int:
    from scoring.overlap_services import recompute_overlaps as service

    return service(campaign_id=campaign_id).pk

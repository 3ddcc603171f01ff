"""The feedback loop: results recorded for a completed campaign change the creators' track-record
component and a later campaign's ranking, through the real scoring services and tasks."""

from decimal import Decimal

import pytest

from campaigns.models import Campaign, Stage
from campaigns.outcomes.services import deliverable_create, outcome_record
from scoring.models import MatchScore
from scoring.services.matches import recompute_campaign_matches
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_results_feed_track_record_and_later_ranking(world, django_capture_on_commit_callbacks):
    later = world.campaign_a  # active, same brand
    past = f.CampaignFactory(
        brand=world.brand_a, name="Last winter", status=Campaign.Status.COMPLETED
    )
    star = f.CreatorFactory(handle="star", followers=45_000)
    flop = f.CreatorFactory(handle="flop", followers=45_000)
    deliverables = {}
    for creator in (star, flop):
        entry = f.RosterEntryFactory(
            campaign=past,
            creator=creator,
            stage=Stage.COMPLETED,
            agreed_fee=Decimal(400),
            prediction={"engagements": 1000.0, "reach": 10_000.0, "basis": "test"},
        )
        deliverables[creator.handle] = deliverable_create(entry=entry, user=world.owner_a)
    recompute_campaign_matches(campaign_id=later.pk)
    before = {
        m.creator.handle: m
        for m in MatchScore.objects.filter(campaign=later).select_related("creator")
    }
    assert before["star"].track_record == before["flop"].track_record == pytest.approx(0.5)
    assert before["star"].total == pytest.approx(before["flop"].total)

    # Recording results of completed entries enqueues the re-ranking of the org's active campaigns.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcome_record(
            deliverable=deliverables["star"],
            user=world.owner_a,
            values={"likes": 2800, "comments": 200},
        )
        outcome_record(
            deliverable=deliverables["flop"],
            user=world.owner_a,
            values={"likes": 250, "comments": 50},
        )
    assert callbacks  # the recompute was queued on commit (eager Celery ran it)

    after = {
        m.creator.handle: m
        for m in MatchScore.objects.filter(campaign=later).select_related("creator")
    }
    assert after["star"].track_record > 0.5 > after["flop"].track_record
    assert after["star"].total > before["star"].total
    assert after["flop"].total < before["flop"].total
    assert after["star"].rank < after["flop"].rank

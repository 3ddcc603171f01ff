"""The track-record component is tenant data (issue 14 item 1): a campaign's score of a creator
uses only its own organisation's past predictions and results, and the brand bonus only its own
brand's. Another organisation's results must not reach it, not even as a number in the
breakdown that the "why" page and the API show."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns.models import Campaign, Stage
from scoring.models import MatchScore
from scoring.services.matches import recompute_campaign_matches
from tenancy.tokens import api_token_create
from tests import factories as f

pytestmark = pytest.mark.django_db

PREDICTION = {"engagements": 1000.0, "reach": 10_000.0, "basis": "test"}


def _past_work(brand, creator, *, likes: int, comments: int = 0):
    """A completed campaign of `brand` where `creator` delivered `likes + comments` engagements
    against a prediction of 1,000."""
    past = f.CampaignFactory(
        brand=brand, name=f"Past {brand.name}", status=Campaign.Status.COMPLETED
    )
    entry = f.RosterEntryFactory(
        campaign=past,
        creator=creator,
        stage=Stage.COMPLETED,
        agreed_fee=Decimal(400),
        prediction=PREDICTION,
    )
    deliverable = f.DeliverableFactory(entry=entry)
    return f.OutcomeFactory(deliverable=deliverable, likes=likes, comments=comments)


def _matches(campaign) -> dict[str, dict]:
    """Every stored column of the campaign's match rows but the run's bookkeeping."""
    skip = {"id", "run", "computed_at"}
    names = [f.attname for f in MatchScore._meta.concrete_fields if f.name not in skip]
    return {
        row["creator_id"]: row
        for row in MatchScore.objects.filter(campaign=campaign).values(*names)
    }


def test_another_organisations_results_do_not_reach_the_breakdown(world, client_for):
    # The creator's only past work is for organisation B, which got twice what it predicted.
    creator = f.CreatorFactory(handle="verde.regular", followers=45_000)
    _past_work(world.brand_b, creator, likes=1800, comments=200)
    recompute_campaign_matches(campaign_id=world.campaign_a.pk)

    page = client_for(world.owner_a).get(
        reverse("campaigns:match_why", args=[world.campaign_a.pk, creator.pk])
    )
    assert page.status_code == 200
    track = next(row for row in page.context["rows"] if row["name"] == "track_record")
    assert track["inputs"] == {"past_deliverables": 0}
    assert track["value"] == pytest.approx(0.5)  # neutral: organisation A has no history
    assert track["estimated"] is True

    api = APIClient()
    api.credentials(
        HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=world.owner_a, name='t')[1]}"
    )
    response = api.get(f"/api/v1/campaigns/{world.campaign_a.pk}/matches/{creator.pk}/")
    assert response.status_code == 200
    component = response.json()["components"]["track_record"]
    assert component["inputs"] == {"past_deliverables": 0}
    assert component["value"] == pytest.approx(0.5)

    # Organisation B's own campaign does learn from B's results.
    recompute_campaign_matches(campaign_id=world.campaign_b.pk)
    own = MatchScore.objects.get(campaign=world.campaign_b, creator=creator)
    assert own.past_deliverables == 1 and own.track_record > 0.5


def test_a_score_never_depends_on_another_organisations_data(world):
    shared = [
        f.CreatorFactory(handle=f"shared{i}", followers=20_000 + 10_000 * i) for i in range(3)
    ]
    # Organisation A's own history for one creator; organisation B's for all three.
    _past_work(world.brand_a, shared[0], likes=900)
    b_outcomes = [_past_work(world.brand_b, c, likes=500 + 700 * i) for i, c in enumerate(shared)]
    recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    before = _matches(world.campaign_a)
    assert before[shared[0].pk]["past_deliverables"] == 1  # A's own history counts

    # Organisation B's results change completely: readings, predictions, a new campaign.
    for i, outcome in enumerate(b_outcomes):
        f.OutcomeFactory(deliverable=outcome.deliverable, likes=10 + 5_000 * i, comments=3)
        entry = outcome.deliverable.entry
        entry.prediction = {"engagements": 50.0 + i}
        entry.save(update_fields=["prediction"])
    _past_work(world.brand_b, shared[1], likes=99_000)
    recompute_campaign_matches(campaign_id=world.campaign_a.pk)

    assert _matches(world.campaign_a) == before


def test_the_brand_bonus_counts_only_the_campaigns_own_brand(world):
    star = f.CreatorFactory(handle="star", followers=45_000)
    other_brand = f.BrandFactory(organization=world.org_a, name="Leafy Haircare")
    _past_work(other_brand, star, likes=3000)  # a great result, for a sister brand
    recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    sister = MatchScore.objects.get(campaign=world.campaign_a, creator=star).track_record

    _past_work(world.brand_b, star, likes=3000)  # the same result for another organisation
    recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    assert MatchScore.objects.get(campaign=world.campaign_a, creator=star).track_record == sister

    _past_work(world.brand_a, star, likes=3000)  # and for the campaign's own brand: bonus
    recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    own = MatchScore.objects.get(campaign=world.campaign_a, creator=star)
    assert own.past_deliverables == 2
    assert own.track_record > sister

"""API fixtures: an API client per user (session or bearer token) and a few scored creators."""

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from tenancy.tokens import api_token_create
from tests import factories as f


@pytest.fixture
def api_for():
    """An APIClient authenticated as `user` with a real bearer token (read and write; staff
    rights with `staff=True`, other token options as keywords)."""

    def make(user, **scopes):
        client = APIClient()
        _, raw = api_token_create(user=user, name="tests", **scopes)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make


@pytest.fixture
def scored(world):
    """Three creators with metrics and matches for campaign_a (ranked 1..3)."""
    now = datetime(2026, 11, 1, tzinfo=UTC)
    creators = []
    for i, (followers, er) in enumerate([(20_000, 0.05), (45_000, 0.03), (90_000, 0.01)]):
        creator = f.CreatorFactory(followers=followers, handle=f"api_creator{i}")
        f.CreatorMetricsFactory(
            creator=creator,
            computed_at=now,
            tier="micro",
            er_median=er,
            er_mean=er,
            er_percentile=0.9 - 0.3 * i,
            authenticity_score=80 - 10 * i,
            authenticity_reasons=[{"sentence": "Comments look organic.", "contribution": 5}],
            growth_30d=0.01,
        )
        f.MatchScoreFactory(
            campaign=world.campaign_a,
            creator=creator,
            computed_at=now,
            rank=i + 1,
            total=0.9 - 0.2 * i,
            audience_fit=0.8,
            niche_fit=0.7,
            engagement=0.6,
            authenticity=0.5,
            cost_efficiency=0.4,
            track_record=0.3,
            components={},
        )
        f.PostFactory(creator=creator)
        creators.append(creator)
    return creators

"""Creator profile: metrics with definitions and freshness, chart data, audience bars,
authenticity reasons, own-organisation campaigns only, empty states, permissions, queries."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f


def url(creator) -> str:
    return reverse("creators:detail", args=[creator.pk])


def test_anonymous_is_sent_to_login(client, db):
    creator = f.CreatorFactory()
    response = client.get(url(creator))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_creator_is_404(world, client_for):
    assert client_for(world.viewer_a).get("/creators/999999/").status_code == 404


def test_profile_shows_metrics_definitions_and_data(world, client_for):
    creator = f.CreatorFactory(handle="leafy", followers=45_000, quoted_price=None)
    for day in range(5):
        f.PostFactory(creator=creator, likes=1000 + day, comments=50)
        f.FollowerSnapshotFactory(creator=creator, followers=44_000 + day * 100)
    f.AudienceShareFactory(
        creator=creator, dimension="country", bucket="DE", share=0.62, sample_size=4800
    )
    f.AudienceShareFactory(creator=creator, dimension="age", bucket="18-24", share=0.4)
    f.CreatorMetricsFactory(
        creator=creator,
        computed_at=timezone.now() - timedelta(hours=2),
        tier="micro",
        er_median=0.0234,
        er_percentile=0.81,
        er_posts_used=5,
        authenticity_score=72,
        authenticity_confidence=0.6,
        growth_30d=0.012,
        estimated_price=Decimal("450"),
        authenticity_reasons=[
            {"sentence": "Follows 2,400 accounts (mass-following).", "contribution": 12}
        ],
        growth_spikes=[
            {
                "date": "2026-01-02",
                "growth": 0.08,
                "explained": True,
                "explanation": "viral post on 1 Jan",
            }
        ],
    )
    body = client_for(world.viewer_a).get(url(creator)).content.decode()
    # Issue 17: "81% percentile" read as a share; an ordinal is a rank.
    assert "45k" in body and "2.34%" in body and "81st percentile of its platform" in body
    assert "72/100" in body and "Follows 2,400 accounts (mass-following)." in body
    assert "(likes + comments) / followers" in body  # the definition is on the page
    assert "5 posts used for ER (5 known), 5 follower snapshots, audience sample 4.8k" in body
    assert 'class="estimate"' in body  # no quote: the estimated price is marked
    assert "w-62" in body  # the DE audience bar
    assert "viral post on 1 Jan" in body and "8.0% in a day" in body
    assert "2 Jan 2026: 8.0% in a day" in body  # the spike's date written like every date
    assert "−12 points" in body  # points taken off, as scoring.metrics.authenticity writes them
    charts = json.loads(body.split('id="creator-charts" type="application/json">')[1].split("<")[0])
    assert len(charts["posts"]) == 5 and len(charts["followers"]) == 5
    assert abs(charts["posts"][0]["er"] - 1050 / 45_000) < 0.01
    assert charts["spikes"][0]["explained"] is True
    assert "creator_charts.js" in body


def test_profile_without_data_says_what_to_do(world, client_for):
    creator = f.CreatorFactory(handle="fresh")
    body = client_for(world.viewer_a).get(url(creator)).content.decode()
    assert "not yet" in body  # metrics not computed
    assert "No posts imported" in body and "No follower snapshots yet" in body
    assert "unknown — no follower sample" in body  # overlap never invented
    assert "Not on any campaign of your organisations yet" in body


def test_campaigns_are_own_organisation_only(world, client_for):
    creator = f.CreatorFactory(handle="shared")
    f.RosterEntryFactory(campaign=world.campaign_a, creator=creator)
    f.RosterEntryFactory(campaign=world.campaign_b, creator=creator)
    body_a = client_for(world.viewer_a).get(url(creator)).content.decode()
    assert "Spring glow" in body_a and "Secret sneaker drop" not in body_a
    body_b = client_for(world.owner_b).get(url(creator)).content.decode()
    assert "Secret sneaker drop" in body_b and "Spring glow" not in body_b
    body_outsider = client_for(world.outsider).get(url(creator)).content.decode()
    assert "Spring glow" not in body_outsider and "Secret sneaker drop" not in body_outsider


def test_profile_queries_do_not_grow_with_posts(world, client_for, django_assert_max_num_queries):
    creator = f.CreatorFactory(handle="busy")
    for _ in range(40):
        f.PostFactory(creator=creator)
        f.FollowerSnapshotFactory(creator=creator)
    client = client_for(world.viewer_a)
    with django_assert_max_num_queries(14):
        assert client.get(url(creator)).status_code == 200


@pytest.mark.parametrize(
    ("stored", "label"), [(1.0, "top 1% of its platform"), (0.0, "bottom 1% of its platform")]
)
def test_the_cohort_ends_read_as_shares_not_100_percent_percentile(
    world, client_for, stored, label
):
    creator = f.CreatorFactory(followers=45_000)
    f.CreatorMetricsFactory(creator=creator, tier="micro", er_median=0.03, er_percentile=stored)
    body = client_for(world.viewer_a).get(url(creator)).content.decode()
    assert label in body
    assert "% percentile" not in body and "100th percentile" not in body

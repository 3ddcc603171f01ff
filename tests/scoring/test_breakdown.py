"""The why page (issue 17 item 5): inputs as sentences with units, points that add up to the
score shown, and what made audience fit 0."""

import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from creators.models import AudienceShare
from scoring.breakdown import explain_match, largest_remainder
from scoring.models import MatchScore
from scoring.services import matches, metrics_chunks
from tests import factories as f


@given(st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=9))
def test_largest_remainder_adds_up_and_stays_within_one_of_each_part(parts):
    total = round(sum(parts))
    points = largest_remainder(parts, total)
    assert sum(points) == total
    assert all(abs(p - x) < 1 + 1e-9 for p, x in zip(points, parts, strict=True))


def _targeted_world(world):
    """Two creators for a DE/AT campaign: one with a German audience, one (GB) without."""
    de = f.CreatorFactory(followers=20_000, bio="skincare routines", country="DE")
    gb = f.CreatorFactory(followers=30_000, bio="skincare for everyone", country="GB")
    for creator, shares in ((de, {"DE": 0.6, "GB": 0.4}), (gb, {"GB": 0.9, "FR": 0.1})):
        for _ in range(4):
            f.PostFactory(creator=creator, likes=1_000, comments=50)
        for bucket, share in shares.items():
            AudienceShare.objects.create(
                creator=creator, dimension="country", bucket=bucket, share=share
            )
    campaign = world.campaign_a
    campaign.target_countries = ["DE", "AT"]
    campaign.target_age_buckets = campaign.target_genders = []
    campaign.target_languages = campaign.target_interests = []
    campaign.keywords = ["skincare"]
    campaign.save()
    campaign.niches.clear()
    metrics_chunks.recompute_creator_metrics()
    matches.recompute_campaign_matches(campaign_id=campaign.pk)
    return campaign, de, gb


@pytest.mark.django_db
def test_why_page_writes_inputs_for_people_and_points_add_up(world, client_for):
    campaign, de, _gb = _targeted_world(world)
    url = reverse("campaigns:match_why", args=[campaign.pk, de.pk])
    response = client_for(world.viewer_a).get(url)
    body = response.content.decode()
    ctx = response.context
    points = [row["points"] for row in ctx["rows"]] + [g["points"] for g in ctx["gates"]]
    match = MatchScore.objects.get(campaign=campaign, creator=de)
    assert sum(points) == ctx["total"] == round(match.total * 100)
    assert f"scores {ctx['total']}" in body
    assert "60.0% of the audience is in DE or AT." in body
    assert "Median engagement rate 5.3% over 4 posts." in body
    assert "1 of the 1 brand keywords (skincare) in the bio or hashtags." in body
    assert "Audience gate" in body and "Niche gate" in body
    text = re.sub(r"<[^>]+>", " ", body)
    # No raw floats, Python lists or None reach the reader.
    assert not re.search(r"\d\.\d{4,}", text), re.search(r".{40}\d\.\d{4,}.{20}", text)
    assert "[]" not in text and "None" not in text and "nan" not in text.lower().split()
    # Fees with their currency, estimates with their range and the rate card they come from.
    assert re.search(r"estimated fee \$[\d,]+ \(range \$[\d,]+–\$[\d,]+\)", text)
    assert "Influencer Marketing Hub" in text


@pytest.mark.django_db
def test_why_page_says_which_targeted_dimension_had_no_overlap(world, client_for):
    campaign, _de, gb = _targeted_world(world)
    match = MatchScore.objects.get(campaign=campaign, creator=gb)
    assert match.audience_fit == 0 and match.total == 0 and match.rank == 2
    response = client_for(world.viewer_a).get(
        reverse("campaigns:match_why", args=[campaign.pk, gb.pk])
    )
    body = response.content.decode()
    assert "None of the audience is in DE or AT." in body
    gate = response.context["gates"][0]
    assert gate["label"] == "Audience gate" and gate["factor"] == 0
    assert gate["points"] == -sum(row["points"] for row in response.context["rows"])
    assert response.context["total"] == 0
    # Another organisation's member cannot read it.
    assert (
        client_for(world.owner_b)
        .get(reverse("campaigns:match_why", args=[campaign.pk, gb.pk]))
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_explanation_of_an_untargeted_campaign_has_no_gates(world):
    creator = f.CreatorFactory(followers=20_000)
    campaign = world.campaign_a
    for field in ("target_countries", "target_age_buckets", "target_genders"):
        setattr(campaign, field, [])
    campaign.target_languages = campaign.target_interests = campaign.keywords = []
    campaign.save()
    campaign.niches.clear()
    metrics_chunks.recompute_creator_metrics()
    matches.recompute_campaign_matches(campaign_id=campaign.pk)
    match = MatchScore.objects.select_related("creator", "creator__metrics").get(
        campaign=campaign, creator=creator
    )
    explained = explain_match(match, campaign)
    assert explained["gates"] == []
    assert sum(row["points"] for row in explained["rows"]) == explained["total"]
    audience = explained["rows"][0]
    assert audience["sentences"] == ["No audience targeted: every follower counts (fit 100%)."]

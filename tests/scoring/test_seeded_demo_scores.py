"""Scores over the seeded demo (400 creators, seed 7) and a campaign created as a user would:
the ranking puts relevant creators first (scoring.ranking_quality), and the score invariants
hold on real-shaped data."""

from io import StringIO

import pytest
from django.core.management import call_command

from campaigns.models import Brand, Campaign
from campaigns.services import campaign_create
from creators.models import Category
from scoring.ranking_quality import ranking_quality
from scoring.services.matches import recompute_campaign_matches
from tests.creators.test_seed_demo import wipe


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo seeded once for the module (committed), plus a DE/AT skincare campaign made
    through the service the API calls, which copies the rest of its targeting from the brand."""
    with django_db_blocker.unblock():
        call_command("seed_demo", creators=400, seed=7, stdout=StringIO())
        brand = Brand.objects.get(name="Lumen Skincare")
        campaign = campaign_create(
            brand=brand,
            user=None,
            name="DE/AT skincare",
            target_countries=["DE", "AT"],
            niches=[Category.objects.get(name="Skincare")],
            keywords=["skincare"],
            platforms=["instagram", "tiktok"],
            min_followers=10_000,
            max_followers=150_000,
        )
        recompute_campaign_matches(campaign_id=campaign.pk)
        yield campaign
        wipe()


def test_every_targeted_campaign_ranks_relevant_creators_first(demo, db):
    qualities = ranking_quality()
    assert len(qualities) == Campaign.objects.count() == 13
    for q in qualities:
        assert q.top == 20
        # No creator with none of the target audience in the top while fitting ones wait.
        assert q.top_zero_fit <= max(0, q.top - q.fitting), q.line()
        if q.relevant >= q.top:
            assert q.top_niche >= 16, q.line()
        else:
            assert q.top_relevant == q.relevant, q.line()
        assert q.meets_target, q.line()


def test_ranking_quality_command_prints_a_line_per_campaign(demo, db):
    out = StringIO()
    call_command("ranking_quality", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 13
    assert lines[-1].startswith("DE/AT skincare (#")
    assert "Top 20: target audience" in lines[-1]

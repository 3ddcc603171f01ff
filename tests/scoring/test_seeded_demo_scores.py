"""Scores over the seeded demo (400 creators, seed 7) and a campaign created as a user would:
the ranking puts relevant creators first (scoring.ranking_quality), and the score invariants
hold on real-shaped data."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from campaigns.models import Brand, Campaign, RosterEntry
from campaigns.services import campaign_create
from creators.models import Category
from matchmaker.lib import formatting
from scoring.breakdown import explain_match
from scoring.models import CreatorMetrics, MatchScore
from scoring.ranking_quality import ranking_quality
from scoring.selectors import latest_run
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


def test_every_why_page_adds_up_to_the_score_shown(demo, db):
    """Match total = the sum of weight x value shown, to display precision: for every match of
    every demo campaign the points shown (components, then gates) add up to the score shown,
    and each component's points are its weight x value to within one point."""
    checked = 0
    for campaign in Campaign.objects.prefetch_related("niches"):
        weights = latest_run("campaign_matches", campaign).weights
        for match in MatchScore.objects.filter(campaign=campaign).select_related(
            "creator", "creator__metrics"
        ):
            explained = explain_match(match, campaign, weights)
            shown = [r["points"] for r in explained["rows"]] + [
                g["points"] for g in explained["gates"]
            ]
            assert sum(shown) == explained["total"] == int(formatting.score(match.total))
            for row in explained["rows"]:
                if row["value"] is None:  # unknown (audience reaction): its weight shared out
                    assert row["weight"] == 0 and row["points"] == 0
                    continue
                assert abs(row["points"] - 100 * row["value"] * row["weight"]) < 1 + 1e-9
            assert sum(r["weight"] for r in explained["rows"]) == pytest.approx(1.0)
            mean = sum(
                r["value"] * r["weight"] for r in explained["rows"] if r["value"] is not None
            )
            assert match.total == pytest.approx(
                mean * match.audience_gate * match.niche_gate, abs=1e-9
            )
            checked += 1
    assert checked == MatchScore.objects.count() > 3000


def test_percentiles_and_scores_stay_in_range_on_the_demo(demo, db):
    pct = list(
        CreatorMetrics.objects.exclude(er_percentile=None).values_list("er_percentile", flat=True)
    )
    assert pct and all(0 <= p <= 1 for p in pct)
    for p in pct:
        shown = int(re.search(r"\d+", formatting.percentile(p * 100)).group())  # "87th", "top 1%"
        assert 0 <= shown <= 100
    scores = MatchScore.objects.values_list("total", "audience_gate", "niche_gate")
    assert all(0 <= t <= 1 and 0 <= a <= 1 and 0 <= n <= 1 for t, a, n in scores)


def test_a_score_never_depends_on_another_organisations_data(demo, db):
    """Brightwave's rankings are the same with every other organisation's campaigns, rosters
    and outcomes gone."""
    own = Campaign.objects.filter(brand__organization__slug="brightwave").order_by("pk")
    assert own.exists()

    def scores():
        return {
            c.pk: sorted(
                MatchScore.objects.filter(campaign=c).values_list("creator_id", "rank", "total")
            )
            for c in own
        }

    before = scores()
    others = Campaign.objects.exclude(brand__organization__slug="brightwave")
    assert others.exists()
    RosterEntry.objects.filter(campaign__in=others).delete()
    others.delete()
    for c in own:
        recompute_campaign_matches(campaign_id=c.pk)
    after = scores()
    assert after.keys() == before.keys()
    for pk in before:
        assert [r[:2] for r in after[pk]] == [r[:2] for r in before[pk]]
        assert [r[2] for r in after[pk]] == pytest.approx([r[2] for r in before[pk]])

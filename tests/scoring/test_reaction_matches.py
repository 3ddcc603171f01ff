"""Audience reaction and organic affinity in a seeded campaign (the demo, 400 creators, seed 7):
each moves a creator's rank the expected way, an unknown reaction stays unknown on the why
page, and nothing of another organisation's changes a score."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Brand, Campaign
from campaigns.services import campaign_create
from creators.models import Category, Post
from scoring.models import CreatorReaction, MatchScore
from scoring.selectors import match_explanation
from scoring.services.matches import recompute_campaign_matches
from tests.creators.test_seed_demo import wipe


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo seeded once (committed) and an engagement-objective skincare campaign; each
    test's changes roll back with its transaction."""
    with django_db_blocker.unblock():
        call_command("seed_demo", creators=400, seed=7, stdout=StringIO())
        brand = Brand.objects.get(name="Lumen Skincare")
        campaign = campaign_create(
            brand=brand,
            user=None,
            name="Skincare engagement",
            objective="engagement",
            niches=[Category.objects.get(name="Skincare")],
            platforms=["instagram", "tiktok"],
            min_followers=10_000,
            max_followers=150_000,
        )
        recompute_campaign_matches(campaign_id=campaign.pk)
        yield campaign
        wipe()


def _ranks(campaign) -> dict[int, int]:
    return dict(MatchScore.objects.filter(campaign=campaign).values_list("creator_id", "rank"))


def _mid_table(campaign, **filters) -> MatchScore:
    """A measured match ranked well below the top, with room to climb."""
    rows = MatchScore.objects.filter(
        campaign=campaign, audience_reaction__isnull=False, rank__gt=30, **filters
    ).order_by("rank")
    match = rows.first()
    assert match is not None, "the demo has measured reactions below rank 30"
    return match


def test_the_demo_has_measured_unknown_and_pod_reactions(demo, db):
    rows = MatchScore.objects.filter(campaign=demo)
    assert rows.filter(audience_reaction__isnull=False).count() >= 20
    assert rows.filter(audience_reaction__isnull=True).exists()
    assert rows.filter(reaction_pod=True).exists()
    # The stored inputs are the CreatorReaction figures the run read.
    for m in rows.filter(audience_reaction__isnull=False)[:20]:
        r = CreatorReaction.objects.get(creator_id=m.creator_id)
        assert m.reaction_comments_n == r.text_comments_n >= 10
        assert m.substantive_share == pytest.approx(r.substantive_share)
        assert m.reply_share == (None if r.reply_share is None else pytest.approx(r.reply_share))
        assert m.reaction_pod == r.pod


def test_better_comments_and_answers_raise_the_rank(demo, db):
    match = _mid_table(demo, reaction_pod=False)
    before = match.rank
    CreatorReaction.objects.filter(creator_id=match.creator_id).update(
        substantive_share=0.9, spam_share=0.0, reply_share=1.0, threads_n=50, replied_n=50
    )
    recompute_campaign_matches(campaign_id=demo.pk)
    after = MatchScore.objects.get(campaign=demo, creator_id=match.creator_id)
    assert after.audience_reaction > match.audience_reaction
    assert after.rank < before
    assert after.total > match.total


def test_a_pod_member_falls(demo, db):
    match = MatchScore.objects.filter(
        campaign=demo, audience_reaction__isnull=False, reaction_pod=False, rank__lte=20
    ).first()
    CreatorReaction.objects.filter(creator_id=match.creator_id).update(pod=True)
    recompute_campaign_matches(campaign_id=demo.pk)
    after = MatchScore.objects.get(campaign=demo, creator_id=match.creator_id)
    assert after.reaction_pod
    assert after.audience_reaction == pytest.approx(match.audience_reaction / 2)
    assert after.rank > match.rank


def test_an_unpaid_brand_mention_raises_the_rank(demo, db):
    match = _mid_table(demo, brand_mentions_n=0)
    Post.objects.create(
        creator_id=match.creator_id,
        external_id="lumen-mention",
        posted_at=timezone.now() - timedelta(days=3),
        caption="My evening routine, still loving #LumenSkincare",
        is_sponsored=False,
        likes=10,
        comments=1,
    )
    recompute_campaign_matches(campaign_id=demo.pk)
    after = MatchScore.objects.get(campaign=demo, creator_id=match.creator_id)
    assert after.brand_mentions_n == 1 and after.organic_affinity > 0.99
    assert after.rank < match.rank
    explained = match_explanation(campaign=demo, creator_id=match.creator_id)
    row = next(r for r in explained["rows"] if r["name"] == "organic_affinity")
    assert row["sentences"][0].startswith("Mentioned Lumen Skincare unpaid in 1 post, last ")


def test_no_comments_is_unknown_and_the_why_page_says_not_measured(demo, db, client):
    match = MatchScore.objects.filter(campaign=demo, audience_reaction__isnull=True).first()
    assert match.reaction_comments_n < 10
    explained = match_explanation(campaign=demo, creator_id=match.creator_id)
    row = next(r for r in explained["rows"] if r["name"] == "audience_reaction")
    assert row["value"] is None and row["weight"] == 0 and row["points"] == 0
    assert row["sentences"][0].startswith(
        f"Not measured: too few comments ({match.reaction_comments_n} with text"
    )
    user = get_user_model().objects.filter(memberships__organization=demo.brand.organization)
    client.force_login(user.first())
    body = client.get(reverse("campaigns:match_why", args=[demo.pk, match.creator_id]))
    html = body.content.decode()
    assert "Not measured: too few comments" in html and "(shared out)" in html


def test_a_measured_reaction_is_compared_with_similar_accounts(demo, db):
    match = MatchScore.objects.filter(
        campaign=demo, audience_reaction__isnull=False, reply_share__isnull=False
    ).first()
    explained = match_explanation(campaign=demo, creator_id=match.creator_id)
    row = next(r for r in explained["rows"] if r["name"] == "audience_reaction")
    first = row["sentences"][0]
    assert " are substantive (similar accounts: " in first
    assert "; the creator answered " in first and "of threads (similar accounts: " in first


def test_reaction_scores_use_no_other_organisations_data(demo, db):
    """Another organisation's brands naming this brand's terms, and its campaigns gone or
    changed, leave these scores exactly as they were."""
    own = demo.brand.organization
    before = sorted(
        MatchScore.objects.filter(campaign=demo).values_list(
            "creator_id", "rank", "total", "audience_reaction", "organic_affinity"
        )
    )
    others = Brand.objects.exclude(organization=own)
    assert others.exists()
    others.update(competitors=["Lumen Skincare", "skincare"], keywords=["skincare", "serum"])
    Campaign.objects.filter(brand__in=others).update(keywords=["skincare"])
    recompute_campaign_matches(campaign_id=demo.pk)
    after = sorted(
        MatchScore.objects.filter(campaign=demo).values_list(
            "creator_id", "rank", "total", "audience_reaction", "organic_affinity"
        )
    )
    assert [r[:2] for r in after] == [r[:2] for r in before]
    for a, b in zip(after, before, strict=True):
        assert a[2:] == pytest.approx(b[2:], nan_ok=True)


def test_mentions_are_folded_like_the_profile_and_paid_posts_do_not_count(demo, db):
    """The database's prefilter (lower() LIKE, or any non-ASCII text) keeps every post
    affinity's accent folding would match: an accented spelling and a handle count, a
    sponsored post and a longer word do not."""
    match = _mid_table(demo, brand_mentions_n=0)
    when = timezone.now() - timedelta(days=40)

    def post(key, caption, sponsored=False, handles=()):
        Post.objects.create(
            creator_id=match.creator_id,
            external_id=key,
            posted_at=when,
            caption=caption,
            sponsor_handles=list(handles),
            is_sponsored=sponsored,
            likes=10,
            comments=1,
        )

    post("accented", "Obsessed with LUMÉN SKINCARE lately ✨")
    post("handle", "thanks for the package", handles=["@lumen_skincare"])
    post("paid", "Lumen Skincare partner post #ad", sponsored=True)
    post("longer", "lumenskincareland is not the brand")
    recompute_campaign_matches(campaign_id=demo.pk)
    after = MatchScore.objects.get(campaign=demo, creator_id=match.creator_id)
    assert after.brand_mentions_n == 2
    assert after.last_mention == pytest.approx(when, abs=timedelta(seconds=1))

"""The profile's "How the audience reacts" panel: sentences with volumes, comment samples under
pseudonyms (never the key or a handle), unknown said in words, mentions timeline for the
user's own campaign only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creators.models import Comment
from scoring.services.reaction import creator_reactions_recompute
from tests import factories as f

KEY = "3f9a" + "0" * 60
TEXTS = [
    ("I tried this serum for two weeks and my skin feels calmer", KEY),
    ("nice pic", "b1" + "1" * 62),
    ("love this", "c2" + "2" * 62),
    ("where can I buy the cleanser you used in this video", "d3" + "3" * 62),
]


def url(creator, **query) -> str:
    base = reverse("creators:detail", args=[creator.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _creator_with_comments():
    now = timezone.now()
    creator = f.CreatorFactory(handle="leafy", followers=10_000)
    post = f.PostFactory(
        creator=creator,
        posted_at=now - timedelta(days=40),
        likes=300,
        comments=4,
        is_sponsored=False,
        caption="My morning routine with Leafy Skincare",
        hashtags=["skincare", "routine"],
    )
    f.PostFactory(
        creator=creator, posted_at=now - timedelta(days=2), hashtags=["skincare"], caption=""
    )
    Comment.objects.bulk_create(
        Comment(
            post=post,
            creator=creator,
            external_id=f"c{i}",
            commenter_key=key,
            text=text,
            created_at=post.posted_at + timedelta(hours=i + 1),
        )
        for i, (text, key) in enumerate(TEXTS)
    )
    creator_reactions_recompute(creator_ids=[creator.pk])
    return creator


def _panel(response) -> str:
    html = response.content.decode()
    start = html.index('id="reaction"')
    return html[start : html.index("</section>", start)]


def test_panel_sentences_samples_and_pseudonyms(world, client_for):
    creator = _creator_with_comments()
    panel = _panel(client_for(world.viewer_a).get(url(creator)))
    assert "How the audience reacts" in panel
    assert "50% of 4 comments are substantive" in panel
    assert "50% are generic praise or emoji, 0% spam" in panel
    assert "Commenter 3f9a:" in panel and "Commenter b111:" in panel
    assert KEY not in panel and "b1" + "1" * 62 not in panel
    assert "my skin feels calmer" in panel and "nice pic" in panel
    # Without a campaign: the creator's own frequent hashtags, month by month.
    assert "Frequent hashtags and tags on unpaid posts" in panel and "#skincare" in panel


def test_unknown_without_comments_is_said_not_zero(world, client_for):
    creator = f.CreatorFactory(followers=5_000)
    f.PostFactory(creator=creator, posted_at=timezone.now() - timedelta(days=1))
    creator_reactions_recompute(creator_ids=[creator.pk])
    panel = _panel(client_for(world.viewer_a).get(url(creator)))
    assert "No comments imported: audience reaction unknown" in panel
    assert "0%" not in panel and "Commenter" not in panel
    assert "No comment text imported: no comments to show." in panel


def test_not_computed_yet(world, client_for):
    creator = f.CreatorFactory()
    panel = _panel(client_for(world.viewer_a).get(url(creator)))
    assert "Audience reaction not computed yet" in panel
    assert "No unpaid posts imported: mentions unknown" in panel


@pytest.mark.parametrize("own", [True, False])
def test_campaign_brand_mentions_only_for_own_campaign(world, client_for, own):
    creator = _creator_with_comments()
    campaign = world.campaign_a if own else world.campaign_b
    panel = _panel(client_for(world.viewer_a).get(url(creator, campaign=campaign.pk)))
    if own:
        assert "Unpaid mentions of Leafy Skincare" in panel
        assert 'Leafy Skincare <span class="badge">brand</span>' in panel
    else:  # another organisation's campaign: as if none was given, its brand never shown
        assert "Frequent hashtags" in panel and "Globex" not in panel

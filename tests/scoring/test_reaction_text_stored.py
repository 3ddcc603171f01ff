"""creator_reactions_recompute stores what the ER window's comments say: text shares over the
comments by others with text, sentiment only where measured, unknown (null) without comments."""

from datetime import timedelta

import pandas as pd
import pytest
from django.utils import timezone

from creators.models import Comment
from scoring.metrics.reaction import window_text_signals
from scoring.models import CreatorReaction
from scoring.services.reaction import creator_reactions_recompute
from tests import factories as f

TEXTS = [
    "I tried this recipe last night and the sauce was far too salty for me",  # substantive
    "nice pic",  # generic
    "check out my channel and subscribe",  # spam
    "how much is the jacket and where can I buy it",  # substantive, intent
]


def _comment(post, text, key, *, reply=False, i=0):
    return Comment(
        post=post,
        creator=post.creator,
        external_id=f"{key}{i}",
        commenter_key=key,
        text=text,
        created_at=post.posted_at + timedelta(hours=1),
        is_creator_reply=reply,
    )


@pytest.mark.django_db
def test_text_figures_stored_over_comments_by_others():
    now = timezone.now()
    creator = f.CreatorFactory(followers=1_000)
    silent = f.CreatorFactory(followers=1_000)
    post = f.PostFactory(creator=creator, posted_at=now - timedelta(days=1), likes=10, comments=5)
    f.PostFactory(creator=silent, posted_at=now - timedelta(days=1))
    rows = [_comment(post, t, f"k{i}", i=i) for i, t in enumerate(TEXTS)]
    rows.append(_comment(post, "", "k9", i=9))  # no text: not in the text figures
    rows.append(_comment(post, "nice", "me", reply=True, i=10))  # the creator's own: left out
    Comment.objects.bulk_create(rows)
    assert creator_reactions_recompute() == 2
    r = CreatorReaction.objects.get(creator=creator)
    assert r.text_comments_n == 4
    assert r.substantive_share == pytest.approx(0.5)
    assert r.generic_share == pytest.approx(0.25)
    assert r.spam_share == pytest.approx(0.25)
    assert r.intent_share == pytest.approx(0.25)
    assert r.sentiment_n == 4 and -1 <= r.sentiment_mean <= 1
    s = CreatorReaction.objects.get(creator=silent)
    assert s.text_comments_n == 0 and s.sentiment_n == 0
    assert s.substantive_share is None and s.sentiment_mean is None


@pytest.mark.django_db
def test_non_english_is_counted_but_not_measured():
    now = timezone.now()
    creator = f.CreatorFactory(followers=1_000)
    post = f.PostFactory(creator=creator, posted_at=now - timedelta(days=1))
    Comment.objects.bulk_create(
        [
            _comment(post, "me encanta la receta de tu abuela, es muy rica", "a", i=1),
            _comment(post, "das ist nicht die beste Farbe für dich", "b", i=2),
        ]
    )
    creator_reactions_recompute(creator_ids=[creator.pk])
    r = CreatorReaction.objects.get(creator=creator)
    assert r.text_comments_n == 2 and r.substantive_share == pytest.approx(1.0)
    assert r.sentiment_n == 0 and r.sentiment_mean is None


def test_window_text_signals_only_reads_window_posts():
    """A comment under a post outside the ER window (older than the window) does not count."""
    now = pd.Timestamp.now(tz="UTC")
    posts = pd.DataFrame(
        {
            "id": [1, 2],
            "creator_id": [7, 7],
            "posted_at": [now - pd.Timedelta(days=1), now - pd.Timedelta(days=3000)],
            "likes": [1, 1],
            "comments": [1, 1],
            "is_sponsored": [False, False],
        }
    )
    comments = pd.DataFrame(
        {
            "post_id": [1, 2, 1],
            "text": ["nice pic", "I really did not like the colours here", None],
            "is_creator_reply": [False, False, False],
        }
    )
    out = window_text_signals(pd.Index([7, 8], name="id"), posts, comments)
    assert out.loc[7, "text_comments_n"] == 1 and out.loc[7, "generic_share"] == 1.0
    assert out.loc[8, "text_comments_n"] == 0 and pd.isna(out.loc[8, "generic_share"])

"""creator_reactions_recompute end to end on the ORM: figures and pod evidence stored, the rows
of a partial recompute replaced alone, pods still seen across the catalogue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from creators.models import Comment
from scoring.metrics import pods
from scoring.models import CreatorReaction
from scoring.services.reaction import creator_reactions_recompute
from tests import factories as f


def _comment(post, key, minutes, *, external_id, parent="", reply=False):
    return Comment(
        post=post,
        creator=post.creator,
        external_id=external_id,
        parent_external_id=parent,
        commenter_key=key,
        text="",
        created_at=post.posted_at + timedelta(minutes=minutes),
        is_creator_reply=reply,
    )


def _world():
    now = timezone.now().replace(microsecond=0)
    creators = [f.CreatorFactory(followers=1_000) for _ in range(3)]
    lone = f.CreatorFactory(followers=1_000)
    comments = []
    for creator in creators:
        for i in range(3):
            post = f.PostFactory(
                creator=creator,
                posted_at=now - timedelta(days=i + 1),
                likes=90 if i == 0 else 40,
                comments=10,
                is_sponsored=i == 0,
            )
            comments += [
                _comment(post, key, 5, external_id=f"{key}{post.pk}") for key in ("x", "y", "z")
            ]
            if creator == creators[0] and i == 1:
                comments.append(_comment(post, "fan", 60, external_id="t1"))
                comments.append(
                    _comment(post, "me", 180, external_id="r1", parent="t1", reply=True)
                )
    Comment.objects.bulk_create(comments)
    return creators, lone


@pytest.mark.django_db
def test_figures_and_pod_evidence_stored():
    creators, lone = _world()
    assert creator_reactions_recompute() == 4
    a = CreatorReaction.objects.get(creator=creators[0])
    assert (a.posts_n, a.sponsored_n, a.comments_n, a.commenters_n) == (3, 1, 10, 4)
    assert (a.threads_n, a.replied_n) == (10, 1)
    assert a.reply_share == pytest.approx(0.1)
    assert a.reply_delay_hours == pytest.approx(2.0)
    assert a.regulars_n == 3 and a.regular_share == pytest.approx(0.75)
    assert a.sponsored_share == pytest.approx(1 / 3)
    assert a.er_sponsored == pytest.approx(0.1) and a.er_organic == pytest.approx(0.05)
    ids = sorted(c.pk for c in creators)
    assert a.pod and a.pod_id == ids[0]
    assert a.evidence["pod"] == {
        "commenters_n": 3,
        "posts_n": 3,
        "creators_n": 3,
        "creator_ids": ids,
    }
    assert a.evidence["thresholds"]["pod_fast_minutes"] == pods.FAST_MINUTES
    assert CreatorReaction.objects.filter(pod=True).count() == 3
    b = CreatorReaction.objects.get(creator=lone)
    assert b.posts_n == 0 and b.reply_share is None and b.er_organic is None
    assert not b.pod and b.pod_id is None and b.evidence["pod"] is None


@pytest.mark.django_db
def test_partial_recompute_replaces_only_its_rows_and_sees_the_whole_pod():
    creators, lone = _world()
    creator_reactions_recompute()
    before = CreatorReaction.objects.get(creator=lone).computed_at
    assert creator_reactions_recompute(creator_ids=[creators[1].pk]) == 1
    assert CreatorReaction.objects.count() == 4
    assert CreatorReaction.objects.get(creator=lone).computed_at == before
    again = CreatorReaction.objects.get(creator=creators[1])
    assert again.computed_at > before
    assert again.pod and again.evidence["pod"]["creators_n"] == 3


@pytest.mark.django_db
def test_bad_dates_are_left_out_not_fatal():
    """A post dated 9999-12-31 (stored before imports checked dates) and comments without or
    with an impossible time: the recompute goes on; the bad post is not in the window."""
    from datetime import UTC, datetime

    creator = f.CreatorFactory(followers=1_000)
    now = timezone.now()
    good = f.PostFactory(creator=creator, posted_at=now - timedelta(days=1), likes=90, comments=10)
    far = f.PostFactory(creator=creator, posted_at=datetime(9999, 12, 31, tzinfo=UTC))
    Comment.objects.bulk_create(
        [
            _comment(good, "fan", 10, external_id="t1"),
            Comment(
                post=good,
                creator=creator,
                external_id="r1",
                parent_external_id="t1",
                commenter_key="me",
                created_at=None,
                is_creator_reply=True,
            ),
            Comment(post=far, creator=creator, external_id="t2", commenter_key="fan"),
        ]
    )
    assert creator_reactions_recompute() == 1
    row = CreatorReaction.objects.get(creator=creator)
    assert (row.posts_n, row.threads_n, row.replied_n) == (1, 1, 1)
    assert row.reply_share == 1.0 and row.reply_delay_hours is None
    assert row.er_organic == pytest.approx(0.1)

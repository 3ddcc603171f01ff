"""How the reactions recompute reads comments (scoring.services.reaction._comments): identifiers
as 64-bit hashes, times from epoch microseconds checked against matchmaker.lib.dates' window in
the query, no ordering. The CreatorReaction figures must be those of the plain read (text keys
and ids, ISO times parsed by window_stamps) that it replaced."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from django.utils import timezone

from creators.models import Comment
from matchmaker.lib.dates import epoch_stamps, window_stamps
from matchmaker.lib.pgcopy import read_frame
from scoring.services import reaction
from tests import factories as f


def _plain_comments(queryset, fields):
    """The read before: every field as stored, times parsed from ISO text."""
    comments = read_frame(queryset, fields)
    stamps, bad = window_stamps(comments["created_at"])
    comments["created_at"] = stamps.where(~bad)
    comments["is_creator_reply"] = comments["is_creator_reply"].eq(True)
    return comments


def test_epoch_stamps_are_exact_to_the_microsecond():
    at = datetime(2026, 3, 1, 12, 30, 5, 123457, tzinfo=UTC)
    micros = (at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    out = epoch_stamps(pd.Series([float(micros), np.nan, float(micros + 1)]))
    assert out.iloc[0] == pd.Timestamp(at)
    assert pd.isna(out.iloc[1])
    assert out.iloc[2] - out.iloc[0] == pd.Timedelta(microseconds=1)
    assert str(out.dtype) == "datetime64[ns, UTC]"


@pytest.mark.django_db
def test_comments_read_hashed_and_dated_within_the_window():
    post = f.PostFactory(posted_at=timezone.now() - timedelta(days=2))
    at = post.posted_at.replace(microsecond=654321) + timedelta(minutes=7)
    rows = [
        ("a", "t1", "", at),
        ("a", "t2", "", None),
        ("b", "", "", datetime(9999, 12, 31, tzinfo=UTC)),
        ("", "t3", "t1", datetime(2003, 12, 31, 23, 59, tzinfo=UTC)),
        ("c", "t4", "t1", datetime(2004, 1, 1, tzinfo=UTC)),
    ]
    Comment.objects.bulk_create(
        Comment(
            post=post,
            creator=post.creator,
            commenter_key=key,
            external_id=external,
            parent_external_id=parent,
            created_at=created,
            text=f"r{i}",
        )
        for i, (key, external, parent, created) in enumerate(rows)
    )
    got = reaction._comments(Comment.objects.all(), reaction.COMMENT_FIELDS).set_index("text")
    key, ext, parent = got["commenter_key"], got["external_id"], got["parent_external_id"]
    assert str(key.dtype) == "Int64" and pd.isna(key["r3"])  # "" is unknown
    assert key["r0"] == key["r1"] and key.dropna().nunique() == 3
    assert pd.isna(ext["r2"]) and ext.dropna().nunique() == 4
    assert parent["r3"] == parent["r4"] == ext["r0"]  # a reply still joins its thread
    assert parent[["r0", "r1", "r2"]].isna().all()
    times = got["created_at"]
    assert str(times.dtype) == "datetime64[ns, UTC]"
    assert times["r0"] == pd.Timestamp(at)
    assert times["r4"] == pd.Timestamp("2004-01-01", tz=UTC)
    assert times[["r1", "r2", "r3"]].isna().all()  # missing, 9999, 2003: outside the window
    assert got["is_creator_reply"].dtype == bool


def _world(rng):
    now = timezone.now()
    creators = [f.CreatorFactory(followers=int(rng.integers(0, 5_000))) for _ in range(6)]
    keys = [f"k{i}" for i in range(10)] + [""]
    texts = ["", "first", "love this so much!", "how much is it?", "check out my channel", "  "]
    comments = []
    for creator in creators:
        for p in range(14):
            post = f.PostFactory(
                creator=creator,
                posted_at=now - timedelta(days=int(rng.integers(0, 200)), minutes=p),
                likes=int(rng.integers(0, 500)),
                comments=int(rng.integers(0, 50)),
                is_sponsored=bool(rng.random() < 0.3),
            )
            for i in range(int(rng.integers(0, 12))):
                created = post.posted_at + timedelta(
                    minutes=int(rng.integers(-5, 400)), microseconds=int(rng.integers(0, 10**6))
                )
                if rng.random() < 0.08:
                    created = rng.choice([None, datetime(9999, 12, 31, tzinfo=UTC)])
                reply = bool(rng.random() < 0.2)
                comments.append(
                    Comment(
                        post=post,
                        creator=creator,
                        external_id="" if rng.random() < 0.1 else f"c{i}",
                        parent_external_id=f"c{int(rng.integers(0, 6))}" if reply else "",
                        commenter_key=str(rng.choice(keys)),
                        text=str(rng.choice(texts)),
                        created_at=created,
                        is_creator_reply=reply,
                    )
                )
    # A pod: three accounts fast on three posts of each of three creators.
    for creator in creators[:3]:
        for post in creator.posts.order_by("-posted_at")[:3]:
            comments += [
                Comment(
                    post=post,
                    creator=creator,
                    external_id=f"pod-{key}",
                    commenter_key=key,
                    created_at=post.posted_at + timedelta(minutes=3),
                )
                for key in ("p1", "p2", "p3")
            ]
    Comment.objects.bulk_create(comments)
    return creators


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_figures_are_those_of_the_plain_read(monkeypatch, seed):
    creators = _world(np.random.default_rng(seed))
    for scope in (None, [creators[0].pk, creators[4].pk]):
        fast = reaction.compute_creator_reactions(scope)
        with monkeypatch.context() as patch:
            patch.setattr(reaction, "_comments", _plain_comments)
            plain = reaction.compute_creator_reactions(scope)
        assert fast["pod"].any() or scope is not None
        exact = [c for c in plain.columns if c != "sentiment_mean"]
        pd.testing.assert_frame_equal(fast[exact], plain[exact], check_exact=True)
        # The mean of the same sentiments, summed in another order: equal but for rounding.
        np.testing.assert_allclose(fast["sentiment_mean"], plain["sentiment_mean"], rtol=1e-14)

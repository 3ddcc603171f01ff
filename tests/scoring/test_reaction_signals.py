"""Golden values of the structural audience-reaction signals (scoring.metrics.reaction) on tiny
hand-made frames: responsiveness, commenter concentration, ad fatigue, the ER window."""

import numpy as np
import pandas as pd
import pytest

from scoring.metrics.reaction import COUNT_COLUMNS, SHARE_COLUMNS, reaction_signals

T0 = pd.Timestamp("2026-06-01", tz="UTC")
H = pd.Timedelta(hours=1)
D = pd.Timedelta(days=1)


def _posts(rows):
    """rows: (id, creator_id, posted_at, likes, comments, is_sponsored)."""
    return pd.DataFrame(
        rows, columns=["id", "creator_id", "posted_at", "likes", "comments", "is_sponsored"]
    )


def _comments(rows):
    """rows: (post_id, external_id, parent_external_id, commenter_key, created_at, is_creator_reply);
    None for a blank id, as read_frame reads ""."""
    return pd.DataFrame(
        rows,
        columns=[
            "post_id",
            "external_id",
            "parent_external_id",
            "commenter_key",
            "created_at",
            "is_creator_reply",
        ],
    )


def _creators(rows):
    return pd.DataFrame(rows, columns=["id", "followers"])


def _world():
    creators = _creators([(1, 1000), (2, 0), (3, 500)])
    posts = _posts(
        [
            (10, 1, T0 - 200 * D, 1, 1, False),  # outside the 180 days before the latest post
            (11, 1, T0, 90, 10, True),  # ER 0.10
            (12, 1, T0 - 1 * D, 30, 10, True),  # ER 0.04
            (13, 1, T0 - 2 * D, 190, 10, False),  # ER 0.20
            (14, 1, T0 - 3 * D, 50, 10, False),  # ER 0.06
            (20, 2, T0, 5, 5, False),  # zero followers: ER unknown
        ]
    )
    comments = _comments(
        [
            # post 11: thread a1 answered after 2 h (the second reply is later), a2 answered
            # by someone else only
            (11, "a1", None, "u1", T0 + 1 * H, False),
            (11, "r1", "a1", "creator", T0 + 3 * H, True),
            (11, "r1b", "a1", "creator", T0 + 5 * H, True),
            (11, "a2", None, "u2", T0 + 1 * H, False),
            (11, "x1", "a2", "u3", T0 + 2 * H, False),
            # post 12: b1 answered after 4 h, b2 not
            (12, "b1", None, "u1", T0 - 1 * D, False),
            (12, "r2", "b1", "creator", T0 - 1 * D + 4 * H, True),
            (12, "b2", None, "u2", T0 - 1 * D + H, False),
            # post 13: c1 a thread; a comment without an id cannot be answered: no thread
            (13, "c1", None, "u1", T0 - 2 * D + H, False),
            (13, None, None, "u4", T0 - 2 * D + H, False),
            # post 10 is outside the window: none of this counts
            (10, "z1", None, "u9", T0 - 200 * D + H, False),
            (10, "z2", "z1", "creator", T0 - 200 * D + 2 * H, True),
        ]
    )
    return creators, posts, comments


def test_golden_values_per_signal():
    out = reaction_signals(*_world())
    one = out.loc[1]
    # responsiveness: threads a1, a2, b1, b2, c1; a1 and b1 answered, after 2 h and 4 h
    assert one["threads_n"] == 5
    assert one["replied_n"] == 2
    assert one["reply_share"] == pytest.approx(0.4)
    assert one["reply_delay_hours"] == pytest.approx(3.0)
    # concentration: 7 comments by others (u1 x3 on 3 posts, u2 x2, u3, u4) on 3 posts
    assert one["comments_n"] == 7
    assert one["commenters_n"] == 4
    assert one["commented_posts_n"] == 3
    assert one["top_commenters_share"] == pytest.approx(1.0)
    assert one["regulars_n"] == 1  # u1: 3 of 3 posts; u2: 2 posts, fewer than 3
    assert one["regular_share"] == pytest.approx(0.25)
    # ad fatigue: 2 of 4 window posts sponsored; medians (0.10, 0.04) and (0.20, 0.06)
    assert one["posts_n"] == 4
    assert one["sponsored_n"] == 2
    assert one["sponsored_share"] == pytest.approx(0.5)
    assert one["er_sponsored"] == pytest.approx(0.07)
    assert one["er_organic"] == pytest.approx(0.13)


def test_unknown_is_nan_and_counts_are_zero():
    out = reaction_signals(*_world())
    two, three = out.loc[2], out.loc[3]
    assert two["posts_n"] == 1 and two["sponsored_share"] == 0.0
    assert np.isnan(two["er_organic"])  # zero followers
    assert np.isnan(two["er_sponsored"])  # no sponsored post
    assert two["threads_n"] == 0 and np.isnan(two["reply_share"])
    assert np.isnan(two["top_commenters_share"])
    assert (three[COUNT_COLUMNS] == 0).all()
    assert three[SHARE_COLUMNS].isna().all()
    assert out[COUNT_COLUMNS].dtypes.eq(np.int64).all()


def test_top_ten_share_and_regulars():
    posts = _posts([(i, 1, T0 - i * D, 10, 1, False) for i in (1, 2, 3)])
    rows = [(1 + i % 3, f"k0-{i}", None, "k0", T0, False) for i in range(5)]
    rows += [(1, f"k{j}", None, f"k{j}", T0, False) for j in range(1, 12)]
    out = reaction_signals(_creators([(1, 100)]), posts, _comments(rows)).loc[1]
    # 16 comments; the top 10 commenters are k0 (5) and nine of the one-comment ones
    assert out["comments_n"] == 16
    assert out["top_commenters_share"] == pytest.approx(14 / 16)
    assert out["regulars_n"] == 1  # k0, on all 3 posts
    assert out["regular_share"] == pytest.approx(1 / 12)


def test_regulars_unknown_under_three_commented_posts():
    posts = _posts([(1, 1, T0, 10, 1, False), (2, 1, T0 - D, 10, 1, False)])
    rows = [(1, "a", None, "u1", T0, False), (2, "b", None, "u1", T0, False)]
    out = reaction_signals(_creators([(1, 100)]), posts, _comments(rows)).loc[1]
    assert out["regulars_n"] == 0
    assert np.isnan(out["regular_share"])


def test_only_the_last_twelve_posts_count():
    posts = _posts([(i, 1, T0 - i * D, 10, 0, i == 12) for i in range(13)])
    # the one sponsored post and the comment are on the 13th-newest post: outside
    rows = [(12, "a", None, "u1", T0, False)]
    out = reaction_signals(_creators([(1, 100)]), posts, _comments(rows)).loc[1]
    assert out["posts_n"] == 12
    assert out["sponsored_n"] == 0
    assert out["comments_n"] == 0


def test_negative_delay_is_unknown_but_answered():
    posts = _posts([(1, 1, T0, 10, 1, False)])
    rows = [
        (1, "a", None, "u1", T0 + 2 * H, False),
        (1, "r", "a", "me", T0 + H, True),
        (1, "b", None, "u2", T0 + 2 * H, False),
        (1, "s", "b", "me", None, True),
    ]
    out = reaction_signals(_creators([(1, 100)]), posts, _comments(rows)).loc[1]
    assert out["replied_n"] == 2
    assert np.isnan(out["reply_delay_hours"])


def test_empty_frames():
    out = reaction_signals(_creators([(1, 100)]), _posts([]), _comments([]))
    assert (out.loc[1, COUNT_COLUMNS] == 0).all()
    assert out.loc[1, SHARE_COLUMNS].isna().all()


def test_runs_at_catalogue_size():
    """2,000 creators x 12 posts x 20 comments (480k), a tenth of them creator replies:
    completes, with every creator's counts; no timed assertion."""
    rng = np.random.default_rng(4)
    post_ids = np.arange(2000 * 12)
    posted_at = T0 - pd.to_timedelta(post_ids % 12, unit="D")
    posts = pd.DataFrame(
        {
            "id": post_ids,
            "creator_id": post_ids // 12 + 1,
            "posted_at": posted_at,
            "likes": rng.integers(0, 1000, len(post_ids)),
            "comments": 20,
            "is_sponsored": rng.random(len(post_ids)) < 0.2,
        }
    )
    post_of = np.repeat(post_ids, 20)
    ids = np.arange(len(post_of)).astype(str)
    reply = rng.random(len(post_of)) < 0.1
    parent = np.where(reply, np.roll(ids, 1), None)
    comments = pd.DataFrame(
        {
            "post_id": post_of,
            "external_id": ids,
            "parent_external_id": parent,
            "commenter_key": np.where(
                reply, "creator", np.char.add("k", rng.integers(0, 50000, len(post_of)).astype(str))
            ),
            "created_at": posted_at[post_of] + pd.to_timedelta(np.arange(len(post_of)) % 20, "h"),
            "is_creator_reply": reply,
        }
    )
    out = reaction_signals(_creators([(i, 10_000) for i in range(1, 2001)]), posts, comments)
    assert len(out) == 2000
    assert (out["posts_n"] == 12).all()
    assert out["comments_n"].sum() == (~reply).sum()
    assert out["replied_n"].sum() > 0

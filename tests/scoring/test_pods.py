"""Engagement-pod detection (scoring.metrics.pods): golden cases on hand-made frames, a pod
planted in a generated commenter graph, random overlap not flagged, and a run at size."""

import time

import numpy as np
import pandas as pd

from scoring.metrics.pods import FAST_MINUTES, MAX_FAST_CREATORS, pod_signals

T0 = pd.Timestamp("2026-06-01", tz="UTC")
MIN = pd.Timedelta(minutes=1)
D = pd.Timedelta(days=1)


def _frames(post_rows, comment_rows):
    posts = pd.DataFrame(post_rows, columns=["id", "creator_id", "posted_at"])
    comments = pd.DataFrame(
        comment_rows, columns=["post_id", "commenter_key", "created_at", "is_creator_reply"]
    )
    return posts, comments


def _small(creators, commenters, delay=5 * MIN, posts_per=3):
    """Each creator posts posts_per times; every commenter comments on every post after delay."""
    posts, comments = [], []
    for creator in creators:
        for i in range(posts_per):
            post_id = creator * 100 + i
            posts.append((post_id, creator, T0 - i * D))
            comments += [(post_id, key, T0 - i * D + delay, False) for key in commenters]
    return posts, comments


def test_three_commenters_on_three_creators_are_a_pod():
    posts, comments = _small([1, 2, 3], ["a", "b", "c"])
    late_posts, late_comments = _small([4], ["a", "b", "c"], delay=2 * FAST_MINUTES * MIN)
    out = pod_signals([1, 2, 3, 4, 5], *_frames(posts + late_posts, comments + late_comments))
    assert out.loc[[1, 2, 3], "pod"].all()
    assert out.loc[[1, 2, 3], "pod_id"].tolist() == [1, 1, 1]
    assert out.loc[[1, 2, 3], "pod_commenters_n"].tolist() == [3, 3, 3]
    assert out.loc[[1, 2, 3], "pod_posts_n"].tolist() == [3, 3, 3]
    assert out.loc[[1, 2, 3], "pod_creators_n"].tolist() == [3, 3, 3]
    # too late on creator 4; creator 5 has no posts
    assert not out.loc[[4, 5], "pod"].any()
    assert out.loc[4].drop(["pod", "pod_id"]).eq(0).all()
    assert pd.isna(out.loc[4, "pod_id"])


def test_below_each_threshold_is_no_pod():
    cases = [
        _small([1, 2, 3], ["a", "b"]),  # two shared commenters
        _small([1, 2], ["a", "b", "c"]),  # two creators
        _small([1, 2, 3], ["a", "b", "c"], posts_per=2),  # two posts each
    ]
    for posts, comments in cases:
        assert not pod_signals([1, 2, 3], *_frames(posts, comments))["pod"].any()


def test_creator_replies_and_comments_before_posting_do_not_count():
    posts, comments = _small([1, 2, 3], ["a", "b", "c"])
    replies = [(p, k, t, True) for p, k, t, _ in comments]
    early = [(p, k, t - 10 * MIN, False) for p, k, t, _ in comments]
    assert not pod_signals([1, 2, 3], *_frames(posts, replies))["pod"].any()
    assert not pod_signals([1, 2, 3], *_frames(posts, early))["pod"].any()


def test_two_pods_keep_their_own_ids_and_evidence():
    p1, c1 = _small([1, 2, 3], ["a", "b", "c"])
    p2, c2 = _small([7, 8, 9, 10], ["x", "y", "z", "w"], posts_per=4)
    out = pod_signals(range(1, 11), *_frames(p1 + p2, c1 + c2))
    assert out.loc[[7, 8, 9, 10], "pod_id"].tolist() == [7, 7, 7, 7]
    assert out.loc[7, "pod_commenters_n"] == 4
    assert out.loc[7, "pod_posts_n"] == 4
    assert out.loc[7, "pod_creators_n"] == 4
    assert out.loc[1, "pod_creators_n"] == 3
    assert out["pod"].sum() == 7


def test_accounts_fast_on_too_many_creators_are_left_out():
    creators = list(range(1, MAX_FAST_CREATORS + 2))
    posts, comments = _small(creators, ["bot1", "bot2", "bot3"])
    assert not pod_signals(creators, *_frames(posts, comments))["pod"].any()
    posts, comments = _small(creators[:MAX_FAST_CREATORS], ["bot1", "bot2", "bot3"])
    assert pod_signals(creators, *_frames(posts, comments))["pod"].sum() == MAX_FAST_CREATORS


def test_a_creator_in_two_pods_joins_them():
    p1, c1 = _small([1, 2, 3], ["a", "b", "c"])
    p2, c2 = _small([3, 4, 5], ["x", "y", "z"])
    out = pod_signals([1, 2, 3, 4, 5], *_frames(p1 + p2[3:], c1 + c2))
    assert out["pod_id"].tolist() == [1, 1, 1, 1, 1]
    assert out["pod_creators_n"].tolist() == [5, 5, 5, 5, 5]
    assert out["pod_commenters_n"].tolist() == [3, 3, 6, 3, 3]


def _random_world(rng, creators_n, commenters_n, posts_per=12, comments_per=20):
    """Random commenting, every comment within FAST_MINUTES of posting (the hardest case for
    random overlap: in real data most comments come later)."""
    posts_n = creators_n * posts_per
    post_ids = np.arange(posts_n)
    posted_at = T0 - pd.to_timedelta(post_ids % posts_per, unit="D")
    posts = pd.DataFrame(
        {"id": post_ids, "creator_id": post_ids // posts_per + 1, "posted_at": posted_at}
    )
    comment_post = np.repeat(post_ids, comments_per)
    delay = pd.to_timedelta(rng.uniform(0, FAST_MINUTES * 60, len(comment_post)), unit="s")
    comments = pd.DataFrame(
        {
            "post_id": comment_post,
            "commenter_key": np.char.add(
                "k", rng.integers(0, commenters_n, len(comment_post)).astype(str)
            ),
            "created_at": posted_at[comment_post] + delay,
            "is_creator_reply": False,
        }
    )
    return posts, comments


def test_random_overlap_at_realistic_density_is_not_a_pod():
    rng = np.random.default_rng(20)
    posts, comments = _random_world(rng, creators_n=200, commenters_n=5000)
    out = pod_signals(range(1, 201), posts, comments)
    assert not out["pod"].any()


def test_heavy_tailed_commenters_and_broadcast_bots_are_not_a_pod():
    """A few very active accounts comment on everyone (Zipf 1.2: the top 10 write half of
    all comments), most comments hours after posting: no group stands out."""
    rng = np.random.default_rng(5)
    posts, comments = _random_world(rng, creators_n=200, commenters_n=5000)
    weight = 1 / np.arange(1, 5001) ** 1.2
    keys = rng.choice(5000, len(comments), p=weight / weight.sum())
    comments["commenter_key"] = np.char.add("k", keys.astype(str))
    posted_at = comments["post_id"].map(posts.set_index("id")["posted_at"])
    delay = rng.exponential(2 * 3600, len(comments))
    comments["created_at"] = posted_at + pd.to_timedelta(delay, unit="s")
    assert not pod_signals(range(1, 201), posts, comments)["pod"].any()


def test_planted_pod_is_found_with_its_evidence():
    rng = np.random.default_rng(7)
    posts, comments = _random_world(rng, creators_n=200, commenters_n=5000)
    pod_creators, pod_keys = [11, 42, 77, 150, 199], ["pod-a", "pod-b", "pod-c", "pod-d"]
    planted = posts[posts["creator_id"].isin(pod_creators)].groupby("creator_id").head(4)
    extra = pd.DataFrame(
        {
            "post_id": np.repeat(planted["id"].to_numpy(), len(pod_keys)),
            "commenter_key": np.tile(pod_keys, len(planted)),
            "created_at": planted["posted_at"].repeat(len(pod_keys)).to_numpy()
            + pd.Timedelta(minutes=7),
            "is_creator_reply": False,
        }
    )
    out = pod_signals(range(1, 201), posts, pd.concat([comments, extra], ignore_index=True))
    assert sorted(out.index[out["pod"]]) == pod_creators
    pod = out.loc[pod_creators]
    assert (pod["pod_id"] == 11).all()
    assert (pod["pod_commenters_n"] == 4).all()
    assert (pod["pod_posts_n"] == 4).all()
    assert (pod["pod_creators_n"] == 5).all()


def test_runs_at_catalogue_size():
    """2,000 creators x 12 posts x 20 comments (480k comments) completes; no timed assertion.
    Measured on the shared 2-core machine: see the report of the branch."""
    rng = np.random.default_rng(3)
    posts, comments = _random_world(rng, creators_n=2000, commenters_n=50000)
    started = time.perf_counter()
    out = pod_signals(range(1, 2001), posts, comments)
    elapsed = time.perf_counter() - started
    print(f"pod_signals on {len(comments)} comments: {elapsed:.2f} s")
    assert len(out) == 2000
    assert not out["pod"].any()

"""Likely engagement pods across creators (DESIGN 4.8): groups of creators whose posts the same
small set of accounts comments on within minutes of posting, post after post.

An account is a FAST commenter of a creator when it commented within FAST_MINUTES of posting
on at least MIN_POSTS of the creator's ER-window posts (engagement.recent_posts). Two creators
are linked when at least MIN_SHARED accounts are fast commenters of both, and a pod is a
connected group of at least MIN_CREATORS linked creators (a creator in two pods joins them
into one). Within it, a creator is flagged when
at least MIN_SHARED of its fast commenters are fast on at least MIN_CREATORS of the group's
creators, and the group keeps its flag only while MIN_CREATORS creators are flagged.

Why these thresholds (named so that a review can move them):
- FAST_MINUTES = 30: pods ("engagement groups") comment in the first minutes so that the
  platform's ranking sees early engagement; an organic fan also comments early sometimes, but
  not on post after post of several unrelated creators.
- MIN_POSTS = 3: once or twice fast on one creator is a notification; three times of the
  window's twelve is a habit.
- MIN_SHARED = 3 and MIN_CREATORS = 3: one or two overlapping super-fans of two creators in
  the same niche is ordinary; the same three accounts on three creators is not. At realistic
  densities (thousands of commenters per hundred creators, random commenting) the chance of an
  account being fast on 3 posts of one creator is already of the order of 1e-5, so random
  overlap almost never reaches one link, let alone a group (tests/scoring/test_pods.py).

- MAX_FAST_CREATORS = 50: an account fast on more creators than that is a broadcast bot (or a
  spam account), not a member of a group: its early comments land everywhere, and counted as
  pod evidence they chain unrelated creators into one giant "pod". Measured on generated
  graphs (200 creators, 5,000 commenters with heavy-tailed activity, Zipf 1.2, delays
  exponential around 2 h): with the cap at 500, 148 of 200 creators were flagged; at 50, none.
  Pods documented in the wild are tens of accounts; a larger one rotates its members, so each
  account still reaches fewer creators. Such bots are comment_text's spam signal's concern.

Scale: nothing loops over creator pairs. Only (account, creator) links pass to the pair join,
and an account with k links makes k(k-1)/2 pairs: with k capped by MAX_FAST_CREATORS one
account cannot make the pair table explode.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.metrics.engagement import recent_posts

FAST_MINUTES = 30
MIN_POSTS = 3
MIN_SHARED = 3
MIN_CREATORS = 3
MAX_FAST_CREATORS = 50

POST_COLUMNS = ["id", "creator_id", "posted_at"]
COMMENT_COLUMNS = ["post_id", "commenter_key", "created_at", "is_creator_reply"]
OUTPUT_COLUMNS = ["pod", "pod_id", "pod_commenters_n", "pod_posts_n", "pod_creators_n"]


def fast_links(posts: pd.DataFrame, comments: pd.DataFrame) -> pd.DataFrame:
    """(key, creator_id, post_id) for each ER-window post an account commented on within
    FAST_MINUTES of posting, limited to the accounts that are fast commenters (MIN_POSTS posts)
    of the creator; key is the commenter key as an integer code."""
    window = recent_posts(posts[POST_COLUMNS]).rename(columns={"id": "post_id"})
    c = comments[COMMENT_COLUMNS]
    known = c["commenter_key"].notna()
    if c["commenter_key"].dtype == object:  # text keys ("" is unknown), or hashed integers
        known &= c["commenter_key"].astype(str) != ""
    c = c[known & ~c["is_creator_reply"].eq(True)].merge(window, on="post_id", how="inner")
    delay = c["created_at"] - c["posted_at"]
    fast = c[(delay >= pd.Timedelta(0)) & (delay <= pd.Timedelta(minutes=FAST_MINUTES))]
    codes, _ = pd.factorize(fast["commenter_key"])
    links = pd.DataFrame(
        {
            "key": codes.astype(np.int64),
            "creator_id": fast["creator_id"].to_numpy(),
            "post_id": fast["post_id"].to_numpy(),
        }
    ).drop_duplicates()
    posts_n = links.groupby(["key", "creator_id"])["post_id"].transform("size")
    return links[posts_n >= MIN_POSTS]


def _components(edges: pd.DataFrame) -> pd.Series:
    """Connected components of an undirected graph (edges: a, b): the smallest node of its
    component per node. Label propagation, one vectorised pass per step of the diameter."""
    both = pd.concat(
        [edges[["a", "b"]], edges[["b", "a"]].set_axis(["a", "b"], axis=1)], ignore_index=True
    )
    label = pd.Series(both["a"].unique(), index=both["a"].unique())
    while True:
        neighbour = both["b"].map(label).groupby(both["a"].to_numpy()).min()
        new = np.minimum(label, neighbour.reindex(label.index))
        new = new.map(new)  # pointer jump: a node takes its label's label
        if new.equals(label):
            return label
        label = new


def pod_groups(links: pd.DataFrame) -> pd.DataFrame:
    """From fast_links(): per flagged creator, pod_id (its group's smallest creator id),
    pod_commenters_n (its fast commenters who are fast on MIN_CREATORS of the group),
    pod_posts_n (its posts those accounts commented on fast) and pod_creators_n."""
    pairs_of = links[["key", "creator_id"]].drop_duplicates()
    spread = pairs_of.groupby("key")["creator_id"].transform("size")
    joinable = pairs_of[(spread >= MIN_CREATORS) & (spread <= MAX_FAST_CREATORS)]
    empty = pd.DataFrame(
        {column: pd.Series(dtype=float) for column in OUTPUT_COLUMNS[1:]},
        index=pd.Index([], name="creator_id", dtype=np.int64),
    )
    if joinable.empty:
        return empty
    pairs = joinable.merge(joinable, on="key", suffixes=("_a", "_b"))
    pairs = pairs[pairs["creator_id_a"] < pairs["creator_id_b"]]
    shared = pairs.groupby(["creator_id_a", "creator_id_b"]).size()
    edges = shared[shared >= MIN_SHARED].reset_index()
    if edges.empty:
        return empty
    group = _components(edges.rename(columns={"creator_id_a": "a", "creator_id_b": "b"}))
    members = joinable.assign(group=joinable["creator_id"].map(group)).dropna(subset=["group"])
    flagged = members.iloc[:0]
    while True:
        # Accounts fast on MIN_CREATORS of their group's (still flagged) creators...
        reach = members.groupby(["group", "key"])["creator_id"].transform("size")
        core = members[reach >= MIN_CREATORS]
        # ... of whom each flagged creator has MIN_SHARED, in a group of MIN_CREATORS.
        per_creator = core.groupby("creator_id")["key"].transform("size")
        core = core[per_creator >= MIN_SHARED]
        size = core.groupby("group")["creator_id"].transform("nunique")
        core = core[size >= MIN_CREATORS]
        if len(core) == len(flagged):
            break
        members = flagged = core
    if flagged.empty:
        return empty
    posts = links.merge(flagged[["key", "creator_id"]], on=["key", "creator_id"])
    out = flagged.groupby("creator_id").agg(
        pod_id=("group", "first"), pod_commenters_n=("key", "size")
    )
    out["pod_posts_n"] = posts.groupby("creator_id")["post_id"].nunique()
    out["pod_creators_n"] = out.groupby("pod_id")["pod_id"].transform("size")
    return out


def pod_signals(creator_ids, posts: pd.DataFrame, comments: pd.DataFrame) -> pd.DataFrame:
    """One row per creator id (index id): pod (bool), pod_id (the group's smallest creator id,
    <NA> outside a pod), pod_commenters_n, pod_posts_n, pod_creators_n (0 outside a pod).

    posts: POST_COLUMNS over every creator that can be in a group (pods are across creators:
    pass the whole catalogue, not one creator); comments: COMMENT_COLUMNS, timestamps UTC."""
    ids = pd.Index(creator_ids, name="id")
    found = pod_groups(fast_links(posts, comments)).reindex(ids)
    out = pd.DataFrame(index=ids)
    out["pod"] = found["pod_id"].notna().to_numpy()
    out["pod_id"] = found["pod_id"].astype("Int64")
    for column in ("pod_commenters_n", "pod_posts_n", "pod_creators_n"):
        out[column] = found[column].fillna(0).astype(np.int64)
    return out

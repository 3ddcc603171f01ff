"""Structural audience-reaction signals per creator (DESIGN 4.8), over the ER window (the last
posts of scoring.metrics.engagement.recent_posts): creator responsiveness, commenter
concentration and ad fatigue, each with the data volume it rests on. What the comments SAY
(generic, spam, intent, sentiment) is scoring.metrics.comment_text's.

Missing data is unknown, never neutral: a figure with nothing under it is NaN, and the counts
next to it (posts_n, comments_n, threads_n, ...) say how much it rests on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.metrics.comment_text import comment_text_summary
from scoring.metrics.engagement import recent_posts

# Commenter concentration: the share of comments written by a creator's TOP_COMMENTERS most
# frequent commenters (a healthy audience is broad: a handful of accounts writing most of the
# comments is a pod, a giveaway crowd or friends), and the share of commenters who are
# "regulars": they commented on more than REGULAR_POST_SHARE of the creator's commented posts,
# and on at least REGULAR_MIN_POSTS of them (on fewer posts "most of them" says nothing).
TOP_COMMENTERS = 10
REGULAR_POST_SHARE = 0.5
REGULAR_MIN_POSTS = 3

POST_COLUMNS = ["id", "creator_id", "posted_at", "likes", "comments", "is_sponsored"]
COMMENT_COLUMNS = [
    "post_id",
    "external_id",
    "parent_external_id",
    "commenter_key",
    "created_at",
    "is_creator_reply",
]


def _blank(values: pd.Series) -> np.ndarray:
    """Empty text: "" as stored, NaN as read_frame reads it; a missing value of a column that
    is not text (commenter keys read as integers)."""
    blank = values.isna().to_numpy()
    if values.dtype == object:
        blank |= values.eq("").to_numpy()
    return blank


def window_comments(
    posts: pd.DataFrame, comments: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the ER-window posts, the comments under them with the post's creator_id and
    posted_at). posts: POST_COLUMNS; comments: COMMENT_COLUMNS (timestamps UTC)."""
    window = recent_posts(posts[POST_COLUMNS])
    c = comments[COMMENT_COLUMNS].merge(
        window[["id", "creator_id", "posted_at"]].rename(columns={"id": "post_id"}),
        on="post_id",
        how="inner",
    )
    c["is_creator_reply"] = c["is_creator_reply"].eq(True)
    return window, c


def _responsiveness(c: pd.DataFrame) -> pd.DataFrame:
    """threads_n, replied_n, reply_share, reply_delay_hours per creator.

    A thread is a top-level comment by someone else that has an external id: without one no
    reply can point at it, so it can be neither answered nor counted as unanswered."""
    top = ~c["is_creator_reply"] & _blank(c["parent_external_id"]) & ~_blank(c["external_id"])
    threads = c.loc[top, ["creator_id", "post_id", "external_id", "created_at"]]
    threads = threads.drop_duplicates(["post_id", "external_id"])
    replies = c.loc[
        c["is_creator_reply"] & ~_blank(c["parent_external_id"]),
        ["post_id", "parent_external_id", "created_at"],
    ]
    first_reply = (
        replies.groupby(["post_id", "parent_external_id"])["created_at"]
        .min()
        .rename("replied_at")
        .reset_index()
        .rename(columns={"parent_external_id": "external_id"})
    )
    # A reply row without a time still answers its thread (the delay is unknown).
    answered = replies.drop_duplicates(["post_id", "parent_external_id"])[
        ["post_id", "parent_external_id"]
    ].rename(columns={"parent_external_id": "external_id"})
    answered["replied"] = True
    t = threads.merge(answered, on=["post_id", "external_id"], how="left").merge(
        first_reply, on=["post_id", "external_id"], how="left"
    )
    t["replied"] = t["replied"].notna()
    delay = (t["replied_at"] - t["created_at"]) / pd.Timedelta(hours=1)
    # A reply stamped before its thread is a clock error, not a negative delay.
    t["delay_hours"] = delay.where(t["replied"] & (delay >= 0))
    g = t.groupby("creator_id")
    out = pd.DataFrame({"threads_n": g.size(), "replied_n": g["replied"].sum()})
    out["reply_share"] = out["replied_n"] / out["threads_n"]
    out["reply_delay_hours"] = g["delay_hours"].median()
    return out


def _concentration(c: pd.DataFrame) -> pd.DataFrame:
    """comments_n, commenters_n, commented_posts_n, top_commenters_share, regulars_n,
    regular_share per creator, over comments by others with a known commenter."""
    others = c[~c["is_creator_reply"] & ~_blank(c["commenter_key"])]
    per = others.groupby(["creator_id", "commenter_key"]).agg(
        n=("post_id", "size"), posts=("post_id", "nunique")
    )
    per = per.reset_index().sort_values(["creator_id", "n"], ascending=[True, False])
    g = per.groupby("creator_id")
    out = pd.DataFrame({"comments_n": g["n"].sum(), "commenters_n": g.size()})
    out["top_commenters_share"] = (
        per.groupby("creator_id").head(TOP_COMMENTERS).groupby("creator_id")["n"].sum()
        / out["comments_n"]
    )
    out["commented_posts_n"] = others.groupby("creator_id")["post_id"].nunique()
    commented = per["creator_id"].map(out["commented_posts_n"])
    per["regular"] = (per["posts"] > REGULAR_POST_SHARE * commented) & (
        per["posts"] >= REGULAR_MIN_POSTS
    )
    out["regulars_n"] = per.groupby("creator_id")["regular"].sum()
    # With fewer commented posts than REGULAR_MIN_POSTS nobody can be a regular: unknown.
    out["regular_share"] = (out["regulars_n"] / out["commenters_n"]).where(
        out["commented_posts_n"] >= REGULAR_MIN_POSTS
    )
    return out


def _ad_fatigue(window: pd.DataFrame, followers: pd.Series) -> pd.DataFrame:
    """posts_n, sponsored_n, sponsored_share, er_sponsored, er_organic per creator: ER per post
    as in engagement_rates ((likes + comments) / followers), its median on each side."""
    p = window.copy()
    p["is_sponsored"] = p["is_sponsored"].eq(True)
    eng = pd.to_numeric(p["likes"], errors="coerce").astype(float) + pd.to_numeric(
        p["comments"], errors="coerce"
    ).astype(float)
    f = p["creator_id"].map(followers).astype(float)
    p["er"] = eng / f.where(f > 0)
    g = p.groupby("creator_id")
    out = pd.DataFrame({"posts_n": g.size(), "sponsored_n": g["is_sponsored"].sum()})
    out["sponsored_share"] = out["sponsored_n"] / out["posts_n"]
    medians = p.groupby(["creator_id", "is_sponsored"])["er"].median().unstack()
    medians = medians.reindex(columns=[True, False])
    out["er_sponsored"] = medians[True]
    out["er_organic"] = medians[False]
    return out


COUNT_COLUMNS = [
    "posts_n",
    "sponsored_n",
    "comments_n",
    "commenters_n",
    "commented_posts_n",
    "threads_n",
    "replied_n",
    "regulars_n",
]
SHARE_COLUMNS = [
    "reply_share",
    "reply_delay_hours",
    "top_commenters_share",
    "regular_share",
    "sponsored_share",
    "er_sponsored",
    "er_organic",
]


def reaction_signals(
    creators: pd.DataFrame, posts: pd.DataFrame, comments: pd.DataFrame
) -> pd.DataFrame:
    """One row per creator (index id) with COUNT_COLUMNS (ints, 0 where nothing) and
    SHARE_COLUMNS (floats, NaN where unknown).

    creators: id, followers; posts: POST_COLUMNS; comments: COMMENT_COLUMNS, timestamps UTC.
    Only the ER-window posts and the comments under them count. reply_delay_hours is the
    median, over answered threads, of the hours from the thread to the creator's first reply."""
    ids = pd.Index(creators["id"], name="id")
    followers = pd.Series(creators["followers"].to_numpy(dtype=float), index=ids)
    window, c = window_comments(posts[posts["creator_id"].isin(ids)], comments)
    parts = [_ad_fatigue(window, followers), _responsiveness(c), _concentration(c)]
    out = pd.concat([part.reindex(ids) for part in parts], axis=1)
    out[COUNT_COLUMNS] = out[COUNT_COLUMNS].fillna(0).astype(np.int64)
    out[SHARE_COLUMNS] = out[SHARE_COLUMNS].astype(float)
    return out[COUNT_COLUMNS + SHARE_COLUMNS]


TEXT_COUNT_COLUMNS = ["text_comments_n", "sentiment_n"]
TEXT_SHARE_COLUMNS = [
    "substantive_share",
    "generic_share",
    "spam_share",
    "intent_share",
    "sentiment_mean",
]


def window_text_signals(ids: pd.Index, posts: pd.DataFrame, comments: pd.DataFrame) -> pd.DataFrame:
    """What the ER window's comments by others say, per creator (index ids):
    TEXT_COUNT_COLUMNS (0 where none) and TEXT_SHARE_COLUMNS (NaN where none), from
    scoring.metrics.comment_text.comment_text_summary. comments: COMMENT_COLUMNS + text."""
    window = recent_posts(posts.loc[posts["creator_id"].isin(ids), POST_COLUMNS])
    c = comments.loc[~comments["is_creator_reply"].eq(True), ["post_id", "text"]].merge(
        window[["id", "creator_id"]].rename(columns={"id": "post_id"}), on="post_id"
    )
    summary = comment_text_summary(c[["creator_id", "text"]]) if len(c) else pd.DataFrame()
    out = summary.rename(columns={"comments_n": "text_comments_n"}).reindex(
        index=ids, columns=TEXT_COUNT_COLUMNS + TEXT_SHARE_COLUMNS
    )
    out[TEXT_COUNT_COLUMNS] = out[TEXT_COUNT_COLUMNS].fillna(0).astype(np.int64)
    out[TEXT_SHARE_COLUMNS] = out[TEXT_SHARE_COLUMNS].astype(float)
    return out

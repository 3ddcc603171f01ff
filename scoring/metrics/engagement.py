"""Engagement rates per creator from recent posts (DESIGN 4.1), with a profile-average fallback."""

from __future__ import annotations

import numpy as np
import pandas as pd

RECENT_POSTS = 12
WINDOW_DAYS = 180
MIN_POSTS = 3


def recent_posts(posts: pd.DataFrame) -> pd.DataFrame:
    """The posts of the ER window (any columns, with creator_id and posted_at): each creator's
    last RECENT_POSTS posts within WINDOW_DAYS of their latest one, newest first per creator.
    Every per-post signal taken "over the ER window" (engagement, audience reaction) reads
    these rows, so they all describe the same posts."""
    if posts.empty:
        return posts
    latest = posts.groupby("creator_id")["posted_at"].transform("max")
    p = posts[posts["posted_at"] >= latest - pd.Timedelta(days=WINDOW_DAYS)]
    p = p.sort_values(["creator_id", "posted_at"], ascending=[True, False])
    return p.groupby("creator_id", sort=False).head(RECENT_POSTS)


def engagement_rates(creators: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """creators: id, followers, avg_likes, avg_comments, reported_engagement_rate.
    posts: creator_id, posted_at, likes, comments, views.
    Returns one row per creator (index id): er_median, er_mean, er_views, er_posts_used,
    er_from_profile, likes_per_comment. ER is None for zero followers (undefined)."""
    c = creators.set_index("id")
    followers = c["followers"].astype(float)
    p = posts[["creator_id", "posted_at", "likes", "comments", "views"]].copy()
    p = p[p["creator_id"].isin(c.index)]
    # Numeric from the start: an empty or all-None column would otherwise stay object dtype
    # and every later fill would rely on pandas' deprecated silent downcasting.
    for col in ("likes", "comments", "views"):
        p[col] = pd.to_numeric(p[col], errors="coerce").astype(float)
    p = recent_posts(p)
    p["eng"] = p["likes"] + p["comments"]
    p["followers"] = p["creator_id"].map(followers)
    p["er"] = np.where(
        p["followers"] > 0, p["eng"] / p["followers"].where(p["followers"] > 0), np.nan
    )
    views = p["views"]
    p["erv"] = np.where(views > 0, p["eng"] / views.where(views > 0), np.nan)
    g = p.groupby("creator_id")
    out = pd.DataFrame(index=c.index)
    out["er_posts_used"] = g.size().reindex(c.index).fillna(0).astype(int)
    out["er_median"] = g["er"].median().reindex(c.index)
    out["er_mean"] = g["er"].mean().reindex(c.index)
    out["er_views"] = g["erv"].median().reindex(c.index)
    sums = g[["likes", "comments"]].sum().reindex(c.index)
    out["likes_per_comment"] = pd.Series(
        np.where(
            sums["comments"] > 0,
            sums["likes"] / sums["comments"].where(sums["comments"] > 0),
            np.nan,
        ),
        index=c.index,
        dtype=float,
    )
    # Fewer than MIN_POSTS recent posts: the profile's own averages are the better estimate.
    few = out["er_posts_used"] < MIN_POSTS
    profile_eng = c["avg_likes"].astype(float).fillna(0) + c["avg_comments"].astype(float).fillna(0)
    has_avgs = c["avg_likes"].notna() | c["avg_comments"].notna()
    profile_er = pd.Series(
        np.where(has_avgs & (followers > 0), profile_eng / followers.where(followers > 0), np.nan),
        index=c.index,
    )
    profile_er = profile_er.fillna(c["reported_engagement_rate"].astype(float))
    profile_er = profile_er.where(followers > 0)
    use_profile = few & profile_er.notna()
    out["er_from_profile"] = few
    out.loc[use_profile, "er_median"] = profile_er[use_profile]
    out.loc[use_profile, "er_mean"] = profile_er[use_profile]
    avg_likes = pd.to_numeric(c["avg_likes"], errors="coerce").astype(float)
    avg_comments = pd.to_numeric(c["avg_comments"], errors="coerce").astype(float)
    avg_lpc = avg_likes / avg_comments.where(avg_comments > 0)
    out["likes_per_comment"] = out["likes_per_comment"].fillna(avg_lpc)
    return out

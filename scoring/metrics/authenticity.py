"""Authenticity score 0..100 with reasons, and a follower-level fake-account heuristic
(DESIGN 4.2). Each reason is {"signal", "sentence", "contribution"} (points taken off)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def follower_looks_fake(frame: pd.DataFrame) -> np.ndarray:
    """Per follower profile (posts, following, followers, has_profile_picture, is_private):
    True when at least two bot-like traits hold - no picture, almost no posts, following far
    more accounts than follow it, or a mass-following count."""
    posts = pd.to_numeric(frame["posts"], errors="coerce").fillna(0)
    following = pd.to_numeric(frame["following"], errors="coerce").fillna(0)
    followers = pd.to_numeric(frame["followers"], errors="coerce").fillna(0)
    pic = frame["has_profile_picture"].astype(str).str.lower().isin(["1", "true", "yes", "1.0"])
    traits = (
        (~pic).astype(int)
        + (posts <= 3).astype(int)
        + ((following > 0) & (following >= 5 * (followers + 1))).astype(int)
        + (following >= 2000).astype(int)
    )
    return (traits >= 2).to_numpy()


def authenticity(creators: pd.DataFrame) -> pd.DataFrame:
    """creators: id, followers, following, er_median, er_cohort_median, likes_per_comment,
    lpc_cohort_median, spikes (list of {date, growth, explained}), profile_stats (dict or None).
    Returns index id: authenticity_score, authenticity_confidence, authenticity_reasons."""
    rows = []
    for r in creators.itertuples(index=False):
        reasons: list[dict] = []
        known = 0
        followers = float(r.followers or 0)
        following = r.following
        if following is not None and not pd.isna(following):
            known += 1
            if following > 2000 and following > followers:
                reasons.append(
                    _reason(
                        "mass_following",
                        15,
                        f"Follows {int(following):,} accounts, more than follow back ({int(followers):,}).",
                    )
                )
        er, cohort = r.er_median, r.er_cohort_median
        if er is not None and not pd.isna(er) and cohort and not pd.isna(cohort):
            known += 1
            if er < cohort / 3:
                reasons.append(
                    _reason(
                        "low_engagement",
                        20,
                        f"Engagement rate {er:.2%} is under a third of similar accounts ({cohort:.2%}).",
                    )
                )
        lpc, lpc_cohort = r.likes_per_comment, r.lpc_cohort_median
        if lpc is not None and not pd.isna(lpc) and lpc_cohort and not pd.isna(lpc_cohort):
            known += 1
            if lpc > 4 * lpc_cohort or lpc < lpc_cohort / 4:
                reasons.append(
                    _reason(
                        "like_comment_ratio",
                        10,
                        f"{lpc:.0f} likes per comment against {lpc_cohort:.0f} for similar accounts.",
                    )
                )
        spikes = r.spikes or []
        if spikes:
            known += 1
            for s in spikes:
                if not s.get("explained"):
                    reasons.append(
                        _reason(
                            "growth_spike",
                            15,
                            f"Followers jumped {s['growth']:.0%} around {s['date']} with no post to explain it.",
                        )
                    )
                    break
        stats = r.profile_stats if isinstance(r.profile_stats, dict) else None
        if stats and stats.get("n"):
            known += 2
            fake = float(stats.get("fake_like_share") or 0)
            if fake > 0.15:
                reasons.append(
                    _reason(
                        "follower_sample",
                        min(40.0, 100 * fake),
                        f"{fake:.0%} of {int(stats['n']):,} sampled followers look like fake accounts.",
                    )
                )
        score = max(0.0, 100.0 - sum(x["contribution"] for x in reasons))
        rows.append((r.id, score, min(1.0, known / 6), reasons))
    return pd.DataFrame(
        rows,
        columns=["id", "authenticity_score", "authenticity_confidence", "authenticity_reasons"],
    ).set_index("id")


def _reason(signal: str, points: float, sentence: str) -> dict:
    return {"signal": signal, "sentence": sentence, "contribution": float(points)}


def growth_spikes(snapshots: pd.DataFrame, posts: pd.DataFrame, threshold: float = 0.2) -> dict:
    """snapshots: creator_id, date, followers; posts: creator_id, posted_at, likes, comments.
    A spike is day-over-day relative growth above `threshold`; it is explained by a viral post
    when a post within 3 days before has over 3x that creator's median engagement.
    Returns {creator_id: [{"date", "growth", "explained"}]}; also growth_30d via growth_30d()."""
    out: dict[int, list] = {}
    if snapshots.empty:
        return out
    s = snapshots.sort_values(["creator_id", "date"]).copy()
    prev = s.groupby("creator_id")["followers"].shift()
    s["growth"] = (s["followers"] - prev) / prev.where(prev > 0)
    hits = s[s["growth"] > threshold]
    if hits.empty:
        return out
    p = posts[["creator_id", "posted_at", "likes", "comments"]].copy()
    p["eng"] = p["likes"] + p["comments"]
    p["med"] = p.groupby("creator_id")["eng"].transform("median")
    p["day"] = pd.to_datetime(p["posted_at"], utc=True).dt.tz_localize(None).dt.normalize()
    viral = p[p["eng"] > 3 * p["med"]][["creator_id", "day"]]
    h = hits[["creator_id", "date", "growth"]].copy()
    h["day"] = pd.to_datetime(h["date"])
    h["key"] = np.arange(len(h))
    # A spike is explained when a viral post falls within the 3 days up to it.
    pairs = h.merge(viral, on="creator_id", suffixes=("", "_post"))
    near = pairs[
        (pairs["day_post"] <= pairs["day"])
        & (pairs["day_post"] >= pairs["day"] - pd.Timedelta(days=3))
    ]
    explained = set(near["key"].tolist())
    for key, cid, day, growth in zip(h["key"], h["creator_id"], h["day"], h["growth"], strict=True):
        out.setdefault(int(cid), []).append(
            {"date": str(day.date()), "growth": float(growth), "explained": key in explained}
        )
    return out


def growth_30d(snapshots: pd.DataFrame) -> pd.Series:
    """Relative follower change over the last 30 days of each creator's snapshots."""
    if snapshots.empty:
        return pd.Series(dtype=float)
    s = snapshots.copy()
    s["date"] = pd.to_datetime(s["date"])
    last = s.groupby("creator_id")["date"].transform("max")
    window = s[s["date"] >= last - pd.Timedelta(days=30)].sort_values("date")
    g = window.groupby("creator_id")["followers"]
    first, final = g.first().astype(float), g.last().astype(float)
    return ((final - first) / first.where(first > 0)).where(g.size() > 1)

"""Authenticity score 0..100 with reasons, and a follower-level fake-account heuristic
(DESIGN 4.2). Each reason is {"signal", "sentence", "contribution"} (points taken off).

With too little evidence the score is unknown (None), never a perfect 100: a creator needs at
least MIN_CONFIDENCE of the evidence (following count, engagement against its cohort, likes
per comment, follower history, a follower sample counting twice) unless a signal already took
points off. The confidence is stored either way."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.metrics.pods import FAST_MINUTES

# Two of the six units of evidence: e.g. the following count and an engagement rate.
MIN_CONFIDENCE = 2 / 6
# What the audience's comments show (scoring.metrics.reaction_score, pods): a likely pod member,
# and a comment section that is almost all generic praise, emoji or spam - on enough comments.
POD_POINTS = 15.0
GENERIC_POINTS = 10.0
GENERIC_SHARE = 0.8
GENERIC_MIN_COMMENTS = 30
# The reaction columns authenticity() reads when present (a CreatorReaction's figures).
REACTION_COLUMNS = [
    "pod",
    "pod_commenters_n",
    "pod_posts_n",
    "pod_creators_n",
    "text_comments_n",
    "generic_share",
    "spam_share",
]


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


def authenticity(creators: pd.DataFrame, spikes: pd.DataFrame | None = None) -> pd.DataFrame:
    """creators: id, followers, following, er_median, er_cohort_median, likes_per_comment,
    lpc_cohort_median, sample_n and fake_like_share (the follower-sample stats; NaN without a
    sample). spikes: growth_spikes() rows (creator_id, date, growth, explained).

    Returns index id: authenticity_score (NaN: unknown, too little evidence),
    authenticity_confidence, and authenticity_reasons as JSON text (an array of reasons in
    signal order, ready to store). Computed column-wise: a reason's sentence is formatted only
    for the creators it applies to."""
    c = creators.set_index("id")
    idx = c.index
    num = {
        col: pd.to_numeric(c[col], errors="coerce").astype(float)
        for col in (
            "followers",
            "following",
            "er_median",
            "er_cohort_median",
            "likes_per_comment",
            "lpc_cohort_median",
            "sample_n",
            "fake_like_share",
        )
    }
    followers = num["followers"].fillna(0)
    following = num["following"]
    er, er_cohort = num["er_median"], num["er_cohort_median"]
    lpc, lpc_cohort = num["likes_per_comment"], num["lpc_cohort_median"]
    sample_n, fake = num["sample_n"], num["fake_like_share"].fillna(0)

    def column(name: str) -> pd.Series:
        if name not in c:
            return pd.Series(np.nan, index=idx, dtype=float)
        return pd.to_numeric(c[name], errors="coerce").astype(float)

    pod = (c["pod"] if "pod" in c else pd.Series(False, index=idx)).eq(True)
    pod_commenters, pod_posts = column("pod_commenters_n"), column("pod_posts_n")
    pod_creators = column("pod_creators_n")
    text_n = column("text_comments_n").fillna(0)
    generic = column("generic_share").fillna(0) + column("spam_share").fillna(0)
    comments_checked = (text_n >= GENERIC_MIN_COMMENTS) | pod
    if spikes is None or spikes.empty:
        spikes = pd.DataFrame(columns=["creator_id", "date", "growth", "explained"])
    has_spikes = pd.Series(idx.isin(spikes["creator_id"]), index=idx)
    unexplained = (
        spikes[~spikes["explained"].astype(bool)]
        .sort_values(["creator_id", "date"])
        .drop_duplicates("creator_id")
        .set_index("creator_id")
        .reindex(idx)
    )

    known_er = er.notna() & er_cohort.notna() & (er_cohort != 0)
    known_lpc = lpc.notna() & lpc_cohort.notna() & (lpc_cohort != 0)
    known_sample = sample_n.notna() & (sample_n > 0)
    signals = [
        (
            "mass_following",
            (following > 2000) & (following > followers),
            15.0,
            lambda m: (
                "Follows "
                + following[m].map("{:,.0f}".format)
                + " accounts, more than follow back ("
                + followers[m].map("{:,.0f}".format)
                + ")."
            ),
        ),
        (
            "low_engagement",
            known_er & (er < er_cohort / 3),
            20.0,
            lambda m: (
                "Engagement rate "
                + er[m].map("{:.2%}".format)
                + " is under a third of similar accounts ("
                + er_cohort[m].map("{:.2%}".format)
                + ")."
            ),
        ),
        (
            "like_comment_ratio",
            known_lpc & ((lpc > 4 * lpc_cohort) | (lpc < lpc_cohort / 4)),
            10.0,
            lambda m: (
                lpc[m].map("{:.0f}".format)
                + " likes per comment against "
                + lpc_cohort[m].map("{:.0f}".format)
                + " for similar accounts."
            ),
        ),
        (
            "growth_spike",
            unexplained["growth"].notna(),
            15.0,
            lambda m: (
                "Followers jumped "
                + unexplained.loc[m, "growth"].astype(float).map("{:.0%}".format)
                + " around "
                + unexplained.loc[m, "date"].astype(str)
                + " with no post to explain it."
            ),
        ),
        (
            "engagement_pod",
            pod,
            POD_POINTS,
            lambda m: (
                "Likely in an engagement pod: "
                + pod_commenters[m].map("{:,.0f}".format)
                + f" accounts comment within {FAST_MINUTES} minutes on "
                + pod_posts[m].map("{:,.0f}".format)
                + " of its posts and on those of "
                + pod_creators[m].map("{:,.0f}".format)
                + " creators."
            ),
        ),
        (
            "generic_comments",
            (text_n >= GENERIC_MIN_COMMENTS) & (generic >= GENERIC_SHARE - 1e-9),
            GENERIC_POINTS,
            lambda m: (
                generic[m].clip(upper=1).map("{:.0%}".format)
                + " of "
                + text_n[m].map("{:,.0f}".format)
                + " comments are generic praise, emoji or spam."
            ),
        ),
        (
            "follower_sample",
            known_sample & (fake > 0.15),
            np.minimum(40.0, 100 * fake),
            lambda m: (
                fake[m].map("{:.0%}".format)
                + " of "
                + sample_n[m].map("{:,.0f}".format)
                + " sampled followers look like fake accounts."
            ),
        ),
    ]
    penalty = pd.Series(0.0, index=idx)
    reasons_json = pd.Series("", index=idx, dtype=object)
    for signal, hit, points, sentence in signals:
        hit = hit.fillna(False).astype(bool)
        if not hit.any():
            continue
        pts = (points if isinstance(points, pd.Series) else pd.Series(points, index=idx))[hit]
        penalty = penalty.add(pts, fill_value=0)
        reason = pd.DataFrame(
            {"signal": signal, "sentence": sentence(hit), "contribution": pts.astype(float)}
        )
        lines = reason.to_json(orient="records", lines=True, double_precision=15).splitlines()
        fragment = pd.Series(lines, index=reason.index, dtype=object) + ","
        reasons_json = reasons_json.add(fragment.reindex(idx, fill_value=""))
    known = (
        following.notna().astype(int)
        + known_er.astype(int)
        + known_lpc.astype(int)
        + has_spikes.astype(int)
        + 2 * known_sample.astype(int)
        + comments_checked.astype(int)
    )
    confidence = (known / 6).clip(upper=1.0)
    enough = (confidence >= MIN_CONFIDENCE - 1e-9) | (penalty > 0)
    return pd.DataFrame(
        {
            "authenticity_score": (100.0 - penalty).clip(lower=0.0).where(enough),
            "authenticity_confidence": confidence,
            "authenticity_reasons": "[" + reasons_json.str.rstrip(",") + "]",
        },
        index=idx,
    )


def growth_spikes(
    snapshots: pd.DataFrame, posts: pd.DataFrame, threshold: float = 0.2
) -> pd.DataFrame:
    """snapshots: creator_id, date, followers; posts: creator_id, posted_at, likes, comments.
    A spike is day-over-day relative growth above `threshold`; it is explained by a viral post
    when a post within 3 days before has over 3x that creator's median engagement.
    Returns one row per spike: creator_id, date ("YYYY-MM-DD"), growth, explained."""
    columns = ["creator_id", "date", "growth", "explained"]
    if snapshots.empty:
        return pd.DataFrame(columns=columns)
    s = snapshots[["creator_id", "date", "followers"]].copy()
    s["followers"] = pd.to_numeric(s["followers"], errors="coerce").astype(float)
    s["day"] = pd.to_datetime(s["date"])
    s = s.sort_values(["creator_id", "day"])
    prev = s.groupby("creator_id")["followers"].shift()
    s["growth"] = (s["followers"] - prev) / prev.where(prev > 0)
    h = s[s["growth"] > threshold][["creator_id", "day", "growth"]].reset_index(drop=True)
    if h.empty:
        return pd.DataFrame(columns=columns)
    p = posts[posts["creator_id"].isin(h["creator_id"])][
        ["creator_id", "posted_at", "likes", "comments"]
    ].copy()
    p["eng"] = pd.to_numeric(p["likes"], errors="coerce").astype(float) + pd.to_numeric(
        p["comments"], errors="coerce"
    ).astype(float)
    p["med"] = p.groupby("creator_id")["eng"].transform("median")
    p["day_post"] = pd.to_datetime(p["posted_at"], utc=True).dt.tz_localize(None).dt.normalize()
    viral = p[p["eng"] > 3 * p["med"]][["creator_id", "day_post"]]
    h["key"] = np.arange(len(h))
    # A spike is explained when a viral post falls within the 3 days up to it.
    pairs = h.merge(viral, on="creator_id")
    near = pairs[
        (pairs["day_post"] <= pairs["day"])
        & (pairs["day_post"] >= pairs["day"] - pd.Timedelta(days=3))
    ]
    return pd.DataFrame(
        {
            "creator_id": h["creator_id"].astype(int),
            "date": h["day"].dt.strftime("%Y-%m-%d"),
            "growth": h["growth"].astype(float),
            "explained": h["key"].isin(near["key"]),
        }
    )


def spikes_json(spikes: pd.DataFrame, creator_ids: pd.Index) -> pd.Series:
    """Per creator the JSON array of its spikes ({date, growth, explained}), "[]" without any."""
    if spikes.empty:
        return pd.Series("[]", index=creator_ids, dtype=object)
    lines = spikes[["date", "growth", "explained"]].to_json(
        orient="records", lines=True, double_precision=15
    )
    per_row = pd.Series(lines.splitlines(), index=spikes.index, dtype=object)
    joined = per_row.groupby(spikes["creator_id"].to_numpy()).agg(",".join)
    return ("[" + joined.reindex(creator_ids, fill_value="") + "]").astype(object)


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

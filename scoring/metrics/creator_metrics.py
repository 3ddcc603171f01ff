"""A CreatorMetrics row per creator, from frames of their profiles, posts, follower snapshots
and audience sample statistics: engagement, its percentile in the platform x tier cohort,
authenticity, growth and price, assembled as the table's columns."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from matchmaker.lib.dates import window_stamps
from scoring.metrics import authenticity
from scoring.metrics.cohorts import rank_in_cohort
from scoring.metrics.cost import estimated_price
from scoring.metrics.engagement import engagement_rates
from scoring.metrics.tiers import cohort_percentile, tier_of

# Columns of the frames creator_metrics() takes (read_frame's, before float conversion).
CREATOR_FIELDS = [
    "id",
    "platform",
    "followers",
    "following",
    "avg_likes",
    "avg_comments",
    "reported_engagement_rate",
    "quoted_price",
]
POST_FIELDS = ["creator_id", "posted_at", "likes", "comments", "views"]
SNAPSHOT_FIELDS = ["creator_id", "date", "followers"]
STATS_FIELDS = ["creator_id", "sample_n", "fake_like_share"]
COHORT_FIELDS = ["platform", "tier", "er_median", "likes_per_comment"]


def dated(
    frame: pd.DataFrame, column: str, *, utc: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the rows dated within matchmaker.lib.dates' window, `column` as timestamps: UTC, or
    naive days for dates; the other rows). A row stored before imports checked dates
    (9999-12-31, 0001-01-01) is past pandas' timestamps: one such row would otherwise fail the
    recompute of every creator."""
    stamps, bad = window_stamps(frame[column])
    if not utc:
        stamps = stamps.dt.tz_localize(None)
    good = frame.assign(**{column: stamps})
    if not bad.any():
        return good, frame.iloc[:0]
    return good[~bad], frame[bad]


def cohort_with_stored(
    fresh: pd.DataFrame, stored: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.Series]:
    """The cohort the percentiles and cohort medians are taken over: the creators being
    recomputed (`fresh`: platform, tier, er, lpc by creator id) and, for a partial recompute,
    every other creator's stored metrics (`stored`, COHORT_FIELDS), so that a subset is ranked
    against its whole platform x tier cohort. Returns the frame and a mask of the fresh rows."""
    if stored is None:
        return fresh, pd.Series(True, index=fresh.index)
    others = pd.DataFrame(
        {
            "platform": stored["platform"].to_numpy(),
            "tier": stored["tier"].to_numpy(),
            "er": stored["er_median"].to_numpy(),
            "lpc": stored["likes_per_comment"].to_numpy(),
        },
        index=pd.Index(-1 - np.arange(len(stored)), name="id"),  # never a fresh id
    )
    both = pd.concat([fresh, others]) if len(others) else fresh
    return both, pd.Series(both.index.isin(fresh.index), index=both.index)


# JSON text for the stored JSON columns, built column-wise (one C loop per column, not a
# Python dict and json.dumps per row).
def _json_ints(values) -> pd.Series:
    numbers = np.asarray(values, dtype=np.int64)
    return pd.Series(numbers.astype(str).astype(object), index=getattr(values, "index", None))


def _json_bools(values) -> pd.Series:
    flags = np.asarray(values, dtype=bool)
    return pd.Series(
        np.where(flags, "true", "false").astype(object), index=getattr(values, "index", None)
    )


def _json_object(parts: dict[str, pd.Series | str]) -> pd.Series:
    """{"key": value, ...} per row from JSON-text columns (or constants)."""
    text: pd.Series | str = "{"
    for i, (key, value) in enumerate(parts.items()):
        text = text + ("" if i == 0 else ", ") + json.dumps(key) + ": " + value
    return text + "}"


def creator_metrics(
    creators: pd.DataFrame,
    posts: pd.DataFrame,
    snapshots: pd.DataFrame,
    stats: pd.DataFrame,
    stored_cohort: pd.DataFrame | None = None,
    cohort: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The CreatorMetrics rows (without run/computed_at), one per row of `creators`.

    creators: CREATOR_FIELDS, numbers as floats (followers NaN = 0); posts and snapshots:
    POST_FIELDS and SNAPSHOT_FIELDS, already dated(); stats: STATS_FIELDS (plus, where
    known, authenticity.REACTION_COLUMNS: the creator's stored audience reaction), one row per
    creator at most; stored_cohort: for a partial recompute, the other creators' stored
    metrics (COHORT_FIELDS); cohort: instead, the whole catalogue's cohort statistics
    (scoring.metrics.cohorts.cohort_stats(), these creators included) to rank them in, for a
    chunk of the catalogue. The JSON columns (authenticity_reasons, growth_spikes, inputs)
    hold JSON text."""
    creators = creators.assign(followers=creators["followers"].fillna(0))
    rates = engagement_rates(creators, posts)
    by_id = creators.set_index("id")
    tier = tier_of(by_id["followers"])
    fresh = pd.DataFrame(
        {
            "platform": by_id["platform"],
            "tier": tier,
            "er": rates["er_median"],
            "lpc": rates["likes_per_comment"],
        }
    )
    if cohort is not None:
        ranked = rank_in_cohort(fresh, cohort)
        percentile, er_cohort, lpc_cohort = (
            ranked["er_percentile"],
            ranked["er_cohort_median"],
            ranked["lpc_cohort_median"],
        )
        is_fresh = pd.Series(True, index=fresh.index)
    else:
        both, is_fresh = cohort_with_stored(fresh, stored_cohort)
        percentile = cohort_percentile(both["er"], both["platform"], both["tier"])
        er_cohort = both.groupby(["platform", "tier"])["er"].transform("median")
        lpc_cohort = both.groupby(["platform", "tier"])["lpc"].transform("median")
    rates["er_percentile"] = percentile[is_fresh].reindex(by_id.index)
    spikes = authenticity.growth_spikes(snapshots, posts)
    stats = stats.set_index("creator_id").reindex(by_id.index)
    signals = pd.DataFrame(
        {
            "id": by_id.index,
            "followers": by_id["followers"].to_numpy(),
            "following": by_id["following"].to_numpy(),
            "er_median": rates["er_median"].to_numpy(),
            "er_cohort_median": er_cohort[is_fresh].reindex(by_id.index).to_numpy(),
            "likes_per_comment": rates["likes_per_comment"].to_numpy(),
            "lpc_cohort_median": lpc_cohort[is_fresh].reindex(by_id.index).to_numpy(),
            "sample_n": stats["sample_n"].to_numpy(),
            "fake_like_share": stats["fake_like_share"].to_numpy(),
            **{
                name: stats[name].to_numpy()
                for name in authenticity.REACTION_COLUMNS
                if name in stats
            },
        }
    )
    scores = authenticity.authenticity(signals, spikes).reindex(by_id.index)
    price = estimated_price(
        tier,
        by_id["quoted_price"],
        followers=by_id["followers"],
        platform=by_id["platform"],
        er=rates["er_median"],
        er_cohort_median=er_cohort[is_fresh].reindex(by_id.index),
    )
    growth = authenticity.growth_30d(snapshots).reindex(by_id.index)
    out = pd.DataFrame(
        {
            "creator_id": by_id.index,
            "tier": tier.to_numpy(),
            "er_median": rates["er_median"].to_numpy(),
            "er_mean": rates["er_mean"].to_numpy(),
            "er_views": rates["er_views"].to_numpy(),
            "er_posts_used": rates["er_posts_used"].astype(int).to_numpy(),
            "er_from_profile": rates["er_from_profile"].astype(bool).to_numpy(),
            "er_percentile": rates["er_percentile"].to_numpy(),
            "likes_per_comment": rates["likes_per_comment"].to_numpy(),
            "authenticity_score": scores["authenticity_score"].to_numpy(),
            "authenticity_confidence": scores["authenticity_confidence"].to_numpy(),
            "authenticity_reasons": scores["authenticity_reasons"].to_numpy(),
            "growth_30d": growth.to_numpy(),
            "growth_spikes": authenticity.spikes_json(spikes, by_id.index).to_numpy(),
            "estimated_price": price["price"].round(2).to_numpy(),
            "price_is_estimate": price["price_is_estimate"].astype(bool).to_numpy(),
            "price_low": price["price_low"].to_numpy(dtype=float),
            "price_high": price["price_high"].to_numpy(dtype=float),
        }
    )
    # Null when either input is null, as the SQL expression it replaces.
    out["catalogue_score"] = out["er_percentile"] * out["authenticity_score"] / 100.0
    out["inputs"] = _json_object(
        {
            "posts_used": _json_ints(out["er_posts_used"]),
            "from_profile": _json_bools(out["er_from_profile"]),
        }
    )
    return out

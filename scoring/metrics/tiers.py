"""Follower tiers and cohort percentiles within platform x tier (DESIGN 4.1)."""

from __future__ import annotations

import numpy as np
import pandas as pd

TIER_EDGES = [(10_000, "nano"), (100_000, "micro"), (500_000, "mid"), (1_000_000, "macro")]


def tier_of(followers: pd.Series) -> pd.Series:
    """Tier name per follower count: nano <10k, micro <100k, mid <500k, macro <1M, else mega."""
    f = followers.astype(float).fillna(0).to_numpy()
    conds = [f < edge for edge, _ in TIER_EDGES]
    return pd.Series(np.select(conds, [n for _, n in TIER_EDGES], "mega"), index=followers.index)


def cohort_percentile(values: pd.Series, platform: pd.Series, tier: pd.Series) -> pd.Series:
    """Percentile (0..1, average rank) of each value within its platform x tier cohort.
    Missing values stay missing; a cohort of one gets 0.5."""
    frame = pd.DataFrame({"v": values, "p": platform, "t": tier})
    ranks = frame.groupby(["p", "t"])["v"].rank(method="average")
    counts = frame.groupby(["p", "t"])["v"].transform("count")
    pct = (ranks - 1) / (counts - 1).where(counts > 1)
    return pct.where(counts > 1, 0.5).where(values.notna()).clip(0, 1)

"""Track record: actual vs predicted engagements from past campaigns, shrunk to a neutral 0.5
when there is little data; a bonus for a good past partnership with the same brand."""

from __future__ import annotations

import numpy as np
import pandas as pd

PRIOR_WEIGHT = 3.0  # pseudo-observations at 0.5
BRAND_BONUS = 0.1


def track_record(
    creator_ids: pd.Index, history: pd.DataFrame, brand_id: int | None = None
) -> pd.DataFrame:
    """history: creator_id, brand_id, predicted, actual (engagements per past deliverable).
    Per row ratio actual/predicted maps to 0..1 as ratio/(1+ratio) (1.0 -> 0.5); the mean is
    shrunk to 0.5 with PRIOR_WEIGHT pseudo-rows. Returns index id: track_record, n, ratio."""
    h = history[(history["predicted"] > 0) & history["actual"].notna()].copy()
    h["ratio"] = h["actual"].astype(float) / h["predicted"].astype(float)
    h["u"] = h["ratio"] / (1 + h["ratio"])
    g = h.groupby("creator_id")
    n = g.size().reindex(creator_ids).fillna(0)
    total = g["u"].sum().reindex(creator_ids).fillna(0)
    value = (total + 0.5 * PRIOR_WEIGHT) / (n + PRIOR_WEIGHT)
    if brand_id is not None and len(h):
        good = h[(h["brand_id"] == brand_id) & (h["ratio"] >= 1)]["creator_id"].unique()
        value = value + np.where(value.index.isin(good), BRAND_BONUS, 0)
    return pd.DataFrame(
        {
            "track_record": np.clip(value, 0, 1),
            "n": n.astype(int),
            "ratio": g["ratio"].median().reindex(creator_ids),
        },
        index=creator_ids,
    )

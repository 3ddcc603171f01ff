"""The match score: a weighted mean of component values (each 0..1) with campaign weights,
times the relevance gates (scoring.metrics.relevance).

A component that can be unknown (components.UNKNOWN_ALLOWED: audience reaction) and is NaN on
a row is left out of that row's mean: the row's weight shares are the weights over the sum of
the weights of its measured components (reaction_score.effective_weight_shares), so an unknown
never shows as a neutral-looking value and the total is still the sum of share x value."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.components import COMPONENTS, UNKNOWN_ALLOWED
from scoring.metrics.reaction_score import effective_weight_shares


def match_total(
    components: pd.DataFrame, weights: dict[str, float], gate: pd.Series | None = None
) -> pd.DataFrame:
    """components: one column per COMPONENTS name (0..1; NaN only in UNKNOWN_ALLOWED ones);
    gate: per row 0..1 (1 when None). Returns the frame with <name>_share (the row's weight
    share), <name>_contribution columns (share x value, 0 where unknown), weighted_mean (their
    sum), total (weighted_mean x gate), and rank (1 = best; ties by the weighted mean, then by
    index, so the order does not depend on row order and creators a gate holds at 0 still come
    in the order of their other merits)."""
    wsum = sum(weights.get(name, 0.0) for name in COMPONENTS)
    if wsum <= 0:
        raise ValueError("At least one weight must be above zero.")
    unknown = pd.DataFrame(
        {
            name: components[name].isna().to_numpy()
            for name in UNKNOWN_ALLOWED
            if name in components
        },
        index=components.index,
    )
    shares = effective_weight_shares(weights, COMPONENTS, unknown)
    added = {}
    mean = np.zeros(len(components))
    for name in COMPONENTS:
        share = shares[name].to_numpy(dtype=float)
        contrib = np.nan_to_num(np.clip(components[name].to_numpy(dtype=float), 0, 1)) * share
        added[f"{name}_share"] = share
        added[f"{name}_contribution"] = contrib
        mean = mean + contrib
    mean = np.clip(mean, 0, 1)
    g = np.ones(len(components)) if gate is None else np.clip(np.asarray(gate, dtype=float), 0, 1)
    added["weighted_mean"] = mean
    added["total"] = np.clip(mean * g, 0, 1)
    out = pd.concat([components, pd.DataFrame(added, index=components.index)], axis=1)
    order = (
        out.assign(_id=out.index)
        .sort_values(["total", "weighted_mean", "_id"], ascending=[False, False, True])
        .index
    )
    out.loc[order, "rank"] = np.arange(1, len(out) + 1)
    out["rank"] = out["rank"].astype(int)
    return out

"""The match score: a weighted mean of component values (each 0..1) with campaign weights."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.components import COMPONENTS


def match_total(components: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """components: one column per COMPONENTS name (0..1). Returns the frame with
    <name>_contribution columns (weight share x value), total, and rank (1 = best; ties by
    index so the order does not depend on row order)."""
    wsum = sum(weights.values())
    if wsum <= 0:
        raise ValueError("At least one weight must be above zero.")
    out = components.copy()
    total = np.zeros(len(out))
    for name in COMPONENTS:
        contrib = out[name].astype(float).clip(0, 1) * (weights.get(name, 0.0) / wsum)
        out[f"{name}_contribution"] = contrib
        total = total + contrib.to_numpy()
    out["total"] = np.clip(total, 0, 1)
    order = out.assign(_id=out.index).sort_values(["total", "_id"], ascending=[False, True]).index
    out.loc[order, "rank"] = np.arange(1, len(out) + 1)
    out["rank"] = out["rank"].astype(int)
    return out

"""Estimated price and cost efficiency (DESIGN 4.4)."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Benchmark price per post, USD, per tier: a midpoint of public rate cards; used only when a
# creator has no quote, and always marked as an estimate.
TIER_PRICE = {"nano": 100.0, "micro": 500.0, "mid": 2_500.0, "macro": 7_500.0, "mega": 20_000.0}
# Expected engagements per currency unit that counts as "full marks" (1.0).
FULL_MARKS_ENG_PER_UNIT = 2.0


def estimated_price(tier: pd.Series, quoted: pd.Series) -> pd.DataFrame:
    """price (quote when present, else the tier benchmark) and price_is_estimate."""
    q = pd.to_numeric(quoted, errors="coerce")
    est = tier.map(TIER_PRICE).astype(float)
    return pd.DataFrame({"price": q.fillna(est), "price_is_estimate": q.isna()}, index=tier.index)


def cost_efficiency(followers: pd.Series, er: pd.Series, price: pd.Series) -> pd.Series:
    """Expected engagements (followers x ER) per currency unit, mapped to 0..1 and capped."""
    eng = followers.astype(float) * er.astype(float).fillna(0)
    per_unit = eng / price.astype(float).where(price > 0)
    return pd.Series(
        np.clip(per_unit.fillna(0) / FULL_MARKS_ENG_PER_UNIT, 0, 1), index=followers.index
    )

"""Estimated price and cost efficiency (DESIGN 4.4).

Without a quote, a creator's fee per post is estimated from a published rate card: Influencer
Marketing Hub's influencer rates per platform and follower band (RATE_CARD_SOURCE, USD per
post). Within its band the fee grows with followers on a log scale from the band's low to its
high rate, is adjusted by engagement against the creator's platform x tier median (square root
of the ratio, between half and double), and comes with a range (PRICE_RANGE around it: the
rate cards' bands are about twice as wide at a given size)."""

from __future__ import annotations

import numpy as np
import pandas as pd

RATE_CARD_SOURCE = (
    "Influencer Marketing Hub's influencer rate card (influencermarketinghub.com/influencer-rates)"
)
# (followers from, followers to, USD per post at `from`, USD per post at `to`), per platform.
# Bands and rates as the rate card publishes them; the open top band ("$10,000+") is taken to
# grow ten-fold over 1M-10M followers.
RATE_CARD = {
    "instagram": [
        (1_000, 10_000, 10.0, 100.0),
        (10_000, 50_000, 100.0, 500.0),
        (50_000, 500_000, 500.0, 5_000.0),
        (500_000, 1_000_000, 5_000.0, 10_000.0),
        (1_000_000, 10_000_000, 10_000.0, 100_000.0),
    ],
    "tiktok": [
        (1_000, 10_000, 5.0, 25.0),
        (10_000, 50_000, 25.0, 125.0),
        (50_000, 500_000, 125.0, 1_250.0),
        (500_000, 1_000_000, 1_250.0, 2_500.0),
        (1_000_000, 10_000_000, 2_500.0, 25_000.0),
    ],
    "youtube": [
        (1_000, 10_000, 20.0, 200.0),
        (10_000, 50_000, 200.0, 1_000.0),
        (50_000, 500_000, 1_000.0, 10_000.0),
        (500_000, 1_000_000, 10_000.0, 20_000.0),
        (1_000_000, 10_000_000, 20_000.0, 200_000.0),
    ],
}
DEFAULT_PLATFORM = "instagram"  # a platform the card does not list is priced as Instagram
ENGAGEMENT_FACTOR = (0.5, 2.0)
PRICE_RANGE = (0.7, 1.4)
# Expected engagements per currency unit that counts as "full marks" (1.0).
FULL_MARKS_ENG_PER_UNIT = 2.0


def rate_card_price(followers: pd.Series, platform: pd.Series) -> pd.Series:
    """USD per post from the rate card: log-interpolated within the follower band."""
    f = pd.to_numeric(followers, errors="coerce").astype(float).fillna(0).to_numpy()
    p = platform.astype(str).str.lower().to_numpy()
    out = np.full(len(f), np.nan)
    for name in {*RATE_CARD, *p}:
        bands = RATE_CARD.get(name, RATE_CARD[DEFAULT_PLATFORM])
        rows = (p == name) if name in RATE_CARD else ~np.isin(p, list(RATE_CARD))
        if not rows.any():
            continue
        lo_f = np.array([b[0] for b in bands], dtype=float)
        hi_f = np.array([b[1] for b in bands], dtype=float)
        lo_p = np.array([b[2] for b in bands])
        hi_p = np.array([b[3] for b in bands])
        x = np.clip(f[rows], lo_f[0], hi_f[-1])
        band = np.clip(np.searchsorted(hi_f, x, side="left"), 0, len(bands) - 1)
        t = np.log(x / lo_f[band]) / np.log(hi_f[band] / lo_f[band])
        out[rows] = lo_p[band] * (hi_p[band] / lo_p[band]) ** np.clip(t, 0, 1)
    return pd.Series(out, index=followers.index)


def estimated_price(
    tier: pd.Series,
    quoted: pd.Series,
    *,
    followers: pd.Series | None = None,
    platform: pd.Series | None = None,
    er: pd.Series | None = None,
    er_cohort_median: pd.Series | None = None,
) -> pd.DataFrame:
    """price (the quote when present, else the rate-card estimate), price_is_estimate, and
    price_low / price_high: the estimate's range (NaN for a quote)."""
    q = pd.to_numeric(quoted, errors="coerce")
    index = tier.index
    followers = pd.Series(0.0, index=index) if followers is None else followers
    platform = pd.Series(DEFAULT_PLATFORM, index=index) if platform is None else platform
    base = rate_card_price(followers, platform)
    if er is not None and er_cohort_median is not None:
        ratio = er.astype(float) / er_cohort_median.astype(float).where(er_cohort_median > 0)
        factor = np.sqrt(ratio).clip(*ENGAGEMENT_FACTOR).fillna(1.0)
    else:
        factor = pd.Series(1.0, index=index)
    est = (base * factor).round(2)
    is_estimate = q.isna()
    return pd.DataFrame(
        {
            "price": q.fillna(est),
            "price_is_estimate": is_estimate,
            "price_low": (est * PRICE_RANGE[0]).round(2).where(is_estimate),
            "price_high": (est * PRICE_RANGE[1]).round(2).where(is_estimate),
        },
        index=index,
    )


def cost_efficiency(followers: pd.Series, er: pd.Series, price: pd.Series) -> pd.Series:
    """Expected engagements (followers x ER) per currency unit, mapped to 0..1 and capped."""
    eng = followers.astype(float) * er.astype(float).fillna(0)
    per_unit = eng / price.astype(float).where(price > 0)
    return pd.Series(
        np.clip(per_unit.fillna(0) / FULL_MARKS_ENG_PER_UNIT, 0, 1), index=followers.index
    )

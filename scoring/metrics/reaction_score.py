"""Two match components from what the audience does (DESIGN 4.8): audience reaction - how
the comments read and whether the creator answers, cut for an engagement pod and for ad
fatigue - and organic affinity - unpaid mentions of the brand, its competitors or the niche.

Audience reaction (0..1), from a creator's stored CreatorReaction figures:
- quality = (substantive share - 2 x spam share) / QUALITY_FULL, clipped to 0..1 (full marks
  once half the comments are substantive and none is spam);
- sentiment = (mean compound + 1) / 2, only where some comments were measured;
- intent = purchase-intent share / INTENT_FULL, clipped;
- responsiveness = reply share / REPLY_FULL, clipped, only where there were threads;
- their weighted mean (PART_WEIGHTS) over the parts that are measured, then x POD_FACTOR for a
  likely pod member and x (1 - ad fatigue), ad fatigue = FATIGUE_MAX x how far the sponsored
  share is past FATIGUE_SHARE (full at FATIGUE_SHARE_FULL) x how far the sponsored ER falls
  below the organic one past FATIGUE_DROP (full at FATIGUE_DROP_FULL).
With fewer than MIN_TEXT_COMMENTS comments with text by others it is unknown (NaN): the match
total then leaves the component out and shares its weight over the measured ones
(effective_weight_shares), instead of a neutral 0.5 that would look measured.

Organic affinity (0..1): per kind of term mentioned on unpaid posts (brand 1, competitor 0.5,
niche 0.25) its weight halved per year since that kind's last mention; the largest one. A
creator without unpaid mentions has 0 (nothing to reward: the component is a bonus, small by
weight, never redistributed).

Pure pandas: the inputs are frames and series indexed by creator id.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_TEXT_COMMENTS = 10
QUALITY_FULL = 0.5
SPAM_PENALTY = 2.0
INTENT_FULL = 0.10
REPLY_FULL = 0.5
PART_WEIGHTS = {"quality": 0.4, "sentiment": 0.2, "intent": 0.2, "responsiveness": 0.2}
POD_FACTOR = 0.5
FATIGUE_MAX = 0.44
FATIGUE_SHARE = 0.2
FATIGUE_SHARE_FULL = 0.6
FATIGUE_DROP = 0.2
FATIGUE_DROP_FULL = 0.6

AFFINITY_WEIGHTS = {"brand": 1.0, "competitor": 0.5, "niche": 0.25}
AFFINITY_HALF_LIFE_DAYS = 365.25

# The CreatorReaction fields audience_reaction() reads.
REACTION_FIELDS = [
    "text_comments_n",
    "substantive_share",
    "spam_share",
    "intent_share",
    "sentiment_mean",
    "sentiment_n",
    "threads_n",
    "reply_share",
    "pod",
    "sponsored_share",
    "er_sponsored",
    "er_organic",
]


def _num(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def _ramp(value: pd.Series, start: float, full: float) -> pd.Series:
    """0 at or below `start`, 1 at or above `full`, linear between (0 where unknown)."""
    return ((value - start) / (full - start)).clip(0, 1).fillna(0.0)


def ad_fatigue(reaction: pd.DataFrame) -> pd.Series:
    """Per creator the share taken off (0..FATIGUE_MAX): a high sponsored share whose
    sponsored posts engage well below the organic ones. 0 where either is unknown."""
    share = _num(reaction, "sponsored_share")
    sponsored, organic = _num(reaction, "er_sponsored"), _num(reaction, "er_organic")
    drop = 1 - sponsored / organic.where(organic > 0)
    fatigue = (
        FATIGUE_MAX
        * _ramp(share, FATIGUE_SHARE, FATIGUE_SHARE_FULL)
        * _ramp(drop, FATIGUE_DROP, FATIGUE_DROP_FULL)
    )
    return fatigue.astype(float)


def audience_reaction(reaction: pd.DataFrame) -> pd.DataFrame:
    """reaction: REACTION_FIELDS indexed by creator id (NaN rows: no CreatorReaction).

    Returns, indexed like it: audience_reaction (NaN: unknown), its parts quality, sentiment,
    intent, responsiveness (NaN where not measured), pod (bool), ad_fatigue (0..FATIGUE_MAX)
    and text_comments_n (int)."""
    n = _num(reaction, "text_comments_n").fillna(0)
    measured = n >= MIN_TEXT_COMMENTS
    quality = (
        (
            _num(reaction, "substantive_share")
            - SPAM_PENALTY * _num(reaction, "spam_share").fillna(0)
        )
        / QUALITY_FULL
    ).clip(0, 1)
    has_sentiment = _num(reaction, "sentiment_n").fillna(0) > 0
    sentiment = ((_num(reaction, "sentiment_mean") + 1) / 2).clip(0, 1).where(has_sentiment)
    intent = (_num(reaction, "intent_share") / INTENT_FULL).clip(0, 1)
    has_threads = _num(reaction, "threads_n").fillna(0) > 0
    responsiveness = (_num(reaction, "reply_share") / REPLY_FULL).clip(0, 1).where(has_threads)
    parts = pd.DataFrame(
        {
            "quality": quality,
            "sentiment": sentiment,
            "intent": intent,
            "responsiveness": responsiveness,
        },
        index=reaction.index,
    )
    parts = parts.where(pd.DataFrame(dict.fromkeys(parts.columns, measured)))
    weights = pd.Series(PART_WEIGHTS)
    known = parts.notna()
    weight_sum = known.mul(weights, axis=1).sum(axis=1)
    base = parts.fillna(0).mul(weights, axis=1).sum(axis=1) / weight_sum.where(weight_sum > 0)
    pod = reaction["pod"].eq(True)
    fatigue = ad_fatigue(reaction)
    value = base * np.where(pod, POD_FACTOR, 1.0) * (1 - fatigue)
    out = parts.copy()
    out["audience_reaction"] = value.where(measured).clip(0, 1)
    out["pod"] = pod.to_numpy(dtype=bool)
    out["ad_fatigue"] = fatigue.to_numpy(dtype=float)
    out["text_comments_n"] = n.astype("int64")
    return out


def organic_affinity_score(affinity: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """affinity: per creator id <kind>_n and last_<kind> (the last mention's timestamp, NaT
    without) for each AFFINITY_WEIGHTS kind. Per creator 0..1: the largest kind weight x
    0.5 ** (years since that kind's last mention); 0 without a mention."""
    best = pd.Series(0.0, index=affinity.index)
    as_of = pd.Timestamp(as_of)
    for kind, weight in AFFINITY_WEIGHTS.items():
        last = pd.to_datetime(affinity[f"last_{kind}"], utc=True)
        count = pd.to_numeric(affinity[f"{kind}_n"], errors="coerce").fillna(0)
        days = ((as_of - last).dt.total_seconds() / 86_400).clip(lower=0)
        value = (weight * 0.5 ** (days / AFFINITY_HALF_LIFE_DAYS)).where(count > 0).fillna(0.0)
        best = np.maximum(best, value)
    return best.astype(float).clip(0, 1)


def effective_weight_shares(
    weights: dict[str, float], names, unknown: pd.DataFrame
) -> pd.DataFrame:
    """Per row the weight share of each component (columns `names`): the campaign's weight
    divided by the sum of the weights of the components measured on that row; a component
    that is unknown on the row (`unknown`: bool columns for the components that can be) gets
    0. Rows where every weighted component is unknown keep the plain shares."""
    index = unknown.index
    raw = {name: np.full(len(index), float(weights.get(name, 0.0))) for name in names}
    for name in unknown.columns:
        raw[name] = np.where(unknown[name].to_numpy(dtype=bool), 0.0, raw[name])
    # Summed column by column, in `names` order: the same figure whatever the row count
    # (a row-wise reduction may group the additions differently by the frame's shape).
    total = np.zeros(len(index))
    for name in names:
        total = total + raw[name]
    plain = 0.0
    for name in names:
        plain += float(weights.get(name, 0.0))
    if plain <= 0:
        raise ValueError("At least one weight must be above zero.")
    out = pd.DataFrame(index=index)
    safe = np.where(total > 0, total, plain)
    for name in names:
        plain_share = float(weights.get(name, 0.0)) / plain
        out[name] = np.where(total > 0, raw[name] / safe, plain_share)
    return out

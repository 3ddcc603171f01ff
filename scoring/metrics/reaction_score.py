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


def _num(frame: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def _ramp(value: np.ndarray, start: float, full: float) -> np.ndarray:
    """0 at or below `start`, 1 at or above `full`, linear between (0 where unknown)."""
    return np.nan_to_num(np.clip((value - start) / (full - start), 0, 1), nan=0.0)


def ad_fatigue(reaction: pd.DataFrame) -> pd.Series:
    """Per creator the share taken off (0..FATIGUE_MAX): a high sponsored share whose
    sponsored posts engage well below the organic ones. 0 where either is unknown."""
    share = _num(reaction, "sponsored_share")
    sponsored, organic = _num(reaction, "er_sponsored"), _num(reaction, "er_organic")
    with np.errstate(divide="ignore", invalid="ignore"):
        drop = 1 - sponsored / np.where(organic > 0, organic, np.nan)
    fatigue = (
        FATIGUE_MAX
        * _ramp(share, FATIGUE_SHARE, FATIGUE_SHARE_FULL)
        * _ramp(drop, FATIGUE_DROP, FATIGUE_DROP_FULL)
    )
    return pd.Series(fatigue, index=reaction.index, dtype=float)


def audience_reaction(reaction: pd.DataFrame) -> pd.DataFrame:
    """reaction: REACTION_FIELDS indexed by creator id (NaN rows: no CreatorReaction).

    Returns, indexed like it: audience_reaction (NaN: unknown), its parts quality, sentiment,
    intent, responsiveness (NaN where not measured), pod (bool), ad_fatigue (0..FATIGUE_MAX)
    and text_comments_n (int). Column-wise numpy: it runs once per chunk of candidates."""
    n = np.nan_to_num(_num(reaction, "text_comments_n"), nan=0.0)
    measured = n >= MIN_TEXT_COMMENTS
    spam = np.nan_to_num(_num(reaction, "spam_share"), nan=0.0)
    has_sentiment = np.nan_to_num(_num(reaction, "sentiment_n"), nan=0.0) > 0
    has_threads = np.nan_to_num(_num(reaction, "threads_n"), nan=0.0) > 0
    parts = {
        "quality": np.clip(
            (_num(reaction, "substantive_share") - SPAM_PENALTY * spam) / QUALITY_FULL, 0, 1
        ),
        "sentiment": np.where(
            has_sentiment, np.clip((_num(reaction, "sentiment_mean") + 1) / 2, 0, 1), np.nan
        ),
        "intent": np.clip(_num(reaction, "intent_share") / INTENT_FULL, 0, 1),
        "responsiveness": np.where(
            has_threads, np.clip(_num(reaction, "reply_share") / REPLY_FULL, 0, 1), np.nan
        ),
    }
    weighted = np.zeros(len(n))
    weight_sum = np.zeros(len(n))
    for name, weight in PART_WEIGHTS.items():
        parts[name] = np.where(measured, parts[name], np.nan)
        known = ~np.isnan(parts[name])
        weighted = weighted + np.where(known, parts[name] * weight, 0.0)
        weight_sum = weight_sum + np.where(known, weight, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        base = np.where(weight_sum > 0, weighted / weight_sum, np.nan)
    pod = reaction["pod"].eq(True).to_numpy(dtype=bool)
    fatigue = ad_fatigue(reaction).to_numpy()
    value = base * np.where(pod, POD_FACTOR, 1.0) * (1 - fatigue)
    return pd.DataFrame(
        {
            **parts,
            "audience_reaction": np.clip(np.where(measured, value, np.nan), 0, 1),
            "pod": pod,
            "ad_fatigue": fatigue,
            "text_comments_n": n.astype(np.int64),
        },
        index=reaction.index,
    )


def organic_affinity_score(affinity: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """affinity: per creator id <kind>_n and last_<kind> (the last mention's timestamp, NaT
    without) for each AFFINITY_WEIGHTS kind. Per creator 0..1: the largest kind weight x
    0.5 ** (years since that kind's last mention); 0 without a mention."""
    best = np.zeros(len(affinity))
    as_of = pd.Timestamp(as_of)
    as_of = as_of.tz_localize("UTC") if as_of.tzinfo is None else as_of.tz_convert("UTC")
    now = as_of.to_datetime64().astype("datetime64[ns]").astype(np.int64) / 1e9
    for kind, weight in AFFINITY_WEIGHTS.items():
        last = pd.to_datetime(affinity[f"last_{kind}"], utc=True)
        seconds = last.to_numpy(dtype="datetime64[ns]").astype(np.int64) / 1e9
        count = np.nan_to_num(_num(affinity, f"{kind}_n"), nan=0.0)
        found = (count > 0) & ~last.isna().to_numpy()
        days = np.clip((now - seconds) / 86_400, 0, None)
        value = np.where(found, weight * 0.5 ** (days / AFFINITY_HALF_LIFE_DAYS), 0.0)
        best = np.maximum(best, value)
    return pd.Series(np.clip(best, 0, 1), index=affinity.index, dtype=float)


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
    safe = np.where(total > 0, total, plain)
    return pd.DataFrame(
        {
            name: np.where(total > 0, raw[name] / safe, float(weights.get(name, 0.0)) / plain)
            for name in names
        },
        index=index,
    )

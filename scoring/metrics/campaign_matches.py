"""A MatchScore row per candidate of a campaign, from frames of the candidates, their stored
metrics and audience reaction, categories, hashtags, audience sums, unpaid mentions and the
organisation's track record: the components, the weighted total and rank, and the inputs the
breakdown shows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.components import COMPONENTS
from scoring.metrics.audience import audience_fit_from_sums
from scoring.metrics.cost import cost_efficiency
from scoring.metrics.match import match_total
from scoring.metrics.niche import niche_fit
from scoring.metrics.reaction_score import (
    AFFINITY_WEIGHTS,
    REACTION_FIELDS,
    audience_reaction,
    organic_affinity_score,
)
from scoring.metrics.relevance import audience_gate, niche_gate
from scoring.metrics.track_record import track_record

# The audience dimensions a campaign can target, in the order of their share_<dim> columns.
AUDIENCE_DIMENSIONS = ("country", "age", "gender", "language", "interest")
# Columns of the frames campaign_matches() takes.
CANDIDATE_FIELDS = ["id", "followers", "bio", "quoted_price"]
METRICS_FIELDS = [
    "creator_id",
    "tier",
    "er_median",
    "er_percentile",
    "authenticity_score",
    "estimated_price",
    "price_is_estimate",
]


# Per kind of term: mentions (unpaid posts) and the last one, what organic_affinity_score reads.
AFFINITY_FIELDS = [column for kind in AFFINITY_WEIGHTS for column in (f"{kind}_n", f"last_{kind}")]


def empty_reaction(ids) -> pd.DataFrame:
    """REACTION_FIELDS for candidates without a CreatorReaction: every figure unknown."""
    return pd.DataFrame(np.nan, index=pd.Index(ids), columns=REACTION_FIELDS, dtype=object)


def empty_affinity(ids) -> pd.DataFrame:
    """AFFINITY_FIELDS for candidates without a mention."""
    out = pd.DataFrame(index=pd.Index(ids))
    for kind in AFFINITY_WEIGHTS:
        out[f"{kind}_n"] = 0
        out[f"last_{kind}"] = pd.NaT
    return out


def epoch_seconds(values: pd.Series) -> np.ndarray:
    """Timestamps (UTC, NaT for none) as float seconds since the epoch, NaN for none."""
    stamps = pd.to_datetime(values, utc=True)
    out = stamps.to_numpy(dtype="datetime64[ns]").astype(np.int64) / 1e9
    return np.where(stamps.isna().to_numpy(), np.nan, out)


def _flags(series: pd.Series) -> pd.Series:
    """Booleans read from a nullable column: True/False, None where NULL."""
    mapped = series.map({True: True, False: False, "t": True, "f": False, "True": True})
    return mapped.astype(object).where(mapped.notna(), None)


def campaign_matches(
    *,
    campaign_id: int,
    candidates: pd.DataFrame,
    metrics: pd.DataFrame,
    hashtags: pd.Series,
    categories: pd.DataFrame,
    audience_sums: pd.DataFrame,
    targets: dict[str, list[str]],
    history: pd.DataFrame,
    brand_id: int,
    niche_ids: list[int],
    keywords: list[str],
    excluded_keywords: list[str],
    weights: dict[str, float],
    audience_averages: dict[str, float] | None = None,
    reaction: pd.DataFrame | None = None,
    affinity: pd.DataFrame | None = None,
    as_of: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """MatchScore rows (without run/computed_at), one per candidate, in the candidates' order.

    candidates: CANDIDATE_FIELDS indexed by id; metrics (METRICS_FIELDS but creator_id, numbers
    as floats) and hashtags (all of a candidate's hashtags as one text) indexed like the
    candidates, NaN where a candidate has none; categories: (creator_id, category_id) pairs;
    audience_sums: per candidate and targeted dimension its total and inside shares; history:
    scoring.metrics.track_record's frame. attrs["weight_share"] holds the weight shares,
    attrs["dims"] the targeted dimensions estimated_dims_mask's bits stand for.
    audience_averages: per targeted dimension the share given to candidates without data
    there (the average of those with data: of these candidates when not given); rank is the
    order among these candidates (scoring.metrics.top_matches ranks chunks globally).
    reaction: REACTION_FIELDS indexed like the candidates (NaN: no CreatorReaction; None:
    none for anyone); affinity: AFFINITY_FIELDS indexed like them (None: no mentions);
    as_of: the moment mentions age from (now when None)."""
    ids = candidates.index
    niche_in = pd.DataFrame(
        {
            "id": ids,
            "text": (
                candidates["bio"].fillna("").astype(str) + " " + hashtags.fillna("")
            ).to_numpy(),
        }
    )
    niche = niche_fit(
        niche_in,
        niche_ids=niche_ids,
        keywords=keywords,
        excluded=excluded_keywords,
        categories=categories,
    )
    audience = audience_fit_from_sums(ids, audience_sums, targets, audience_averages)
    record = track_record(ids, history, brand_id=brand_id)
    followers = pd.to_numeric(candidates["followers"], errors="coerce").astype(float)
    price = metrics["estimated_price"]
    components = pd.DataFrame(index=ids)
    components["audience_fit"] = audience["audience_fit"]
    components["niche_fit"] = niche["niche_fit"]
    # Without metrics yet, engagement and authenticity are neutral and marked estimated.
    components["engagement"] = metrics["er_percentile"].fillna(0.5)
    components["authenticity"] = (metrics["authenticity_score"] / 100).fillna(0.5)
    components["cost_efficiency"] = cost_efficiency(
        followers, metrics["er_median"], price.fillna(np.inf)
    )
    components["track_record"] = record["track_record"]
    components = components.astype(float).fillna(0.5).clip(0, 1)
    # Unknown stays NaN (match_total shares its weight out), never a neutral 0.5.
    reaction = empty_reaction(ids) if reaction is None else reaction.reindex(ids)
    reacted = audience_reaction(reaction)
    components["audience_reaction"] = reacted["audience_reaction"].astype(float)
    affinity = empty_affinity(ids) if affinity is None else affinity.reindex(ids)
    for kind in AFFINITY_WEIGHTS:
        affinity[f"{kind}_n"] = affinity[f"{kind}_n"].fillna(0)
    as_of = pd.Timestamp.now(tz="UTC") if as_of is None else pd.Timestamp(as_of)
    components["organic_affinity"] = organic_affinity_score(affinity, as_of)
    components = components[list(COMPONENTS)]
    dims = [dim for dim, buckets in targets.items() if buckets]
    gate_audience = audience_gate(components["audience_fit"], len(dims))
    gate_niche = niche_gate(
        niche["category_match"],
        niche["keyword_share"],
        has_niches=bool(niche_ids),
        has_keywords=bool([k for k in keywords or [] if str(k).strip()]),
    )
    scored = match_total(components, weights, gate=gate_audience * gate_niche)
    # The columns are gathered first and framed once (a column added at a time to a frame
    # costs ~0.5 ms each, per chunk).
    n = len(ids)
    out = {
        "campaign_id": np.full(n, campaign_id, dtype=np.int64),
        "creator_id": np.asarray(ids),
        "rank": scored["rank"].astype(int).to_numpy(),
        "total": scored["total"].to_numpy(),
    }
    for name in COMPONENTS:
        out[name] = scored[name].to_numpy()
    out["weighted_mean"] = scored["weighted_mean"].to_numpy()
    # The audience reaction's inputs (what its sentence on the why page says).
    out["reaction_comments_n"] = reacted["text_comments_n"].to_numpy(dtype=np.int64)
    for column in ("substantive_share", "spam_share", "intent_share", "sentiment_mean"):
        out[column] = pd.to_numeric(reaction[column], errors="coerce").to_numpy(dtype=float)
    out["sentiment_n"] = (
        pd.to_numeric(reaction["sentiment_n"], errors="coerce").fillna(0).to_numpy(dtype=np.int64)
    )
    out["reply_share"] = pd.to_numeric(reaction["reply_share"], errors="coerce").to_numpy(
        dtype=float
    )
    out["reaction_pod"] = reacted["pod"].to_numpy(dtype=bool)
    out["ad_fatigue"] = reacted["ad_fatigue"].to_numpy(dtype=float)
    # Organic affinity's: unpaid mentions per kind and the last of all.
    for kind in AFFINITY_WEIGHTS:
        out[f"{kind}_mentions_n"] = affinity[f"{kind}_n"].to_numpy(dtype=np.int64)
    # As seconds since the epoch (NaN without): the binary COPY carries numbers only.
    out["last_mention"] = np.fmax.reduce(
        [epoch_seconds(affinity[f"last_{kind}"]) for kind in AFFINITY_WEIGHTS]
    )
    out["audience_gate"] = np.asarray(gate_audience, dtype=float)
    out["niche_gate"] = np.asarray(gate_niche, dtype=float)
    # Per targeted dimension the share of the audience inside the target (NaN untargeted).
    for dim in AUDIENCE_DIMENSIONS:
        column = audience.get(f"s_{dim}")
        out[f"share_{dim}"] = np.full(n, np.nan) if column is None else column.to_numpy(float)
    out["target_reach"] = (followers * audience["audience_fit"]).to_numpy()
    out["excluded"] = niche["excluded"].astype(bool).to_numpy()
    # What the components were computed from (MatchScore.breakdown() shows them). The
    # estimated audience dimensions travel as a bit mask over attrs["dims"].
    mask = np.zeros(len(ids), dtype=np.int64)
    for bit, dim in enumerate(dims):
        mask |= audience[f"estimated_{dim}"].to_numpy(dtype=bool).astype(np.int64) << bit
    out["estimated_dims_mask"] = mask
    out["category_match"] = niche["category_match"].to_numpy(dtype=float)
    out["keyword_share"] = niche["keyword_share"].to_numpy(dtype=float)
    out["er_median"] = metrics["er_median"].to_numpy(dtype=float)
    out["authenticity_score"] = metrics["authenticity_score"].to_numpy(dtype=float)
    out["price"] = price.to_numpy(dtype=float)
    out["past_deliverables"] = record["n"].to_numpy(dtype=np.int64)
    out["engagement_estimated"] = metrics["er_percentile"].isna().to_numpy()
    out["price_estimated"] = (~_flags(metrics["price_is_estimate"]).eq(False)).to_numpy(dtype=bool)
    out = pd.DataFrame(out)
    weight_sum = sum(weights.values())
    out.attrs["weight_share"] = {n: float(weights.get(n, 0) / weight_sum) for n in COMPONENTS}
    out.attrs["dims"] = dims
    return out

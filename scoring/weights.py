"""Match-score weights: the defaults per campaign objective and validation of custom weights."""

from __future__ import annotations

from scoring.components import COMPONENTS, UNKNOWN_ALLOWED

# DESIGN 4.5: awareness leans on audience fit/reach, engagement on ER, conversions on cost
# and track record. Each row sums to 1 so contributions read as shares of the total.
# Audience reaction weighs most where comments matter (engagement, conversions); organic
# affinity is a small bonus, larger for conversions (a creator who already uses the brand
# sells it best).
DEFAULT_WEIGHTS: dict[str, dict[str, float]] = {
    "awareness": {
        "audience_fit": 0.3,
        "niche_fit": 0.2,
        "engagement": 0.1,
        "authenticity": 0.15,
        "audience_reaction": 0.05,
        "cost_efficiency": 0.1,
        "track_record": 0.05,
        "organic_affinity": 0.05,
    },
    "engagement": {
        "audience_fit": 0.2,
        "niche_fit": 0.15,
        "engagement": 0.25,
        "authenticity": 0.1,
        "audience_reaction": 0.1,
        "cost_efficiency": 0.1,
        "track_record": 0.05,
        "organic_affinity": 0.05,
    },
    "conversions": {
        "audience_fit": 0.15,
        "niche_fit": 0.15,
        "engagement": 0.1,
        "authenticity": 0.1,
        "audience_reaction": 0.1,
        "cost_efficiency": 0.15,
        "track_record": 0.15,
        "organic_affinity": 0.1,
    },
}


# Weights are relative (divided by their sum); a bound keeps the sum finite.
MAX_WEIGHT = 1000


def validate_weights(weights: dict) -> dict[str, float]:
    """Return the weights as floats for every component; raise ValueError naming what is wrong.
    A component left out weighs 0: custom weights saved before a component existed keep
    ranking as they did."""
    if not isinstance(weights, dict):
        raise ValueError("Weights must be a mapping of component to number.")
    unknown = sorted(set(weights) - set(COMPONENTS))
    if unknown:
        raise ValueError(f"Unknown weight component(s): {', '.join(unknown)}.")
    out: dict[str, float] = {}
    for name in COMPONENTS:
        raw = weights.get(name, 0)
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"Weight for {name} must be a number, got {raw!r}.") from None
        if value != value or value < 0:
            raise ValueError(f"Weight for {name} must be zero or more, got {raw!r}.")
        if value > MAX_WEIGHT:
            raise ValueError(f"Weight for {name} must be at most {MAX_WEIGHT}, got {raw!r}.")
        out[name] = value
    if sum(out.values()) <= 0:
        raise ValueError("At least one weight must be above zero.")
    return out


def effective_weights(campaign) -> dict[str, float]:
    """The campaign's own weights when set and valid, else its objective's defaults."""
    if campaign.weights:
        try:
            return validate_weights(campaign.weights)
        except ValueError:
            pass
    return dict(DEFAULT_WEIGHTS.get(campaign.objective, DEFAULT_WEIGHTS["awareness"]))


def row_weight_shares(weights: dict, values: dict) -> dict[str, float]:
    """A stored row's weight share per component from its run's shares (`weights`): a
    component that may be unknown (UNKNOWN_ALLOWED) and is None in `values` gets 0 and the
    others share its weight (what scoring.metrics.match.match_total did for the row). Keys
    the run did not have (runs before a component existed) stay absent."""
    out = {name: float(share) for name, share in (weights or {}).items() if share is not None}
    gone = [name for name in UNKNOWN_ALLOWED if values.get(name) is None and out.get(name)]
    # Summed in COMPONENTS order: a run's shares come back from JSON in another key order.
    left = 0.0
    for name in COMPONENTS:
        if name in out and name not in gone:
            left += out[name]
    if not gone or left <= 0:
        return out
    return {name: (0.0 if name in gone else share / left) for name, share in out.items()}

"""Match-score weights: the defaults per campaign objective and validation of custom weights."""

from __future__ import annotations

from scoring.components import COMPONENTS

# DESIGN 4.5: awareness leans on audience fit/reach, engagement on ER, conversions on cost
# and track record. Each row sums to 1 so contributions read as shares of the total.
DEFAULT_WEIGHTS: dict[str, dict[str, float]] = {
    "awareness": {
        "audience_fit": 0.35,
        "niche_fit": 0.2,
        "engagement": 0.1,
        "authenticity": 0.15,
        "cost_efficiency": 0.15,
        "track_record": 0.05,
    },
    "engagement": {
        "audience_fit": 0.2,
        "niche_fit": 0.2,
        "engagement": 0.3,
        "authenticity": 0.15,
        "cost_efficiency": 0.1,
        "track_record": 0.05,
    },
    "conversions": {
        "audience_fit": 0.2,
        "niche_fit": 0.15,
        "engagement": 0.15,
        "authenticity": 0.15,
        "cost_efficiency": 0.2,
        "track_record": 0.15,
    },
}


# Weights are relative (divided by their sum); a bound keeps the sum finite.
MAX_WEIGHT = 1000


def validate_weights(weights: dict) -> dict[str, float]:
    """Return the weights as floats for every component; raise ValueError naming what is wrong."""
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

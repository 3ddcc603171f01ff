"""Pure outcome metrics: engagements, ER, cost metrics, EMV and predicted-vs-actual error.

Engagements are defined here once (likes + comments + shares + saves) for the results pages and
for the track-record component of the match score.

No ORM here: inputs are plain numbers (None = not measured). A missing input gives None (shown
as a dash), never zero, and a division by zero gives None too. Cost is the roster entry's agreed
fee. EMV is impressions / 1000 x the organisation's per-platform CPM, with nothing hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

ENGAGEMENT_FIELDS = ("likes", "comments", "shares", "saves")
SUM_FIELDS = (
    "reach",
    "impressions",
    "views",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "conversions",
    "revenue",
)
# The CPM an organisation starts with per platform (editable on its settings; shown on the page).
DEFAULT_EMV_CPM = {
    "instagram": 8.0,
    "tiktok": 6.0,
    "youtube": 10.0,
    "twitter": 5.0,
    "twitch": 7.0,
    "facebook": 6.0,
}


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def ratio(numerator: Any, denominator: Any, scale: float = 1.0) -> float | None:
    """numerator / denominator x scale; None when either is missing or the denominator is 0."""
    n, d = _num(numerator), _num(denominator)
    if n is None or d is None or d == 0:
        return None
    return n / d * scale


def engagements(reading: Mapping[str, Any]) -> float | None:
    """likes + comments + shares + saves; missing parts are skipped, all missing gives None."""
    parts = [_num(reading.get(k)) for k in ENGAGEMENT_FIELDS]
    present = [p for p in parts if p is not None]
    return sum(present) if present else None


def engagements_column(readings: pd.DataFrame) -> pd.Series:
    """engagements() for every row of a frame with the ENGAGEMENT_FIELDS columns: the same
    definition, vectorised (missing parts skipped, all missing gives NaN)."""
    parts = readings[list(ENGAGEMENT_FIELDS)].apply(pd.to_numeric, errors="coerce")
    return parts.astype(float).sum(axis=1, min_count=1)


def engagement_rate(
    engaged: float | None, reach: float | None, followers: float | None
) -> tuple[float | None, str | None]:
    """ER by reach where reach exists, else by followers; returns (rate, "reach"|"followers")."""
    if _num(reach):
        return ratio(engaged, reach), "reach"
    if _num(followers):
        return ratio(engaged, followers), "followers"
    return None, None


def emv(impressions: Any, cpm: Any) -> float | None:
    """Earned media value = impressions / 1000 x CPM of the platform."""
    per_thousand = ratio(impressions, 1000.0)
    if per_thousand is None or cpm is None:
        return None
    return per_thousand * float(cpm)


def sum_readings(readings: Iterable[Mapping[str, Any]]) -> dict[str, float | None]:
    """Field-wise sum over readings; a field no reading measured stays None (not 0)."""
    totals: dict[str, float | None] = dict.fromkeys(SUM_FIELDS)
    for r in readings:
        for k in SUM_FIELDS:
            v = _num(r.get(k))
            if v is not None:
                totals[k] = (totals[k] or 0.0) + v
    return totals


def cost_metrics(
    *,
    cost: Any,
    totals: Mapping[str, Any],
    followers: Any = None,
    unique_reach: Any = None,
    emv_value: Any = None,
) -> dict[str, Any]:
    """Every outcome metric for one deliverable, creator or campaign from its summed readings."""
    engaged = engagements(totals)
    er, er_basis = engagement_rate(engaged, totals.get("reach"), followers)
    return {
        "cost": _num(cost),
        "reach": _num(totals.get("reach")),
        "impressions": _num(totals.get("impressions")),
        "views": _num(totals.get("views")),
        "engagements": engaged,
        "clicks": _num(totals.get("clicks")),
        "conversions": _num(totals.get("conversions")),
        "revenue": _num(totals.get("revenue")),
        "er": er,
        "er_basis": er_basis,
        "cpm": ratio(cost, totals.get("impressions"), 1000.0),
        "cpe": ratio(cost, engaged),
        "cpc": ratio(cost, totals.get("clicks")),
        "cpa": ratio(cost, totals.get("conversions")),
        "roas": ratio(totals.get("revenue"), cost),
        "unique_reach": _num(unique_reach),
        "cost_per_unique": ratio(cost, unique_reach),
        "emv": _num(emv_value),
    }


def prediction_error(pairs: Sequence[tuple[Any, Any]]) -> dict[str, float | None]:
    """MAPE and bias of (predicted, actual) pairs; pairs with a missing side or actual 0 skipped.

    MAPE = mean |actual - predicted| / actual; bias = mean (predicted - actual) / actual, so a
    positive bias means predictions ran high.
    """
    errors = [
        (float(p) - float(a)) / float(a)
        for p, a in pairs
        if p is not None and a is not None and float(a) != 0
    ]
    if not errors:
        return {"mape": None, "bias": None, "n": 0}
    return {
        "mape": sum(abs(e) for e in errors) / len(errors),
        "bias": sum(errors) / len(errors),
        "n": len(errors),
    }

"""Profile-level engagement as exports give it ("Engagement avg", "Authentic engagement": the
average engagements per post), turned into the source's engagement rate: the rate the
scoring's engagement fallback reads when a creator has too few posts
(scoring.metrics.engagement, er_from_profile). A rate in the file wins; an average larger
than the follower count says nothing (left empty)."""

from __future__ import annotations

import pandas as pd

# Fields of the profiles kind that are read but not stored as they are.
AVERAGE_FIELDS = ("avg_engagements", "authentic_engagements")


def rate_from_averages(frame: pd.DataFrame) -> pd.DataFrame:
    """reported_engagement_rate filled from avg_engagements (else authentic_engagements) /
    followers, where the file gives no rate; the average columns dropped."""
    present = [c for c in AVERAGE_FIELDS if c in frame]
    if not present:
        return frame
    average = pd.Series(float("nan"), index=frame.index)
    for column in present:
        average = average.fillna(pd.to_numeric(frame[column], errors="coerce"))
    followers = pd.to_numeric(frame["followers"], errors="coerce").astype(float)
    rate = (average / followers.where(followers > 0)).where(lambda r: r <= 1)
    if "reported_engagement_rate" in frame:
        given = pd.to_numeric(frame["reported_engagement_rate"], errors="coerce")
        rate = given.fillna(rate)
    rate = rate.astype(object).where(rate.notna(), None)
    return frame.drop(columns=present).assign(reported_engagement_rate=rate)

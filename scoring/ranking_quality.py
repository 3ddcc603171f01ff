"""Ranking quality, measured: for a campaign with target countries and niches, how many of its
top matches have target audience (some of the audience inside the target in every targeted
dimension the creator has data for: countries, ages, genders, languages, interests) and match
its niches (a category of the campaign's, or one of its keywords in the bio or hashtags).

Measured from the catalogue (audience shares, categories, bios, hashtags), not from the scores
being judged; `manage.py ranking_quality` prints it for every such campaign.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from campaigns.models import Campaign
from creators.models import Creator
from matchmaker.lib.pgcopy import read_frame
from scoring.metrics.niche import niche_fit
from scoring.models import MatchScore
from scoring.services.matches import (
    campaign_candidates,
    campaign_targets,
    candidate_audience_sums,
    hashtag_text,
)

TOP = 20


@dataclass(frozen=True)
class RankingQuality:
    """One campaign's figures. `relevant`: candidates with target audience and a niche match;
    the top's shares are of the `top` creators shown (fewer when the campaign has fewer)."""

    campaign_id: int
    campaign: str
    candidates: int
    with_audience: int
    with_niche: int
    relevant: int
    fitting: int
    top: int
    top_audience: int
    top_niche: int
    top_relevant: int
    top_zero_fit: int

    @property
    def meets_target(self) -> bool:
        """No creator with audience fit 0 in the top while fitting ones are left out, and at least
        80% of the top niche matches when enough candidates are relevant (else every relevant
        candidate in the top)."""
        if self.top_zero_fit > max(0, self.top - self.fitting):
            return False
        if self.relevant >= self.top:
            return self.top_niche * 10 >= self.top * 8
        return self.top_relevant == self.relevant

    def line(self) -> str:
        def share(n: int) -> str:
            return f"{n}/{self.top} ({n / self.top:.0%})" if self.top else "0/0"

        return (
            f"{self.campaign} (#{self.campaign_id}): {self.candidates} candidates,"
            f" {self.with_audience} with target audience, {self.with_niche} niche matches,"
            f" {self.relevant} both, {self.fitting} with audience fit above 0. Top {self.top}: target audience {share(self.top_audience)},"
            f" niche {share(self.top_niche)}, both {share(self.top_relevant)},"
            f" audience fit 0: {self.top_zero_fit}."
            + ("" if self.meets_target else " BELOW TARGET")
        )


def top_relevance(
    ranked: pd.DataFrame, audience_ids: set[int], niche_ids: set[int], *, top: int = TOP
) -> dict[str, int]:
    """ranked: creator_id and audience_fit in rank order (every candidate). Counts of the whole
    and of its first `top` rows with target audience, niche match, both, and zero fit."""
    ids = ranked["creator_id"].astype(int)
    has_audience = ids.isin(audience_ids)
    has_niche = ids.isin(niche_ids)
    head = slice(0, top)
    return {
        "candidates": len(ranked),
        "with_audience": int(has_audience.sum()),
        "with_niche": int(has_niche.sum()),
        "relevant": int((has_audience & has_niche).sum()),
        "fitting": int((ranked["audience_fit"].astype(float) > 0).sum()),
        "top": min(top, len(ranked)),
        "top_audience": int(has_audience.iloc[head].sum()),
        "top_niche": int(has_niche.iloc[head].sum()),
        "top_relevant": int((has_audience & has_niche).iloc[head].sum()),
        "top_zero_fit": int((ranked["audience_fit"].iloc[head].astype(float) <= 0).sum()),
    }


def _with_target_audience(candidates, targets: dict[str, list[str]]) -> set[int]:
    """Candidates with some audience inside the target in every targeted dimension they have
    data for (and data for at least one)."""
    sums = candidate_audience_sums(candidates, targets)
    if sums.empty:
        return set()
    inside = sums.assign(hit=sums["inside"].astype(float) > 0).groupby("creator_id")["hit"]
    return set(inside.all().index[inside.all()])


def _niche_matches(candidates, campaign: Campaign) -> set[int]:
    profiles = read_frame(candidates.order_by(), ["id", "bio"]).set_index("id")
    text = (
        profiles["bio"].fillna("").astype(str)
        + " "
        + hashtag_text(candidates).reindex(profiles.index).fillna("")
    )
    categories = read_frame(
        Creator.categories.through.objects.filter(creator__in=candidates),
        ["creator_id", "category_id"],
    )
    niche_ids = list(campaign.niches.values_list("id", flat=True))
    fit = niche_fit(
        pd.DataFrame({"id": profiles.index, "text": text.to_numpy()}),
        niche_ids=niche_ids,
        keywords=campaign.keywords,
        excluded=[],
        categories=categories,
    )
    hit = pd.Series(False, index=fit.index)
    if niche_ids:
        hit |= fit["category_match"] > 0
    if campaign.keywords:
        hit |= fit["keyword_share"] > 0
    return set(fit.index[hit])


def campaign_ranking_quality(campaign: Campaign, *, top: int = TOP) -> RankingQuality:
    """The figures for one campaign, over its stored matches (the last completed run)."""
    candidates = campaign_candidates(campaign)
    ranked = read_frame(
        MatchScore.objects.filter(campaign=campaign).order_by("rank"),
        ["creator_id", "audience_fit"],
    )
    counts = top_relevance(
        ranked,
        _with_target_audience(candidates, campaign_targets(campaign)),
        _niche_matches(candidates, campaign),
        top=top,
    )
    return RankingQuality(campaign_id=campaign.pk, campaign=campaign.name, **counts)


def ranking_quality(campaigns=None, *, top: int = TOP) -> list[RankingQuality]:
    """The figures for every campaign with target countries and niches (or those given)."""
    if campaigns is None:
        campaigns = (
            Campaign.objects.exclude(target_countries=[])
            .filter(niches__isnull=False)
            .distinct()
            .order_by("pk")
        )
    return [campaign_ranking_quality(c, top=top) for c in campaigns]

"""Scoring reads: the last completed run and a campaign's matches from it."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from scoring.breakdown import explain_match
from scoring.models import MatchScore, ScoreRun


def latest_run(kind: str, campaign=None) -> ScoreRun | None:
    """The last succeeded ScoreRun of `kind` (for `campaign` when given)."""
    runs = ScoreRun.objects.filter(kind=kind, status=ScoreRun.Status.SUCCEEDED)
    if campaign is not None:
        runs = runs.filter(campaign=campaign)
    return runs.order_by("-finished_at", "-pk").first()


def campaign_matches(campaign) -> QuerySet[MatchScore]:
    """The campaign's MatchScores in rank order with creator and metrics joined. Rows are
    replaced in one transaction per run, so this is always exactly the last completed run."""
    return (
        MatchScore.objects.filter(campaign=campaign)
        .select_related("creator", "creator__metrics")
        .order_by("rank")
    )


def match_explanation(*, campaign, creator_id: int) -> dict:
    """The why page of one match (404 when the creator has no match in the campaign): the
    match with its creator and metrics, and scoring.breakdown.explain_match()'s explanation."""
    match = get_object_or_404(
        MatchScore.objects.select_related("creator", "creator__metrics", "run"),
        campaign=campaign,
        creator_id=creator_id,
    )
    return {"match": match, **explain_match(match, campaign)}

"""Scoring reads: the last completed run, a campaign's matches from it, and the creator
profile's audience-reaction panel."""

from __future__ import annotations

from datetime import date

import pandas as pd
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Aggregate, Count, FloatField, QuerySet
from django.http import Http404

from creators.models import Comment
from scoring.breakdown import explain_match
from scoring.metrics import affinity, mention_timeline
from scoring.metrics.comment_text import classify_comments
from scoring.metrics.engagement import recent_posts
from scoring.models import CreatorReaction, MatchScore, ScoreRun
from scoring.reaction_explain import COHORT_FIELDS, reaction_lines
from scoring.services.match_on_demand import on_demand_match


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


def stored_or_on_demand_match(*, campaign, creator_id: int) -> MatchScore:
    """The creator's stored match in the campaign, else - when the last completed run scored
    the creator but stored only its best N - the match computed on demand
    (scoring.services.match_on_demand: unsaved, rank None). 404 when the creator is not a
    candidate or nothing was computed yet."""
    match = (
        MatchScore.objects.select_related("creator", "creator__metrics", "run")
        .filter(campaign=campaign, creator_id=creator_id)
        .first()
    )
    if match is not None:
        return match
    run = latest_run(ScoreRun.Kind.CAMPAIGN_MATCHES, campaign)
    if run is None or not run.matches_capped:
        raise Http404("No match for this creator in this campaign.")
    match = on_demand_match(campaign=campaign, creator_id=creator_id, run=run)
    if match is None:
        raise Http404("No match for this creator in this campaign.")
    return match


def match_explanation(*, campaign, creator_id: int) -> dict:
    """The why page of one match (404 when the creator has no match in the campaign): the
    match with its creator and metrics, and scoring.breakdown.explain_match()'s explanation.
    A creator outside the stored best N is computed on demand (`stored` False) and the page
    says so with the run's `stored_max` and `candidates_total`."""
    match = stored_or_on_demand_match(campaign=campaign, creator_id=creator_id)
    stored = match.pk is not None
    cohort = reaction_cohort(match.creator)[0] if match.audience_reaction is not None else {}
    return {
        "match": match,
        "stored": stored,
        "stored_max": None if stored else match.run.matches_stored,
        "candidates_total": None if stored else match.run.candidates_total,
        **explain_match(match, campaign, reaction_cohort=cohort or None),
    }


# ---------------------------------------------------------------- the profile's reaction panel

SAMPLE_SIZE = 3  # comments shown per kind
SAMPLE_READ = 300  # the newest window comments classified for the samples
COHORT_MIN = 5  # similar accounts needed before their median is shown


class _Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def pseudonym(commenter_key: str) -> str:
    """A commenter as the page names them: "Commenter 3f9a" (the key's first 4 hex digits;
    the key is already a keyed hash, never the handle)."""
    return f"Commenter {(commenter_key or '????')[:4]}"


def reaction_cohort(creator) -> tuple[dict, int]:
    """(the median per reaction_explain.COHORT_FIELDS, the number of accounts) over the other
    creators of the same platform and tier with comments; {} under COHORT_MIN accounts."""
    tier = getattr(getattr(creator, "metrics", None), "tier", None)
    rows = CreatorReaction.objects.filter(
        creator__platform=creator.platform, comments_n__gt=0
    ).exclude(creator=creator)
    if tier:
        rows = rows.filter(creator__metrics__tier=tier)
    medians = rows.aggregate(n=Count("pk"), **{f: _Median(f) for f in COHORT_FIELDS})
    n = medians.pop("n")
    return (medians if n >= COHORT_MIN else {}), n


def _window_posts(creator) -> pd.DataFrame:
    posts = pd.DataFrame.from_records(
        creator.posts.values(*affinity.POST_COLUMNS), columns=affinity.POST_COLUMNS
    )
    posts["posted_at"] = pd.to_datetime(posts["posted_at"], utc=True)
    return posts


def _samples(creator, window_ids: list[int]) -> dict[str, list[dict]]:
    rows = list(
        Comment.objects.filter(creator=creator, post_id__in=window_ids, is_creator_reply=False)
        .exclude(text="")
        .order_by("-created_at", "-pk")
        .values("text", "commenter_key")[:SAMPLE_READ]
    )
    out = {"substantive": [], "generic": []}
    if not rows:
        return out
    frame = pd.DataFrame(rows)
    labels = classify_comments(frame["text"])
    for kind in out:
        picked = frame[labels[kind].to_numpy()].head(SAMPLE_SIZE)
        out[kind] = [
            {"text": text, "author": pseudonym(key)}
            for text, key in zip(picked["text"], picked["commenter_key"], strict=True)
        ]
    return out


def _timeline(posts: pd.DataFrame, campaign) -> tuple[list[dict], list[str]]:
    if campaign is not None:
        brand = campaign.brand
        niche = list(campaign.keywords or []) or list(brand.keywords or [])
        mentions = affinity.organic_mentions(posts, brand.name, brand.competitors or [], niche)
        terms = [brand.name, *(brand.competitors or []), *niche]
    else:
        terms = mention_timeline.frequent_terms(posts)
        mentions = affinity.organic_mentions(posts, "", [], terms)
        shown = {t.lstrip("#@"): t for t in terms}
        mentions["term"] = mentions["term"].map(lambda t: shown.get(t, t))
        mentions["kind"] = mention_timeline.OWN
    monthly = mention_timeline.monthly_mentions(mentions)
    months = []
    for month, rows in monthly.groupby("month", sort=True):
        label = f"{date.fromisoformat(month + '-01'):%b %Y}"
        months.append({"month": label, "items": rows[["kind", "term", "n"]].to_dict("records")})
    return months, terms


def creator_reaction_panel(*, creator, campaign=None) -> dict:
    """The profile's "How the audience reacts" panel: reaction_explain's sentences (against
    similar accounts' medians), three substantive and three generic comments of the ER window
    (text and pseudonym only), and the unpaid posts' mentions per month: of the campaign's
    brand, competitors and keywords when opened for a campaign, else of the creator's own
    most frequent hashtags and handles."""
    try:
        reaction = creator.reaction
    except ObjectDoesNotExist:
        reaction = None
    with_comments = reaction is not None and (reaction.comments_n or reaction.text_comments_n)
    cohort, cohort_n = reaction_cohort(creator) if with_comments else ({}, 0)
    posts = _window_posts(creator)
    window_ids = [] if posts.empty else recent_posts(posts)["id"].astype(int).tolist()
    unpaid_n = int((~posts["is_sponsored"].eq(True)).sum()) if len(posts) else 0
    timeline, terms = _timeline(posts, campaign) if len(posts) else ([], [])
    return {
        "reaction": reaction,
        "lines": reaction_lines(reaction, cohort or None),
        "cohort_n": cohort_n if cohort else 0,
        "samples": _samples(creator, window_ids)
        if window_ids and reaction is not None and reaction.text_comments_n
        else {"substantive": [], "generic": []},
        "timeline": timeline,
        "terms": terms,
        "unpaid_n": unpaid_n,
        "campaign": campaign,
    }

"""Writes for audience overlap: recompute a campaign's pairwise overlaps (roster + top candidates)
into CreatorOverlap, rebuild sketches from stored samples, and propose a roster (optimiser)."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign, Objective, Stage
from campaigns.selectors import committed_fees, committed_total
from creators.models import AudienceSketch, Creator
from matchmaker.celery import delay_on_commit
from matchmaker.lib import sketches
from scoring.metrics import optimiser, overlap
from scoring.models import CreatorMetrics, CreatorOverlap, MatchScore, ScoreRun
from scoring.overlap_selectors import audiences, roster_creator_ids
from scoring.runs import score_run_fail, score_run_start

log = logging.getLogger(__name__)

# Candidates considered beside the roster: the campaign's best-ranked matches.
OVERLAP_TOP_N = 50
OPTIMISER_TOP_N = 500


def _candidate_ids(campaign: Campaign, top_n: int) -> list[int]:
    return list(
        MatchScore.objects.filter(campaign=campaign, excluded=False)
        .order_by("rank")
        .values_list("creator_id", flat=True)[:top_n]
    )


def _lock_campaign(campaign_id: int) -> Campaign | None:
    """The campaign row locked for the surrounding transaction, or None when it was deleted. A
    delete waits for the lock, so nothing written under it can point at a vanished campaign."""
    return Campaign.objects.select_for_update().filter(pk=campaign_id).first()


def recompute_overlaps(*, campaign_id: int, top_n: int = OVERLAP_TOP_N) -> ScoreRun | None:
    """Pairwise overlap of the campaign's roster plus its top `top_n` matches, stored atomically
    (rows for these pairs are replaced in the same transaction that marks the run succeeded);
    the run's scope records the roster's unique reach.

    A campaign deleted after the task was queued, or while it computes, is not an error: nothing
    is written and None is returned (its ScoreRun went with it)."""
    with transaction.atomic():
        campaign = _lock_campaign(campaign_id)
        if campaign is None:
            log.info("Overlap recompute skipped: campaign %s no longer exists", campaign_id)
            return None
        roster = roster_creator_ids(campaign)
        ids = list(dict.fromkeys(roster + _candidate_ids(campaign, top_n)))
        run = score_run_start(ScoreRun.Kind.OVERLAPS, campaign=campaign, scope={"creator_ids": ids})
    try:
        auds = sorted(audiences(ids, with_samples=True), key=lambda a: a.creator_id)
        pairs = overlap.overlap_matrix(auds)
        reach = overlap.roster_reach([a for a in auds if a.creator_id in set(roster)])
        now = timezone.now()
        rows = [
            CreatorOverlap(
                creator_a_id=p.creator_a,
                creator_b_id=p.creator_b,
                run=run,
                computed_at=now,
                method=sketches.SKETCH_METHOD,
                jaccard=min(max(p.jaccard, 0.0), 1.0),
                shared_estimate=p.shared_estimate,
                share_a=p.share_a,
                share_b=p.share_b,
                error_band=p.error_band,
                sample_a=next(a.sample_size for a in auds if a.creator_id == p.creator_a),
                sample_b=next(a.sample_size for a in auds if a.creator_id == p.creator_b),
            )
            for p in pairs
        ]
        with transaction.atomic():
            if _lock_campaign(campaign_id) is None:
                log.info("Overlap recompute dropped: campaign %s deleted meanwhile", campaign_id)
                return None
            CreatorOverlap.objects.filter(creator_a_id__in=ids, creator_b_id__in=ids).delete()
            CreatorOverlap.objects.bulk_create(rows, batch_size=1000)
            run.status = ScoreRun.Status.SUCCEEDED
            run.items_total = run.items_done = len(rows)
            run.finished_at = timezone.now()
            run.scope = {
                "creator_ids": ids,
                "roster_ids": roster,
                "unique_reach": reach.unique_reach,
                "unique_reach_lower_bound": reach.lower_bound,
                "sum_followers": reach.sum_followers,
                "overlap_unknown": list(reach.unknown_ids),
            }
            run.save()
    except Exception as exc:
        log.exception("Overlap recompute failed for campaign %s", campaign_id)
        score_run_fail(run, exc)
        raise
    return run


def enqueue_overlap_recompute(campaign_id: int) -> None:
    """Queue `scoring.tasks.recompute_overlaps` on commit."""
    delay_on_commit("scoring.tasks.recompute_overlaps", campaign_id)


@transaction.atomic
def audience_sketches_rebuild(*, creator_ids: list[int] | None = None, force: bool = False) -> int:
    """Rebuild sketches from the stored samples: those built by another method (after a change
    of SKETCH_METHOD), or all with `force`. Campaigns whose rosters hold a rebuilt creator get
    their overlaps recomputed on commit. Returns how many sketches were rebuilt."""
    rows = AudienceSketch.objects.exclude(sample_ids=b"")
    if creator_ids is not None:
        rows = rows.filter(creator_id__in=creator_ids)
    if not force:
        rows = rows.exclude(method=sketches.SKETCH_METHOD)
    rebuilt = []
    for row in rows.only("pk", "creator_id", "sample_ids"):
        hashed = sketches.unpack_sample(row.sample_ids)
        row.sketch = sketches.build_sketch(hashed)
        row.method = sketches.SKETCH_METHOD
        row.sample_size = int(hashed.size)
        row.save(update_fields=["sketch", "method", "sample_size", "updated_at"])
        rebuilt.append(row.creator_id)
    if rebuilt:
        campaigns = Campaign.objects.filter(roster__creator_id__in=rebuilt).distinct()
        for cid in campaigns.values_list("pk", flat=True):
            enqueue_overlap_recompute(cid)
    return len(rebuilt)


def optimiser_candidate_ids(campaign: Campaign, top_n: int = OPTIMISER_TOP_N) -> list[int]:
    """The creators `roster_optimise` chooses from: the roster (declined excepted), then the top
    `top_n` ranked matches. Must-include and excluded creators are named from these."""
    return list(dict.fromkeys([*roster_creator_ids(campaign), *_candidate_ids(campaign, top_n)]))


def _fee(entry_fee, creator, metrics) -> tuple[float | None, bool]:
    """Agreed fee, else quoted price, else the estimated price (marked estimated)."""
    if entry_fee is not None:
        return float(entry_fee), False
    if creator.quoted_price is not None:
        return float(creator.quoted_price), False
    if metrics is not None and metrics.estimated_price is not None:
        return float(metrics.estimated_price), True
    return None, True


def roster_optimise(
    *,
    campaign: Campaign,
    budget: Decimal | float | None = None,
    must_include=(),
    exclude=(),
    top_n: int = OPTIMISER_TOP_N,
) -> optimiser.Proposal:
    """Propose a roster within `budget` (default: the campaign's budget) from the current roster
    and the top `top_n` ranked matches, maximising unique target reach (awareness/conversions)
    or expected engagements net of overlap (engagement objective). The proposal also carries the
    current roster's value for comparison (`current_ids`, `current_value`) and its committed
    fees (`committed_cost`, the roster board's figure).

    Creators already contracted (and later stages) are fixed picks at their committed fee
    (`campaigns.selectors.committed_fee`): they stay in the proposal, their cost counts against
    the budget, and the rest is filled around them."""
    budget = float(campaign.budget if budget is None else budget)
    entries = list(campaign.roster.exclude(stage=Stage.DECLINED).select_related("creator"))
    roster_fees = {e.creator_id: e.agreed_fee for e in entries}
    committed = committed_fees(entries)
    ids = list(dict.fromkeys([*roster_fees, *_candidate_ids(campaign, top_n), *must_include]))
    scores = {
        score.creator_id: score
        for score in MatchScore.objects.filter(
            campaign=campaign, creator_id__in=ids
        ).select_related("creator")
    }
    metrics = {row.creator_id: row for row in CreatorMetrics.objects.filter(creator_id__in=ids)}
    auds = {audience.creator_id: audience for audience in audiences(ids, with_samples=True)}
    creators = {creator.pk: creator for creator in Creator.objects.filter(pk__in=ids)}
    engagement = campaign.objective == Objective.ENGAGEMENT
    candidates, no_fee = [], []
    for cid in ids:
        creator = creators.get(cid)
        if creator is None:
            continue
        if committed.get(cid) is not None:
            fee, estimated = float(committed[cid]), False
        else:
            fee, estimated = _fee(roster_fees.get(cid), creator, metrics.get(cid))
        if fee is None:
            no_fee.append(cid)
            continue
        score, metric = scores.get(cid), metrics.get(cid)
        fit = score.audience_fit if score is not None else 1.0
        if engagement and metric is not None and metric.er_median is not None:
            value = creator.followers * fit * metric.er_median
        else:
            value = (
                score.target_reach
                if score is not None and score.target_reach is not None
                else creator.followers * fit
            )
        audience = auds.get(cid)
        sample = None
        if audience is not None and audience.known:
            sample = audience.sample if audience.sample is not None else audience.sketch
        candidates.append(optimiser.Candidate(cid, fee, float(value), sample, estimated))
    known = {candidate.creator_id for candidate in candidates}
    missing = [cid for cid in must_include if cid not in known]
    if missing:
        raise optimiser.OptimiserError(
            f"Required creators without any fee (agreed, quoted or estimated): {missing}."
        )
    fixed = [cid for cid in committed if cid in known]
    proposal = optimiser.optimise(
        candidates, budget, must_include=must_include, exclude=exclude, fixed=fixed
    )
    proposal.committed_cost = float(committed_total(committed))
    current = [cid for cid in roster_fees if cid in known]
    proposal.current_ids = current
    proposal.current_value = optimiser.roster_value(candidates, current)
    proposal.current_cost = sum(
        candidate.cost for candidate in candidates if candidate.creator_id in set(current)
    )
    proposal.objective = "expected engagements" if engagement else "unique target reach"
    if no_fee:
        proposal.notes.append(f"{len(no_fee)} candidates have no fee at all and were left out.")
    return proposal


__all__ = [
    "audience_sketches_rebuild",
    "enqueue_overlap_recompute",
    "optimiser_candidate_ids",
    "recompute_overlaps",
    "roster_optimise",
]

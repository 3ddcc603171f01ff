"""Reads for the results pages: latest reading per deliverable, metrics per creator/campaign.

The latest Outcome per deliverable (highest recorded_at, then id) is the deliverable's result;
earlier readings only feed the "results over time" chart. Scoring's track-record component reads
the same two things: RosterEntry.prediction and this latest reading per deliverable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from campaigns.conversions.selectors import campaign_measured_totals
from campaigns.models import Campaign, Deliverable, Outcome, RosterEntry
from campaigns.selectors import committed_fee
from creators.models import ImportJob
from scoring import overlap_selectors
from scoring.metrics import outcomes as outcome_metrics
from scoring.metrics import overlap

READING_KEYS = outcome_metrics.SUM_FIELDS

# Where a creator's conversions and revenue come from (metrics["basis"]), and the campaign's
# (totals["basis"]: MIXED when some creators are measured and others reported).
MEASURED, REPORTED, MIXED = "measured", "reported", "mixed"
# The figures the basis rule chooses between; every cost metric of them follows the choice.
CHOSEN_KEYS = ("conversions", "revenue")


def latest_outcomes(deliverable_ids) -> dict[int, Outcome]:
    """deliverable id -> its latest reading."""
    rows = Outcome.objects.filter(deliverable_id__in=list(deliverable_ids))
    return {outcome.deliverable_id: outcome for outcome in rows.latest_per_deliverable()}


def _reading(o: Outcome | None) -> dict[str, Any]:
    if o is None:
        return {}
    return {k: getattr(o, k) for k in READING_KEYS}


def campaign_unique_reach(reach_by_creator: dict[int, float]) -> overlap.Reach | None:
    """People the roster's posts reached at least once: each creator's measured reach (the sum
    of its deliverables' latest readings), de-duplicated with the follower samples, each sample
    scaled to that creator's reach (`overlap.roster_reach` with sizes). Never from follower
    counts: they measure who could be reached, not who was. Between the largest creator's reach
    and the sum; creators without a sample make it a range (`lower_bound` to `unique_reach`).
    None when no reach was measured."""
    if not reach_by_creator:
        return None
    return overlap.roster_reach(
        overlap_selectors.audiences(reach_by_creator, with_samples=True), sizes=reach_by_creator
    )


def emv_cpm_for(organization) -> dict[str, float]:
    """The per-platform CPM used for EMV: the org's own values over the visible defaults."""
    return {
        **outcome_metrics.DEFAULT_EMV_CPM,
        **{k: float(v) for k, v in (organization.emv_cpm or {}).items()},
    }


@dataclass
class CreatorResult:
    entry: RosterEntry
    metrics: dict[str, Any]
    deliverables: list[tuple[Deliverable, Outcome | None]] = field(default_factory=list)
    predicted: dict[str, Any] = field(default_factory=dict)


@dataclass
class CampaignResults:
    campaign: Campaign
    creators: list[CreatorResult]
    totals: dict[str, Any]
    spend: float | None
    budget: float
    cpm_by_platform: dict[str, float]
    timeline: list[dict[str, Any]]
    error: dict[str, dict[str, Any]]


def _entry_emv(deliverables, latest, cpm: dict[str, float]) -> float | None:
    values = [
        outcome_metrics.emv(latest[d.pk].impressions, cpm.get(d.platform))
        for d in deliverables
        if d.pk in latest
    ]
    values = [v for v in values if v is not None]
    return sum(values) if values else None


def choose_basis(
    reported: dict[str, float | None], measured: dict[str, Any] | None
) -> tuple[dict[str, float | None], str | None]:
    """A creator's conversions and revenue, and where they come from. Measured (the shop's
    orders) wins wherever it exists: a creator with at least one order attributed (even one
    refunded since: the measurement covers them, and it says 0) counts its measured figures,
    and its reported ones (the results readings) are set aside, never added, since a sale the
    creator reported may be an order measured here. Without an attributed order the reported
    figures count. The basis is None when neither has a figure."""
    if measured is not None:
        return {
            "conversions": float(measured["conversions"]),
            "revenue": float(measured["revenue"]),
        }, MEASURED
    chosen = {key: reported.get(key) for key in CHOSEN_KEYS}
    has_figure = any(v is not None for v in chosen.values())
    return chosen, REPORTED if has_figure else None


def _sum_known(values) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _campaign_basis(bases) -> str | None:
    found = {b for b in bases if b is not None}
    if not found:
        return None
    return found.pop() if len(found) == 1 else MIXED


def campaign_results(campaign: Campaign) -> CampaignResults:
    """Every number of the results page for one campaign (already scoped by the caller).

    Conversions and revenue are chosen per creator (`choose_basis`: measured where measured,
    else reported), and the campaign's are the sums of the creators' chosen figures, so the
    totals row is the sum of the rows and nothing is counted twice; CPA and ROAS of the
    campaign are spend / those conversions and that revenue / spend."""
    measured = campaign_measured_totals(campaign)
    entries = list(
        RosterEntry.objects.filter(campaign=campaign)
        .exclude(stage="declined")
        .select_related("creator")
        .prefetch_related("deliverables")
        .order_by("creator__handle")
    )
    deliverable_ids = [d.pk for e in entries for d in e.deliverables.all()]
    latest = latest_outcomes(deliverable_ids)
    cpm = emv_cpm_for(campaign.brand.organization)
    creators = []
    all_readings = []
    for e in entries:
        dels = list(e.deliverables.all())
        readings = [_reading(latest.get(d.pk)) for d in dels]
        totals = outcome_metrics.sum_readings(readings)
        all_readings.extend(readings)
        reported = {key: totals[key] for key in CHOSEN_KEYS}
        found = measured.get(e.pk)
        chosen, basis = choose_basis(reported, found)
        cost = committed_fee(e)
        metrics = outcome_metrics.cost_metrics(
            cost=cost,
            totals={**totals, **chosen},
            followers=e.creator.followers,
            emv_value=_entry_emv(dels, latest, cpm),
        )
        metrics["basis"] = basis
        for key in CHOSEN_KEYS:
            metrics[f"reported_{key}"] = reported[key]
            metrics[f"measured_{key}"] = None if found is None else chosen[key]
        creators.append(
            CreatorResult(e, metrics, [(d, latest.get(d.pk)) for d in dels], e.prediction or {})
        )
    fees = [c.metrics["cost"] for c in creators if c.metrics["cost"] is not None]
    spend = sum(fees) if fees else None
    unique = campaign_unique_reach(
        {c.entry.creator_id: c.metrics["reach"] for c in creators if c.metrics["reach"] is not None}
    )
    emvs = [c.metrics["emv"] for c in creators if c.metrics["emv"] is not None]
    followers = sum(c.entry.creator.followers for c in creators) or None
    chosen_totals = {key: _sum_known(c.metrics[key] for c in creators) for key in CHOSEN_KEYS}
    totals = outcome_metrics.cost_metrics(
        cost=spend,
        totals={**outcome_metrics.sum_readings(all_readings), **chosen_totals},
        followers=followers,
        unique_reach=unique.unique_reach if unique is not None else None,
        emv_value=sum(emvs) if emvs else None,
    )
    # The totals' two parts: creators counted as measured, creators counted as reported.
    totals["basis"] = _campaign_basis(c.metrics["basis"] for c in creators)
    for key in CHOSEN_KEYS:
        for basis in (MEASURED, REPORTED):
            totals[f"{key}_{basis}_part"] = _sum_known(
                c.metrics[key] for c in creators if c.metrics["basis"] == basis
            )
    # Creators without a follower sample make unique reach a range: its low end, and the cost
    # per unique reached at that end (the high one).
    totals["unique_reach_exact"] = unique is not None and unique.exact
    totals["unique_reach_lower_bound"] = unique.lower_bound if unique is not None else None
    totals["cost_per_unique_high"] = outcome_metrics.ratio(
        spend, totals["unique_reach_lower_bound"]
    )
    error = {
        key: outcome_metrics.prediction_error(
            [(c.predicted.get(key), c.metrics[key]) for c in creators if c.predicted]
        )
        for key in ("reach", "engagements", "conversions")
    }
    return CampaignResults(
        campaign,
        creators,
        totals,
        spend,
        float(campaign.budget),
        cpm,
        results_timeline(deliverable_ids),
        error,
    )


def results_timeline(deliverable_ids) -> list[dict[str, Any]]:
    """Campaign reach and engagements over time: at each reading day, the sum over deliverables
    of each one's latest reading up to that day (so a later reading replaces, never adds)."""
    rows = list(
        Outcome.objects.filter(deliverable_id__in=list(deliverable_ids))
        .order_by("recorded_at", "id")
        .values("deliverable_id", "recorded_at", *READING_KEYS)
    )
    current: dict[int, dict] = {}
    points: dict[str, dict[str, Any]] = {}
    for r in rows:
        current[r["deliverable_id"]] = r
        day = r["recorded_at"].date().isoformat()
        totals = outcome_metrics.sum_readings(current.values())
        points[day] = {
            "day": day,
            "reach": totals["reach"],
            "engagements": outcome_metrics.engagements(totals),
        }
    return list(points.values())


def organization_calibration(campaigns) -> list[dict[str, Any]]:
    """Predicted vs actual pairs (reach, engagements) of entries with a prediction and results,
    across the given campaigns (the caller passes an organisation's completed campaigns)."""
    entries = list(
        RosterEntry.objects.filter(campaign__in=campaigns)
        .exclude(prediction={})
        .select_related("creator", "campaign")
        .prefetch_related("deliverables")
    )
    latest = latest_outcomes([d.pk for e in entries for d in e.deliverables.all()])
    pairs = []
    for e in entries:
        totals = outcome_metrics.sum_readings(
            _reading(latest.get(d.pk)) for d in e.deliverables.all()
        )
        for key, actual in (
            ("reach", totals["reach"]),
            ("engagements", outcome_metrics.engagements(totals)),
        ):
            predicted = e.prediction.get(key)
            if predicted is not None and actual is not None:
                pairs.append(
                    {
                        "metric": key,
                        "predicted": float(predicted),
                        "actual": float(actual),
                        "creator": e.creator.handle,
                        "campaign": e.campaign.name,
                        "campaign_id": e.campaign_id,
                        "ends_on": e.campaign.ends_on.isoformat() if e.campaign.ends_on else "",
                    }
                )
    return pairs


def organization_overview(user) -> dict[str, Any]:
    """Across the user's campaigns: best creators per spend, repeat partners, prediction error
    trend per completed campaign (in end-date order) and the calibration pairs."""
    campaigns = list(
        Campaign.objects.for_user(user)
        .select_related("brand__organization")
        .order_by("ends_on", "pk")
    )
    per_creator: dict[int, dict[str, Any]] = {}
    trend = []
    for campaign in campaigns:
        results = campaign_results(campaign)
        for c in results.creators:
            row = per_creator.setdefault(
                c.entry.creator_id,
                {
                    "creator": c.entry.creator,
                    "campaigns": 0,
                    "brands": set(),
                    "cost": 0.0,
                    "engagements": 0.0,
                    "reach": 0.0,
                    "costed": False,
                    "currencies": set(),
                },
            )
            row["campaigns"] += 1
            row["brands"].add(campaign.brand_id)
            row["currencies"].add(campaign.currency)
            if c.metrics["cost"] is not None and c.metrics["engagements"] is not None:
                row["cost"] += c.metrics["cost"]
                row["engagements"] += c.metrics["engagements"]
                row["reach"] += c.metrics["reach"] or 0.0
                row["costed"] = True
        if campaign.status == Campaign.Status.COMPLETED and results.error["reach"]["n"]:
            trend.append(
                {
                    "campaign": campaign.name,
                    "mape": results.error["reach"]["mape"],
                    "bias": results.error["reach"]["bias"],
                }
            )
    rows = list(per_creator.values())
    for row in rows:
        # Spend and CPE are money in the campaigns' currency; summed over campaigns of
        # several currencies they have none (the page then says "mixed currencies").
        row["currency"] = next(iter(row["currencies"])) if len(row["currencies"]) == 1 else None
        row["cpe"] = (
            outcome_metrics.ratio(row["cost"], row["engagements"]) if row["costed"] else None
        )
        row["engagements_per_1k"] = (
            outcome_metrics.ratio(row["engagements"], row["cost"], 1000.0)
            if row["costed"]
            else None
        )
    best = sorted(
        (r for r in rows if r["engagements_per_1k"] is not None),
        key=lambda r: r["engagements_per_1k"],
        reverse=True,
    )[:20]
    repeat = sorted((r for r in rows if r["campaigns"] > 1), key=lambda r: -r["campaigns"])
    completed = [c for c in campaigns if c.status == Campaign.Status.COMPLETED]
    return {
        "best": best,
        "repeat": repeat,
        "trend": trend,
        "calibration": organization_calibration(completed),
    }


# Uploads listed on a campaign's results page, newest first.
UPLOADS_LISTED = 10


CAMPAIGN_IMPORT_KINDS = ("outcomes", "orders")


def campaign_import_jobs(campaign: Campaign):
    """The campaign's uploads: results files ("outcomes") and shop orders exports ("orders")."""
    return ImportJob.objects.filter(kind__in=CAMPAIGN_IMPORT_KINDS, scope__campaign_id=campaign.pk)


def campaign_uploads(campaign: Campaign, limit: int = UPLOADS_LISTED):
    """The campaign's latest uploads (results files and orders exports), for its results
    page: without their row errors, which the upload's own page lists."""

    return (
        campaign_import_jobs(campaign)
        .select_related("created_by")
        .defer("errors", "mapping", "scope")
        .order_by("-created_at", "-id")[:limit]
    )

"""Writes for outcomes: deliverables, result readings, bulk readings, the prediction snapshot, and
the upload of a results file (through the import machinery, whose job is all-or-nothing).

Every other service runs in one transaction. Recording results for a completed entry enqueues a match
recompute of the organisation's active campaigns on commit, so the scoring track-record component
(which reads RosterEntry.prediction and the latest Outcome per deliverable) learns from them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign, Deliverable, Objective, Outcome, RosterEntry, Stage
from creators.importing.services import import_job_create, import_job_queue
from creators.models import Platform
from matchmaker.celery import delay_on_commit
from matchmaker.lib.dates import date_problem
from matchmaker.lib.numbers import is_blank, parse_decimal
from scoring.models import CreatorMetrics, MatchScore
from scoring.tasks import recompute_campaign_matches

# A post is typically seen by this share of the creator's followers when no target reach is known.
TYPICAL_REACH_RATE = 0.30
# Share of reached people who convert, used for the conversions prediction.
TYPICAL_CONVERSION_RATE = 0.002

READING_FIELDS = (
    "reach",
    "impressions",
    "views",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "conversions",
)
DELIVERABLE_FIELDS = frozenset({"platform", "format", "due_on", "post_url", "posted_at"})
# The largest count and amount the columns hold (a larger one is "too large", not a crash).
COUNT_LIMIT = 9 * 10**15
_revenue_field = Outcome._meta.get_field("revenue")
REVENUE_LIMIT = float(
    Decimal(10) ** (_revenue_field.max_digits - _revenue_field.decimal_places)
    - Decimal(1).scaleb(-_revenue_field.decimal_places)
)


def _number(name: str, value: Any) -> Decimal | None:
    try:
        return parse_decimal(value)
    except ValueError:
        raise ValidationError(f"{name}: {value!r} is not a number.") from None


def _clean_count(name: str, value: Any) -> int | None:
    number = _number(name, value)
    if number is None:
        return None
    if number < 0:
        raise ValidationError(f"{name}: {value} cannot be negative.")
    if number != number.to_integral_value():
        raise ValidationError(f"{name}: {value} must be a whole number.")
    if number > COUNT_LIMIT:
        raise ValidationError(f"{name}: {value} is too large (at most {COUNT_LIMIT:,}).")
    return int(number)


def _clean_money(name: str, value: Any) -> Decimal | None:
    number = _number(name, value)
    if number is None:
        return None
    if number < 0:
        raise ValidationError(f"{name}: {value} cannot be negative.")
    return number.quantize(Decimal("0.01"))


def _check_date(name: str, value, *, plan: bool = False) -> None:
    problem = date_problem(value, plan=plan)
    if problem:
        raise ValidationError(f"{name}: {value.isoformat()[:10]} is {problem}.")


def outcome_feedback_enqueue(entry: RosterEntry) -> None:
    """Results of a completed entry change track records: re-rank the org's active campaigns."""
    if entry.stage != Stage.COMPLETED:
        return

    org_id = entry.campaign.brand.organization_id
    ids = list(
        Campaign.objects.filter(brand__organization_id=org_id, status="active").values_list(
            "pk", flat=True
        )
    )
    for campaign_id in ids:
        delay_on_commit(recompute_campaign_matches, campaign_id)


@transaction.atomic
def deliverable_create(*, entry: RosterEntry, user, **fields: Any) -> Deliverable:
    """Plan a deliverable for a roster entry (platform defaults to the creator's)."""
    unknown = set(fields) - DELIVERABLE_FIELDS
    if unknown:
        raise ValidationError(f"Unknown deliverable fields: {', '.join(sorted(unknown))}.")
    fields.setdefault("platform", entry.creator.platform)
    deliverable = Deliverable(entry=entry, **{k: v for k, v in fields.items() if v is not None})
    _check_deliverable_dates(deliverable)
    deliverable.full_clean(exclude=["entry"])
    deliverable.save()
    return deliverable


@transaction.atomic
def deliverable_update(*, deliverable: Deliverable, user, **fields: Any) -> Deliverable:
    """Change a deliverable's plan or record its live post (URL, posted at)."""
    unknown = set(fields) - DELIVERABLE_FIELDS
    if unknown:
        raise ValidationError(f"Unknown deliverable fields: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(
            deliverable, name, value if value is not None else "" if name == "post_url" else None
        )
    _check_deliverable_dates(deliverable)
    deliverable.full_clean(exclude=["entry"])
    deliverable.save()
    return deliverable


def _check_deliverable_dates(deliverable: Deliverable) -> None:
    """A live post is dated like a post; a due date is a plan, and may lie years ahead."""
    _check_date("posted_at", deliverable.posted_at)
    _check_date("due_on", deliverable.due_on, plan=True)


def _build_outcome(
    deliverable: Deliverable, values: Mapping[str, Any], recorded_at: datetime | None, source: str
) -> Outcome:
    known = set(READING_FIELDS) | {"revenue", "promo_code"}
    unknown = set(values) - known
    if unknown:
        raise ValidationError(f"Unknown result fields: {', '.join(sorted(unknown))}.")
    counts = {name: _clean_count(name, values.get(name)) for name in READING_FIELDS}
    if all(v is None for v in counts.values()) and is_blank(values.get("revenue")):
        raise ValidationError("A result needs at least one number.")
    _check_date("recorded_at", recorded_at)
    revenue = _clean_money("revenue", values.get("revenue"))
    if revenue is not None and revenue > REVENUE_LIMIT:
        raise ValidationError(f"revenue: {revenue:,} is too large (at most {REVENUE_LIMIT:,.2f}).")
    return Outcome(
        deliverable=deliverable,
        recorded_at=recorded_at or timezone.now(),
        revenue=revenue,
        promo_code=(values.get("promo_code") or "").strip()[:64],
        source=source,
        **counts,
    )


@transaction.atomic
def outcome_record(
    *,
    deliverable: Deliverable,
    user,
    values: Mapping[str, Any],
    recorded_at: datetime | None = None,
    source: str = Outcome.Source.FORM,
) -> Outcome:
    """Record one reading of a deliverable's results at a time (a later reading supersedes)."""
    outcome = _build_outcome(deliverable, values, recorded_at, source)
    outcome.save()
    outcome_feedback_enqueue(deliverable.entry)
    return outcome


@transaction.atomic
def outcome_bulk_create(
    *,
    readings: Iterable[tuple[Deliverable, Mapping[str, Any], datetime | None]],
    user,
    source: str = Outcome.Source.API,
) -> list[Outcome]:
    """Record many readings at once; any invalid reading fails the lot (nothing half-written).

    A ValidationError names the reading's index: "reading 3: likes: 'x' is not a number."
    """
    built = []
    for index, (deliverable, values, recorded_at) in enumerate(readings, start=1):
        try:
            built.append(_build_outcome(deliverable, values, recorded_at, source))
        except ValidationError as exc:
            raise ValidationError(f"reading {index}: {' '.join(exc.messages)}") from None
    created = Outcome.objects.bulk_create(built)
    for entry in {o.deliverable.entry_id: o.deliverable.entry for o in built}.values():
        outcome_feedback_enqueue(entry)
    return created


def prediction_for(entry: RosterEntry) -> dict[str, Any]:
    """The prediction of an entry from its creator's metrics and match score (not saved)."""

    creator = entry.creator
    followers = float(creator.followers or 0)
    metrics = CreatorMetrics.objects.filter(creator=creator).first()
    match = MatchScore.objects.filter(campaign=entry.campaign, creator=creator).first()
    basis = []
    if match is not None and match.target_reach:
        reach = float(match.target_reach)
        basis.append("expected reach = match target reach (followers x audience fit)")
    else:
        reach = followers * TYPICAL_REACH_RATE
        basis.append(f"expected reach = followers x typical reach rate {TYPICAL_REACH_RATE}")
    if metrics is not None and metrics.er_median is not None:
        engaged = followers * metrics.er_median
        basis.append("expected engagements = followers x median ER")
    else:
        engaged = None
        basis.append("expected engagements unavailable: no median ER")
    prediction: dict[str, Any] = {
        "reach": round(reach, 2),
        "engagements": None if engaged is None else round(engaged, 2),
        "followers": int(followers),
    }
    if entry.campaign.objective == Objective.CONVERSIONS:
        prediction["conversions"] = round(reach * TYPICAL_CONVERSION_RATE, 2)
        basis.append(
            f"expected conversions = expected reach x conversion rate {TYPICAL_CONVERSION_RATE}"
        )
    prediction["basis"] = "; ".join(basis)
    return prediction


@transaction.atomic
def entry_prediction_snapshot(*, entry: RosterEntry) -> RosterEntry:
    """Freeze the entry's expected reach/engagements(/conversions) into RosterEntry.prediction.

    Called when an entry is contracted; an existing snapshot is kept (the prediction is what was
    expected at contract time, not rewritten later).
    """
    if entry.prediction:
        return entry
    entry.prediction = prediction_for(entry)
    entry.predicted_at = timezone.now()
    entry.save(update_fields=["prediction", "predicted_at", "updated_at"])
    return entry


@transaction.atomic
def organization_emv_cpm_update(*, organization, cpm: Mapping[str, Any], user) -> Any:
    """Set the per-platform CPM used for EMV (currency per 1,000 impressions)."""

    clean: dict[str, float] = {}
    for platform, value in cpm.items():
        if platform not in Platform.values:
            raise ValidationError(f"Unknown platform {platform!r} for the EMV CPM.")
        number = _clean_money(f"CPM for {platform}", value)
        if number is not None:
            clean[platform] = float(number)
    organization.emv_cpm = clean
    organization.save(update_fields=["emv_cpm"])
    return organization


# A results file lists a campaign's posts and their readings: small by nature. It is read by
# the import worker like any import (the page shows its progress, then every rejected row).
OUTCOMES_UPLOAD_SUFFIXES = (".csv", ".xlsx")
OUTCOMES_MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def outcomes_upload(
    *,
    campaign: Campaign,
    file,
    original_name: str,
    user,
    skip_invalid: bool = False,
    kind: str = "outcomes",
):
    """Store a CSV/XLSX of results for `campaign` as an "outcomes" import job (rows are matched
    to roster entries by creator handle and post URL) and queue it; returns the pending job.

    All or nothing unless `skip_invalid`: a job with rejected rows ends FAILED, lists each row's column, value and
    reason in `errors`, and writes nothing. Raises ValidationError for a file refused before
    it is stored (type, size, or content that is certainly not a table, a zip bomb).
    `kind` "orders": a shop's orders export (campaigns.conversions.importing), the same way."""

    name = (original_name or "").strip() or "results.csv"
    if not name.lower().endswith(OUTCOMES_UPLOAD_SUFFIXES):
        raise ValidationError(
            f"{name}: upload the results as a .csv file or an .xlsx workbook.", code="type"
        )
    size = getattr(file, "size", None)
    if size is not None and size > OUTCOMES_MAX_UPLOAD_BYTES:
        limit = OUTCOMES_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ValidationError(
            f"{name} is {size / (1024 * 1024):,.1f} MB; a results file may be at most {limit} MB.",
            code="size",
        )
    with transaction.atomic():
        try:
            job = import_job_create(
                kind=kind,
                file=file,
                original_name=name,
                user=user,
                scope={"campaign_id": campaign.pk},
                skip_invalid=skip_invalid,
            )
        except ValueError as exc:  # empty, or content that is not a table
            raise ValidationError(str(exc), code="content") from None
        import_job_queue(job=job)
    return job

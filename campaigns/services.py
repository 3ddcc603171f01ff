"""Writes for campaigns and rosters: create/update a campaign, add/move/update/remove roster
entries.

Services take objects the caller has already scoped (views use `for_user(user, write=True)`);
each runs in one transaction and enqueues follow-up work on commit.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from campaigns import tracking
from campaigns.models import Brand, Campaign, Outcome, RosterEntry, Stage, StageChange
from campaigns.outcomes.services import entry_prediction_snapshot
from matchmaker.celery import delay_on_commit
from matchmaker.lib.numbers import parse_decimal
from scoring.services.overlaps import enqueue_overlap_recompute
from scoring.tasks import recompute_campaign_matches

# Brand defaults copied into a new campaign unless the caller gives its own.
BRAND_TARGETING_FIELDS = (
    "target_countries",
    "target_age_buckets",
    "target_genders",
    "target_languages",
    "target_interests",
    "keywords",
    "excluded_keywords",
)

# Editing any of these changes who matches, so the campaign's matches are recomputed.
MATCH_FIELDS = frozenset(
    (
        *BRAND_TARGETING_FIELDS,
        "platforms",
        "min_followers",
        "max_followers",
        "objective",
        "niches",
        "weights",
        "budget",
    )
)

CAMPAIGN_EDITABLE_FIELDS = frozenset(
    MATCH_FIELDS
    | {"name", "status", "currency", "starts_on", "ends_on"}
    | {"landing_url", "utm_params", "promo_code_pattern", "attribution_window_days"}
    | {"client_fee"}
)

# Editing any of these changes where the campaign's tracked links go (campaigns.tracking).
LINK_FIELDS = frozenset({"landing_url", "utm_params", "name"})

ROSTER_EDITABLE_FIELDS = frozenset({"agreed_fee", "notes", "owner"})


def _enqueue_match_recompute(campaign_id: int) -> None:
    """Queue the campaign's match recompute once the surrounding transaction commits."""
    delay_on_commit(recompute_campaign_matches, campaign_id)


def campaign_matches_enqueue(*, campaign: Campaign, user) -> None:
    """Queue a recompute of the campaign's matches (the page's Recompute button)."""
    _enqueue_match_recompute(campaign.id)


def _check_fields(fields: dict[str, Any], allowed: frozenset, what: str) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError(f"Cannot set {', '.join(unknown)} on a {what}.")


def _apply_campaign_fields(campaign: Campaign, fields: dict[str, Any]) -> Any:
    """Set plain fields; return the niches value (many-to-many) to set after saving, or None."""
    niches = fields.pop("niches", None)
    for name, value in fields.items():
        setattr(campaign, name, value)
    # The follower range is the model constraint's, checked by the caller's full_clean().
    if campaign.budget is not None and campaign.budget < 0:
        raise ValidationError("The budget cannot be negative.")
    return niches


@transaction.atomic
def campaign_create(*, brand: Brand, user, **fields: Any) -> Campaign:
    """Create a campaign for `brand`; targeting not given is copied from the brand."""
    _check_fields(fields, CAMPAIGN_EDITABLE_FIELDS, "campaign")
    if not fields.get("name"):
        raise ValidationError("A campaign needs a name.")
    for name in BRAND_TARGETING_FIELDS:
        if not fields.get(name):
            fields[name] = list(getattr(brand, name) or [])
    campaign = Campaign(brand=brand, created_by=user if user and user.pk else None)
    niches = _apply_campaign_fields(campaign, dict(fields))
    campaign.full_clean(exclude=["niches"])
    campaign.save()
    if niches is not None:
        campaign.niches.set(niches)
    _enqueue_match_recompute(campaign.id)
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, user, **fields: Any) -> Campaign:
    """Change a campaign; a change to targeting, range, platforms or weights recomputes matches."""
    _check_fields(fields, CAMPAIGN_EDITABLE_FIELDS, "campaign")
    changed = set()
    for name, value in fields.items():
        if name == "niches":
            before = set(campaign.niches.values_list("pk", flat=True))
            after = {getattr(n, "pk", n) for n in value}
            if before != after:
                changed.add(name)
        elif getattr(campaign, name) != value:
            changed.add(name)
    niches = _apply_campaign_fields(campaign, dict(fields))
    campaign.full_clean(exclude=["niches"])
    campaign.save()
    if niches is not None:
        campaign.niches.set(niches)
    if changed & MATCH_FIELDS:
        _enqueue_match_recompute(campaign.id)
    if changed & LINK_FIELDS:
        tracking.links_changed()
    return campaign


@transaction.atomic
def roster_entry_add(*, campaign: Campaign, creator, user) -> RosterEntry:
    """Put `creator` on the campaign's shortlist. Adding one already there returns it unchanged."""
    existing = RosterEntry.objects.filter(campaign=campaign, creator=creator).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            entry = RosterEntry.objects.create(
                campaign=campaign, creator=creator, stage=Stage.SHORTLISTED, owner=user
            )
    except IntegrityError:
        # A concurrent request added it between our read and our insert.
        return RosterEntry.objects.get(campaign=campaign, creator=creator)
    StageChange.objects.create(
        entry=entry, from_stage="", to_stage=Stage.SHORTLISTED, changed_by=user
    )
    enqueue_overlap_recompute(campaign.id)  # the roster's audience overlap changed
    return entry


@transaction.atomic
def roster_entries_add(*, campaign: Campaign, creators, user) -> list[tuple[RosterEntry, bool]]:
    """Put several creators on the campaign's shortlist in one transaction; returns each one's
    (entry, added): added is False for a creator on the roster already (its entry unchanged,
    at whatever stage it is)."""
    existing = {
        entry.creator_id: entry
        for entry in RosterEntry.objects.filter(campaign=campaign, creator__in=creators)
    }
    results = []
    for creator in creators:
        if creator.pk in existing:
            results.append((existing[creator.pk], False))
        else:
            results.append((roster_entry_add(campaign=campaign, creator=creator, user=user), True))
    return results


@transaction.atomic
def roster_entry_move(*, entry: RosterEntry, stage: str, user) -> RosterEntry:
    """Move an entry to `stage`, recording who moved it from where; same stage is a no-op."""
    if stage not in Stage.values:
        raise ValidationError(
            f"Unknown stage {stage!r}; expected one of {', '.join(Stage.values)}."
        )
    # Lock the row so two simultaneous moves record a consistent history.
    entry = RosterEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.stage == stage:
        return entry
    previous = entry.stage
    entry.stage = stage
    entry.save(update_fields=["stage", "updated_at"])
    StageChange.objects.create(entry=entry, from_stage=previous, to_stage=stage, changed_by=user)
    enqueue_overlap_recompute(entry.campaign_id)  # declined creators leave the overlap
    if stage == Stage.CONTRACTED:
        # Freeze what we expect from this creator, to compare with the results later.

        entry = entry_prediction_snapshot(entry=entry)
    return entry


class RosterEntryHasResults(Exception):
    """The entry has recorded results; deleting it would erase what the track record learns from."""


@transaction.atomic
def roster_entry_remove(*, entry: RosterEntry, user) -> None:
    """Take a creator off the roster: the entry, its stage history and planned deliverables go.
    An entry with recorded results is kept (raises RosterEntryHasResults): those results feed
    the creator's track record, so such a creator is moved to "declined" instead."""
    entry = RosterEntry.objects.select_for_update().get(pk=entry.pk)
    if Outcome.objects.filter(deliverable__entry=entry).exists():
        raise RosterEntryHasResults(
            "This roster entry has recorded results, which the rankings learn from; "
            "move it to declined instead of deleting it."
        )
    campaign_id = entry.campaign_id
    entry.delete()
    enqueue_overlap_recompute(campaign_id)  # the roster's audience changed


def _parse_fee(value: Any) -> Decimal | None:
    try:
        fee = parse_decimal(value)
    except ValueError:
        raise ValidationError(f"The agreed fee {value!r} is not a number.") from None
    if fee is None:
        return None
    if fee < 0:
        raise ValidationError("The agreed fee cannot be negative.")
    return fee.quantize(Decimal("0.01"))


@transaction.atomic
def roster_entry_update(*, entry: RosterEntry, user, **fields: Any) -> RosterEntry:
    """Set the agreed fee, notes or owner of a roster entry. The row is locked first: an entry
    deleted by a concurrent request raises RosterEntry.DoesNotExist (the API's 404)."""
    _check_fields(fields, ROSTER_EDITABLE_FIELDS, "roster entry")
    entry = RosterEntry.objects.select_for_update().get(pk=entry.pk)
    if "agreed_fee" in fields:
        entry.agreed_fee = _parse_fee(fields["agreed_fee"])
    if "notes" in fields:
        entry.notes = (fields["notes"] or "").strip()
    if "owner" in fields:
        entry.owner = fields["owner"]
    entry.save(update_fields=[*fields, "updated_at"])
    return entry


@transaction.atomic
def roster_entries_move(*, entries, stage: str, user) -> list[RosterEntry]:
    """Move several entries of one campaign to `stage` at once (the board's "Move selected"):
    each move is recorded as roster_entry_move records it; an unknown stage moves none."""
    return [roster_entry_move(entry=entry, stage=stage, user=user) for entry in entries]

"""Reads that span several models or apps, scoped to the user."""

from decimal import Decimal

from django.db import connection, models
from django.db.models import Count, Exists, OuterRef, Q

from campaigns.models import (
    COMMITTED_STAGES,
    Brand,
    Campaign,
    RosterEntry,
    Stage,
    StageChange,
    TrackedLink,
)
from creators.models import ImportJob
from scoring.models import COMPONENTS, ScoreRun
from scoring.selectors import campaign_matches
from tenancy.models import Membership, Organization
from tenancy.querysets import WRITE_ROLES


def home_overview(*, user) -> dict:
    """What the home page shows: my organisations, my campaigns, recent roster activity, jobs."""

    campaigns = (
        Campaign.objects.for_user(user)
        .select_related("brand", "brand__organization")
        .annotate(
            roster_size=Count("roster", filter=~Q(roster__stage="declined")),
        )
        .order_by("-updated_at")[:12]
    )
    activity = (
        StageChange.objects.filter(entry__campaign__in=Campaign.objects.for_user(user))
        .select_related("entry__creator", "entry__campaign", "changed_by")
        .order_by("-changed_at")[:10]
    )
    score_runs = latest_score_runs(user=user)
    import_jobs = ImportJob.objects.catalogue().order_by("-created_at")[:5] if user.is_staff else []
    return {
        "organizations": Organization.objects.for_user(user),
        "campaigns": campaigns,
        "activity": activity,
        "score_runs": score_runs,
        "import_jobs": import_jobs,
    }


def latest_score_runs(*, user, limit: int = 5) -> list[ScoreRun]:
    """The newest run of each kind for each of the user's campaigns (and the catalogue's
    campaign-less runs), newest first: a campaign recomputed four times is listed once."""
    latest = (
        ScoreRun.objects.filter(
            Q(campaign__in=Campaign.objects.for_user(user)) | Q(campaign__isnull=True)
        )
        .order_by("kind", "campaign_id", "-created_at", "-id")
        .distinct("kind", "campaign_id")
        .values("id")
    )
    return list(
        ScoreRun.objects.filter(pk__in=latest)
        .select_related("campaign__brand")
        .order_by("-created_at", "-id")[:limit]
    )


MATCH_LIST_FIELDS = (
    "id",
    "campaign_id",
    "creator_id",
    "computed_at",
    "rank",
    "total",
    "target_reach",
    "excluded",
    "creator__id",
    "creator__handle",
    "creator__platform",
    "creator__country",
    "creator__followers",
)


def campaign_matches_page(*, campaign, filters: dict, ordering: tuple[str, ...] = ("rank",)):
    """The campaign's ranked matches (the last completed run), narrowed by the page's filters,
    in `ordering` (campaigns.match_sort: rank by default).

    MatchScore rows are replaced in the transaction that completes a run, so the rows present
    are always the last completed run's.
    """

    # The page (and the API list) shows the score columns and four creator columns; the
    # per-component detail ("why"), bios and the creator's metrics (JSON reasons, spikes,
    # inputs) stay in the database.
    qs = (
        campaign_matches(campaign)
        .select_related(None)
        .select_related("creator")
        .only(*MATCH_LIST_FIELDS, *COMPONENTS)
    )
    if filters.get("min_total") is not None:
        qs = qs.filter(total__gte=filters["min_total"] / 100)
    if filters.get("min_audience_fit") is not None:
        qs = qs.filter(audience_fit__gte=filters["min_audience_fit"] / 100)
    if filters.get("country"):
        qs = qs.filter(creator__country=filters["country"])
    if filters.get("hide_excluded"):
        qs = qs.filter(excluded=False)
    on_roster = RosterEntry.objects.filter(
        campaign_id=campaign.pk, creator_id=OuterRef("creator_id")
    )
    if filters.get("hide_rostered"):
        qs = qs.exclude(Exists(on_roster))
    # Whether each row is on the roster comes with the row (no second query per page).
    return qs.annotate(on_roster=Exists(on_roster)).order_by(*ordering)


def latest_match_run(campaign):
    """The campaign's most recent match run (any status) and its last completed one."""

    # The status line needs neither the run's scope nor its weights (JSON, decoded per read).
    runs = ScoreRun.objects.filter(kind=ScoreRun.Kind.CAMPAIGN_MATCHES, campaign=campaign).defer(
        "scope", "weights"
    )
    latest = runs.order_by("-created_at").first()
    completed = (
        runs.filter(status=ScoreRun.Status.SUCCEEDED).order_by("-finished_at").first()
        if latest is None or latest.status != ScoreRun.Status.SUCCEEDED
        else latest
    )
    return latest, completed


def committed_fee(entry: RosterEntry) -> Decimal | None:
    """What a roster entry commits of the budget: nothing before it is contracted; from then on
    its agreed fee, or the creator's quoted price while no fee is recorded (None when neither is
    known). The roster board, the results page's spend and the optimiser's fixed picks all use
    this, so their committed figures agree."""
    if entry.stage not in COMMITTED_STAGES:
        return None
    if entry.agreed_fee is not None:
        return entry.agreed_fee
    return entry.creator.quoted_price


def committed_fees(entries) -> dict[int, Decimal | None]:
    """Creator id -> committed fee of each committed entry (contracted, live, completed) among
    `entries` (with their creators loaded); the budget committed is the sum of the known ones."""
    return {e.creator_id: committed_fee(e) for e in entries if e.stage in COMMITTED_STAGES}


def committed_total(fees: dict[int, Decimal | None]) -> Decimal:
    return sum((fee for fee in fees.values() if fee is not None), Decimal("0"))


def campaign_committed_fees(campaign) -> dict[int, Decimal | None]:
    """`committed_fees` of the campaign's roster."""
    return committed_fees(
        RosterEntry.objects.filter(campaign=campaign, stage__in=COMMITTED_STAGES).select_related(
            "creator"
        )
    )


def roster_board(*, campaign) -> dict:
    """The roster grouped by stage, with the budget committed (`committed_fee` of each entry)."""
    entries = list(
        RosterEntry.objects.filter(campaign=campaign)
        .select_related("creator", "owner")
        .prefetch_related(
            models.Prefetch("links", queryset=TrackedLink.objects.select_related("deliverable")),
            models.Prefetch(
                "stage_changes",
                queryset=StageChange.objects.select_related("changed_by").order_by("changed_at"),
            ),
        )
        .order_by("created_at")
    )
    columns = [
        {"stage": value, "label": label, "entries": [e for e in entries if e.stage == value]}
        for value, label in Stage.choices
    ]
    committed = committed_total(committed_fees(entries))
    budget = campaign.budget or Decimal("0")
    return {
        "columns": columns,
        "committed": committed,
        "budget": budget,
        "remaining": budget - committed,
        "over_budget": committed > budget,
        "committed_pct": min(100, int(committed * 100 / budget)) if budget else 0,
        "entry_count": len(entries),
    }


def creator_roster_entries(*, creator, user) -> list[RosterEntry]:
    """The creator's roster entries in the user's organisations' campaigns, newest first, with
    their deliverables and outcomes (the creator profile lists them)."""
    return list(
        RosterEntry.objects.for_user(user)
        .filter(creator=creator)
        .select_related("campaign", "campaign__brand")
        .prefetch_related("deliverables__outcomes")
        .order_by("-created_at")
    )


def campaign_choices(user) -> list[tuple[int, str, str, bool]]:
    """(id, name, brand name, writable) of every campaign the user can read, by name.

    The same scope as Campaign.objects.for_user(user) with the write flag of for_user(user,
    write=True), in one plain query: building the ORM's subquery form cost the discovery page
    about 2 ms of CPU per view, more than the database took to answer it."""
    if not getattr(user, "is_authenticated", False):
        return []
    sql = (
        f"SELECT c.id, c.name, b.name, m.role IN ({', '.join(['%s'] * len(WRITE_ROLES))}) "
        f"FROM {Campaign._meta.db_table} c "
        f"JOIN {Brand._meta.db_table} b ON b.id = c.brand_id "
        f"JOIN {Membership._meta.db_table} m ON m.organization_id = b.organization_id "
        f"WHERE m.user_id = %s ORDER BY c.name, c.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*WRITE_ROLES, user.pk])
        return [(pk, name, brand, bool(writable)) for pk, name, brand, writable in cursor]

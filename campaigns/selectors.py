"""Reads that span several models or apps, scoped to the user."""

from django.db.models import Count, Q

from campaigns.models import Campaign, Organization, StageChange


def home_overview(*, user) -> dict:
    """What the home page shows: my organisations, my campaigns, recent roster activity, jobs."""
    from creators.models import ImportJob
    from scoring.models import ScoreRun

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
    score_runs = ScoreRun.objects.filter(
        Q(campaign__in=Campaign.objects.for_user(user)) | Q(campaign__isnull=True)
    ).order_by("-created_at")[:5]
    import_jobs = ImportJob.objects.order_by("-created_at")[:5] if user.is_staff else []
    return {
        "organizations": Organization.objects.for_user(user),
        "campaigns": campaigns,
        "activity": activity,
        "score_runs": score_runs,
        "import_jobs": import_jobs,
    }

"""Discovery pages under /creators/: the list (filter, sort, paginate, export, shortlist in
place) and a creator's profile."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from campaigns.discovery.forms import SORTS, DiscoveryFilterForm
from campaigns.discovery.rows import (
    VALUES,
    RowContext,
    add_brand_mentions,
    discovery_rows,
    group_by_brand,
    light_rows,
    metrics_of,
    roster_note,
    shortlist_summary,
)
from campaigns.discovery.selectors import discovery_creators, editable_campaigns, roster_stages
from campaigns.models import Campaign
from campaigns.selectors import creator_roster_entries
from campaigns.services import roster_entries_add
from creators.models import Creator
from creators.selectors import creator_profile
from matchmaker.lib.csv_export import Column, export_response
from matchmaker.lib.htmx import wants_partial
from matchmaker.lib.pagination import CappedPaginator
from matchmaker.lib.redirects import safe_next
from scoring.models import ScoreRun
from scoring.overlap_selectors import new_audience_gain
from scoring.selectors import creator_reaction_panel, latest_run

PAGE_SIZE = 25
# OFFSET pagination is bounded: deep pages cost a scan of every skipped row (DESIGN 7), and
# nobody reads page 400 of a catalogue; past this, the page asks for narrower filters. The count
# stops here too (1,000 creators): counting every match of a broad filter over 100k creators cost
# more than the rest of the page.
MAX_PAGE = 40
EXPORT_LIMIT = 10_000
# The creators CSV: the header says the unit (rates are fractions, 0.0801; scores and
# percentiles 0-100; price with 2 decimals in `currency`).
EXPORT_COLUMNS = (
    Column("platform"),
    Column("handle"),
    Column("display_name"),
    Column("country"),
    Column("language"),
    Column("tier"),
    Column("followers", "count"),
    Column("engagement_rate", "rate"),
    Column("engagement_rate_percentile", "percentile"),
    Column("authenticity_0_100", "number"),
    Column("growth_30d_rate", "rate"),
    Column("price", "money"),
    Column("price_is_estimate", "flag"),
    Column("currency"),
    Column("score_0_100", "score"),
)


def _filters(request) -> tuple[DiscoveryFilterForm, dict | None]:
    form = DiscoveryFilterForm(request.GET or None, user=request.user)
    if not request.GET:
        # First visit: the defaults (micro tier, catalogue score) as if submitted empty.
        form = DiscoveryFilterForm({}, user=request.user)
    return form, (form.cleaned_data if form.is_valid() else None)


@login_required
@require_GET
def discovery(request):
    form, filters = _filters(request)
    context = {
        "form": form,
        "sorts": SORTS,
        "page": None,
        "rows": [],
        # Row links are built from this prefix: a reverse() per row was a visible share of the
        # page's time.
        "creators_base": reverse("creators:discovery"),
    }
    if filters is not None:
        paginator = CappedPaginator(
            discovery_creators(filters=filters).values(*VALUES), PAGE_SIZE, max_pages=MAX_PAGE
        )
        page = paginator.get_page(request.GET.get("page"))
        rows = page.object_list = light_rows(page.object_list)
        campaign = filters.get("campaign")
        stages = roster_stages(campaign=campaign, creator_ids=[c.pk for c in rows])
        gains = (
            new_audience_gain(campaign, [c.pk for c in rows])
            if filters["sort"] == "new_audience"
            else {}
        )
        for creator in rows:
            if creator.pk in stages:
                creator.is_shortlisted = True
                creator.roster_note = roster_note(
                    stage=stages[creator.pk], campaign_name=campaign.name
                )
            creator.new_audience = gains.get(creator.pk)
        add_brand_mentions(rows, filters.get("mentions_brand"))
        query = request.GET.copy()
        query.pop("page", None)
        row_context = RowContext.build(
            creators_base=context["creators_base"],
            editable_campaigns=form.editable_campaigns,
            campaign=campaign,
            show_new_audience=filters["sort"] == "new_audience",
            csrf_token=get_token(request) if form.editable_campaigns else "",
            next_url=request.get_full_path(),
            mentions_brand=filters.get("mentions_brand"),
        )
        context.update(
            page=page,
            rows=rows,
            rows_html=discovery_rows(rows, row_context),
            campaign_groups=row_context.campaign_groups,
            campaign=campaign,
            match_run=latest_run(ScoreRun.Kind.CAMPAIGN_MATCHES, campaign) if campaign else None,
            query=query.urlencode(),
            truncated=paginator.capped,
            show_new_audience=filters["sort"] == "new_audience",
            max_page=MAX_PAGE,
        )
    template = (
        "creators/partials/results.html" if wants_partial(request) else "creators/discovery.html"
    )
    return render(request, template, context)


@login_required
@require_GET
def export(request):
    """The list as CSV: every creator matching the filters (at most EXPORT_LIMIT)."""
    form, filters = _filters(request)
    if filters is None:
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        return HttpResponseBadRequest(f"Fix the filters first: {errors}", content_type="text/plain")
    return _csv(discovery_creators(filters=filters)[:EXPORT_LIMIT])


@login_required
@require_POST
def export_selected(request):
    """ "Export selected (CSV)": the ticked creators, scored for the page's campaign."""
    ids = _selected_ids(request.POST.getlist("creator"))
    if not ids:
        messages.error(request, "Tick the creators to export first.")
        return redirect(safe_next(request, reverse("creators:discovery")))
    campaign_id = request.POST.get("campaign", "")
    campaign = (
        get_object_or_404(Campaign.objects.for_user(request.user), pk=int(campaign_id))
        if campaign_id.isdigit()
        else None
    )
    return _csv(discovery_creators(filters={"campaign": campaign}).filter(pk__in=ids))


def _csv(creators):
    """The CSV of discovery creators (annotated querysets), one row each."""
    rows = (
        [
            c.platform,
            c.handle,
            c.display_name,
            c.country,
            c.language,
            getattr(metrics_of(c), "tier", ""),
            c.followers,
            getattr(metrics_of(c), "er_median", None),
            getattr(metrics_of(c), "er_percentile", None),
            getattr(metrics_of(c), "authenticity_score", None),
            getattr(metrics_of(c), "growth_30d", None),
            c.price,
            None if c.price is None else c.price_estimated,
            c.price_currency,
            c.score,
        ]
        for c in creators
    )
    return export_response("creators.csv", EXPORT_COLUMNS, rows)


def _page_filters(request, url: str) -> dict:
    """The cleaned filters of the discovery page at `url` (the row's score basis), or {}."""
    query = QueryDict(urlsplit(url).query)
    form = DiscoveryFilterForm(query, user=request.user)
    return form.cleaned_data if form.is_valid() else {}


@login_required
@require_POST
def shortlist(request, pk: int):
    """Add a creator to one of the user's editable campaigns; answers htmx with the row as the
    page showed it (same score, same columns) saying "Shortlisted to “X”", or "Already on the
    roster of “X” (Contracted)" when it was; a plain form post (the profile's too) is
    redirected back to the page it came from, with that message."""
    creator = get_object_or_404(Creator, pk=pk)
    try:
        campaign_id = int(request.POST.get("campaign", ""))
    except ValueError:
        return HttpResponseBadRequest(
            "Choose a campaign to shortlist to.", content_type="text/plain"
        )
    campaign = get_object_or_404(
        Campaign.objects.for_user(request.user, write=True), pk=campaign_id
    )
    (entry, added), *_ = roster_entries_add(
        campaign=campaign, creators=[creator], user=request.user
    )
    note = roster_note(stage=entry.stage, campaign_name=campaign.name, added=added)
    back = safe_next(request, reverse("creators:discovery"))
    if not wants_partial(request):
        messages.success(
            request,
            f"{creator} added to the shortlist of “{campaign.name}”."
            if added
            else f"@{creator.handle}: {note}.",
        )
        return redirect(back)
    filters = _page_filters(request, back)
    page_campaign = filters.get("campaign")
    rows = light_rows(
        discovery_creators(filters={"campaign": page_campaign})
        .filter(pk=creator.pk)
        .values(*VALUES)
    )
    row = rows[0]
    row.is_shortlisted, row.roster_note = True, note
    if filters.get("sort") == "new_audience":
        row.new_audience = new_audience_gain(page_campaign, [creator.pk]).get(creator.pk)
    add_brand_mentions(rows, filters.get("mentions_brand"))
    row_context = RowContext.build(
        creators_base=reverse("creators:discovery"),
        editable_campaigns=editable_campaigns(request.user),
        campaign=campaign,
        show_new_audience=filters.get("sort") == "new_audience",
        csrf_token=get_token(request),
        next_url=back,
        mentions_brand=filters.get("mentions_brand"),
    )
    return HttpResponse(discovery_rows(rows, row_context))


# Bulk actions take at most this many creators (a page shows 25).
BULK_LIMIT = 200


def _selected_ids(values) -> list[int]:
    return sorted({int(v) for v in values if v.isdigit()})[:BULK_LIMIT]


@login_required
@require_POST
def shortlist_selected(request):
    """ "Shortlist selected" on discovery: the ticked creators onto one campaign, then back to
    the page with what happened (shortlisted, or already on the roster at which stage)."""
    back = safe_next(request, reverse("creators:discovery"))
    ids = _selected_ids(request.POST.getlist("creator"))
    if not ids:
        messages.error(request, "Tick the creators to shortlist first.")
        return redirect(back)
    try:
        campaign_id = int(request.POST.get("target", ""))
    except ValueError:
        messages.error(request, "Choose a campaign to shortlist to.")
        return redirect(back)
    campaign = get_object_or_404(
        Campaign.objects.for_user(request.user, write=True), pk=campaign_id
    )
    results = roster_entries_add(
        campaign=campaign, creators=list(Creator.objects.filter(pk__in=ids)), user=request.user
    )
    messages.success(request, shortlist_summary(results, campaign_name=campaign.name))
    return redirect(back)


@login_required
@require_GET
def detail(request, pk: int):
    creator = get_object_or_404(Creator.objects.select_related("metrics", "reaction"), pk=pk)
    profile = creator_profile(creator=creator)
    roster_entries = creator_roster_entries(creator=creator, user=request.user)
    # ?campaign=<id>: the reaction panel's mentions are that campaign's brand's (the user's own
    # campaigns only; another organisation's id is ignored, as if none was given).
    campaign_id = request.GET.get("campaign", "")
    campaign = (
        Campaign.objects.for_user(request.user)
        .select_related("brand")
        .filter(pk=int(campaign_id))
        .first()
        if campaign_id.isdigit()
        else None
    )
    charts = {
        "posts": profile.post_series,
        "followers": profile.snapshot_series,
        "spikes": profile.spikes,
    }
    return render(
        request,
        "creators/detail.html",
        {
            "p": profile,
            "creator": creator,
            "charts": charts,
            "roster_entries": roster_entries,
            "campaign_groups": group_by_brand(editable_campaigns(request.user)),
            "reaction": creator_reaction_panel(creator=creator, campaign=campaign),
        },
    )

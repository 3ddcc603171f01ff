"""Discovery pages under /creators/: the list (filter, sort, paginate, export, shortlist in
place) and a creator's profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from campaigns.discovery.forms import SORTS, DiscoveryFilterForm
from campaigns.discovery.rows import VALUES, RowContext, discovery_rows, light_rows, metrics_of
from campaigns.discovery.selectors import discovery_creators, shortlisted_ids
from campaigns.models import Campaign
from campaigns.selectors import creator_roster_entries
from campaigns.services import roster_entry_add
from creators.models import Creator
from creators.selectors import creator_profile
from matchmaker.lib.csv_export import Column, export_response
from matchmaker.lib.htmx import wants_partial
from matchmaker.lib.pagination import CappedPaginator
from matchmaker.lib.redirects import safe_next
from scoring.overlap_selectors import new_audience_gain

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
        marked = shortlisted_ids(campaign=campaign, creator_ids=[c.pk for c in rows])
        gains = (
            new_audience_gain(campaign, [c.pk for c in rows])
            if filters["sort"] == "new_audience"
            else {}
        )
        for creator in rows:
            creator.is_shortlisted = creator.pk in marked
            creator.new_audience = gains.get(creator.pk)
        query = request.GET.copy()
        query.pop("page", None)
        row_context = RowContext.build(
            creators_base=context["creators_base"],
            editable_campaigns=form.editable_campaigns,
            campaign=campaign,
            show_new_audience=filters["sort"] == "new_audience",
            csrf_token=get_token(request) if form.editable_campaigns else "",
            next_url=request.get_full_path(),
        )
        context.update(
            page=page,
            rows=rows,
            rows_html=discovery_rows(rows, row_context),
            campaign=campaign,
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
    form, filters = _filters(request)
    if filters is None:
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        return HttpResponseBadRequest(f"Fix the filters first: {errors}", content_type="text/plain")
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
        for c in discovery_creators(filters=filters)[:EXPORT_LIMIT]
    )
    return export_response("creators.csv", EXPORT_COLUMNS, rows)


@login_required
@require_POST
def shortlist(request, pk: int):
    """Add a creator to one of the user's editable campaigns; answers htmx with the updated row,
    a plain form post with a redirect back to the discovery page it came from."""
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
    roster_entry_add(campaign=campaign, creator=creator, user=request.user)
    back = safe_next(request, reverse("creators:discovery"))
    if not wants_partial(request):
        messages.success(request, f"{creator} added to the shortlist of “{campaign.name}”.")
        return redirect(back)
    rows = light_rows(
        discovery_creators(filters={"campaign": campaign}).filter(pk=creator.pk).values(*VALUES)
    )
    rows[0].is_shortlisted = True
    row_context = RowContext.build(
        creators_base=reverse("creators:discovery"),
        editable_campaigns=Campaign.objects.for_user(request.user, write=True)
        .order_by("name")
        .values_list("pk", "name"),
        campaign=campaign,
        shortlisted_to=campaign,
        csrf_token=get_token(request),
        next_url=back,
    )
    return HttpResponse(discovery_rows(rows, row_context))


@login_required
@require_GET
def detail(request, pk: int):
    creator = get_object_or_404(Creator, pk=pk)
    profile = creator_profile(creator=creator)
    roster_entries = creator_roster_entries(creator=creator, user=request.user)
    charts = {
        "posts": profile.post_series,
        "followers": profile.snapshot_series,
        "spikes": profile.spikes,
    }
    return render(
        request,
        "creators/detail.html",
        {"p": profile, "creator": creator, "charts": charts, "roster_entries": roster_entries},
    )

"""Campaign pages: list, create/edit, ranked matches with "why", recompute, roster board.

Every view starts from `for_user(user)` (reads) or `for_user(user, write=True)` (writes), so an
object of another organisation is a 404 and a viewer cannot change anything.
"""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from campaigns import match_sort, selectors, services, targeting, tracking, utm
from campaigns.forms import CampaignForm, MatchFilterForm, RosterEntryForm
from campaigns.match_rows import MatchRowContext, light_rows, match_rows, row_values
from campaigns.models import Brand, Campaign, RosterEntry, Stage
from campaigns.run_state import match_run_state
from creators.models import Creator
from matchmaker.lib.htmx import wants_partial
from matchmaker.lib.http import ExplainedNotFound
from matchmaker.lib.pagination import CappedPaginator
from matchmaker.lib.redirects import safe_next
from scoring.models import COMPONENTS
from scoring.selectors import match_explanation
from tenancy.permissions import can_edit

MATCHES_PER_PAGE = 50
# The ranking shows its best 2,000 creators (40 pages), as discovery shows 40 pages: the count
# reads up to that many rows per view (10,000 at 200 pages was most of the page's database time
# at 100k candidates), and narrower filters (minimum score, country) reach the rest.
MAX_MATCH_PAGES = 40


def _readable(user):
    """The user's campaigns, each knowing whether the user may change it (one query)."""
    return Campaign.objects.for_user(user).with_writable(user)


@login_required
def campaign_list(request):
    """Campaigns grouped by brand, with a brand switcher (agencies have many client brands)."""
    brands = Brand.objects.for_user(request.user).select_related("organization").order_by("name")
    campaigns = (
        Campaign.objects.for_user(request.user)
        .select_related("brand", "brand__organization")
        .order_by("brand__name", "-created_at")
    )
    brand_id = request.GET.get("brand")
    if brand_id and brand_id.isdigit():
        campaigns = campaigns.filter(brand_id=int(brand_id))
    groups = [(brand, list(items)) for brand, items in groupby(campaigns, key=lambda c: c.brand)]
    return render(
        request,
        "campaigns/list.html",
        {
            "groups": groups,
            "brands": brands,
            "selected_brand": int(brand_id) if brand_id and brand_id.isdigit() else None,
            "can_create": Brand.objects.for_user(request.user, write=True).exists(),
        },
    )


def _chosen_brand(request, brands) -> Brand | None:
    """The brand a new campaign starts from: ?brand= (one the user may write to), else the
    first by name; its targeting prefills the form."""
    brand_id = request.GET.get("brand", "")
    if brand_id.isdigit():
        chosen = brands.filter(pk=int(brand_id)).first()
        if chosen is not None:
            return chosen
    return brands.order_by("name").first()


@login_required
def campaign_create(request):
    brands = Brand.objects.for_user(request.user, write=True)
    if not brands.exists():
        raise PermissionDenied(
            "Your role lets you read campaigns, not create them: owners and editors of an "
            "organisation create its campaigns."
        )
    brand = _chosen_brand(request, brands)
    initial = {"brand": brand.pk, **targeting.brand_defaults(brand)} if brand else {}
    form = CampaignForm(request.POST or None, brands=brands, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                brand=form.cleaned_data["brand"], user=request.user, **form.service_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Campaign “{campaign.name}” created; matches are computing.")
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(
        request,
        "campaigns/form.html",
        {"form": form, "campaign": None, "suggestions": targeting.keyword_suggestions()},
    )


PREVIEW_HANDLE = "your.creator"


@login_required
def utm_preview(request):
    """The campaign form's live preview: where one tracked link would send a creator's
    followers with the landing URL and UTM texts typed so far (nothing is read or saved)."""
    form = CampaignForm(request.GET)
    form.is_valid()  # each field's error shows on the form itself; here the clean ones count
    data = form.cleaned_data
    platforms = data.get("platforms") or []
    creator = Creator(platform=platforms[0] if platforms else "instagram", handle=PREVIEW_HANDLE)
    campaign = Campaign(
        name=data.get("name") or "campaign",
        landing_url=data.get("landing_url") or "",
        utm_params={name: data[name] for name in utm.NAMES if name in data},
    )
    return render(
        request,
        "campaigns/_utm_preview.html",
        {"url": tracking.landing_url(campaign, creator), "creator": creator,
         "problems": [name for name in ("landing_url", *utm.NAMES) if name in form.errors]},
    )  # fmt: skip


def _campaign_to_change(user, pk: int) -> Campaign:
    """The campaign `user` may change, or a 404 that says why there is none (whether another
    organisation's campaign exists stays unsaid)."""
    campaign = Campaign.objects.for_user(user, write=True).filter(pk=pk).first()
    if campaign is None:
        raise ExplainedNotFound(
            f"There is no campaign #{pk} you can change: it was deleted, it belongs to an "
            "organisation you are not a member of, or your role there lets you read it but not "
            "change it."
        )
    return campaign


@login_required
def campaign_edit(request, pk: int):
    campaign = _campaign_to_change(request.user, pk)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            # The form wrote onto the instance while validating; re-read before the service.
            fresh = Campaign.objects.get(pk=campaign.pk)
            services.campaign_update(campaign=fresh, user=request.user, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Campaign saved.")
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(
        request,
        "campaigns/form.html",
        {"form": form, "campaign": campaign, "suggestions": targeting.keyword_suggestions()},
    )


def _run_context(campaign, *, queued_at=None) -> dict:
    latest, completed = selectors.latest_match_run(campaign)
    state = match_run_state(latest, completed, queued_at=queued_at)
    return {
        "run": state,
        "latest_run": latest,
        "completed_run": completed,
        "running": state.polling,
    }


@login_required
def campaign_detail(request, pk: int):
    """The campaign page: targeting summary, last computed, ranked matches with filters."""
    campaign = get_object_or_404(_readable(request.user).select_related("brand"), pk=pk)

    filter_form = MatchFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    sort = match_sort.normalise(request.GET.get("sort"), COMPONENTS)
    matches = selectors.campaign_matches_page(
        campaign=campaign, filters=filters, ordering=match_sort.ordering(sort, COMPONENTS)
    )
    # The count stops at the pages one can open (a full COUNT over 100k scores cost more than
    # the page); the page's rows are read as plain values (campaigns.match_rows.light_rows).
    page = CappedPaginator(
        matches.values(*row_values(COMPONENTS)), MATCHES_PER_PAGE, max_pages=MAX_MATCH_PAGES
    ).get_page(request.GET.get("page"))
    page.object_list = light_rows(page.object_list, COMPONENTS)
    query = request.GET.copy()
    query.pop("page", None)
    header_query = {k: v for k, v in query.items() if k != "sort"}
    editable = can_edit(request.user, campaign)
    row_context = MatchRowContext(
        base_url=reverse("campaigns:detail", args=[campaign.pk]),
        components=tuple(COMPONENTS),
        can_edit=editable,
        csrf_token=get_token(request) if editable else "",
    )
    context = {
        "campaign": campaign,
        "filter_form": filter_form,
        "page": page,
        "rows_html": match_rows(page, row_context),
        "components": COMPONENTS,
        "can_edit": editable,
        "query": query.urlencode(),
        "sort": sort,
        "sort_headers": match_sort.headers(sort, COMPONENTS, header_query),
        **_run_context(campaign),
    }
    if wants_partial(request) and request.htmx.target == "matches":
        return render(request, "campaigns/_matches.html", context)
    return render(request, "campaigns/detail.html", context)


@login_required
def match_why(request, pk: int, creator_id: int):
    """Every component of one creator's score: value, weight, contribution, inputs, definition."""

    campaign = get_object_or_404(Campaign.objects.for_user(request.user), pk=pk)
    explanation = match_explanation(campaign=campaign, creator_id=creator_id)
    template = "campaigns/_why.html" if wants_partial(request) else "campaigns/why.html"
    return render(request, template, {"campaign": campaign, **explanation})


@login_required
@require_POST
def recompute(request, pk: int):
    """Queue a recompute of the campaign's matches, then show its progress."""
    campaign = get_object_or_404(Campaign.objects.for_user(request.user, write=True), pk=pk)
    queued_at = timezone.now()
    services.campaign_matches_enqueue(campaign=campaign, user=request.user)
    if wants_partial(request):
        return render(
            request,
            "campaigns/_run_status.html",
            {
                "campaign": campaign,
                "can_edit": True,
                **_run_context(campaign, queued_at=queued_at),
            },
        )
    messages.success(request, "Recompute queued.")
    return redirect("campaigns:detail", pk=pk)


@login_required
def run_status(request, pk: int):
    """The small "last computed" partial polled while a run is in progress."""
    campaign = get_object_or_404(_readable(request.user), pk=pk)
    context = {
        "campaign": campaign,
        "can_edit": can_edit(request.user, campaign),
        **_run_context(campaign),
    }
    response = render(request, "campaigns/_run_status.html", context)
    if not context["running"] and request.GET.get("was_running"):
        # The run finished while the page polled: reload so the table shows the new ranking.
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def shortlist(request, pk: int, creator_id: int):
    """Add a creator to the campaign's roster (htmx button on the matches table)."""
    campaign = get_object_or_404(Campaign.objects.for_user(request.user, write=True), pk=pk)
    creator = get_object_or_404(Creator, pk=creator_id)
    services.roster_entry_add(campaign=campaign, creator=creator, user=request.user)
    if wants_partial(request):
        return render(request, "campaigns/_shortlisted.html", {"campaign": campaign})
    messages.success(request, f"{creator} added to the shortlist.")
    return redirect(safe_next(request, reverse("campaigns:detail", args=[pk])))


def _members(campaign):
    return (
        get_user_model()
        .objects.filter(memberships__organization_id=campaign.brand.organization_id)
        .order_by("username")
    )


# Stages shown as a collapsed column even when they hold creators: the roster is done with them.
CLOSED_STAGES = (Stage.DECLINED,)


def _board_context(request, campaign, *, saved: int | None = None) -> dict:
    board = selectors.roster_board(campaign=campaign)
    return {
        "campaign": campaign,
        "board": board,
        "over_by": -board["remaining"] if board["over_budget"] else None,
        "closed_stages": CLOSED_STAGES,
        "saved_entry": saved,
        "can_edit": can_edit(request.user, campaign),
        "stages": Stage.choices,
        "members": _members(campaign),
    }


@login_required
def roster(request, pk: int):
    campaign = get_object_or_404(_readable(request.user).select_related("brand"), pk=pk)
    return render(request, "campaigns/roster.html", _board_context(request, campaign))


@login_required
@require_POST
def roster_move(request, pk: int, entry_id: int):
    """Move an entry to another stage; htmx gets the board back (budget summary included)."""
    campaign = get_object_or_404(
        Campaign.objects.for_user(request.user, write=True).select_related("brand"), pk=pk
    )
    entry = get_object_or_404(RosterEntry.objects.filter(campaign=campaign), pk=entry_id)
    status = 200
    try:
        services.roster_entry_move(
            entry=entry, stage=request.POST.get("stage", ""), user=request.user
        )
    except ValidationError as error:
        if not wants_partial(request):
            return HttpResponse(" ".join(error.messages), status=400)
        messages.error(request, " ".join(error.messages))
        status = 422
    if wants_partial(request):
        return render(
            request, "campaigns/_board.html", _board_context(request, campaign), status=status
        )
    return redirect("campaigns:roster", pk=pk)


@login_required
@require_POST
def roster_update(request, pk: int, entry_id: int):
    """Fee, notes and owner of one entry (inline form on the card)."""
    campaign = get_object_or_404(
        Campaign.objects.for_user(request.user, write=True).select_related("brand"), pk=pk
    )
    entry = get_object_or_404(RosterEntry.objects.filter(campaign=campaign), pk=entry_id)
    form = RosterEntryForm(request.POST, members=_members(campaign))
    status, saved = 200, None
    if form.is_valid():
        try:
            services.roster_entry_update(entry=entry, user=request.user, **form.cleaned_data)
        except RosterEntry.DoesNotExist:  # removed by someone else since the lookup
            raise Http404("This roster entry was removed.") from None
        saved = entry.pk
        messages.success(request, f"Saved fee, notes and owner of @{entry.creator.handle}.")
    else:
        status = 422
        errors = "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items())
        messages.error(request, f"Not saved: {errors}")
    if wants_partial(request):
        context = _board_context(request, campaign, saved=saved)
        return render(request, "campaigns/_board.html", context, status=status)
    return redirect("campaigns:roster", pk=pk)


@login_required
@require_POST
def roster_bulk_move(request, pk: int):
    """Move the selected entries (checkboxes on the cards) to one stage; the board comes back."""
    campaign = get_object_or_404(
        Campaign.objects.for_user(request.user, write=True).select_related("brand"), pk=pk
    )
    ids = [int(v) for v in request.POST.getlist("entry") if v.isdigit()]
    # Only this campaign's entries: ids of another campaign (or organisation) are ignored.
    entries = list(RosterEntry.objects.filter(campaign=campaign, pk__in=ids).order_by("pk"))
    stage = request.POST.get("stage", "")
    status = 200
    if not entries:
        messages.error(request, "Select at least one creator to move.")
        status = 422
    else:
        try:
            services.roster_entries_move(entries=entries, stage=stage, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 422
        else:
            label = Stage(stage).label
            messages.success(
                request,
                f"Moved {len(entries)} creator{pluralize(len(entries))} to {label}.",
            )
    if wants_partial(request):
        return render(
            request, "campaigns/_board.html", _board_context(request, campaign), status=status
        )
    return redirect("campaigns:roster", pk=pk)

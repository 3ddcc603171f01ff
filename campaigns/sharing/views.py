"""Client report pages: the public share page and PDF (/share/<token>/, no login), the internal
PDF, and the results page's share-link and client-fee forms (owners and editors)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from campaigns import services as campaign_services
from campaigns.models import Campaign, ShareLink
from campaigns.outcomes import selectors as outcome_selectors
from campaigns.sharing import panels, pdf, report, services, throttle
from campaigns.sharing.forms import ClientFeeForm, ShareLinkForm
from matchmaker.lib.htmx import wants_partial


def _public(response: HttpResponse) -> HttpResponse:
    """Headers of every public report answer: not indexed, not cached, and the token in the URL
    never sent on as a Referer."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def _guarded(request, token: str, *, cost: int = 1):
    """(link, None) for a live token, else (None, the 429 or 404 answer). The same 404 page for
    an unknown, an expired and a revoked token: nothing tells them apart."""
    wait = throttle.retry_after(request, cost=cost)
    if wait is not None:
        response = HttpResponse(
            f"Too many requests from your address; try again in {wait} seconds.",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(wait)
        return None, _public(response)
    link = services.share_link_resolve(token)
    if link is None:
        return None, _public(render(request, "campaigns/share/not_found.html", status=404))
    return link, None


@never_cache
@require_safe
def share_report(request, token: str):
    link, refused = _guarded(request, token)
    if refused is not None:
        return refused
    context = report.report_context(link.campaign, show_fees=link.show_fees)
    context["pdf_url"] = reverse("share_report_pdf", args=[token])
    context["expires_at"] = link.expires_at
    return _public(render(request, "campaigns/share/page.html", context))


@never_cache
@require_safe
def share_report_pdf(request, token: str):
    link, refused = _guarded(request, token, cost=settings.SHARE_PDF_COST)
    if refused is not None:
        return refused
    context = report.report_context(link.campaign, show_fees=link.show_fees)
    context["generated_at"] = timezone.now()
    return _public(pdf.pdf_response(context, f"campaign-{link.campaign_id}-report.pdf"))


@login_required
@require_safe
def results_report_pdf(request, pk: int):
    """The client report of one of the user's campaigns; fees only with ?fees=1."""
    campaign = get_object_or_404(
        Campaign.objects.for_user(request.user).select_related("brand__organization"), pk=pk
    )
    context = report.report_context(campaign, show_fees=request.GET.get("fees") == "1")
    context["generated_at"] = timezone.now()
    response = pdf.pdf_response(context, f"campaign-{campaign.pk}-report.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


def _section(request, campaign, *, status: int = 200, **kwargs) -> HttpResponse:
    response = render(
        request,
        "campaigns/results/_share_links.html",
        panels.section_context(campaign, **kwargs),
        status=status,
    )
    response["Cache-Control"] = "no-store"  # it may hold a new link, shown once
    return response


@login_required
@require_POST
def share_link_create(request, pk: int):
    """Create a share link; the answer shows its URL once (htmx: the section redrawn; else a
    page of its own)."""
    campaign = get_object_or_404(
        Campaign.objects.for_user(request.user, write=True).select_related("brand"), pk=pk
    )
    form = ShareLinkForm(request.POST)
    share_url = None
    if form.is_valid():
        try:
            _, raw = services.share_link_create(
                campaign=campaign,
                user=request.user,
                days=form.cleaned_data["days"],
                show_fees=form.cleaned_data["show_fees"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            share_url = request.build_absolute_uri(reverse("share_report", args=[raw]))
            form = None
    status = 422 if form is not None and form.errors else 200
    if wants_partial(request):
        return _section(request, campaign, form=form, share_url=share_url, status=status)
    response = render(
        request,
        "campaigns/share/created.html",
        panels.section_context(campaign, form=form, share_url=share_url),
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def share_link_revoke(request, pk: int, link_id: int):
    campaign = get_object_or_404(Campaign.objects.for_user(request.user, write=True), pk=pk)
    link = get_object_or_404(ShareLink.objects.filter(campaign=campaign), pk=link_id)
    services.share_link_revoke(link=link, user=request.user)
    if wants_partial(request):
        return _section(request, campaign)
    return redirect(reverse("campaigns:results", args=[campaign.pk]) + "#share-links")


@login_required
@require_POST
def client_fee_update(request, pk: int):
    """Record what the client pays for the campaign (internal: the margin's basis)."""
    campaign = get_object_or_404(
        Campaign.objects.for_user(request.user, write=True).select_related("brand__organization"),
        pk=pk,
    )
    form = ClientFeeForm(request.POST)
    if form.is_valid():
        try:
            campaign_services.campaign_update(
                campaign=campaign, user=request.user, client_fee=form.cleaned_data["client_fee"]
            )
        except ValidationError as exc:
            form.add_error("client_fee", exc)
        else:
            form = None
    if not wants_partial(request):
        if form is not None:
            messages.error(request, f"Client fee not saved: {form.errors.as_text()}")
        return redirect(reverse("campaigns:results", args=[campaign.pk]) + "#client-fee")
    spend = outcome_selectors.campaign_results(campaign).spend
    return render(
        request,
        "campaigns/results/_client_fee.html",
        panels.money_context(campaign, spend, editable=True, form=form),
        status=422 if form is not None else 200,
    )

"""Results pages: a campaign's results (KPI tiles, charts, per-creator table, inline entry,
results file upload), its CSV/XLSX exports, and the organisation overview. Every view starts from
for_user()."""

from __future__ import annotations

import json
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from campaigns import tracking
from campaigns.conversions import selectors as conversion_selectors
from campaigns.conversions import services as conversion_services
from campaigns.conversions import signing
from campaigns.models import Campaign, Deliverable, RosterEntry, Stage
from campaigns.outcomes import display, selectors, services, workbook
from campaigns.outcomes.forms import (
    DeliverableForm,
    EmvCpmForm,
    OrdersUploadForm,
    OutcomeForm,
    OutcomesUploadForm,
)
from campaigns.sharing import panels
from matchmaker.lib import formatting
from matchmaker.lib.csv_export import Column, export_response
from matchmaker.lib.htmx import retarget, wants_partial
from tenancy.models import Organization
from tenancy.permissions import can_edit


def _sorted(creators, sort: str):
    key = sort.lstrip("-")
    if key not in display.SORT_KEYS:
        return creators
    present = [c for c in creators if c.metrics[key] is not None]
    missing = [c for c in creators if c.metrics[key] is None]  # dashes last either way
    present.sort(key=lambda c: c.metrics[key], reverse=sort.startswith("-"))
    return present + missing


def _chart_data(results) -> dict:
    return {
        "timeline": [
            {**point, "label": formatting.day(date.fromisoformat(point["day"]))}
            for point in results.timeline
        ],
        "creators": [
            {
                "handle": c.entry.creator.handle,
                "reach": c.metrics["reach"],
                "engagements": c.metrics["engagements"],
                "predicted_reach": c.predicted.get("reach"),
                "predicted_engagements": c.predicted.get("engagements"),
            }
            for c in results.creators
        ],
    }


def _charts_with_data(chart_data) -> dict[str, bool]:
    """Which per-creator charts have a number to draw (the others show their empty state)."""
    creators = chart_data["creators"]
    return {
        "creators": any(c["reach"] is not None or c["engagements"] is not None for c in creators),
        "predicted": any(
            c["reach"] is not None or c["predicted_reach"] is not None for c in creators
        ),
    }


def _creator_rows(creators, currency: str) -> list[dict]:
    """The per-creator table: each roster entry with its formatted metric cells."""
    return [{"result": c, "cells": display.table_row(c.metrics, currency)} for c in creators]


# Stages whose deliverables should have readings: their entry forms are shown open.
READING_STAGES = (Stage.CONTENT_LIVE, Stage.COMPLETED)


def _awaiting_reading(creators) -> set[int]:
    """Roster entries whose content is live (or done) and has a deliverable without a reading."""
    return {
        c.entry.pk
        for c in creators
        if c.entry.stage in READING_STAGES and any(o is None for _, o in c.deliverables)
    }


def _attach_deliverable_links(request, campaign, creators) -> None:
    """Each deliverable of the page gets `tracked_link`: its link's row (tracking.link_rows,
    with the absolute "url"), or None when it has none yet."""
    rows = {
        row["deliverable_id"]: {**row, "url": request.build_absolute_uri(row["path"])}
        for entry in tracking.link_rows(campaign).values()
        for row in entry["deliverables"]
    }
    for c in creators:
        for d, _ in c.deliverables:
            d.tracked_link = rows.get(d.pk)


def _context(request, campaign, results, can_edit):
    sort = request.GET.get("sort", "")
    creators = _sorted(list(results.creators), sort)
    _attach_deliverable_links(request, campaign, creators)
    chart_data = _chart_data(results)
    return {
        "campaign": campaign,
        "results": results,
        "creators": creators,
        "creator_rows": _creator_rows(creators, campaign.currency),
        "awaiting_reading": _awaiting_reading(creators),
        "totals_row": display.table_row(results.totals, campaign.currency),
        "kpi": {
            key: display.format_metric(key, results.totals.get(key), campaign.currency)
            for key in display.SORT_KEYS
        },
        "basis_notes": {
            key: display.basis_note(results.totals, key, campaign.currency)
            for key in ("conversions", "revenue")
        },
        "metrics": display.TABLE_METRICS,
        "sort": sort,
        "sort_keys": display.SORT_KEYS,
        "can_edit": can_edit,
        "chart_data": chart_data,
        "charts": _charts_with_data(chart_data),
        "chart_json": json.dumps(chart_data),
        "deliverable_form": DeliverableForm(auto_id=False),
        "outcome_form": OutcomeForm(auto_id=False),
        "upload_form": OutcomesUploadForm(),
        "orders_form": OrdersUploadForm(),
        "measured": conversion_selectors.measured_beside_reported(campaign, creators),
        "uploads": selectors.campaign_uploads(campaign),
        "spend_pct": (
            min(100, round(results.spend / results.budget * 100))
            if results.spend is not None and results.budget
            else 0
        ),
        # Internal: the client fee and the margin; the share links for owners and editors.
        **panels.money_context(campaign, results.spend, editable=can_edit),
        "share": panels.section_context(campaign) if can_edit else None,
        "postback": _postback_context(request, campaign) if can_edit else None,
    }


def _postback_context(request, campaign) -> dict:
    """Owners and editors only: the campaign's postback secret (masked until revealed) and what
    the shop's developer needs to sign an order with it."""
    return {
        "secret": campaign.postback_secret,
        "masked": signing.masked(campaign.postback_secret),
        "rotated_at": campaign.postback_secret_rotated_at,
        "url": request.build_absolute_uri(reverse("api-conversion-list")),
        "timestamp_header": signing.TIMESTAMP_HEADER,
        "signature_header": signing.SIGNATURE_HEADER,
        "window_minutes": int(signing.WINDOW.total_seconds() // 60),
        "click_param": tracking.CLICK_ID_PARAM,
    }


@login_required
def campaign_results(request, pk: int):
    campaign = get_object_or_404(
        Campaign.objects.for_user(request.user).select_related("brand__organization"), pk=pk
    )
    results = selectors.campaign_results(campaign)
    context = _context(request, campaign, results, can_edit(request.user, campaign))
    template = (
        "campaigns/results/_body.html" if wants_partial(request) else "campaigns/results/page.html"
    )
    return render(request, template, context)


def _render_after_write(request, campaign):
    """After a successful inline write: the results body redrawn (htmx), or the page."""
    if not wants_partial(request):
        return redirect(reverse("campaigns:results", args=[campaign.pk]))
    context = _context(request, campaign, selectors.campaign_results(campaign), True)
    return render(request, "campaigns/results/_body.html", context)


def _refused(request, campaign, form, *, template: str, form_id: str, **context):
    """A refused inline form: 422 with the form and its errors, swapped over the form itself
    (HX-Retarget) by static/js/app.js; without htmx, the page with the message."""
    if not wants_partial(request):
        messages.error(request, f"Not saved: {form.errors.as_text()}")
        return redirect(reverse("campaigns:results", args=[campaign.pk]))
    response = render(
        request,
        f"campaigns/results/{template}",
        {"campaign": campaign, "form": form, **context},
        status=422,
    )
    return retarget(response, f"#{form_id}")


@login_required
@require_POST
def postback_secret_rotate(request, pk: int):
    """Draw a new postback secret (owners and editors; others: 404); the old one stops
    verifying at once."""
    campaign = get_object_or_404(Campaign.objects.for_user(request.user, write=True), pk=pk)
    conversion_services.postback_secret_rotate(campaign)
    messages.success(
        request, "New postback secret drawn: the old one no longer verifies orders. Give the new "
        "one to the shop's developer."
    )  # fmt: skip
    return redirect(reverse("campaigns:results", args=[campaign.pk]) + "#postback")


@login_required
@require_POST
def deliverable_add(request, pk: int):
    """Plan a deliverable inline; refused, it answers 422 with its form and the errors."""
    campaign = get_object_or_404(Campaign.objects.for_user(request.user, write=True), pk=pk)
    entry_id = request.POST.get("entry", "")
    if not entry_id.isdigit():
        return HttpResponseBadRequest("Which roster entry is this deliverable for?", "text/plain")
    entry = get_object_or_404(RosterEntry.objects.filter(campaign=campaign), pk=int(entry_id))
    form = DeliverableForm(request.POST, auto_id=f"id_deliverable_{entry.pk}_%s")
    if form.is_valid():
        try:
            services.deliverable_create(
                entry=entry,
                user=request.user,
                format=form.cleaned_data["format"],
                due_on=form.cleaned_data["due_on"],
                post_url=form.cleaned_data["post_url"] or "",
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _render_after_write(request, campaign)
    return _refused(
        request,
        campaign,
        form,
        template="_deliverable_form.html",
        form_id=f"deliverable-form-{entry.pk}",
        entry_id=entry.pk,
    )


@login_required
@require_POST
def deliverable_link_create(request, pk: int, deliverable_id: int):
    """Give one deliverable its own tracked link (idempotent): its clicks and orders count for
    the creator's roster entry, its utm_content names the deliverable."""
    campaign = get_object_or_404(Campaign.objects.for_user(request.user, write=True), pk=pk)
    deliverable = get_object_or_404(
        Deliverable.objects.filter(entry__campaign=campaign).select_related("entry__creator"),
        pk=deliverable_id,
    )
    link, created = tracking.deliverable_link(deliverable)
    if not wants_partial(request):
        if created:
            messages.success(
                request,
                f"Tracked link /r/{link.code} created for a "
                f"{deliverable.get_format_display().lower()} of @{deliverable.entry.creator.handle}.",
            )
        return redirect(reverse("campaigns:results", args=[campaign.pk]) + "#deliverables")
    return _render_after_write(request, campaign)


@login_required
@require_POST
def outcome_add(request, pk: int):
    """Record one reading inline; a reading refused answers 422 with its form and the errors
    beside the inputs (htmx swaps it over the form), the page itself is redrawn on success."""
    campaign = get_object_or_404(Campaign.objects.for_user(request.user, write=True), pk=pk)
    deliverable_id = request.POST.get("deliverable", "")
    if not deliverable_id.isdigit():
        return HttpResponseBadRequest("Which deliverable is this result for?", "text/plain")
    deliverable = get_object_or_404(
        Deliverable.objects.filter(entry__campaign=campaign).select_related(
            "entry__campaign__brand"
        ),
        pk=int(deliverable_id),
    )
    form = OutcomeForm(request.POST, auto_id=f"id_outcome_{deliverable.pk}_%s")
    if form.is_valid():
        try:
            services.outcome_record(
                deliverable=deliverable, user=request.user, values=form.values()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _render_after_write(request, campaign)
    return _refused(
        request,
        campaign,
        form,
        template="_outcome_form.html",
        form_id=f"outcome-form-{deliverable.pk}",
        deliverable_id=deliverable.pk,
    )


# Rejected rows listed on the page; the rest are counted (the job keeps them all).
UPLOAD_ERRORS_SHOWN = 50


@login_required
@require_POST
def outcomes_upload(request, pk: int):
    """Upload a results file: stored and queued for the import worker, then its own page shows
    the progress and the outcome (all rows imported, or none and every bad row listed). A file
    refused before it is stored is answered here, with the results page."""
    campaign = get_object_or_404(
        Campaign.objects.for_user(request.user, write=True).select_related("brand__organization"),
        pk=pk,
    )
    orders = request.POST.get("kind") == "orders"
    form = (OrdersUploadForm if orders else OutcomesUploadForm)(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.outcomes_upload(
                campaign=campaign,
                file=upload,
                original_name=upload.name,
                user=request.user,
                skip_invalid=form.cleaned_data["skip_invalid"],
                kind="orders" if orders else "outcomes",
            )
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            return redirect(reverse("campaigns:results_upload", args=[campaign.pk, job.pk]))
    else:
        problem = " ".join(form.errors.get("file", [])) or "Choose a results file to upload."
    context = _context(request, campaign, selectors.campaign_results(campaign), True)
    context["orders_form" if orders else "upload_form"] = form
    context["orders_problem" if orders else "upload_problem"] = problem
    return render(request, "campaigns/results/page.html", context, status=400)


@login_required
def results_upload(request, pk: int, job_id: int):
    """One results upload of the campaign: its progress while the worker reads it (htmx polls
    the partial), then its summary or its rejected rows."""
    campaign = get_object_or_404(Campaign.objects.for_user(request.user), pk=pk)
    job = get_object_or_404(
        selectors.campaign_import_jobs(campaign).select_related("created_by"), pk=job_id
    )
    context = {
        "campaign": campaign,
        "job": job,
        "upload_errors": job.errors[:UPLOAD_ERRORS_SHOWN],
        "upload_errors_hidden": max(0, job.error_count - UPLOAD_ERRORS_SHOWN),
        "can_edit": can_edit(request.user, campaign),
    }
    if wants_partial(request):
        return render(request, "campaigns/results/_upload_status.html", context)
    return render(request, "campaigns/results/upload.html", context)


_KINDS = {
    "fee": "money",
    "revenue": "money",
    "cpm": "money",
    "cpe": "money",
    "cpc": "money",
    "cpa": "money",
    "emv": "money",
    "er": "rate",
    "er_basis": "text",
    "roas": "number",
    "promo_code": "text",
    "tracked_link": "text",
    "conversions_basis": "text",
    "deliverable_links": "text",
}
EXPORT_HEADER = [
    "creator",
    "platform",
    "stage",
    "fee",
    "reach",
    "impressions",
    "engagements",
    "er",
    "er_basis",
    "clicks",
    "conversions",
    "revenue",
    "cpm",
    "cpe",
    "cpc",
    "cpa",
    "roas",
    "emv",
    "predicted_reach",
    "predicted_engagements",
    "promo_code",
    "tracked_link",
    "link_clicks",
    "conversions_basis",
    "deliverable_links",
]


# The CSV's columns with their kinds (matchmaker.lib.csv_export): money with 2 decimals in the
# campaign's `currency`, `er` a fraction with 4, counts as integers.
CSV_COLUMNS = (
    Column("creator"),
    Column("platform"),
    Column("stage"),
    Column("currency"),
    *(
        Column(name, _KINDS.get(name, "count"))
        for name in EXPORT_HEADER
        if name not in ("creator", "platform", "stage")
    ),
)


def _csv_rows(results, currency: str, links: dict):
    for row in _export_rows(results, links):
        yield [*row[:3], currency, *row[3:]]


def _export_rows(results, links: dict):
    """One row per creator; `links` is tracking.link_rows (with "url" absolute) by entry id."""
    for c in results.creators:
        mtr = c.metrics
        link = links.get(c.entry.pk, {})
        yield [
            c.entry.creator.handle,
            c.entry.creator.platform,
            c.entry.stage,
            mtr["cost"],
            mtr["reach"],
            mtr["impressions"],
            mtr["engagements"],
            mtr["er"],
            mtr["er_basis"] or "",
            mtr["clicks"],
            mtr["conversions"],
            mtr["revenue"],
            mtr["cpm"],
            mtr["cpe"],
            mtr["cpc"],
            mtr["cpa"],
            mtr["roas"],
            mtr["emv"],
            c.predicted.get("reach"),
            c.predicted.get("engagements"),
            c.entry.promo_code,
            link.get("url", ""),
            link.get("clicks"),
            mtr["basis"] or "",
            workbook.deliverable_links_text(link),
        ]


@login_required
def results_export(request, pk: int, fmt: str):
    campaign = get_object_or_404(
        Campaign.objects.for_user(request.user).select_related("brand__organization"), pk=pk
    )
    if fmt not in ("csv", "xlsx"):
        raise Http404("Exports are .csv or .xlsx.")
    results = selectors.campaign_results(campaign)
    name = f"campaign-{campaign.pk}-results"
    links = {
        entry_id: {
            **link,
            "url": request.build_absolute_uri(link["path"]) if link["path"] else "",
            "deliverables": [
                {**d, "url": request.build_absolute_uri(d["path"])} for d in link["deliverables"]
            ],
        }
        for entry_id, link in tracking.link_rows(campaign).items()
    }
    if fmt == "csv":
        return export_response(
            f"{name}.csv", CSV_COLUMNS, _csv_rows(results, campaign.currency, links)
        )
    response = HttpResponse(
        workbook.results_workbook(campaign, results, links),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def overview(request):
    data = selectors.organization_overview(request.user)
    chart = {"trend": data["trend"], "calibration": data["calibration"]}
    return render(
        request,
        "campaigns/results/overview.html",
        {**data, "chart_data": chart, "chart_json": json.dumps(chart)},
    )


@login_required
def emv_settings(request, org_id: int):
    """The organisation's per-platform EMV CPMs: everyone in it sees them, owners/editors edit."""
    organization = get_object_or_404(Organization.objects.for_user(request.user), pk=org_id)
    editable = can_edit(request.user, organization)
    current = selectors.emv_cpm_for(organization)
    form = EmvCpmForm(request.POST or None, current=current)
    if request.method == "POST":
        if not editable:
            raise Http404("No organisation you can edit.")
        if form.is_valid():
            try:
                services.organization_emv_cpm_update(
                    organization=organization, cpm=form.cleaned_data, user=request.user
                )
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                return redirect(reverse("campaigns:emv_settings", args=[org_id]))
    return render(
        request,
        "campaigns/outcomes/emv_settings.html",
        {"organization": organization, "form": form, "can_edit": editable, "current": current},
    )

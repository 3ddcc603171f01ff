"""Pages for a campaign's audience overlap and the roster optimiser. Full pages, or htmx partials
(`wants_partial`) for embedding in the campaign page. Viewers read; editors/owners apply."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from campaigns.models import Campaign
from campaigns.services import roster_entry_add
from creators.models import Creator
from matchmaker.lib.htmx import wants_partial
from scoring.metrics.optimiser import OptimiserError
from scoring.overlap_selectors import campaign_overlap, roster_creator_ids
from scoring.services.overlaps import OPTIMISER_TOP_N, _candidate_ids, roster_optimise
from tenancy.permissions import can_edit

CHOICES_SHOWN = 100


class OptimiserForm(forms.Form):
    budget = forms.DecimalField(
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text="Empty: the campaign's budget.",
    )
    must_include = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    exclude = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, creators=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(c.pk, f"@{c.handle}") for c in creators]
        self.fields["must_include"].choices = choices
        self.fields["exclude"].choices = choices

    def clean(self):
        data = super().clean()
        both = set(data.get("must_include") or ()) & set(data.get("exclude") or ())
        if both:
            raise forms.ValidationError("A creator cannot be both required and excluded.")
        return data


def _campaign(request, pk, write=False):
    return get_object_or_404(
        Campaign.objects.for_user(request.user, write=write).select_related("brand"), pk=pk
    )


@login_required
@require_http_methods(["GET"])
def campaign_overlap_view(request, pk):
    campaign = _campaign(request, pk)
    data = campaign_overlap(campaign)
    unknown = set(data.reach.unknown_ids)
    context = {
        "campaign": campaign,
        "data": data,
        # Named on the page, with the file that fixes it (a follower-samples import).
        "missing_samples": [c for c in data.creators if c.pk in unknown],
    }
    template = "scoring/partials/overlap.html" if wants_partial(request) else "scoring/overlap.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET"])
def campaign_optimiser_view(request, pk):
    campaign = _campaign(request, pk)
    ids = list(
        dict.fromkeys([*roster_creator_ids(campaign), *_candidate_ids(campaign, CHOICES_SHOWN)])
    )
    creators = {c.pk: c for c in Creator.objects.filter(pk__in=ids)}
    form = OptimiserForm(request.GET or None, creators=[creators[i] for i in ids if i in creators])
    proposal, error = None, None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = roster_optimise(
                campaign=campaign,
                budget=data.get("budget"),
                must_include=tuple(data.get("must_include") or ()),
                exclude=tuple(data.get("exclude") or ()),
                top_n=OPTIMISER_TOP_N,
            )
        except OptimiserError as exc:
            error = str(exc)
    if proposal is not None:
        shown = set(proposal.creator_ids) | set(proposal.current_ids)
        missing = shown - set(creators)
        creators.update({c.pk: c for c in Creator.objects.filter(pk__in=missing)})
        current = set(proposal.current_ids)
        rows = [(creators[p.creator_id], p, p.creator_id in current) for p in proposal.picks]
        current_rows = [creators[i] for i in proposal.current_ids]
        new_ids = [p.creator_id for p in proposal.picks if p.creator_id not in current]
    else:
        rows, current_rows, new_ids = [], [], []
    context = {
        "campaign": campaign,
        "form": form,
        "proposal": proposal,
        "rows": rows,
        "current_rows": current_rows,
        "new_ids": new_ids,
        "error": error,
        "can_edit": can_edit(request.user, campaign),
    }
    template = (
        "scoring/partials/optimiser.html" if wants_partial(request) else "scoring/optimiser.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def campaign_optimiser_apply(request, pk):
    """Add the proposal's creators (posted ids) to the roster as shortlisted."""

    campaign = _campaign(request, pk, write=True)
    try:
        ids = [int(v) for v in request.POST.getlist("creator")]
    except ValueError:
        ids = []
    creators = list(Creator.objects.filter(pk__in=ids))
    if not creators:
        messages.error(request, "No creators to add: run the optimiser first.")
        return redirect("scoring:campaign_optimiser", pk=campaign.pk)
    with transaction.atomic():
        for creator in creators:
            roster_entry_add(campaign=campaign, creator=creator, user=request.user)
    messages.success(request, f"Added {len(creators)} creators to the shortlist.")
    return redirect("scoring:campaign_overlap", pk=campaign.pk)

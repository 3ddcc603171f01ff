"""Scoring pages: the campaign weights form (a partial the campaign page includes)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from campaigns.models import Campaign
from scoring.forms import CampaignWeightsForm
from scoring.services.matches import campaign_weights_update


@login_required
def campaign_weights(request, pk: int):
    """GET: the form partial; POST: save (editors/owners only) and queue the recompute.
    An invalid POST re-renders the partial with its errors (200, so htmx swaps it in)."""
    campaign = get_object_or_404(Campaign.objects.for_user(request.user, write=True), pk=pk)
    saved = False
    if request.method == "POST":
        form = CampaignWeightsForm(request.POST, campaign=campaign)
        if form.is_valid():
            campaign_weights_update(campaign=campaign, weights=form.weights, user=request.user)
            saved = True
            form = CampaignWeightsForm(campaign=campaign)
    else:
        form = CampaignWeightsForm(campaign=campaign)
    return render(
        request,
        "scoring/partials/weights_form.html",
        {"campaign": campaign, "form": form, "saved": saved},
    )

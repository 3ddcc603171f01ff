"""The campaign weights partial: editors save and a recompute follows; others get a 404."""

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from scoring.models import MatchScore
from tests import factories as f


def _post(weights):
    return {
        n: weights.get(n, 0)
        for n in (
            "audience_fit",
            "niche_fit",
            "engagement",
            "authenticity",
            "cost_efficiency",
            "track_record",
        )
    }


@pytest.mark.django_db(transaction=True)
def test_editor_saves_weights_and_matches_are_recomputed(world, client_for):
    f.CreatorFactory(followers=20_000)
    client = client_for(world.editor_a)
    url = reverse("scoring:campaign_weights", args=[world.campaign_a.pk])
    assert client.get(url).status_code == 200
    resp = client.post(url, _post({"engagement": 3, "niche_fit": 1}))
    assert resp.status_code == 200 and b"Weights saved" in resp.content
    campaign = Campaign.objects.get(pk=world.campaign_a.pk)
    assert campaign.weights["engagement"] == 3
    # Celery runs eagerly without REDIS_URL: the on-commit recompute has stored the matches.
    m = MatchScore.objects.get(campaign=campaign)
    assert m.breakdown()["engagement"]["weight"] == pytest.approx(0.75)


@pytest.mark.django_db
def test_invalid_weights_show_the_error(world, client_for):
    client = client_for(world.owner_a)
    url = reverse("scoring:campaign_weights", args=[world.campaign_a.pk])
    resp = client.post(url, _post({}))
    assert b"At least one weight must be above zero" in resp.content
    assert not Campaign.objects.get(pk=world.campaign_a.pk).weights


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["viewer_a", "owner_b", "outsider"])
def test_viewers_and_other_organisations_get_404(world, client_for, who):
    client = client_for(getattr(world, who))
    url = reverse("scoring:campaign_weights", args=[world.campaign_a.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _post({"engagement": 1})).status_code == 404


@pytest.mark.django_db
def test_recompute_command(world, capsys):
    from django.core.management import call_command

    f.CreatorFactory(followers=20_000)
    call_command("recompute", "--campaign", str(world.campaign_a.pk))
    assert "1 matches" in capsys.readouterr().out

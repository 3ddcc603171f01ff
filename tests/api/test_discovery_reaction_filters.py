"""Discovery's audience-reaction filters (min substantive comments %, replies to comments %,
no pod signal) on the page's form and the API: unknown figures never pass a minimum, "no pod"
keeps creators without a computed reaction, and the API reads the new parameters strictly."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.discovery.forms import DiscoveryFilterForm
from creators.selectors import catalogue_creators
from scoring.models import CreatorReaction
from tests import factories as f


def _reaction(creator, **figures):
    return CreatorReaction.objects.create(creator=creator, computed_at=timezone.now(), **figures)


@pytest.fixture
def reacting(world):
    """chatty: 40% substantive, answers 50%; podded: 60%, answers 10%, in a pod; quiet: a
    reaction without comments (unknown shares); fresh: no reaction row at all."""
    made = {
        name: f.CreatorFactory(handle=name, followers=20_000)
        for name in ("chatty", "podded", "quiet", "fresh")
    }
    _reaction(made["chatty"], substantive_share=0.4, reply_share=0.5, threads_n=10, replied_n=5)
    _reaction(
        made["podded"], substantive_share=0.6, reply_share=0.1, threads_n=10, replied_n=1, pod=True
    )
    _reaction(made["quiet"])
    return made


def _handles(data, user) -> set[str]:
    form = DiscoveryFilterForm(data, user=user)
    assert form.is_valid(), form.errors
    return set(catalogue_creators(filters=form.cleaned_data).values_list("handle", flat=True))


def test_form_filters_on_the_reaction(world, reacting):
    user = world.viewer_a
    assert _handles({"min_substantive": "50"}, user) == {"podded"}
    assert _handles({"min_substantive": "30"}, user) == {"chatty", "podded"}
    assert _handles({"min_reply_share": "20"}, user) == {"chatty"}
    assert _handles({"no_pod": "on"}, user) == {"chatty", "quiet", "fresh"}
    assert _handles({}, user) == set(reacting)
    bad = DiscoveryFilterForm({"min_substantive": "150"}, user=user)
    assert not bad.is_valid() and "min_substantive" in bad.errors


def test_discovery_page_shows_the_filters_and_applies_them(world, reacting, client_for):
    response = client_for(world.viewer_a).get(
        reverse("creators:discovery"), {"min_substantive": "50"}
    )
    html = response.content.decode()
    assert "Min substantive comments (%)" in html and "No engagement-pod signal" in html
    assert "@podded" in html and "@chatty" not in html


def test_api_filters_and_reads_the_new_parameters_strictly(world, reacting, api_for):
    client = api_for(world.owner_a)

    def handles(params):
        response = client.get("/api/v1/creators/", params)
        assert response.status_code == 200, response.content
        return {row["handle"] for row in response.json()["results"]}

    assert handles({"min_reply_share": "20"}) == {"chatty"}
    assert handles({"no_pod": "true"}) == {"chatty", "quiet", "fresh"}
    assert handles({"no_pod": "0"}) == set(reacting)  # "0" is false, not a ticked box
    assert handles({"min_substantive": "50", "no_pod": "1"}) == set()
    for params, name in [
        ("min_substantive=", "min_substantive"),
        ("min_substantive=abc", "min_substantive"),
        ("min_reply_share=101", "min_reply_share"),
        ("no_pod=maybe", "no_pod"),
        ("no_pod=", "no_pod"),
        ("no_pod=true&no_pod=false", "no_pod"),
    ]:
        response = client.get("/api/v1/creators/?" + params)
        assert response.status_code == 400, params
        assert name in response.json()["error"]["fields"], params

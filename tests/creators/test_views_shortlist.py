"""Shortlisting from discovery without JavaScript: the row's form is a plain POST form (method,
action, CSRF token, the page to return to) that the view answers with a redirect back."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from campaigns.models import RosterEntry
from tests import factories as f


@pytest.fixture
def csrf_client(world):
    """A browser: CSRF checks on, as without the test client's exemption."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.editor_a)
    return client


def _form(body: str, creator_id: int) -> dict:
    row = body[body.index(f'id="creator-{creator_id}"') :].split("</tr>")[0]
    form = re.search(r"<form [^>]*>.*?</form>", row, re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    return {
        "method": re.search(r'method="([^"]+)"', form).group(1),
        "action": unescape(re.search(r' action="([^"]+)"', form).group(1)),
        "fields": {name: unescape(value) for name, value in fields.items()},
    }


def test_a_plain_post_shortlists_and_redirects_back(world, csrf_client):
    creator = f.CreatorFactory(handle="pick", followers=20_000)
    page = reverse("creators:discovery") + "?sort=followers&country=DE"
    form = _form(csrf_client.get(page).content.decode(), creator.pk)
    assert form["method"] == "post"
    assert form["action"] == reverse("creators:shortlist", args=[creator.pk])
    assert form["fields"]["next"] == page and form["fields"]["csrfmiddlewaretoken"]
    response = csrf_client.post(form["action"], {**form["fields"], "campaign": world.campaign_a.pk})
    assert response.status_code == 302 and response["Location"] == page
    assert RosterEntry.objects.filter(campaign=world.campaign_a, creator=creator).exists()
    back = csrf_client.get(response["Location"]).content.decode()
    assert "added to the shortlist" in back


def test_a_post_without_the_token_is_refused(world, csrf_client):
    creator = f.CreatorFactory(handle="pick")
    url = reverse("creators:shortlist", args=[creator.pk])
    assert csrf_client.post(url, {"campaign": world.campaign_a.pk}).status_code == 403
    assert not RosterEntry.objects.filter(creator=creator).exists()


def test_an_offsite_next_falls_back_to_discovery(world, client_for):
    creator = f.CreatorFactory(handle="pick")
    url = reverse("creators:shortlist", args=[creator.pk])
    response = client_for(world.editor_a).post(
        url, {"campaign": world.campaign_a.pk, "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("creators:discovery")

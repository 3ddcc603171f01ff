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


def test_shortlisting_keeps_the_row_as_the_page_scored_it(world, client_for):
    """The page shows catalogue scores; shortlisting to a campaign with its own match score must
    not swap the row's score for the campaign's."""
    from django.utils import timezone

    creator = f.CreatorFactory(handle="steady", followers=20_000)
    f.CreatorMetricsFactory(
        creator=creator, computed_at=timezone.now(), catalogue_score=1.0, tier="micro"
    )
    f.MatchScoreFactory(
        campaign=world.campaign_a, creator=creator, computed_at=timezone.now(), rank=1, total=0.61
    )
    page = reverse("creators:discovery") + "?sort=score"
    client = client_for(world.editor_a)
    before = client.get(page).content.decode()
    assert '<td class="num">100<' in before  # scores read 0-100 (1.00 before issue 17)
    response = client.post(
        reverse("creators:shortlist", args=[creator.pk]),
        {"campaign": world.campaign_a.pk, "next": page},
        HTTP_HX_REQUEST="true",
    )
    row = response.content.decode()
    assert '<td class="num">100<' in row and '<td class="num">61<' not in row
    assert row.count("<td") == before.split(f'id="creator-{creator.pk}"')[1].split("</tr>")[
        0
    ].count("<td")  # the same columns
    assert "Shortlisted to Spring glow" in row


def test_reshortlisting_a_contracted_creator_says_so(world, client_for):
    entry = f.RosterEntryFactory(campaign=world.campaign_a, stage="contracted")
    response = client_for(world.editor_a).post(
        reverse("creators:shortlist", args=[entry.creator.pk]),
        {"campaign": world.campaign_a.pk},
        HTTP_HX_REQUEST="true",
    )
    assert "Already on the roster of Spring glow (Contracted)" in response.content.decode()
    entry.refresh_from_db()
    assert entry.stage == "contracted"


def test_shortlist_selected_adds_the_ticked_creators_and_reports(world, client_for):
    new = [f.CreatorFactory(handle=f"new{i}") for i in range(2)]
    contracted = f.RosterEntryFactory(campaign=world.campaign_a, stage="contracted")
    page = reverse("creators:discovery") + "?sort=followers"
    client = client_for(world.editor_a)
    response = client.post(
        reverse("creators:shortlist_selected"),
        {
            "creator": [c.pk for c in new] + [contracted.creator.pk],
            "target": world.campaign_a.pk,
            "next": page,
        },
    )
    assert response.status_code == 302 and response["Location"] == page
    on_roster = set(world.campaign_a.roster.values_list("creator__handle", flat=True))
    assert {"new0", "new1", contracted.creator.handle} == on_roster
    shown = client.get(page).content.decode()
    assert "2 shortlisted to “Spring glow”" in shown
    assert f"already on the roster: @{contracted.creator.handle} (Contracted)" in shown


def test_bulk_actions_are_scoped(world, client_for):
    creator = f.CreatorFactory(handle="pick")
    for user, campaign in ((world.viewer_a, world.campaign_a), (world.owner_a, world.campaign_b)):
        response = client_for(user).post(
            reverse("creators:shortlist_selected"),
            {"creator": [creator.pk], "target": campaign.pk},
        )
        assert response.status_code == 404
    assert not RosterEntry.objects.filter(creator=creator).exists()
    response = client_for(world.owner_a).post(
        reverse("creators:export_selected"),
        {"creator": [creator.pk], "campaign": world.campaign_b.pk},
    )
    assert response.status_code == 404


def test_export_selected_writes_only_the_ticked_creators(world, client_for):
    picked = [f.CreatorFactory(handle=h, followers=500_000) for h in ("a_one", "b_two")]
    f.CreatorFactory(handle="not_me")
    response = client_for(world.viewer_a).post(
        reverse("creators:export_selected"), {"creator": [c.pk for c in picked]}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content if response.streaming else [response.content])
    handles = [line.split(",")[1] for line in lines.decode().splitlines()[1:]]
    assert sorted(handles) == ["a_one", "b_two"]  # outside the default tier too: as ticked


def test_the_profile_shortlists_with_a_grouped_picker(world, csrf_client):
    creator = f.CreatorFactory(handle="profiled")
    profile = reverse("creators:detail", args=[creator.pk])
    body = csrf_client.get(profile).content.decode()
    assert f'<optgroup label="{world.brand_a.name}">' in body
    form = body[body.index('id="profile-shortlist"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = csrf_client.post(
        reverse("creators:shortlist", args=[creator.pk]),
        {"csrfmiddlewaretoken": token, "campaign": world.campaign_a.pk, "next": profile},
    )
    assert response.status_code == 302 and response["Location"] == profile
    back = csrf_client.get(profile).content.decode()
    assert "added to the shortlist of “Spring glow”" in back
    assert RosterEntry.objects.filter(campaign=world.campaign_a, creator=creator).exists()


def test_viewers_see_no_shortlist_on_the_profile(world, client_for):
    creator = f.CreatorFactory(handle="profiled")
    body = client_for(world.viewer_a).get(reverse("creators:detail", args=[creator.pk]))
    assert 'id="profile-shortlist"' not in body.content.decode()

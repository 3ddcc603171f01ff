"""The campaign form's UTM editor (issue 21: UTM parameters editable per campaign): four text
fields with placeholders, validated, saved into utm_params, previewed live, and followed by the
tracked links' redirect."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from campaigns import utm
from campaigns.forms import CampaignForm
from campaigns.models import TrackedLink
from tests import factories as f

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile"


def _form_data(campaign, **utm):
    return {
        "name": campaign.name,
        "objective": "awareness",
        "status": "active",
        "budget": "100",
        "currency": "EUR",
        "min_followers": "10",
        "max_followers": "20",
        "landing_url": "https://lumen.example/spring?ref=home",
        "utm_source": "{platform}",
        "utm_medium": "influencer",
        "utm_campaign": "{campaign}",
        "utm_content": "{handle}",
        **utm,
    }


def test_the_form_starts_from_the_campaigns_parameters_over_the_defaults(world):
    world.campaign_a.utm_params = {"utm_medium": "creator", "utm_term": "kept"}
    form = CampaignForm(instance=world.campaign_a)
    assert [form[name].value() for name in ("utm_source", "utm_medium", "utm_campaign")] == [
        "{platform}",
        "creator",
        "{campaign}",
    ]
    assert form["utm_content"].value() == "{handle}"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("{platform}-{handle}", None),
        ("spring_{campaign}", None),
        ("", None),
        ("{creator}", "{creator} is not filled in"),
        ("a{handel}b{handle}", "{handel} is not filled in"),
        ("x" * 101, "at most 100 characters"),
    ],
)
def test_each_parameter_takes_only_known_placeholders(world, value, error):
    form = CampaignForm(
        instance=world.campaign_a, data=_form_data(world.campaign_a, utm_source=value)
    )
    form.is_valid()
    if error is None:
        assert "utm_source" not in form.errors
    else:
        assert error in " ".join(form.errors["utm_source"])


def test_a_saved_edit_changes_where_the_link_sends(world, client_for, client):
    campaign = world.campaign_a
    campaign.utm_params = {"utm_term": "kept"}
    campaign.save()
    entry = f.RosterEntryFactory(
        campaign=campaign, creator=f.CreatorFactory(handle="leafy.lena", platform="tiktok")
    )
    code = TrackedLink.objects.get(entry=entry).code
    response = client_for(world.editor_a).post(
        reverse("campaigns:edit", args=[campaign.pk]),
        _form_data(
            campaign, utm_source="creators", utm_medium="paid-{platform}",
            utm_campaign="spring26", utm_content="",
        ),
    )  # fmt: skip
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.utm_params == {
        "utm_term": "kept",
        "utm_source": "creators",
        "utm_medium": "paid-{platform}",
        "utm_campaign": "spring26",
        "utm_content": "",
    }
    client.logout()
    target = urlsplit(client.get(f"/r/{code}", HTTP_USER_AGENT=BROWSER)["Location"])
    query = parse_qs(target.query)
    assert target.netloc == "lumen.example" and query["ref"] == ["home"]
    assert query["utm_source"] == ["creators"]
    assert query["utm_medium"] == ["paid-tiktok"]
    assert query["utm_campaign"] == ["spring26"]
    assert query["utm_term"] == ["kept"]
    assert "utm_content" not in query


def test_a_refused_parameter_is_not_saved(world, client_for):
    campaign = world.campaign_a
    response = client_for(world.editor_a).post(
        reverse("campaigns:edit", args=[campaign.pk]),
        _form_data(campaign, utm_medium="{medium}"),
    )
    assert response.status_code == 200
    assert "{medium} is not filled in" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.utm_params == {}


def test_the_preview_fills_one_link_as_typed(world, client_for):
    client = client_for(world.viewer_a)  # reads nothing of any organisation
    url = reverse("campaigns:utm_preview")
    data = _form_data(world.campaign_a, name="Spring Glow 2026", utm_medium="paid-{platform}")
    data["platforms"] = ["youtube"]
    page = client.get(url, data).content.decode()
    assert (
        "https://lumen.example/spring?ref=home&amp;utm_source=youtube&amp;utm_medium=paid-youtube"
        "&amp;utm_campaign=spring-glow-2026&amp;utm_content=your.creator"
    ) in page
    assert "fix" not in page
    page = client.get(url, {**data, "utm_content": "{who}"}).content.decode()
    assert "fix utm_content first" in page
    page = client.get(url, {**data, "landing_url": "lumen"}).content.decode()
    assert "not a web address" in page


def test_the_preview_needs_a_login(client):
    response = client.get(reverse("campaigns:utm_preview"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_edit_page_has_the_editor_and_the_preview(world, client_for):
    page = client_for(world.editor_a).get(reverse("campaigns:edit", args=[world.campaign_a.pk]))
    html = page.content.decode()
    assert 'name="utm_medium"' in html and 'value="influencer"' in html
    assert reverse("campaigns:utm_preview") in html
    assert 'name="utm_params"' not in html


@pytest.mark.parametrize(
    "stored, edited, expected",
    [
        ({}, {"utm_medium": "influencer", "utm_source": "{platform}"}, {}),
        ({}, {"utm_medium": "creator"}, {"utm_medium": "creator"}),
        ({"utm_medium": "creator"}, {"utm_medium": "influencer"}, {"utm_medium": "influencer"}),
        ({"utm_term": "spring"}, {"utm_content": "{handle}"}, {"utm_term": "spring"}),
        ({}, {"utm_content": ""}, {"utm_content": ""}),
    ],
)
def test_saving_the_defaults_stores_nothing_new(stored, edited, expected):
    assert utm.stored_params(stored, edited) == expected


def test_saving_the_form_unchanged_stores_no_defaults(world, client_for):
    """The form shows the defaults; posting them back stores nothing (the links are the same),
    and a default the campaign had stored stays stored."""
    campaign = world.campaign_a
    editor = client_for(world.editor_a)
    response = editor.post(reverse("campaigns:edit", args=[campaign.pk]), _form_data(campaign))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.utm_params == {}
    campaign.utm_params = {"utm_medium": "influencer"}
    campaign.save()
    editor.post(reverse("campaigns:edit", args=[campaign.pk]), _form_data(campaign))
    campaign.refresh_from_db()
    assert campaign.utm_params == {"utm_medium": "influencer"}

"""The campaign form in a real browser: every seeded campaign edited and saved unchanged keeps
every field (dates included); the targeting pickers."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from campaigns.models import Campaign
from matchmaker.demo.workspace import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

OWNERS = ("agency_owner", "verde_owner", "pixel_owner")


def campaign_state(campaign: Campaign) -> dict:
    state = model_to_dict(campaign, exclude=["niches"])
    state["niches"] = sorted(campaign.niches.values_list("pk", flat=True))
    return state


@pytest.fixture
def seeded_demo(db):
    call_command("seed_demo", creators=60, seed=7, skip_scoring=True, stdout=StringIO())


def test_saving_every_seeded_campaign_unchanged_changes_nothing(
    seeded_demo, login_page, live_server
):
    before = {c.pk: campaign_state(c) for c in Campaign.objects.all()}
    assert len(before) == 12 and all(s["starts_on"] and s["ends_on"] for s in before.values())
    saved = 0
    for username in OWNERS:
        page = login_page(type("U", (), {"username": username})(), password=DEMO_PASSWORD)
        for campaign in Campaign.objects.filter(
            brand__organization__memberships__user__username=username
        ):
            page.goto(f"{live_server.url}/campaigns/{campaign.pk}/edit/")
            # What the browser holds is what it will submit: an ISO date, not a blank.
            assert page.input_value("#id_starts_on") == campaign.starts_on.isoformat()
            page.click("form.card button[type=submit]")
            page.wait_for_url(f"**/campaigns/{campaign.pk}/")
            assert "Campaign saved." in page.inner_text(".messages")
            saved += 1
        page.context.clear_cookies()
    assert saved == 12
    after = {c.pk: campaign_state(c) for c in Campaign.objects.all()}
    assert after == before

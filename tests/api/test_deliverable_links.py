"""The API's deliverable links (issue 21): /deliverables/<id>/link/ reads and creates a
deliverable's tracked link, the deliverable carries it, and the organisation scope holds (another
organisation's user gets the same 404 as for a missing deliverable; a viewer may read only)."""

from decimal import Decimal

import pytest

from campaigns import tracking
from campaigns.models import Deliverable, Stage, TrackedLink
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def reel(world):
    campaign = world.campaign_a
    campaign.landing_url = "https://lumen.example/spring"
    campaign.save()
    entry = f.RosterEntryFactory(
        campaign=campaign,
        creator=f.CreatorFactory(handle="leafy.lena"),
        stage=Stage.CONTRACTED,
        agreed_fee=Decimal("300"),
    )
    return f.DeliverableFactory(entry=entry, format=Deliverable.Format.REEL)


def url(deliverable) -> str:
    return f"/api/v1/deliverables/{deliverable.pk}/link/"


def test_post_creates_the_link_once_and_get_reads_it(api_for, world, reel):
    api = api_for(world.editor_a)
    assert api.get(url(reel)).status_code == 404  # none yet
    created = api.post(url(reel))
    assert created.status_code == 201
    body = created.json()
    link = TrackedLink.objects.get(deliverable=reel)
    assert body["code"] == link.code and body["entry"] == reel.entry_id
    assert body["deliverable"] == reel.pk and body["status"] == "active"
    assert body["url"] == f"http://testserver/r/{link.code}"
    assert body["utm_content"] == f"leafy.lena_reel-{reel.pk}"
    assert f"utm_content=leafy.lena_reel-{reel.pk}" in body["landing_url"]
    assert body["clicks"] == 0
    again = api.post(url(reel))
    assert again.status_code == 200 and again.json()["code"] == link.code
    assert api.get(url(reel)).json() == again.json()
    detail = api.get(f"/api/v1/deliverables/{reel.pk}/").json()
    assert detail["tracked_link"]["code"] == link.code
    listed = api.get(f"/api/v1/roster/{reel.entry_id}/deliverables/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows[0]["tracked_link"]["code"] == link.code


def test_another_organisation_gets_404(api_for, world, reel):
    tracking.deliverable_link(reel)
    other = api_for(world.owner_b)
    assert other.get(url(reel)).status_code == 404
    assert other.post(url(reel)).status_code == 404
    assert other.get(f"/api/v1/deliverables/{reel.pk}/").status_code == 404


def test_a_viewer_reads_but_cannot_create(api_for, world, reel):
    viewer = api_for(world.viewer_a)
    assert viewer.post(url(reel)).status_code == 403
    assert not TrackedLink.objects.filter(deliverable=reel).exists()
    tracking.deliverable_link(reel)
    assert viewer.get(url(reel)).status_code == 200


def test_a_deliverable_without_a_link_says_null(api_for, world, reel):
    detail = api_for(world.viewer_a).get(f"/api/v1/deliverables/{reel.pk}/").json()
    assert detail["tracked_link"] is None

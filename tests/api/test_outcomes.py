"""Deliverables and outcomes: CRUD and bulk entry through the outcome services, roles, tenancy."""

import pytest

from campaigns.models import Deliverable, Outcome
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(world, scored):
    return f.RosterEntryFactory(campaign=world.campaign_a, creator=scored[0], stage="contracted")


def test_deliverable_and_outcome_lifecycle(world, entry, api_for):
    client = api_for(world.editor_a)
    response = client.post(f"/api/v1/roster/{entry.pk}/deliverables/", {"format": "reel"}, "json")
    assert response.status_code == 201, response.content
    deliverable = response.json()
    assert deliverable["platform"] == entry.creator.platform  # service default
    url = f"/api/v1/deliverables/{deliverable['id']}/"
    patched = client.patch(url, {"post_url": "https://example.com/p/1"}, format="json")
    assert patched.status_code == 200 and patched.json()["post_url"] == "https://example.com/p/1"
    outcomes = f"/api/v1/deliverables/{deliverable['id']}/outcomes/"
    created = client.post(outcomes, {"likes": 120, "comments": 8}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["source"] == "api"
    listing = client.get(outcomes).json()
    assert listing["count"] == 1 and listing["results"][0]["likes"] == 120
    bad = client.post(outcomes, {"likes": -3}, format="json")
    assert bad.status_code == 400
    empty = client.post(outcomes, {}, format="json")
    assert empty.status_code == 400 and "at least one number" in empty.json()["error"]["message"]
    assert client.delete(url).status_code == 204
    assert not Deliverable.objects.filter(pk=deliverable["id"]).exists()


def test_bulk_outcomes_all_or_nothing(world, entry, api_for):
    d1 = f.DeliverableFactory(entry=entry)
    d2 = f.DeliverableFactory(entry=entry)
    client = api_for(world.editor_a)
    ok = client.post(
        "/api/v1/outcomes/bulk/",
        {"readings": [{"deliverable": d1.pk, "likes": 5}, {"deliverable": d2.pk, "views": 900}]},
        format="json",
    )
    assert ok.status_code == 201, ok.content
    assert Outcome.objects.filter(deliverable__in=[d1, d2]).count() == 2
    bad = client.post(
        "/api/v1/outcomes/bulk/",
        {"readings": [{"deliverable": d1.pk, "likes": 7}, {"deliverable": d2.pk}]},
        format="json",
    )
    assert bad.status_code == 400
    assert Outcome.objects.filter(deliverable__in=[d1, d2]).count() == 2  # nothing half-written


def test_outcome_roles_and_tenancy(world, entry, api_for):
    d = f.DeliverableFactory(entry=entry)
    viewer = api_for(world.viewer_a)
    assert viewer.get(f"/api/v1/deliverables/{d.pk}/").status_code == 200
    assert (
        viewer.post(f"/api/v1/deliverables/{d.pk}/outcomes/", {"likes": 1}, "json").status_code
        == 403
    )
    bulk = {"readings": [{"deliverable": d.pk, "likes": 1}]}
    assert viewer.post("/api/v1/outcomes/bulk/", bulk, format="json").status_code == 403
    other = api_for(world.owner_b)
    assert other.get(f"/api/v1/deliverables/{d.pk}/").status_code == 404
    assert other.get(f"/api/v1/roster/{entry.pk}/deliverables/").status_code == 404
    # A foreign deliverable in a bulk body reads exactly like a missing one (400, no 403).
    response = other.post("/api/v1/outcomes/bulk/", bulk, format="json")
    assert response.status_code == 400
    assert not Outcome.objects.filter(deliverable=d).exists()

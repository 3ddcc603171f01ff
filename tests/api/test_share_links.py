"""Share links through the API: scoped to the user's organisations, written by owners and
editors only, the URL in the create answer once and only the token's hash stored."""

import hashlib

import pytest
from django.utils import timezone

from campaigns.models import ShareLink
from campaigns.sharing import services

pytestmark = pytest.mark.django_db


def path(campaign) -> str:
    return f"/api/v1/campaigns/{campaign.pk}/share-links/"


def test_editor_creates_lists_and_revokes(world, api_for, client):
    api = api_for(world.editor_a)
    created = api.post(path(world.campaign_a), {"days": 7, "show_fees": True}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "live" and body["show_fees"] is True
    assert created["Cache-Control"] == "no-store"
    raw = body["url"].rstrip("/").rsplit("/", 1)[1]
    link = ShareLink.objects.get(pk=body["id"])
    assert link.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert 6 <= (link.expires_at - timezone.now()).days <= 7
    assert client.get(body["url"]).status_code == 200  # the link opens the report

    listed = api.get(path(world.campaign_a)).json()
    assert [row["id"] for row in listed["results"]] == [link.pk]
    assert "url" not in listed["results"][0]  # the URL is never shown again

    revoked = api.post(f"/api/v1/share-links/{link.pk}/revoke/", format="json")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    assert client.get(body["url"]).status_code == 404


def test_defaults_and_bounds(world, api_for):
    api = api_for(world.owner_a)
    created = api.post(path(world.campaign_a), {}, format="json")
    assert created.status_code == 201
    assert created.json()["show_fees"] is False
    for days in (0, 366, "30"):
        refused = api.post(path(world.campaign_a), {"days": days}, format="json")
        assert refused.status_code == 400, days


def test_viewer_reads_but_cannot_write(world, api_for):
    link, _ = services.share_link_create(campaign=world.campaign_a, user=world.owner_a)
    api = api_for(world.viewer_a)
    assert api.get(path(world.campaign_a)).status_code == 200
    assert api.post(path(world.campaign_a), {}, format="json").status_code == 403
    assert api.post(f"/api/v1/share-links/{link.pk}/revoke/", format="json").status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None


def test_other_organisation_gets_404(world, api_for):
    link, _ = services.share_link_create(campaign=world.campaign_a, user=world.owner_a)
    api = api_for(world.owner_b)
    assert api.get(path(world.campaign_a)).status_code == 404
    assert api.post(path(world.campaign_a), {}, format="json").status_code == 404
    assert api.post(f"/api/v1/share-links/{link.pk}/revoke/", format="json").status_code == 404
    assert ShareLink.objects.count() == 1
    link.refresh_from_db()
    assert link.revoked_at is None


def test_client_fee_through_the_campaign(world, api_for):
    api = api_for(world.editor_a)
    url = f"/api/v1/campaigns/{world.campaign_a.pk}/"
    assert api.get(url).json()["client_fee"] is None
    changed = api.patch(url, {"client_fee": "4500.00"}, format="json")
    assert changed.status_code == 200 and changed.json()["client_fee"] == "4500.00"
    assert api.patch(url, {"client_fee": "-1"}, format="json").status_code == 400
    assert api.patch(url, {"client_fee": None}, format="json").json()["client_fee"] is None

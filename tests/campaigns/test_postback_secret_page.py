"""The results page's postback secret: owners and editors see it masked, reveal and copy it,
and draw a new one; viewers and other organisations neither see nor rotate it."""

import hashlib
import hmac
import json
import time

import pytest
from django.urls import reverse

from campaigns.conversions import signing
from campaigns.models import Campaign, Conversion

pytestmark = pytest.mark.django_db


def _results(client, campaign):
    return client.get(reverse("campaigns:results", args=[campaign.pk]))


@pytest.mark.parametrize("who", ["owner_a", "editor_a"])
def test_managers_see_the_secret_masked_with_a_reveal_and_the_signing_snippet(
    world, client_for, who
):
    secret = world.campaign_a.postback_secret
    page = _results(client_for(getattr(world, who)), world.campaign_a).content.decode()
    assert f">{signing.masked(secret)}</code>" in page
    assert signing.masked(secret).endswith(secret[-4:]) and secret[:-4] not in signing.masked(
        secret
    )
    assert 'id="postback-secret"' in page and secret in page  # inside the closed "Reveal"
    assert 'data-copy-target="postback-secret"' in page
    assert "http://testserver/api/v1/conversions/" in page
    assert f'{{"campaign": {world.campaign_a.pk}, "order_id"' in page
    assert signing.TIMESTAMP_HEADER in page and signing.SIGNATURE_HEADER in page


def test_viewers_do_not_see_the_secret(world, client_for):
    secret = world.campaign_a.postback_secret
    response = _results(client_for(world.viewer_a), world.campaign_a)
    page = response.content.decode()
    assert response.status_code == 200
    assert secret not in page and secret[-4:] + "</code>" not in page
    assert 'id="postback"' not in page


def test_other_organisations_see_neither_page_nor_secret(world, client_for):
    response = _results(client_for(world.owner_b), world.campaign_a)
    assert response.status_code == 404
    assert world.campaign_a.postback_secret not in response.content.decode()


def test_an_editor_draws_a_new_secret_and_the_old_one_stops_verifying(world, client_for):
    campaign = world.campaign_a
    old = campaign.postback_secret
    client = client_for(world.editor_a)
    response = client.post(reverse("campaigns:postback_secret_rotate", args=[campaign.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/campaigns/{campaign.pk}/results/#postback")
    campaign.refresh_from_db()
    assert campaign.postback_secret != old and campaign.postback_secret_rotated_at is not None
    page = client.get(response["Location"]).content.decode()
    assert campaign.postback_secret in page and old not in page

    body = json.dumps(
        {"campaign": campaign.pk, "order_id": "A-1", "amount": "10.00",
         "currency": campaign.currency, "promo_code": "NOPE"}
    ).encode()  # fmt: skip
    client.logout()

    def post(secret):
        timestamp = str(int(time.time()))
        digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
        return client.post(
            reverse("api-conversion-list"),
            body,
            content_type="application/json",
            headers={
                signing.TIMESTAMP_HEADER: timestamp,
                signing.SIGNATURE_HEADER: f"sha256={digest.hexdigest()}",
            },
        )

    assert post(old).status_code == 401
    assert post(campaign.postback_secret).status_code == 201
    assert Conversion.objects.filter(campaign=campaign, order_id="A-1").count() == 1


@pytest.mark.parametrize("who,status", [("viewer_a", 404), ("owner_b", 404)])
def test_viewers_and_other_organisations_cannot_rotate(world, client_for, who, status):
    old = world.campaign_a.postback_secret
    url = reverse("campaigns:postback_secret_rotate", args=[world.campaign_a.pk])
    assert client_for(getattr(world, who)).post(url).status_code == status
    assert Campaign.objects.get(pk=world.campaign_a.pk).postback_secret == old


def test_rotating_is_a_post(world, client_for):
    url = reverse("campaigns:postback_secret_rotate", args=[world.campaign_a.pk])
    assert client_for(world.owner_a).get(url).status_code == 405

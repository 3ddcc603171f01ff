"""Token lifecycle: shown once, hashed at rest, bearer auth, revoke, throttled, account page."""

import hashlib

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns.models import ApiToken
from campaigns.tokens import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def test_token_is_hashed_at_rest_and_authenticates(world):
    token, raw = api_token_create(user=world.viewer_a, name="script")
    assert raw.startswith(f"mm_{token.prefix}_")
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in set(ApiToken.objects.values_list("key_hash", "prefix", "name")[0])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/campaigns/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_wrong_and_missing_tokens_are_401_with_error_body(world):
    token, raw = api_token_create(user=world.owner_a, name="old")
    api_token_revoke(token=token, user=world.owner_a)
    client = APIClient()
    for header in (f"Bearer {raw}", f"Bearer {raw[:-2]}xx", "Bearer mm_nothing", None):
        client.credentials(**({"HTTP_AUTHORIZATION": header} if header else {}))
        response = client.get("/api/v1/campaigns/")
        assert response.status_code == 401, header
        assert response.json()["error"]["code"] == "not_authenticated"


def test_cannot_revoke_someone_elses_token(world):
    token, _ = api_token_create(user=world.owner_a, name="mine")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        api_token_revoke(token=token, user=world.owner_b)


def test_blank_token_name_is_rejected(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="name"):
        api_token_create(user=world.owner_a, name="  ")


def test_token_requests_are_throttled(world):
    from rest_framework.throttling import SimpleRateThrottle

    cache.clear()
    # The throttle reads its rates when its class is defined; point it at the test's rates.
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {"token": "3/min"}
    try:
        _, raw = api_token_create(user=world.owner_a, name="busy")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        codes = [client.get("/api/v1/campaigns/").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        body = client.get("/api/v1/campaigns/").json()
        assert body["error"]["code"] == "throttled"
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
        cache.clear()


def test_account_page_shows_new_token_once_and_revokes(world, client_for):
    client = client_for(world.editor_a)
    response = client.post(reverse("account"), {"name": "reporting"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=world.editor_a)
    raw = response.context["raw_token"]
    assert raw in response.content.decode()
    again = client.get(reverse("account"))
    assert raw not in again.content.decode()
    assert "reporting" in again.content.decode()
    client.post(reverse("account_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_account_page_rejects_blank_name_and_foreign_revoke(world, client_for):
    other, _ = api_token_create(user=world.owner_b, name="b's")
    client = client_for(world.editor_a)
    assert client.post(reverse("account"), {"name": ""}).status_code == 400
    assert client.post(reverse("account_token_revoke", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_account_page_needs_login(client):
    response = client.get(reverse("account"))
    assert response.status_code == 302

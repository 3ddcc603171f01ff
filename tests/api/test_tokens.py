"""Token lifecycle: shown once, hashed at rest, bearer auth, revoke, throttled, account page."""

import hashlib
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tenancy.models import ApiToken
from tenancy.tokens import api_token_create, api_token_revoke
from tests import factories as f

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


def _works(raw: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client.get("/api/v1/campaigns/").status_code == 200


def _revoked_because(token) -> str:
    token.refresh_from_db()
    assert token.revoked_at is not None
    return token.revoked_because


NEW_PASSWORD = "a-new-long-passphrase-42"


def test_password_change_form_revokes_the_users_tokens(world, client_for):
    token, raw = api_token_create(user=world.editor_a, name="script")
    _, other_raw = api_token_create(user=world.owner_a, name="someone else's")
    client = client_for(world.editor_a)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": f.DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert not _works(raw)
    assert _revoked_because(token) == "password_changed"
    assert _works(other_raw)  # another user's token is untouched


def test_set_password_and_save_revokes_tokens(world):
    token, raw = api_token_create(user=world.viewer_a, name="script")
    world.viewer_a.set_password(NEW_PASSWORD)
    world.viewer_a.save()
    assert not _works(raw)
    assert _revoked_because(token) == "password_changed"


def test_password_reset_form_revokes_tokens(world):
    """SetPasswordForm is what the password reset confirmation page saves."""
    from django.contrib.auth.forms import SetPasswordForm

    token, raw = api_token_create(user=world.viewer_a, name="script")
    form = SetPasswordForm(
        world.viewer_a, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert form.is_valid(), form.errors
    form.save()
    assert not _works(raw)
    assert _revoked_because(token) == "password_changed"


def test_admin_password_change_and_unusable_password_revoke_tokens(world, client_for):
    token, raw = api_token_create(user=world.editor_a, name="script")
    admin = client_for(world.staff)
    url = reverse("admin:auth_user_password_change", args=[world.editor_a.pk])
    response = admin.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not _works(raw)
    assert _revoked_because(token) == "password_changed"
    second, second_raw = api_token_create(user=world.editor_a, name="again")
    world.editor_a.refresh_from_db()
    world.editor_a.set_unusable_password()
    world.editor_a.save()
    assert not _works(second_raw)
    assert _revoked_because(second) == "password_changed"


def test_deactivation_revokes_tokens_for_good(world):
    token, raw = api_token_create(user=world.editor_a, name="script")
    world.editor_a.is_active = False
    world.editor_a.save(update_fields=["is_active"])
    assert not _works(raw)
    assert _revoked_because(token) == "deactivated"
    world.editor_a.is_active = True  # reactivated: the old token stays revoked
    world.editor_a.save()
    assert not _works(raw)


def test_login_and_a_password_hash_upgrade_keep_tokens(world, client, settings):
    """Django re-hashes a correct password with the preferred hasher on login: same password,
    new hash, which must not count as a change."""
    from django.contrib.auth.hashers import make_password

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    user = world.editor_a
    type(user).objects.filter(pk=user.pk).update(
        password=make_password(f.DEFAULT_PASSWORD, hasher="md5")
    )
    token, raw = api_token_create(user=user, name="script")
    response = client.post(
        reverse("login"), {"username": user.username, "password": f.DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_")  # upgraded
    assert _works(raw)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_expired_token_is_refused_with_its_expiry(world):
    token, raw = api_token_create(
        user=world.editor_a, name="short", expires_at=timezone.now() + timedelta(minutes=5)
    )
    assert _works(raw)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.get("/api/v1/campaigns/")
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]
    with pytest.raises(ValidationError, match="future"):
        api_token_create(user=world.editor_a, name="x", expires_at=timezone.now())


def _write_operations() -> list[tuple[str, str]]:
    """Every write operation the API schema lists, with its path's ids set to 1."""
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("spectacular", "--format", "openapi-json", stdout=out)
    operations = []
    for path, item in json.loads(out.getvalue())["paths"].items():
        url = path.replace("{id}", "1").replace("{creator_id}", "1")
        operations += [(method.upper(), url) for method in item if method in WRITES]
    return operations


WRITES = ("post", "put", "patch", "delete")


def test_read_only_token_reads_but_every_write_is_refused(world, api_for):
    """Every write route answers 403 with the read-only message, before any lookup (so also for
    ids that do not exist or belong to another organisation), and nothing is written."""
    client = api_for(world.owner_a, read_only=True)
    assert client.get("/api/v1/campaigns/").status_code == 200
    operations = _write_operations()
    assert len(operations) >= 10
    for method, url in operations:
        response = client.generic(method, url, "{}", content_type="application/json")
        assert response.status_code == 403, (method, url, response.status_code)
        assert "read-only" in response.json()["error"]["message"], (method, url)
    response = client.patch(
        f"/api/v1/campaigns/{world.campaign_a.pk}/", {"name": "renamed"}, format="json"
    )
    assert response.status_code == 403
    world.campaign_a.refresh_from_db()
    assert world.campaign_a.name != "renamed"
    writable = api_for(world.owner_a)  # the same user with a read-write token may
    response = writable.patch(
        f"/api/v1/campaigns/{world.campaign_a.pk}/", {"name": "renamed"}, format="json"
    )
    assert response.status_code == 200


def test_staff_token_needs_the_staff_scope_for_staff_endpoints(world, api_for):
    plain = api_for(world.staff)
    response = plain.get("/api/v1/imports/")
    assert response.status_code == 403
    assert "staff rights" in response.json()["error"]["message"]
    csv = SimpleUploadedFile("profiles.csv", b"handle,platform\nx,instagram\n")
    assert plain.post("/api/v1/imports/", {"kind": "profiles", "file": csv}).status_code == 403
    assert api_for(world.staff, staff=True).get("/api/v1/imports/").status_code == 200
    read_only_staff = api_for(world.staff, staff=True, read_only=True)
    assert read_only_staff.get("/api/v1/imports/").status_code == 200
    csv = SimpleUploadedFile("profiles.csv", b"handle,platform\nx,instagram\n")
    response = read_only_staff.post("/api/v1/imports/", {"kind": "profiles", "file": csv})
    assert response.status_code == 403 and "read-only" in response.json()["error"]["message"]


def test_only_staff_can_give_a_token_staff_rights(world, client_for):
    with pytest.raises(ValidationError, match="staff"):
        api_token_create(user=world.owner_a, name="x", staff=True)
    page = client_for(world.owner_a).get(reverse("account")).content.decode()
    assert 'name="staff"' not in page
    # A forged field from a non-staff user is ignored: the form has no such field for them.
    client_for(world.owner_a).post(
        reverse("account"), {"name": "forged", "access": "write", "staff": "on"}
    )
    assert not ApiToken.objects.get(name="forged").staff


def test_account_page_creates_a_token_with_the_chosen_access_and_expiry(world, client_for):
    client = client_for(world.staff)
    assert 'name="staff"' in client.get(reverse("account")).content.decode()
    response = client.post(
        reverse("account"),
        {"name": "imports", "access": "write", "expires_in_days": "30", "staff": "on"},
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="imports")
    assert token.staff and not token.read_only
    days = (token.expires_at - timezone.now()).total_seconds() / 86400
    assert 29.9 < days <= 30
    client.post(reverse("account"), {"name": "reader", "access": "read", "expires_in_days": ""})
    reader = ApiToken.objects.get(name="reader")
    assert reader.read_only and not reader.staff and reader.expires_at is None
    page = client.get(reverse("account")).content.decode()
    assert "read only" in page and "read and write" in page and "staff" in page

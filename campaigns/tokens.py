"""Personal API tokens: create (the raw token is returned once), revoke, and look up by token.

A token reads `mm_<prefix>_<secret>`; only sha256 of the whole token is stored, the prefix
finds the row without scanning, and the hash comparison is constant-time.
"""

import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from campaigns.models import ApiToken

TOKEN_PREFIX = "mm"
MAX_ACTIVE_TOKENS = 20


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the raw token (never stored)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("Give the token a name, e.g. 'reporting script'.")
    if len(name) > 100:
        raise ValidationError("The token name is longer than 100 characters.")
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            f"You already have {MAX_ACTIVE_TOKENS} active tokens; revoke one first."
        )
    prefix = secrets.token_hex(4)  # 8 hex characters
    secret = secrets.token_urlsafe(32)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secret}"
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, key_hash=_hash(raw))
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, user) -> ApiToken:
    """Revoke one of the user's own tokens; revoking twice keeps the first revocation time."""
    if token.user_id != user.pk:
        raise ValidationError("That token belongs to someone else.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The active token matching `raw`, with last_used_at refreshed; None if unknown/revoked."""
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    digest = _hash(raw)
    for token in ApiToken.objects.select_related("user").filter(
        prefix=parts[1], revoked_at__isnull=True
    ):
        if hmac.compare_digest(token.key_hash, digest):
            if not token.user.is_active:
                return None
            now = timezone.now()
            # One write per minute at most: a busy script must not turn reads into writes.
            if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
                token.last_used_at = now
            return token
    return None

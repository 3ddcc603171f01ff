"""Personal API tokens: create (the raw token is returned once), revoke, and look up by token.

A token reads `mm_<prefix>_<secret>`; only sha256 of the whole token is stored, the prefix
finds the row without scanning, and the hash comparison is constant-time. A token may be
read-only, may expire, and carries staff rights only when created with the staff scope; a
password change or a deactivation revokes every token of the user (tenancy/signals.py).
"""

import hashlib
import hmac
import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tenancy.models import ApiToken

TOKEN_PREFIX = "mm"
MAX_ACTIVE_TOKENS = 20


class TokenExpired(Exception):
    """The token is genuine but past its expiry."""

    def __init__(self, token: ApiToken):
        super().__init__(
            f"This API token expired on {token.expires_at:%Y-%m-%d %H:%M} UTC; "
            "create a new one on the API tokens page."
        )
        self.token = token


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    user,
    name: str,
    read_only: bool = False,
    staff: bool = False,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the raw token (never stored)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("Give the token a name, e.g. 'reporting script'.")
    if len(name) > 100:
        raise ValidationError("The token name is longer than 100 characters.")
    if staff and not user.is_staff:
        raise ValidationError("Only staff users can give a token staff rights.")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError("The expiry must be in the future.")
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            f"You already have {MAX_ACTIVE_TOKENS} active tokens; revoke one first."
        )
    prefix = secrets.token_hex(4)  # 8 hex characters
    secret = secrets.token_urlsafe(32)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secret}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=_hash(raw),
        read_only=read_only,
        staff=staff,
        expires_at=expires_at,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, user) -> ApiToken:
    """Revoke one of the user's own tokens; revoking twice keeps the first revocation time."""
    if token.user_id != user.pk:
        raise ValidationError("That token belongs to someone else.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_because = ApiToken.RevokedBecause.USER
        token.save(update_fields=["revoked_at", "revoked_because"])
    return token


def api_tokens_revoke_all(*, user, because: str) -> int:
    """Revoke every active token of `user` (password changed, account deactivated); returns
    how many. Runs in the caller's transaction, so a rolled-back change revokes nothing."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_because=because
    )


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The active token matching `raw`, with last_used_at refreshed; None if unknown/revoked,
    or its user is inactive. Raises TokenExpired for a genuine token past its expiry."""
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
            if token.expires_at is not None and token.expires_at <= now:
                raise TokenExpired(token)
            # One write per minute at most: a busy script must not turn reads into writes.
            if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
                token.last_used_at = now
            return token
    return None

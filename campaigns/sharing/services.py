"""Share links: create (the raw token is returned once), revoke, and resolve a token to its
live link, counting the view.

A link's token is `secrets.token_urlsafe(32)` (256 random bits) in the URL /share/<token>/;
only its SHA-256 is stored, so the database alone cannot open a report. An expired, revoked or
unknown token all resolve to None: the public page answers each with the same 404.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from campaigns.models import Campaign, ShareLink
from tenancy.permissions import can_edit

DEFAULT_DAYS = 30
MAX_DAYS = 365
# Live links per campaign: a manager who needs more revokes old ones first.
MAX_ACTIVE_LINKS = 20


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _check_editor(campaign: Campaign, user) -> None:
    if not can_edit(user, campaign):
        raise ValidationError("Only owners and editors of the campaign's organisation share it.")


@transaction.atomic
def share_link_create(
    *, campaign: Campaign, user, days: int = DEFAULT_DAYS, show_fees: bool = False
) -> tuple[ShareLink, str]:
    """A new share link of `campaign` valid for `days` (1 to MAX_DAYS); returns the row and the
    raw token (never stored)."""
    _check_editor(campaign, user)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            f"A share link expires in 1 to {MAX_DAYS} days; {days!r} days is outside that."
        )
    active = ShareLink.objects.filter(
        campaign=campaign, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()
    if active >= MAX_ACTIVE_LINKS:
        raise ValidationError(
            f"This campaign already has {MAX_ACTIVE_LINKS} live share links; revoke one first."
        )
    raw = secrets.token_urlsafe(32)
    link = ShareLink.objects.create(
        campaign=campaign,
        token_hash=token_hash(raw),
        expires_at=timezone.now() + timedelta(days=days),
        show_fees=bool(show_fees),
        created_by=user,
    )
    return link, raw


@transaction.atomic
def share_link_revoke(*, link: ShareLink, user) -> ShareLink:
    """Revoke a link; revoking twice keeps the first revocation time."""
    _check_editor(link.campaign, user)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def share_link_resolve(raw: str, *, count_view: bool = True) -> ShareLink | None:
    """The live link with token `raw` (its campaign, brand and organisation loaded), its view
    counted; None when unknown, expired or revoked."""
    if not raw or len(raw) > 100:
        return None
    now = timezone.now()
    link = (
        ShareLink.objects.select_related("campaign__brand__organization")
        .filter(token_hash=token_hash(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if link is not None and count_view:
        ShareLink.objects.filter(pk=link.pk).update(
            view_count=F("view_count") + 1, last_viewed_at=now
        )
        link.view_count += 1
        link.last_viewed_at = now
    return link


def is_live(link: ShareLink) -> bool:
    return link.revoked_at is None and link.expires_at > timezone.now()

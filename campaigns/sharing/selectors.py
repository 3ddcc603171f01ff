"""Reads for the share-link section of the results page."""

from django.utils import timezone

from campaigns.models import ShareLink


def campaign_share_links(campaign, limit: int = 20) -> list[dict]:
    """The campaign's share links, newest first, each with its state (live, expired, revoked)."""
    now = timezone.now()
    links = list(ShareLink.objects.filter(campaign=campaign).select_related("created_by")[:limit])
    return [
        {
            "link": link,
            "state": "revoked"
            if link.revoked_at is not None
            else ("expired" if link.expires_at <= now else "live"),
        }
        for link in links
    ]

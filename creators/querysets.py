"""Chainable queries over the creator catalogue."""

from django.db import models

# Tier bounds in followers (DESIGN 4.1): nano < 10k <= micro < 100k <= mid < 500k <= macro < 1M <= mega.
TIER_BOUNDS = {
    "nano": (0, 10_000),
    "micro": (10_000, 100_000),
    "mid": (100_000, 500_000),
    "macro": (500_000, 1_000_000),
    "mega": (1_000_000, None),
}


class CreatorQuerySet(models.QuerySet):
    def in_tier(self, tier: str) -> "CreatorQuerySet":
        low, high = TIER_BOUNDS[tier]
        qs = self.filter(followers__gte=low)
        return qs if high is None else qs.filter(followers__lt=high)

    def with_followers_between(self, low: int | None, high: int | None) -> "CreatorQuerySet":
        qs = self
        if low is not None:
            qs = qs.filter(followers__gte=low)
        if high is not None:
            qs = qs.filter(followers__lte=high)
        return qs


class ImportJobQuerySet(models.QuerySet):
    # The kind whose files are an organisation's private results, uploaded on a campaign's
    # results page: never listed with the catalogue's imports.
    RESULTS_KIND = "outcomes"

    def catalogue(self) -> "ImportJobQuerySet":
        """The staff's catalogue imports (profiles, posts, audience, followers, comments)."""
        return self.exclude(kind=self.RESULTS_KIND)

    def for_campaign(self, campaign_id: int) -> "ImportJobQuerySet":
        """The results uploads of one campaign (the caller has scoped the campaign)."""
        return self.filter(kind=self.RESULTS_KIND, scope__campaign_id=campaign_id)

"""Campaign querysets, scoped to a user through tenancy's `organisation_ids`.

Every view and API endpoint starts from `Model.objects.for_user(user)`; an object outside the
scope is a 404 (tenancy/querysets.py says why).
"""

from django.db import models

from tenancy.querysets import organisation_ids


class BrandQuerySet(models.QuerySet):
    def for_user(self, user, *, write: bool = False) -> "BrandQuerySet":
        return self.filter(organization_id__in=organisation_ids(user, write=write))


class CampaignQuerySet(models.QuerySet):
    def for_user(self, user, *, write: bool = False) -> "CampaignQuerySet":
        return self.filter(brand__organization_id__in=organisation_ids(user, write=write))

    def with_writable(self, user) -> "CampaignQuerySet":
        """Annotate `writable`: may this user change the campaign (owner or editor)? Saves a
        second for_user(write=True) query where a page needs both the readable and the writable."""
        return self.annotate(
            writable=models.ExpressionWrapper(
                models.Q(brand__organization_id__in=organisation_ids(user, write=True)),
                output_field=models.BooleanField(),
            )
        )


class RosterEntryQuerySet(models.QuerySet):
    def for_user(self, user, *, write: bool = False) -> "RosterEntryQuerySet":
        return self.filter(campaign__brand__organization_id__in=organisation_ids(user, write=write))

    def active(self) -> "RosterEntryQuerySet":
        """Entries still in play: everything but declined."""
        return self.exclude(stage="declined")


class DeliverableQuerySet(models.QuerySet):
    def for_user(self, user, *, write: bool = False) -> "DeliverableQuerySet":
        return self.filter(
            entry__campaign__brand__organization_id__in=organisation_ids(user, write=write)
        )


class OutcomeQuerySet(models.QuerySet):
    def for_user(self, user, *, write: bool = False) -> "OutcomeQuerySet":
        return self.filter(
            deliverable__entry__campaign__brand__organization_id__in=organisation_ids(
                user, write=write
            )
        )

    def latest_per_deliverable(self) -> "OutcomeQuerySet":
        """Each deliverable's latest reading (highest recorded_at, then id): its result. A later
        reading supersedes an earlier one, never adds to it. Served by the outcome_latest index."""
        return self.order_by("deliverable_id", "-recorded_at", "-id").distinct("deliverable_id")


class ShareLinkQuerySet(models.QuerySet):
    def for_user(self, user, *, write: bool = False) -> "ShareLinkQuerySet":
        return self.filter(campaign__brand__organization_id__in=organisation_ids(user, write=write))


class ConversionQuerySet(models.QuerySet):
    def for_user(self, user, *, write: bool = False) -> "ConversionQuerySet":
        return self.filter(campaign__brand__organization_id__in=organisation_ids(user, write=write))

"""Tenancy: the one place that scopes organisation-owned data to a user.

Every view and API endpoint starts from `Model.objects.for_user(user)`; an object outside the
scope is a 404, never a 403 that would tell a stranger it exists. `for_user(user, write=True)`
keeps only the organisations where the user may change things (owners and editors).
"""

from django.db import models

WRITE_ROLES = ("owner", "editor")


def _organisation_ids(user, *, write: bool = False) -> models.QuerySet:
    from campaigns.models import Membership

    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none().values("organization_id")
    memberships = Membership.objects.filter(user=user)
    if write:
        memberships = memberships.filter(role__in=WRITE_ROLES)
    return memberships.values("organization_id")


class OrganizationQuerySet(models.QuerySet):
    def for_user(self, user, *, write: bool = False) -> "OrganizationQuerySet":
        return self.filter(id__in=_organisation_ids(user, write=write))


class BrandQuerySet(models.QuerySet):
    def for_user(self, user, *, write: bool = False) -> "BrandQuerySet":
        return self.filter(organization_id__in=_organisation_ids(user, write=write))


class CampaignQuerySet(models.QuerySet):
    def for_user(self, user, *, write: bool = False) -> "CampaignQuerySet":
        return self.filter(brand__organization_id__in=_organisation_ids(user, write=write))

    def with_writable(self, user) -> "CampaignQuerySet":
        """Annotate `writable`: may this user change the campaign (owner or editor)? Saves a
        second for_user(write=True) query where a page needs both the readable and the writable."""
        return self.annotate(
            writable=models.ExpressionWrapper(
                models.Q(brand__organization_id__in=_organisation_ids(user, write=True)),
                output_field=models.BooleanField(),
            )
        )


class RosterEntryQuerySet(models.QuerySet):
    def for_user(self, user, *, write: bool = False) -> "RosterEntryQuerySet":
        return self.filter(
            campaign__brand__organization_id__in=_organisation_ids(user, write=write)
        )

    def active(self) -> "RosterEntryQuerySet":
        """Entries still in play: everything but declined."""
        return self.exclude(stage="declined")


class DeliverableQuerySet(models.QuerySet):
    def for_user(self, user, *, write: bool = False) -> "DeliverableQuerySet":
        return self.filter(
            entry__campaign__brand__organization_id__in=_organisation_ids(user, write=write)
        )


class OutcomeQuerySet(models.QuerySet):
    def for_user(self, user, *, write: bool = False) -> "OutcomeQuerySet":
        return self.filter(
            deliverable__entry__campaign__brand__organization_id__in=_organisation_ids(
                user, write=write
            )
        )

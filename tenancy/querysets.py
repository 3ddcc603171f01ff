"""Tenancy: the one place that scopes organisation-owned data to a user.

Every view and API endpoint starts from `Model.objects.for_user(user)`; an object outside the
scope is a 404, never a 403 that would tell a stranger it exists. `for_user(user, write=True)`
keeps only the organisations where the user may change things (owners and editors). Other apps'
querysets scope through `organisation_ids`.
"""

from django.apps import apps
from django.db import models

WRITE_ROLES = ("owner", "editor")


def organisation_ids(user, *, write: bool = False) -> models.QuerySet:
    """A subquery of the ids of the organisations `user` belongs to (may write to)."""
    # By name, not imported: tenancy.models imports this module (OrganizationQuerySet), and an
    # import back, even one deferred into this function, would close an import circle.
    Membership = apps.get_model("tenancy", "Membership")
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none().values("organization_id")
    memberships = Membership.objects.filter(user=user)
    if write:
        memberships = memberships.filter(role__in=WRITE_ROLES)
    return memberships.values("organization_id")


class OrganizationQuerySet(models.QuerySet):
    def for_user(self, user, *, write: bool = False) -> "OrganizationQuerySet":
        return self.filter(id__in=organisation_ids(user, write=write))

"""Tenancy: the one place that scopes organisation-owned data to a user.

Every view and API endpoint starts from `Model.objects.for_user(user)`; an object outside the
scope is a 404, never a 403 that would tell a stranger it exists. `for_user(user, write=True)`
keeps only the organisations where the user may change things (owners and editors).
"""

from django.db import connection, models

WRITE_ROLES = ("owner", "editor")


def _organisation_ids(user, *, write: bool = False) -> models.QuerySet:
    from campaigns.models import Membership

    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none().values("organization_id")
    memberships = Membership.objects.filter(user=user)
    if write:
        memberships = memberships.filter(role__in=WRITE_ROLES)
    return memberships.values("organization_id")


def campaign_choices(user) -> list[tuple[int, str, str, bool]]:
    """(id, name, brand name, writable) of every campaign the user can read, by name.

    The same scope as Campaign.objects.for_user(user) with the write flag of for_user(user,
    write=True), in one plain query: building the ORM's subquery form cost the discovery page
    about 2 ms of CPU per view, more than the database took to answer it."""
    if not getattr(user, "is_authenticated", False):
        return []
    from campaigns.models import Brand, Campaign, Membership

    sql = (
        f"SELECT c.id, c.name, b.name, m.role IN ({', '.join(['%s'] * len(WRITE_ROLES))}) "
        f"FROM {Campaign._meta.db_table} c "
        f"JOIN {Brand._meta.db_table} b ON b.id = c.brand_id "
        f"JOIN {Membership._meta.db_table} m ON m.organization_id = b.organization_id "
        f"WHERE m.user_id = %s ORDER BY c.name, c.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*WRITE_ROLES, user.pk])
        return [(pk, name, brand, bool(writable)) for pk, name, brand, writable in cursor]


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

    def latest_per_deliverable(self) -> "OutcomeQuerySet":
        """Each deliverable's latest reading (highest recorded_at, then id): its result. A later
        reading supersedes an earlier one, never adds to it. Served by the outcome_latest index."""
        return self.order_by("deliverable_id", "-recorded_at", "-id").distinct("deliverable_id")

"""Campaign querysets, scoped to a user through tenancy's `organisation_ids`.

Every view and API endpoint starts from `Model.objects.for_user(user)`; an object outside the
scope is a 404 (tenancy/querysets.py says why).
"""

from django.db import connection, models

from tenancy.models import Membership
from tenancy.querysets import WRITE_ROLES, organisation_ids


def campaign_choices(user) -> list[tuple[int, str, str, bool]]:
    """(id, name, brand name, writable) of every campaign the user can read, by name.

    The same scope as Campaign.objects.for_user(user) with the write flag of for_user(user,
    write=True), in one plain query: building the ORM's subquery form cost the discovery page
    about 2 ms of CPU per view, more than the database took to answer it."""
    if not getattr(user, "is_authenticated", False):
        return []
    # Imported here: campaigns.models imports this module for the querysets.
    from campaigns.models import Brand, Campaign

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

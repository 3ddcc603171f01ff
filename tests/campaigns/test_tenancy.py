"""The tenancy scope: a user sees only their organisations' data, and writes only as owner/editor."""

import pytest

from campaigns.models import Brand, Campaign, RosterEntry
from tenancy.models import Organization
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_member_sees_only_own_organisation(world):
    assert list(Organization.objects.for_user(world.owner_a)) == [world.org_a]
    assert list(Brand.objects.for_user(world.viewer_a)) == [world.brand_a]
    assert list(Campaign.objects.for_user(world.owner_b)) == [world.campaign_b]


def test_outsider_and_anonymous_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    for user in (world.outsider, AnonymousUser()):
        assert not Campaign.objects.for_user(user).exists()
        assert not Brand.objects.for_user(user).exists()


def test_write_scope_excludes_viewers(world):
    assert Campaign.objects.for_user(world.editor_a, write=True).count() == 1
    assert not Campaign.objects.for_user(world.viewer_a, write=True).exists()


def test_roster_entries_are_scoped_through_their_campaign(world):
    mine = f.RosterEntryFactory(campaign=world.campaign_a)
    f.RosterEntryFactory(campaign=world.campaign_b)
    assert list(RosterEntry.objects.for_user(world.viewer_a)) == [mine]


def test_member_of_two_organisations_sees_both_without_duplicates(world):
    f.MembershipFactory(user=world.owner_a, organization=world.org_b, role="viewer")
    ids = list(Campaign.objects.for_user(world.owner_a).values_list("id", flat=True))
    assert sorted(ids) == sorted([world.campaign_a.id, world.campaign_b.id])


def test_campaign_choices_and_writable_flag_match_the_querysets(world):
    """The plain-SQL choices (discovery's campaign select) and the annotated `writable` flag
    (campaign pages) agree with for_user and for_user(write=True), for every kind of user."""
    from django.contrib.auth.models import AnonymousUser

    from campaigns.selectors import campaign_choices

    f.MembershipFactory(user=world.editor_a, organization=world.org_b, role="viewer")
    f.CampaignFactory(brand=world.brand_a, name="Another")
    users = (
        world.owner_a,
        world.editor_a,
        world.viewer_a,
        world.owner_b,
        world.staff,
        world.outsider,
        AnonymousUser(),
    )
    for user in users:
        readable = set(Campaign.objects.for_user(user).values_list("id", flat=True))
        writable = set(Campaign.objects.for_user(user, write=True).values_list("id", flat=True))
        choices = campaign_choices(user)
        assert {pk for pk, *_ in choices} == readable, user
        assert {pk for pk, _name, _brand, w in choices if w} == writable, user
        assert [name for _pk, name, *_ in choices] == sorted(name for _pk, name, *_ in choices)
        if getattr(user, "is_authenticated", False):
            flagged = Campaign.objects.for_user(user).with_writable(user)
            assert {c.pk for c in flagged if c.writable} == writable, user
    # A viewer of org B sees its campaign, named with its brand, but cannot write to it.
    assert (world.campaign_b.pk, world.campaign_b.name, world.brand_b.name, False) in (
        campaign_choices(world.editor_a)
    )


def test_can_edit_is_for_owners_and_editors_of_the_objects_organisation(world):
    from tenancy.permissions import can_edit

    for obj in (world.org_a, world.campaign_a):
        assert can_edit(world.owner_a, obj) and can_edit(world.editor_a, obj)
        assert not can_edit(world.viewer_a, obj) and not can_edit(world.owner_b, obj)
    annotated = Campaign.objects.with_writable(world.viewer_a).get(pk=world.campaign_a.pk)
    assert can_edit(world.viewer_a, annotated) is False

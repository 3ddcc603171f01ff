"""Campaign and roster services: defaults from the brand, idempotent shortlist, stage history."""

from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from campaigns import services
from campaigns.models import RosterEntry, StageChange
from tests import factories as f


def test_campaign_create_copies_brand_targeting(world):
    world.brand_a.target_countries = ["DE", "FR"]
    world.brand_a.keywords = ["skincare"]
    world.brand_a.save()
    campaign = services.campaign_create(
        brand=world.brand_a, user=world.editor_a, name="Summer", target_countries=["IT"]
    )
    assert campaign.target_countries == ["IT"]  # own value wins
    assert campaign.keywords == ["skincare"]  # brand default copied
    assert campaign.created_by == world.editor_a


def test_campaign_create_rejects_reversed_range_and_unknown_fields(world):
    with pytest.raises(ValidationError, match="reversed"):
        services.campaign_create(
            brand=world.brand_a, user=world.owner_a, name="X", min_followers=50, max_followers=10
        )
    with pytest.raises(ValidationError, match="created_by"):
        services.campaign_create(brand=world.brand_a, user=world.owner_a, name="X", created_by=1)


def test_campaign_update_enqueues_recompute_only_for_targeting(
    world, django_capture_on_commit_callbacks
):
    calls = []
    with mock.patch.object(services, "_enqueue_match_recompute", side_effect=calls.append):
        services.campaign_update(campaign=world.campaign_a, user=world.owner_a, name="Renamed")
        assert calls == []
        services.campaign_update(
            campaign=world.campaign_a, user=world.owner_a, target_countries=["ES"]
        )
        assert calls == [world.campaign_a.id]
    world.campaign_a.refresh_from_db()
    assert world.campaign_a.name == "Renamed"
    assert world.campaign_a.target_countries == ["ES"]


def test_roster_entry_add_is_idempotent_and_records_history(world):
    creator = f.CreatorFactory()
    first = services.roster_entry_add(
        campaign=world.campaign_a, creator=creator, user=world.editor_a
    )
    again = services.roster_entry_add(
        campaign=world.campaign_a, creator=creator, user=world.editor_a
    )
    assert first.pk == again.pk
    assert first.stage == "shortlisted"
    assert RosterEntry.objects.filter(campaign=world.campaign_a).count() == 1
    changes = list(StageChange.objects.filter(entry=first).values_list("from_stage", "to_stage"))
    assert changes == [("", "shortlisted")]


def test_roster_entry_move_records_change_and_same_stage_is_noop(world):
    entry = services.roster_entry_add(
        campaign=world.campaign_a, creator=f.CreatorFactory(), user=world.editor_a
    )
    services.roster_entry_move(entry=entry, stage="contracted", user=world.owner_a)
    services.roster_entry_move(entry=entry, stage="contracted", user=world.owner_a)
    last = StageChange.objects.filter(entry=entry).order_by("-id").first()
    assert (last.from_stage, last.to_stage, last.changed_by) == (
        "shortlisted",
        "contracted",
        world.owner_a,
    )
    assert StageChange.objects.filter(entry=entry).count() == 2
    with pytest.raises(ValidationError, match="Unknown stage"):
        services.roster_entry_move(entry=entry, stage="signed", user=world.owner_a)


def test_roster_entry_update_parses_fee_and_rejects_bad_values(world):
    entry = services.roster_entry_add(
        campaign=world.campaign_a, creator=f.CreatorFactory(), user=world.editor_a
    )
    services.roster_entry_update(
        entry=entry, user=world.editor_a, agreed_fee="1,250.5", notes=" hi "
    )
    entry.refresh_from_db()
    assert entry.agreed_fee == Decimal("1250.50")
    assert entry.notes == "hi"
    with pytest.raises(ValidationError, match="not a number"):
        services.roster_entry_update(entry=entry, user=world.editor_a, agreed_fee="lots")
    with pytest.raises(ValidationError, match="negative"):
        services.roster_entry_update(entry=entry, user=world.editor_a, agreed_fee="-5")
    with pytest.raises(ValidationError, match="stage"):
        services.roster_entry_update(entry=entry, user=world.editor_a, stage="completed")


def test_roster_entry_update_of_an_entry_deleted_meanwhile_raises_does_not_exist(world):
    """A PATCH racing a DELETE: the update locks the row and finds it gone (the API answers 404;
    an unlocked save(update_fields=...) raised DatabaseError, a 500, in the fuzz run)."""
    entry = services.roster_entry_add(
        campaign=world.campaign_a, creator=f.CreatorFactory(), user=world.editor_a
    )
    stale = RosterEntry.objects.get(pk=entry.pk)
    services.roster_entry_remove(entry=entry, user=world.editor_a)
    with pytest.raises(RosterEntry.DoesNotExist):
        services.roster_entry_update(entry=stale, user=world.editor_a, notes="late")

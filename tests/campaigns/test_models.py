"""Database constraints hold even when code bypasses forms: each bad row is an IntegrityError."""

from datetime import date

import pytest

from campaigns.models import Campaign, RosterEntry
from tests import factories as f


@pytest.mark.django_db
def test_campaign_follower_range_budget_and_dates(rejects):
    brand = f.BrandFactory()
    rejects(
        lambda: Campaign.objects.create(
            brand=brand, name="x", min_followers=50_000, max_followers=10_000
        )
    )
    rejects(lambda: Campaign.objects.create(brand=brand, name="x", budget=-1))
    rejects(
        lambda: Campaign.objects.create(
            brand=brand, name="x", starts_on=date(2026, 5, 2), ends_on=date(2026, 5, 1)
        )
    )
    Campaign.objects.create(brand=brand, name="ok", min_followers=10_000, max_followers=10_000)


@pytest.mark.django_db
def test_roster_entry_unique_per_campaign_and_fee_non_negative(rejects):
    campaign, creator = f.CampaignFactory(), f.CreatorFactory()
    RosterEntry.objects.create(campaign=campaign, creator=creator)
    rejects(lambda: RosterEntry.objects.create(campaign=campaign, creator=creator))
    rejects(
        lambda: RosterEntry.objects.create(
            campaign=campaign, creator=f.CreatorFactory(), agreed_fee=-10
        )
    )


@pytest.mark.django_db
def test_membership_once_per_org_and_brand_name_unique_per_org(rejects):
    membership = f.MembershipFactory()
    rejects(lambda: f.MembershipFactory(user=membership.user, organization=membership.organization))
    brand = f.BrandFactory()
    rejects(lambda: f.BrandFactory(organization=brand.organization, name=brand.name))
    f.BrandFactory(name=brand.name)  # the same name in another organisation is fine

"""Database constraints hold even when code bypasses forms: each bad row is an IntegrityError."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns.models import Campaign, RosterEntry
from creators.models import AudienceShare, Creator, Post
from scoring.models import CreatorOverlap
from tests import factories as f


def rejects(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.mark.django_db
def test_creator_platform_handle_unique_and_counts_non_negative():
    creator = f.CreatorFactory(platform="instagram", handle="sunny")
    rejects(lambda: Creator.objects.create(platform="instagram", handle="sunny"))
    Creator.objects.create(platform="tiktok", handle="sunny")  # another platform is fine
    rejects(lambda: Creator.objects.create(platform="youtube", handle="neg", followers=-1))
    rejects(lambda: Creator.objects.create(platform="youtube", handle="negf", following=-5))
    rejects(lambda: Creator.objects.create(platform="youtube", handle=""))
    rejects(
        lambda: Post.objects.create(
            creator=creator, external_id="x", posted_at=timezone.now(), likes=-3
        )
    )


@pytest.mark.django_db
def test_audience_share_within_unit_interval():
    creator = f.CreatorFactory()
    AudienceShare.objects.create(creator=creator, dimension="country", bucket="DE", share=1.0)
    rejects(
        lambda: AudienceShare.objects.create(
            creator=creator, dimension="country", bucket="FR", share=1.2
        )
    )
    rejects(
        lambda: AudienceShare.objects.create(
            creator=creator, dimension="age", bucket="18-24", share=-0.1
        )
    )


@pytest.mark.django_db
def test_overlap_pair_is_ordered_and_unique():
    a, b = f.CreatorFactory(), f.CreatorFactory()
    low, high = sorted([a, b], key=lambda c: c.pk)
    values = {
        "computed_at": timezone.now(), "method": "bottomk-4096", "jaccard": 0.1, "shared_estimate": 10,
        "share_a": 0.2, "share_b": 0.1, "error_band": 0.02, "sample_a": 1000, "sample_b": 1000,
    }  # fmt: skip
    CreatorOverlap.objects.create(creator_a=low, creator_b=high, **values)
    rejects(lambda: CreatorOverlap.objects.create(creator_a=high, creator_b=low, **values))
    rejects(lambda: CreatorOverlap.objects.create(creator_a=low, creator_b=high, **values))
    rejects(
        lambda: CreatorOverlap.objects.create(
            creator_a=low, creator_b=high, **{**values, "jaccard": 1.5}
        )
    )


@pytest.mark.django_db
def test_campaign_follower_range_budget_and_dates():
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
def test_roster_entry_unique_per_campaign_and_fee_non_negative():
    campaign, creator = f.CampaignFactory(), f.CreatorFactory()
    RosterEntry.objects.create(campaign=campaign, creator=creator)
    rejects(lambda: RosterEntry.objects.create(campaign=campaign, creator=creator))
    rejects(
        lambda: RosterEntry.objects.create(
            campaign=campaign, creator=f.CreatorFactory(), agreed_fee=-10
        )
    )


@pytest.mark.django_db
def test_membership_once_per_org_and_brand_name_unique_per_org():
    membership = f.MembershipFactory()
    rejects(lambda: f.MembershipFactory(user=membership.user, organization=membership.organization))
    brand = f.BrandFactory()
    rejects(lambda: f.BrandFactory(organization=brand.organization, name=brand.name))
    f.BrandFactory(name=brand.name)  # the same name in another organisation is fine

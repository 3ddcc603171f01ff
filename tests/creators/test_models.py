"""The catalogue's database constraints hold even when code bypasses forms: each bad row is an
IntegrityError."""

import pytest
from django.utils import timezone

from creators.models import AudienceShare, Creator, Post
from tests import factories as f


@pytest.mark.django_db
def test_creator_platform_handle_unique_and_counts_non_negative(rejects):
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
def test_audience_share_within_unit_interval(rejects):
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

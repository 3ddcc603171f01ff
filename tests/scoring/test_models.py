"""Scoring's database constraints hold even when code bypasses the services: each bad row is an
IntegrityError."""

import pytest
from django.utils import timezone

from scoring.models import CreatorOverlap
from tests import factories as f


@pytest.mark.django_db
def test_overlap_pair_is_ordered_and_unique(rejects):
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

"""Queryset methods of the campaigns app."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Outcome
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_latest_per_deliverable_takes_the_last_reading_then_the_highest_id():
    now = timezone.now()
    first, second = f.DeliverableFactory(), f.DeliverableFactory()
    f.OutcomeFactory(deliverable=first, recorded_at=now, reach=1)
    f.OutcomeFactory(deliverable=first, recorded_at=now - timedelta(days=2), reach=2)
    tie = f.OutcomeFactory(deliverable=first, recorded_at=now, reach=3)
    only = f.OutcomeFactory(deliverable=second, recorded_at=now - timedelta(days=5), reach=4)
    latest = {o.deliverable_id: o for o in Outcome.objects.latest_per_deliverable()}
    assert latest == {first.pk: tie, second.pk: only}

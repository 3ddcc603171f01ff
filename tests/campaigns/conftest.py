"""Fixtures shared by the campaign tests."""

from decimal import Decimal

import pytest

from campaigns.models import Stage
from tests import factories as f


@pytest.fixture
def roster(world, settings, tmp_path):
    """Two roster entries of campaign A matched by results files (leafy.lena live with a
    deliverable, oat.otto contracted) and one of campaign B that A's files must not reach."""
    settings.MEDIA_ROOT = tmp_path
    one = f.RosterEntryFactory(
        campaign=world.campaign_a,
        creator=f.CreatorFactory(handle="leafy.lena"),
        stage=Stage.CONTENT_LIVE,
        agreed_fee=Decimal(300),
    )
    two = f.RosterEntryFactory(
        campaign=world.campaign_a,
        creator=f.CreatorFactory(handle="oat.otto"),
        stage=Stage.CONTRACTED,
    )
    f.DeliverableFactory(entry=one, post_url="https://instagram.com/p/AAA")
    f.RosterEntryFactory(campaign=world.campaign_b, creator=f.CreatorFactory(handle="globex.gus"))
    return one, two

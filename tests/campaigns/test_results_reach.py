"""Unique reach on the results page (issue 17 item 1): measured reach de-duplicated with the
follower samples, never follower counts; and the committed fees behind the spend (item 3)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import Stage
from campaigns.outcomes.selectors import campaign_results
from campaigns.selectors import roster_board
from creators.models import AudienceSketch
from matchmaker.lib import sketches
from scoring.services.overlaps import recompute_overlaps
from tests import factories as f

pytestmark = pytest.mark.django_db


def _member(campaign, *, handle, ids=None, reach, fee="500", quoted=None, stage=Stage.COMPLETED):
    creator = f.CreatorFactory(handle=handle, followers=45_000, quoted_price=quoted)
    if ids is not None:
        AudienceSketch.objects.create(creator=creator, **sketches.sketch_values(ids))
    entry = f.RosterEntryFactory(
        campaign=campaign,
        creator=creator,
        stage=stage,
        agreed_fee=Decimal(fee) if fee is not None else None,
    )
    deliverable = f.DeliverableFactory(entry=entry, platform="instagram")
    f.OutcomeFactory(deliverable=deliverable, reach=reach, impressions=reach * 2, likes=10)
    return entry


@pytest.fixture
def overlapping(world):
    """Two creators of 45,000 followers whose 2,000-id samples share 1,000 ids; their posts
    reached 3,000 and 1,000 people."""
    campaign = world.campaign_a
    a = _member(campaign, handle="anna", ids=range(2000), reach=3_000)
    b = _member(campaign, handle="ben", ids=range(1000, 3000), reach=1_000)
    return a, b


def test_unique_reach_is_measured_reach_deduplicated_not_followers(world, overlapping):
    # An overlap run records the roster's unique *follower* reach (about 67,500 here): the
    # results page used to show that as "unique reach" beside a measured reach of 4,000.
    run = recompute_overlaps(campaign_id=world.campaign_a.pk)
    assert run.scope["unique_reach"] > 60_000
    totals = campaign_results(world.campaign_a).totals
    assert totals["reach"] == 4_000
    # anna's ids stand for 1.5 people each, ben's for 0.5: the 1,000 shared ids count once at
    # 1.5 (anna reached them), ben adds his 1,000 unshared ids x 0.5.
    assert totals["unique_reach"] == pytest.approx(3_500)
    assert totals["unique_reach_exact"] is True
    assert 3_000 <= totals["unique_reach"] <= totals["reach"]
    assert totals["cost_per_unique"] == pytest.approx(1_000 / 3_500)


def test_results_page_shows_unique_reach_range_for_unsampled_creators(
    world, overlapping, client_for
):
    _member(world.campaign_a, handle="cleo", ids=None, reach=2_000)
    results = campaign_results(world.campaign_a)
    totals = results.totals
    assert totals["unique_reach"] == pytest.approx(5_500)  # cleo reaching only new people
    assert totals["unique_reach_lower_bound"] == pytest.approx(3_500)  # cleo inside the others
    assert totals["unique_reach_exact"] is False
    page = client_for(world.viewer_a).get(reverse("campaigns:results", args=[world.campaign_a.pk]))
    body = page.content.decode()
    assert "3,500–5,500" in body
    # Spend 1,500 over 5,500 to 3,500 people.
    assert 'id="cost-per-unique">$0.27–$0.43<' in body


def test_results_spend_and_board_committed_count_the_same_fees(world):
    """A contracted creator with no fee recorded yet commits its quoted price on the board and in
    the results' spend alike; shortlisted creators commit nothing."""
    campaign = world.campaign_a
    _member(campaign, handle="anna", ids=None, reach=3_000, fee="500")
    _member(campaign, handle="ben", ids=None, reach=1_000, fee=None, quoted=Decimal("700"))
    _member(campaign, handle="cleo", ids=None, reach=10, fee="900", stage=Stage.SHORTLISTED)
    board = roster_board(campaign=campaign)
    results = campaign_results(campaign)
    assert board["committed"] == Decimal("1200")
    assert results.spend == 1_200
    assert results.spend == sum(
        c.metrics["cost"] for c in results.creators if c.metrics["cost"] is not None
    )


def test_xlsx_export_carries_the_totals_and_unique_reach(world, overlapping, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    url = reverse("campaigns:results_export", args=[world.campaign_a.pk, "xlsx"])
    book = load_workbook(BytesIO(client_for(world.viewer_a).get(url).content))
    figures = dict(list(book["Campaign"].iter_rows(values_only=True))[1:])
    rows = list(book["Results"].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == "Creator")  # under the header block
    reach_column = rows[start].index("Reach")
    creators, total = rows[start + 1 : -1], rows[-1]
    assert total[0] == "Total"
    assert figures["reach"] == sum(row[reach_column] for row in creators) == 4_000
    assert total[reach_column] == figures["reach"]
    assert figures["unique_reach_low"] == figures["unique_reach_high"] == pytest.approx(3_500)
    assert figures["spend"] == 1_000
    assert figures["cost_per_unique_low"] == pytest.approx(1_000 / 3_500)

"""Fee estimates without a quote (issue 17 item 7): from followers, platform and engagement
against a published rate card, with a range - not one figure per tier."""

import numpy as np
import pandas as pd
import pytest

from scoring.metrics.cost import PRICE_RANGE, estimated_price, rate_card_price


def test_rate_card_price_follows_the_bands_on_a_log_scale():
    followers = pd.Series([10_000, 50_000, 22_361, 10_000, 10_000, 500, 20_000_000])
    platform = pd.Series(["instagram", "instagram", "instagram", "tiktok", "youtube", "x", "x"])
    price = rate_card_price(followers, platform)
    assert price.iloc[0] == pytest.approx(100.0)  # micro starts at $100 on Instagram
    assert price.iloc[1] == pytest.approx(500.0)  # and ends at $500 at 50k followers
    assert price.iloc[2] == pytest.approx(np.sqrt(100 * 500), rel=1e-3)  # geometric middle
    assert price.iloc[3] == pytest.approx(25.0) and price.iloc[4] == pytest.approx(200.0)
    # A platform the card does not list is priced as Instagram, clamped to the card's ends.
    assert price.iloc[5] == pytest.approx(10.0) and price.iloc[6] == pytest.approx(100_000.0)


def test_micro_creators_without_a_quote_get_different_estimates_with_a_range():
    """The issue's case: every micro creator without a quote showed "$500 (est.)"."""
    est = estimated_price(
        pd.Series(["micro"] * 4),
        pd.Series([None, None, None, 333.0]),
        followers=pd.Series([15_000, 60_000, 60_000, 60_000]),
        platform=pd.Series(["instagram", "instagram", "tiktok", "instagram"]),
        er=pd.Series([0.03, 0.03, 0.12, 0.03]),
        er_cohort_median=pd.Series([0.03, 0.03, 0.03, 0.03]),
    )
    assert est["price_is_estimate"].tolist() == [True, True, True, False]
    assert est["price"].nunique() == 4
    assert est["price"].iloc[3] == 333.0  # a quote is the price, without a range
    assert np.isnan(est["price_low"].iloc[3]) and np.isnan(est["price_high"].iloc[3])
    estimated = est.iloc[:3]
    assert (estimated["price_low"] < estimated["price"]).all()
    assert (estimated["price"] < estimated["price_high"]).all()
    assert estimated["price_low"].tolist() == pytest.approx(
        (estimated["price"] * PRICE_RANGE[0]).tolist(), abs=0.01
    )
    # TikTok's card is a fifth of Instagram's; engagement 4x the median doubles it (capped).
    instagram_60k = rate_card_price(pd.Series([60_000]), pd.Series(["tiktok"])).iloc[0]
    assert est["price"].iloc[2] == pytest.approx(2 * instagram_60k, abs=0.01)


def test_engagement_below_the_tier_median_lowers_the_estimate_and_unknown_keeps_it():
    est = estimated_price(
        pd.Series(["micro"] * 3),
        pd.Series([None, None, None]),
        followers=pd.Series([50_000] * 3),
        platform=pd.Series(["instagram"] * 3),
        er=pd.Series([0.0075, np.nan, 0.03]),
        er_cohort_median=pd.Series([0.03, 0.03, np.nan]),
    )
    assert est["price"].tolist() == pytest.approx([250.0, 500.0, 500.0])


@pytest.mark.django_db
def test_discovery_and_profile_show_the_estimate_as_a_range(world, client_for):
    from matchmaker.lib.formatting import money_range
    from scoring.models import CreatorMetrics
    from scoring.services import metrics_chunks
    from tests import factories as f

    small = f.CreatorFactory(handle="small.one", followers=15_000, quoted_price=None)
    big = f.CreatorFactory(handle="big.one", followers=80_000, quoted_price=None)
    quoted = f.CreatorFactory(handle="quoted.one", followers=30_000, quoted_price=250)
    for creator in (small, big, quoted):
        for _ in range(4):
            f.PostFactory(creator=creator, likes=600, comments=30)
    metrics_chunks.recompute_creator_metrics()
    stored = {m.creator_id: m for m in CreatorMetrics.objects.all()}
    assert stored[small.pk].estimated_price != stored[big.pk].estimated_price
    client = client_for(world.viewer_a)
    body = client.get("/creators/").content.decode()
    for creator in (small, big):
        m = stored[creator.pk]
        row = body[body.index(f'id="creator-{creator.pk}"') :]
        row = row[: row.index("</tr>")]
        assert 'class="estimate"' in row
        assert money_range(m.price_low, m.price_high, "USD", cents=False) in row
    row = body[body.index(f'id="creator-{quoted.pk}"') :]
    assert "$250" in row[: row.index("</tr>")]
    profile = client.get(f"/creators/{small.pk}/").content.decode()
    m = stored[small.pk]
    assert money_range(m.price_low, m.price_high, "USD", cents=False) in profile
    assert "Influencer Marketing Hub" in profile

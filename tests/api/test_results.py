"""The campaign results endpoint: the results page's numbers (totals = sums, unique reach
from measured reach), scoped to the caller's organisations."""

import pytest

from tests.campaigns.test_results_reach import overlapping  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("overlapping")
def test_api_results_match_the_page_and_are_scoped(world, api_for):
    url = f"/api/v1/campaigns/{world.campaign_a.pk}/results/"
    body = api_for(world.viewer_a).get(url)
    assert body.status_code == 200, body.content
    data = body.json()
    totals, creators = data["totals"], data["creators"]
    assert totals["reach"] == sum(c["reach"] for c in creators) == 4_000
    assert totals["spend"] == sum(c["cost"] for c in creators) == 1_000
    assert totals["unique_reach"] == pytest.approx(3_500)
    assert totals["unique_reach_lower_bound"] == pytest.approx(3_500)
    assert totals["unique_reach_exact"] is True
    assert totals["cost_per_unique"] == pytest.approx(1_000 / 3_500)
    assert api_for(world.owner_b).get(url).status_code == 404
    other = f"/api/v1/campaigns/{world.campaign_b.pk}/results/"
    assert api_for(world.viewer_a).get(other).status_code == 404

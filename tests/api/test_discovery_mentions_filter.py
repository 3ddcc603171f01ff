"""The discovery API's mentions_brand filter: one of the user's brands filters as the page
does; another organisation's brand, or an id that is none, matches nothing (never a 400 that
would tell them apart); a value that is not an id is a 400."""

import pytest

from tests.campaigns.test_discovery_mentions import make_mentioning


@pytest.fixture
def mentioning(world):
    return make_mentioning()


def test_api_filters_by_own_brand_and_matches_nothing_for_another(world, mentioning, api_for):
    client = api_for(world.owner_a)

    def handles(params):
        response = client.get("/api/v1/creators/", params)
        assert response.status_code == 200, response.content
        return {row["handle"] for row in response.json()["results"]}

    assert handles({"mentions_brand": world.brand_a.pk}) == {"fan"}
    assert handles({"mentions_brand": world.brand_b.pk}) == set()
    assert handles({"mentions_brand": 0}) == set()
    assert handles({}) == {"fan", "paid", "silent"}
    for params in (
        "mentions_brand=",
        "mentions_brand=abc",
        f"mentions_brand={world.brand_b.pk}&min_er=x",
    ):
        response = client.get("/api/v1/creators/?" + params)
        assert response.status_code == 400, params
    # org B's owner filters by its own brand: silent named Globex Sneakers unpaid.
    other = api_for(world.owner_b).get("/api/v1/creators/", {"mentions_brand": world.brand_b.pk})
    assert {row["handle"] for row in other.json()["results"]} == {"silent"}


def test_an_id_past_the_database_range_matches_nothing(world, mentioning, api_for):
    response = api_for(world.owner_a).get("/api/v1/creators/", {"mentions_brand": 10**20})
    assert response.status_code == 200, response.content
    assert response.json()["results"] == []

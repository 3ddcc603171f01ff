"""Overlap, unique reach and optimiser endpoints: numbers from the overlap services, tenancy."""

import pytest

from creators.models import AudienceSketch
from matchmaker.lib.sketches import sketch_values
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def sketched_roster(world, scored):
    """Two roster members whose follower samples share half their ids, one without a sample."""
    a, b, c = scored
    for creator, ids in ((a, range(2000)), (b, range(1000, 3000))):
        AudienceSketch.objects.create(creator=creator, **sketch_values([f"u{i}" for i in ids]))
        f.RosterEntryFactory(campaign=world.campaign_a, creator=creator, agreed_fee=1000)
    f.RosterEntryFactory(campaign=world.campaign_a, creator=c, agreed_fee=1000)
    return a, b, c


def test_overlap_pairs_and_unique_reach(world, sketched_roster, api_for):
    a, b, c = sketched_roster
    body = api_for(world.viewer_a).get(f"/api/v1/campaigns/{world.campaign_a.pk}/overlap/")
    assert body.status_code == 200, body.content
    data = body.json()
    assert len(data["pairs"]) == 3  # three members: each pair once
    ab = next(p for p in data["pairs"] if {p["creator_a"], p["creator_b"]} == {a.pk, b.pk})
    # Samples of 2,000 sharing 1,000: Jaccard 1/3; scaled to the follower counts the shared
    # audience is J/(1+J) x (fa+fb), reported as a share of the smaller audience.
    assert ab["jaccard"] == pytest.approx(1 / 3, abs=0.05)
    expected = ab["jaccard"] / (1 + ab["jaccard"]) * (a.followers + b.followers) / a.followers
    assert ab["share"] == pytest.approx(expected, rel=0.05)
    assert data["unknown_ids"] == [c.pk]
    assert data["sum_followers"] == a.followers + b.followers + c.followers
    assert data["unique_reach"] < data["sum_followers"]
    # c has no sample: unique reach is a range, from c sharing everything to c sharing nothing.
    assert data["unique_reach"] == pytest.approx(data["known_union"] + c.followers)
    assert data["unique_reach_lower_bound"] == pytest.approx(max(data["known_union"], c.followers))
    assert data["unique_reach_lower_bound"] < data["unique_reach"]
    for member in data["members"]:
        if member["known"]:
            assert member["exclusive"] <= member["followers"]


def test_optimiser_proposal_within_budget(world, sketched_roster, api_for):
    client = api_for(world.viewer_a)
    url = f"/api/v1/campaigns/{world.campaign_a.pk}/optimiser/"
    body = client.get(url, {"budget": "100000"}).json()
    assert body["budget"] == 100000
    assert body["total_cost"] <= body["budget"]
    assert len(body["picks"]) == 3  # 3,000 of fees fit in 100,000
    assert body["current_cost"] == 3000
    small = client.get(url, {"budget": "1500"}).json()
    assert len(small["picks"]) == 1 and small["total_cost"] <= 1500
    bad = client.get(url, {"budget": "-1"})
    assert bad.status_code == 400 and "budget" in bad.json()["error"]["fields"]


def test_optimiser_must_include_and_exclude(world, sketched_roster, api_for):
    a, b, c = sketched_roster
    client = api_for(world.viewer_a)
    url = f"/api/v1/campaigns/{world.campaign_a.pk}/optimiser/"
    # 1,000 buys one creator: the best alone, or the one we require.
    free = client.get(url, {"budget": "1000"}).json()
    assert len(free["picks"]) == 1
    chosen = free["picks"][0]["creator_id"]
    other = next(x.pk for x in (a, b, c) if x.pk != chosen)
    forced = client.get(url, {"budget": "1000", "must_include": [other]})
    assert forced.status_code == 200, forced.content
    picks = forced.json()["picks"]
    assert [p["creator_id"] for p in picks] == [other] and picks[0]["must_include"] is True
    without = client.get(url, {"budget": "100000", "exclude": [chosen]}).json()
    assert chosen not in {p["creator_id"] for p in without["picks"]}
    assert len(without["picks"]) == 2
    both = client.get(url, {"budget": "100000", "must_include": [a.pk, b.pk]}).json()
    assert {a.pk, b.pk} <= {p["creator_id"] for p in both["picks"]}


def test_optimiser_creator_lists_are_validated(world, sketched_roster, api_for):
    a, b, _ = sketched_roster
    outsider = f.CreatorFactory(handle="not_a_candidate")
    client = api_for(world.viewer_a)
    url = f"/api/v1/campaigns/{world.campaign_a.pk}/optimiser/"

    def error(**query):
        response = client.get(url, query)
        assert response.status_code == 400, response.content
        return response.json()["error"]

    fields = error(must_include=[outsider.pk])["fields"]
    assert "must_include" in fields and str(outsider.pk) in fields["must_include"][0]
    fields = error(exclude=[outsider.pk, a.pk])["fields"]
    assert "exclude" in fields and str(outsider.pk) in fields["exclude"][0]
    assert str(a.pk) not in fields["exclude"][0]
    fields = error(must_include=[a.pk], exclude=[a.pk, b.pk])["fields"]
    assert fields["exclude"] == [f"Both required and excluded: {a.pk}."]
    assert "must_include" in error(must_include=["x"])["fields"]
    # Required creators beyond the budget: the optimiser's own message, no field.
    over = error(budget="1500", must_include=[a.pk, b.pk])
    assert "budget" in over["message"] and over["fields"] == {}
    # A creator of another organisation's campaign is not a candidate here either.
    theirs = f.RosterEntryFactory(campaign=world.campaign_b, agreed_fee=10)
    assert "must_include" in error(must_include=[theirs.creator_id])["fields"]


def test_overlap_and_optimiser_of_another_organisation_are_404(world, api_for):
    client = api_for(world.owner_b)
    for what in ("overlap", "optimiser"):
        response = client.get(f"/api/v1/campaigns/{world.campaign_a.pk}/{what}/")
        assert response.status_code == 404, what

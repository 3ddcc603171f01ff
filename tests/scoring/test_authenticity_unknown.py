"""Authenticity with too little evidence (issue 17 item 6): unknown, never a perfect 100; the
discovery sort puts unknown last and the minimum filter says it leaves unknown out."""

import pytest

from scoring.models import CreatorMetrics, MatchScore
from scoring.services import matches, metrics_chunks
from tests import factories as f

URL = "/creators/"


def _catalogue():
    """An imported creator with no posts and no follower data, and two with evidence."""
    bare = f.CreatorFactory(handle="bare.import", followers=20_000, following=None)
    good = f.CreatorFactory(handle="good.one", followers=30_000, following=400)
    shady = f.CreatorFactory(handle="shady.one", followers=40_000, following=45_000)
    for creator in (good, shady):
        for _ in range(4):
            f.PostFactory(creator=creator, likes=900, comments=40)
    metrics_chunks.recompute_creator_metrics()
    return bare, good, shady


@pytest.mark.django_db
def test_no_posts_and_no_follower_data_is_unknown_with_its_confidence(world):
    bare, good, shady = _catalogue()
    m = CreatorMetrics.objects.get(creator=bare)
    assert m.authenticity_score is None and m.authenticity_confidence == 0
    assert m.catalogue_score is None
    assert CreatorMetrics.objects.get(creator=good).authenticity_score == 100
    assert CreatorMetrics.objects.get(creator=shady).authenticity_score == 85
    # In a campaign it counts as neutral, marked estimated, and the why page says unknown.
    matches.recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    match = MatchScore.objects.get(campaign=world.campaign_a, creator=bare)
    assert match.authenticity == 0.5 and match.breakdown()["authenticity"]["estimated"]


@pytest.mark.django_db
def test_discovery_sorts_unknown_authenticity_last_and_badges_it_unknown(world, client_for):
    bare, _good, _shady = _catalogue()
    response = client_for(world.viewer_a).get(URL, {"sort": "authenticity"})
    assert response.status_code == 200
    order = [c.handle for c in response.context["rows"]]
    assert order == ["good.one", "shady.one", "bare.import"]
    body = response.content.decode()
    row = body[body.index(f'id="creator-{bare.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "unknown" in row and ">100<" not in row


@pytest.mark.django_db
def test_min_authenticity_leaves_unknown_out_and_says_so(world, client_for):
    _catalogue()
    response = client_for(world.viewer_a).get(URL, {"min_authenticity": 0})
    assert sorted(c.handle for c in response.context["rows"]) == ["good.one", "shady.one"]
    assert "Leaves out creators whose authenticity is unknown" in response.content.decode()


@pytest.mark.django_db
def test_profile_says_unknown_with_too_little_data(world, client_for):
    bare, _good, _shady = _catalogue()
    body = client_for(world.viewer_a).get(f"{URL}{bare.pk}/").content.decode()
    tile = body[body.index(">Authenticity<") :][:400]
    assert "unknown" in tile and "too little data" in tile and "100" not in tile

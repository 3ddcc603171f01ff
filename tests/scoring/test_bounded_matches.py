"""Issue 22 item 2, bounded matches: candidates scored in chunks, only the best N stored with
their global ranks, the candidate count on the run; the page and the API say "best N of M";
a creator outside the stored N is explained on demand."""

import re
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from scoring.components import COMPONENTS
from scoring.metrics.top_matches import keep_best, with_ranks
from scoring.models import MatchScore, ScoreRun
from scoring.selectors import match_explanation
from scoring.services import matches
from tenancy.tokens import api_token_create
from tests import factories as f

STORED = 4


def _catalogue(campaign):
    """Twenty in-range candidates: varied engagement, prices, audiences, keywords and one
    brand-safety hit, plus three identical pairs (ties broken by id); two out of range."""
    niche = f.CategoryFactory(name="Food", slug="food")
    campaign.niches.add(niche)
    campaign.target_countries = ["DE"]
    campaign.keywords = ["vegan"]
    campaign.excluded_keywords = ["casino"]
    campaign.save()
    creators = []
    for i in range(14):
        bio = ["vegan kitchen", "car tuning", "casino nights and vegan food", "slow living"][i % 4]
        c = f.CreatorFactory(
            followers=12_000 + 6_000 * i,
            bio=bio,
            quoted_price=Decimal(150 + 40 * i) if i % 3 else None,
        )
        if i % 2:
            f.CreatorMetricsFactory(
                creator=c,
                er_median=0.01 + 0.004 * i,
                er_percentile=(i * 7 % 10) / 10,
                authenticity_score=60 + i,
                estimated_price=Decimal(200 + 30 * i),
                price_is_estimate=i % 3 == 0,
            )
        if i % 3 != 2:  # the others have no audience data: the candidates' average
            f.AudienceShareFactory(creator=c, bucket="DE", share=0.2 + 0.05 * i)
            f.AudienceShareFactory(creator=c, bucket="FR", share=0.8 - 0.05 * i)
        if i % 4 == 0:
            c.categories.add(niche)
        creators.append(c)
    for _ in range(3):  # identical twins: same scores, ranked by id
        for _twin in range(2):
            creators.append(f.CreatorFactory(followers=30_000, bio="vegan bakes"))
    f.CreatorFactory(followers=5_000)  # below the campaign's range
    f.CreatorFactory(followers=2_000_000)  # above it
    return creators


def _full(campaign) -> pd.DataFrame:
    """Every candidate scored in one frame, ranked by match_total as before bounding."""
    frame = matches.compute_campaign_matches(campaign, stored_max=10**6, chunk_size=10**6)
    return frame.set_index("creator_id")


@pytest.fixture
def api_for():
    def make(user):
        client = APIClient()
        _, raw = api_token_create(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make


@pytest.fixture
def bounded(world, settings):
    settings.MATCHES_STORED_MAX = STORED
    settings.MATCH_CHUNK_SIZE = 3
    creators = _catalogue(world.campaign_a)
    run = matches.recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    return run, creators


def test_keep_best_is_the_ranking_of_the_whole_frame():
    frame = pd.DataFrame(
        {
            "creator_id": [5, 3, 9, 1, 7, 2],
            "total": [0.5, 0.5, 0.9, 0.5, 0.1, 0.5],
            "weighted_mean": [0.6, 0.6, 0.9, 0.7, 0.1, 0.6],
        }
    )
    best = None
    for start in range(0, len(frame), 2):
        best = keep_best(best, frame.iloc[start : start + 2], 4)
    ranked = with_ranks(best)
    # 0.9 first; then the 0.5s by weighted mean (1: 0.7) then by id (2, 3; 5 is fifth).
    assert ranked["creator_id"].tolist() == [9, 1, 2, 3]
    assert ranked["rank"].tolist() == [1, 2, 3, 4]


def test_stored_matches_are_capped_and_the_run_counts_candidates(bounded, world):
    run, creators = bounded
    stored = MatchScore.objects.filter(campaign=world.campaign_a)
    assert stored.count() == STORED
    assert sorted(stored.values_list("rank", flat=True)) == list(range(1, STORED + 1))
    run.refresh_from_db()
    assert run.status == ScoreRun.Status.SUCCEEDED
    assert run.candidates_total == len(creators) == 20
    assert run.matches_stored == STORED and run.matches_capped
    assert set(run.audience_averages) == {"country"}


def test_chunked_top_n_equals_the_unchunked_ranking(bounded, world):
    campaign = world.campaign_a
    full = _full(campaign)
    today = matches._score_candidates(
        campaign,
        matches.campaign_candidates(campaign),
        {**matches._common_inputs(campaign, None), "audience_averages": None},
    ).sort_values("rank")
    # match_total's own ranking of the whole set (the pandas average of the audience shares):
    # the same creators in the same order, ties (the twins) by id.
    assert full.index.tolist() == today["creator_id"].tolist()
    np.testing.assert_allclose(
        full["total"], today.set_index("creator_id")["total"].loc[full.index]
    )
    for chunk_size in (1, 2, 3, 7):
        top = matches.compute_campaign_matches(campaign, stored_max=STORED, chunk_size=chunk_size)
        assert top.attrs["candidates_total"] == len(full) == 20
        assert top["creator_id"].tolist() == full.index[:STORED].tolist()
        assert top["rank"].tolist() == full["rank"].iloc[:STORED].tolist() == [1, 2, 3, 4]
        for column in ("total", *COMPONENTS, "target_reach"):
            np.testing.assert_array_equal(
                top[column].to_numpy(), full[column].iloc[:STORED].to_numpy()
            )
    stored = list(
        MatchScore.objects.filter(campaign=campaign).order_by("rank").values_list("creator_id")
    )
    assert [c for (c,) in stored] == full.index[:STORED].tolist()
    twins = full[full.index.isin([c.pk for c in bounded[1][14:]])]
    assert twins.index.is_monotonic_increasing  # equal scores, in id order


def test_chunks_stay_within_the_chunk_size(world, monkeypatch):
    _catalogue(world.campaign_a)
    sizes = []
    score = matches._score_candidates

    def recording(campaign, candidates, common, id_range=None):
        frame = score(campaign, candidates, common, id_range)
        sizes.append(len(frame))
        return frame

    monkeypatch.setattr(matches, "_score_candidates", recording)
    matches.compute_campaign_matches(world.campaign_a, stored_max=STORED, chunk_size=3)
    assert sum(sizes) == 20 and max(sizes) <= 3 and len(sizes) == 7


def run_average(campaign) -> float:
    run = ScoreRun.objects.filter(campaign=campaign).latest("finished_at")
    return run.audience_averages["country"]


# Every stored score and input, as the service lists them (a new input is compared too).
MATCH_FIELDS = tuple(
    name
    for name in (*matches.MATCH_COLUMNS, *matches.INPUT_COLUMNS)
    if name not in ("campaign_id", "creator_id", "rank")
)


def test_why_outside_the_stored_n_is_computed_on_demand(bounded, world, client_for, settings):
    campaign = world.campaign_a
    full = _full(campaign)
    # Outside the stored N and without audience data: the run's average share is its own.
    estimated = full.iloc[STORED:][full["estimated_dims_mask"].iloc[STORED:] > 0]
    outside = int(estimated.index[0])
    rank = int(estimated["rank"].iloc[0])
    assert rank > STORED and run_average(campaign) != 0.5
    assert not MatchScore.objects.filter(campaign=campaign, creator_id=outside).exists()
    explanation = match_explanation(campaign=campaign, creator_id=outside)
    match = explanation["match"]
    assert explanation["stored"] is False and match.pk is None and match.rank is None
    assert (explanation["stored_max"], explanation["candidates_total"]) == (STORED, 20)
    on_demand = {name: getattr(match, name) for name in MATCH_FIELDS}
    shown = {k: explanation[k] for k in ("total", "mean", "rows", "gates")}

    # What the full computation gives: every candidate stored, the creator's row read back.
    settings.MATCHES_STORED_MAX = 10**6
    matches.recompute_campaign_matches(campaign_id=campaign.pk)
    full_explanation = match_explanation(campaign=campaign, creator_id=outside)
    stored = full_explanation["match"]
    assert stored.pk is not None and stored.rank == rank
    assert stored.estimated_dimensions == "country"
    assert on_demand == {name: getattr(stored, name) for name in MATCH_FIELDS}
    assert shown == {k: full_explanation[k] for k in ("total", "mean", "rows", "gates")}
    assert match.breakdown() == stored.breakdown()
    settings.MATCHES_STORED_MAX = STORED
    matches.recompute_campaign_matches(campaign_id=campaign.pk)

    url = reverse("campaigns:match_why", args=[campaign.pk, outside])
    response = client_for(world.viewer_a).get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert f"Outside the stored best {STORED} of 20 candidates" in body
    assert f"scores {shown['total']}" in body
    # A stored creator's page is the stored row's, without the notice.
    inside = reverse("campaigns:match_why", args=[campaign.pk, int(full.index[0])])
    stored_body = client_for(world.viewer_a).get(inside).content.decode()
    assert "Outside the stored best" not in stored_body and "Rank 1 " in stored_body


def test_why_of_a_non_candidate_is_still_404(bounded, world, client_for):
    far = f.CreatorFactory(followers=9_000_000)
    url = reverse("campaigns:match_why", args=[world.campaign_a.pk, far.pk])
    assert client_for(world.viewer_a).get(url).status_code == 404


def test_campaign_page_says_best_n_of_m(bounded, world, client_for):
    response = client_for(world.viewer_a).get(
        reverse("campaigns:detail", args=[world.campaign_a.pk])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f"Showing the best {STORED} of 20 candidates" in body
    base = reverse("campaigns:detail", args=[world.campaign_a.pk])
    assert len(set(re.findall(rf'href="{base}matches/(\d+)/"', body))) == STORED


def test_api_pages_over_what_is_stored(bounded, world, api_for):
    campaign = world.campaign_a
    client = api_for(world.viewer_a)
    body = client.get(f"/api/v1/campaigns/{campaign.pk}/matches/").json()
    assert body["stored"] == STORED and body["candidates_total"] == 20
    assert body["count"] == STORED
    runs = client.get(f"/api/v1/campaigns/{campaign.pk}/runs/").json()["last_completed"]
    assert (runs["matches_stored"], runs["candidates_total"]) == (STORED, 20)
    assert [r["rank"] for r in body["results"]] == [1, 2, 3, 4]
    full = _full(campaign)
    outside = int(full.index[-1])
    detail = client.get(f"/api/v1/campaigns/{campaign.pk}/matches/{outside}/").json()
    assert detail["stored"] is False and detail["rank"] is None
    assert detail["total"] == pytest.approx(full.loc[outside, "total"])
    first = client.get(f"/api/v1/campaigns/{campaign.pk}/matches/{int(full.index[0])}/").json()
    assert first["stored"] is True and first["rank"] == 1


def test_other_organisations_see_nothing(bounded, world, client_for, api_for):
    campaign = world.campaign_a
    outside = int(_full(campaign).index[-1])
    other = client_for(world.owner_b)
    assert other.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 404
    why = reverse("campaigns:match_why", args=[campaign.pk, outside])
    assert other.get(why).status_code == 404
    api = api_for(world.owner_b)
    assert api.get(f"/api/v1/campaigns/{campaign.pk}/matches/").status_code == 404
    assert api.get(f"/api/v1/campaigns/{campaign.pk}/matches/{outside}/").status_code == 404


def test_discovery_says_scores_are_stored_for_the_best_n(bounded, world, client_for):
    client = client_for(world.viewer_a)
    body = client.get(reverse("creators:discovery"), {"campaign": world.campaign_a.pk})
    text = body.content.decode()
    assert body.status_code == 200
    assert f"stored for the best {STORED} of 20 candidates, blank for the rest" in text
    plain = client.get(reverse("creators:discovery")).content.decode()
    assert "stored for the best" not in plain

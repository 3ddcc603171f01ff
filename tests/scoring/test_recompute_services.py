"""Recompute services end to end on the ORM: metrics stored, matches ranked, runs atomic."""

import json
from decimal import Decimal

import pytest

from scoring import services
from scoring.models import CreatorMetrics, MatchScore, ScoreRun
from tests import factories as f


def _catalogue():
    a = f.CreatorFactory(followers=20_000, bio="vegan recipes")
    b = f.CreatorFactory(followers=50_000, bio="car tuning")
    f.CreatorFactory(followers=5_000_000)  # outside the default follower range
    for _ in range(4):
        f.PostFactory(creator=a, likes=1_000, comments=50)
        f.PostFactory(creator=b, likes=100, comments=2)
    return a, b


@pytest.mark.django_db
def test_creator_metrics_stored_in_one_run():
    a, _b = _catalogue()
    run = services.recompute_creator_metrics()
    assert run.status == ScoreRun.Status.SUCCEEDED and run.items_done == 3
    ma = CreatorMetrics.objects.get(creator=a)
    assert ma.er_median == pytest.approx(1050 / 20_000)
    assert ma.er_posts_used == 4 and not ma.er_from_profile
    assert ma.tier == "micro" and ma.run_id == run.pk
    assert 0 <= ma.authenticity_score <= 100
    assert ma.inputs == {"posts_used": 4, "from_profile": False}
    assert ma.growth_spikes == [] and ma.estimated_price == 500


@pytest.mark.django_db
def test_creator_metrics_store_spikes_reasons_and_nulls():
    from datetime import date

    spiky = f.CreatorFactory(followers=20_000, following=25_000, quoted_price=Decimal("123.45"))
    f.FollowerSnapshotFactory(creator=spiky, date=date(2026, 5, 1), followers=10_000)
    f.FollowerSnapshotFactory(creator=spiky, date=date(2026, 5, 2), followers=20_000)
    bare = f.CreatorFactory(followers=0, following=None)
    services.recompute_creator_metrics()
    m = CreatorMetrics.objects.get(creator=spiky)
    assert m.growth_spikes == [{"date": "2026-05-02", "growth": 1.0, "explained": False}]
    assert [r["signal"] for r in m.authenticity_reasons] == ["mass_following", "growth_spike"]
    assert m.authenticity_score == 100 - 15 - 15
    assert m.estimated_price == Decimal("123.45") and not m.price_is_estimate
    assert m.growth_30d == pytest.approx(1.0)
    b = CreatorMetrics.objects.get(creator=bare)
    assert b.tier == "nano" and b.er_median is None and b.er_percentile is None
    assert b.catalogue_score is None and b.growth_30d is None and b.growth_spikes == []
    assert b.inputs == {"posts_used": 0, "from_profile": True}


@pytest.mark.django_db
def test_catalogue_score_is_percentile_times_authenticity():
    a, _b = _catalogue()
    lonely = f.CreatorFactory(followers=5_000, platform="youtube")  # no posts, no averages
    services.recompute_creator_metrics()
    ma = CreatorMetrics.objects.get(creator=a)
    assert ma.catalogue_score == pytest.approx(ma.er_percentile * ma.authenticity_score / 100)
    ml = CreatorMetrics.objects.get(creator=lonely)
    assert ml.er_percentile is None and ml.catalogue_score is None


@pytest.mark.django_db
def test_campaign_matches_ranked_and_components_add_up(world):
    a, b = _catalogue()
    services.recompute_creator_metrics()
    campaign = world.campaign_a
    campaign.keywords = ["vegan"]
    campaign.excluded_keywords = ["car"]
    campaign.save()
    run = services.recompute_campaign_matches(campaign_id=campaign.pk)
    rows = {m.creator_id: m for m in MatchScore.objects.filter(campaign=campaign)}
    assert set(rows) == {a.pk, b.pk} and run.items_done == 2
    assert rows[a.pk].rank == 1 and rows[b.pk].excluded and not rows[a.pk].excluded
    for m in rows.values():
        total = sum(c["contribution"] for c in m.components.values())
        assert m.total == pytest.approx(total)


@pytest.mark.django_db
def test_failure_half_way_keeps_previous_run(world, monkeypatch):
    _catalogue()
    services.recompute_creator_metrics()
    first = services.recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    before = list(MatchScore.objects.values_list("creator_id", "total", "run_id"))

    def broken(frame, **kw):  # the old rows are already deleted by now
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_store_matches", broken)
    with pytest.raises(RuntimeError):
        services.recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    assert list(MatchScore.objects.values_list("creator_id", "total", "run_id")) == before
    assert all(r == first.pk for *_, r in before)
    assert ScoreRun.objects.latest("created_at").status == ScoreRun.Status.FAILED


@pytest.mark.django_db
def test_track_record_counts_engagements_as_results_do_and_missing_stays_missing(world):
    past = f.CampaignFactory(brand=world.brand_b, name="Past")
    sharer = f.CreatorFactory(followers=20_000)
    unmeasured = f.CreatorFactory(followers=20_000)
    for creator, values in (
        # Only shares and saves measured: 2,000 engagements against 1,000 predicted.
        (sharer, {"likes": None, "comments": None, "shares": 1_500, "saves": 500}),
        # Nothing engagement-like measured: no evidence either way, not "zero engagements".
        (unmeasured, {"likes": None, "comments": None, "reach": 9_000}),
    ):
        entry = f.RosterEntryFactory(
            campaign=past, creator=creator, prediction={"engagements": 1000.0}
        )
        f.OutcomeFactory(deliverable=f.DeliverableFactory(entry=entry), **values)
    services.recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    rows = {m.creator_id: m for m in MatchScore.objects.filter(campaign=world.campaign_a)}
    shared = rows[sharer.pk]
    assert shared.track_record == pytest.approx((2 / 3 + 1.5) / 4)
    assert shared.components["track_record"]["inputs"]["past_deliverables"] == 1
    blank = rows[unmeasured.pk]
    assert blank.track_record == pytest.approx(0.5)
    assert blank.components["track_record"]["estimated"]


@pytest.mark.django_db
def test_stored_components_equal_the_pandas_definition(world):
    """PostgreSQL builds `components` in SQL; it must say exactly what components_json() says."""
    a, b = _catalogue()
    f.AudienceShareFactory(creator=a, dimension="country", bucket="DE", share=0.7)
    f.AudienceShareFactory(creator=a, dimension="country", bucket="FR", share=0.3)
    f.AudienceShareFactory(creator=b, dimension="country", bucket="de", share=0.4)  # any case
    f.AudienceShareFactory(creator=b, dimension="country", bucket="US", share=0.6)
    f.AudienceShareFactory(creator=b, dimension="gender", bucket="f", share=1.0)  # not targeted
    services.recompute_creator_metrics()
    campaign = world.campaign_a
    campaign.target_countries = ["DE"]
    campaign.target_age_buckets = ["18-24"]
    campaign.keywords = ["vegan"]
    campaign.save()
    services.recompute_campaign_matches(campaign_id=campaign.pk)
    frame = services.compute_campaign_matches(campaign)
    expected = dict(
        zip(frame["creator_id"], map(json.loads, services.components_json(frame)), strict=True)
    )
    stored = dict(
        MatchScore.objects.filter(campaign=campaign).values_list("creator_id", "components")
    )
    assert set(stored) == set(expected) == {a.pk, b.pk}
    for creator_id, components in stored.items():
        assert _same(components, expected[creator_id]), (components, expected[creator_id])
    assert stored[a.pk]["audience_fit"]["inputs"] == {"estimated_dimensions": ["age"]}
    assert stored[b.pk]["audience_fit"]["inputs"] == {"estimated_dimensions": ["age"]}
    # Age has no data anywhere: the neutral 0.5 stands in for it.
    fits = dict(
        MatchScore.objects.filter(campaign=campaign).values_list("creator_id", "audience_fit")
    )
    assert fits == {a.pk: pytest.approx(0.7 * 0.5), b.pk: pytest.approx(0.4 * 0.5)}
    assert stored[a.pk]["engagement"]["estimated"] is False
    assert set(stored[a.pk]["niche_fit"]) == {
        "value",
        "weight",
        "contribution",
        "inputs",
        "estimated",
    }
    assert stored[a.pk]["track_record"]["inputs"] == {"past_deliverables": 0}


def _same(left, right) -> bool:
    """Nested equality with floats compared approximately."""
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(_same, left, right))
    if isinstance(left, float) or isinstance(right, float):
        return left == pytest.approx(right)
    return left == right


@pytest.mark.django_db
def test_why_page_shows_definitions_of_recomputed_matches(world, client_for):
    from django.urls import reverse
    from django.utils.html import escape

    a, _b = _catalogue()
    services.recompute_creator_metrics()
    services.recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    url = reverse("campaigns:match_why", args=[world.campaign_a.pk, a.pk])
    body = client_for(world.viewer_a).get(url).content.decode()
    for definition in services.DEFINITIONS.values():
        assert escape(definition) in body

"""Recompute services end to end on the ORM: metrics stored, matches ranked, runs atomic."""

from decimal import Decimal

import numpy as np
import pytest
from django.utils import timezone

from scoring.components import COMPONENTS, DEFINITIONS
from scoring.models import CreatorMetrics, MatchScore, ScoreRun
from scoring.services import matches, metrics_chunks
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
    run = metrics_chunks.recompute_creator_metrics()
    assert run.status == ScoreRun.Status.SUCCEEDED and run.items_done == 3
    ma = CreatorMetrics.objects.get(creator=a)
    assert ma.er_median == pytest.approx(1050 / 20_000)
    assert ma.er_posts_used == 4 and not ma.er_from_profile
    assert ma.tier == "micro" and ma.run_id == run.pk
    assert 0 <= ma.authenticity_score <= 100
    assert ma.inputs == {"posts_used": 4, "from_profile": False}
    assert ma.growth_spikes == []
    # Issue 17: the rate card's Instagram fee at 20k followers ($200), adjusted by engagement
    # against the micro cohort's median (a and b), with its range.
    median = (1050 / 20_000 + 102 / 50_000) / 2
    expected = round(200 * (1050 / 20_000 / median) ** 0.5, 2)
    assert float(ma.estimated_price) == pytest.approx(expected, abs=0.01)
    assert ma.price_is_estimate and ma.price_low < ma.estimated_price < ma.price_high


@pytest.mark.django_db
def test_creator_metrics_store_spikes_reasons_and_nulls():
    from datetime import date

    spiky = f.CreatorFactory(followers=20_000, following=25_000, quoted_price=Decimal("123.45"))
    f.FollowerSnapshotFactory(creator=spiky, date=date(2026, 5, 1), followers=10_000)
    f.FollowerSnapshotFactory(creator=spiky, date=date(2026, 5, 2), followers=20_000)
    bare = f.CreatorFactory(followers=0, following=None)
    metrics_chunks.recompute_creator_metrics()
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
    metrics_chunks.recompute_creator_metrics()
    ma = CreatorMetrics.objects.get(creator=a)
    assert ma.catalogue_score == pytest.approx(ma.er_percentile * ma.authenticity_score / 100)
    ml = CreatorMetrics.objects.get(creator=lonely)
    assert ml.er_percentile is None and ml.catalogue_score is None


@pytest.mark.django_db
def test_campaign_matches_ranked_and_components_add_up(world):
    a, b = _catalogue()
    metrics_chunks.recompute_creator_metrics()
    campaign = world.campaign_a
    campaign.keywords = ["vegan"]
    campaign.excluded_keywords = ["car"]
    campaign.save()
    run = matches.recompute_campaign_matches(campaign_id=campaign.pk)
    rows = {m.creator_id: m for m in MatchScore.objects.filter(campaign=campaign)}
    assert set(rows) == {a.pk, b.pk} and run.items_done == 2
    assert rows[a.pk].rank == 1 and rows[b.pk].excluded and not rows[a.pk].excluded
    assert run.weights.keys() == set(COMPONENTS)
    assert sum(run.weights.values()) == pytest.approx(1.0)
    # No comments imported: the audience reaction is unknown and its weight is shared out.
    left = 1 - run.weights["audience_reaction"]
    for m in rows.values():
        breakdown = m.breakdown()
        assert list(breakdown) == list(COMPONENTS)
        assert m.audience_reaction is None
        assert breakdown["audience_reaction"]["weight"] == 0
        assert breakdown["audience_reaction"]["contribution"] == 0
        for name, detail in breakdown.items():
            if name == "audience_reaction":
                continue
            assert detail["value"] == getattr(m, name)
            assert detail["weight"] == pytest.approx(run.weights[name] / left, abs=1e-12)
            assert detail["contribution"] == pytest.approx(detail["value"] * detail["weight"])
        total = sum(c["contribution"] for c in breakdown.values())
        # Issue 17: the weighted mean times the relevance gates (scoring.metrics.relevance).
        assert m.total == pytest.approx(total * m.audience_gate * m.niche_gate)


@pytest.mark.django_db
def test_failure_half_way_keeps_previous_run(world, monkeypatch):
    _catalogue()
    metrics_chunks.recompute_creator_metrics()
    first = matches.recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    before = list(MatchScore.objects.values_list("creator_id", "total", "run_id"))

    def broken(frame, **kw):  # the old rows are already deleted by now
        raise RuntimeError("disk full")

    monkeypatch.setattr(matches, "_store_matches", broken)
    with pytest.raises(RuntimeError):
        matches.recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    assert list(MatchScore.objects.values_list("creator_id", "total", "run_id")) == before
    assert all(r == first.pk for *_, r in before)
    assert ScoreRun.objects.latest("created_at").status == ScoreRun.Status.FAILED


@pytest.mark.django_db
def test_track_record_counts_engagements_as_results_do_and_missing_stays_missing(world):
    # A sister brand of the same organisation: its history counts, without the same-brand bonus.
    past = f.CampaignFactory(brand=f.BrandFactory(organization=world.org_a), name="Past")
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
    matches.recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    rows = {m.creator_id: m for m in MatchScore.objects.filter(campaign=world.campaign_a)}
    shared = rows[sharer.pk]
    assert shared.track_record == pytest.approx((2 / 3 + 1.5) / 4)
    assert shared.breakdown()["track_record"]["inputs"]["past_deliverables"] == 1
    blank = rows[unmeasured.pk]
    assert blank.track_record == pytest.approx(0.5)
    assert blank.breakdown()["track_record"]["estimated"]


@pytest.mark.django_db
def test_stored_inputs_equal_the_pandas_frame(world):
    """PostgreSQL writes the inputs in SQL; the breakdown must say what the frame computed."""
    a, b = _catalogue()
    f.AudienceShareFactory(creator=a, dimension="country", bucket="DE", share=0.7)
    f.AudienceShareFactory(creator=a, dimension="country", bucket="FR", share=0.3)
    f.AudienceShareFactory(creator=b, dimension="country", bucket="de", share=0.4)  # any case
    f.AudienceShareFactory(creator=b, dimension="country", bucket="US", share=0.6)
    f.AudienceShareFactory(creator=b, dimension="gender", bucket="f", share=1.0)  # not targeted
    metrics_chunks.recompute_creator_metrics()
    campaign = world.campaign_a
    campaign.target_countries = ["DE"]
    campaign.target_age_buckets = ["18-24"]
    campaign.keywords = ["vegan"]
    campaign.save()
    run = matches.recompute_campaign_matches(campaign_id=campaign.pk)
    frame = matches.compute_campaign_matches(campaign).set_index("creator_id")
    stored = {
        m.creator_id: m for m in MatchScore.objects.filter(campaign=campaign).select_related("run")
    }
    assert set(stored) == set(frame.index) == {a.pk, b.pk}
    for creator_id, m in stored.items():
        row = frame.loc[creator_id]
        assert m.components == {}
        breakdown = m.breakdown()
        shares = frame.attrs["weight_share"]
        assert np.isnan(row["audience_reaction"]) and m.audience_reaction is None
        for name in COMPONENTS:
            if name == "audience_reaction":  # unknown (no comments): its weight shared out
                assert breakdown[name]["weight"] == 0
                continue
            assert breakdown[name]["value"] == pytest.approx(row[name])
            assert breakdown[name]["weight"] == pytest.approx(
                shares[name] / (1 - shares["audience_reaction"]), abs=1e-12
            )
        assert breakdown["niche_fit"]["inputs"] == {
            "category_match": pytest.approx(row["category_match"]),
            "keyword_share": pytest.approx(row["keyword_share"]),
        }
        assert breakdown["engagement"]["inputs"] == {"er_median": pytest.approx(row["er_median"])}
        assert breakdown["engagement"]["estimated"] is bool(row["engagement_estimated"])
        assert breakdown["authenticity"]["inputs"] == {
            "score": pytest.approx(row["authenticity_score"])
        }
        assert breakdown["authenticity"]["estimated"] is False
        assert breakdown["cost_efficiency"]["inputs"] == {"price": pytest.approx(row["price"])}
        assert breakdown["cost_efficiency"]["estimated"] is bool(row["price_estimated"])
        assert breakdown["track_record"]["inputs"] == {"past_deliverables": 0}
        assert breakdown["track_record"]["estimated"] is True
    assert run.weights == frame.attrs["weight_share"]
    stored_a = stored[a.pk].breakdown()
    assert stored_a["audience_fit"]["inputs"] == {"estimated_dimensions": ["age"]}
    assert stored_a["audience_fit"]["estimated"] is True
    assert stored[b.pk].breakdown()["audience_fit"]["inputs"] == {"estimated_dimensions": ["age"]}
    # Age has no data anywhere: the neutral 0.5 stands in for it.
    fits = dict(
        MatchScore.objects.filter(campaign=campaign).values_list("creator_id", "audience_fit")
    )
    assert fits == {a.pk: pytest.approx(0.7 * 0.5), b.pk: pytest.approx(0.4 * 0.5)}
    assert stored_a["engagement"]["estimated"] is False
    assert set(stored_a["niche_fit"]) == {
        "value",
        "weight",
        "contribution",
        "inputs",
        "estimated",
        "definition",
    }


@pytest.mark.django_db
def test_missing_metrics_are_stored_as_missing_and_estimated(world):
    lonely = f.CreatorFactory(followers=20_000)  # no metrics computed yet
    matches.recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    m = MatchScore.objects.get(campaign=world.campaign_a, creator=lonely)
    breakdown = m.breakdown()
    assert breakdown["engagement"]["inputs"] == {"er_median": None}
    assert breakdown["engagement"]["estimated"] is True and m.engagement == 0.5
    assert breakdown["authenticity"]["inputs"] == {"score": None}
    assert breakdown["authenticity"]["estimated"] is True
    assert breakdown["cost_efficiency"]["inputs"] == {"price": None}
    assert breakdown["cost_efficiency"]["estimated"] is True


@pytest.mark.django_db
def test_why_page_shows_definitions_of_recomputed_matches(world, client_for):
    from django.urls import reverse
    from django.utils.html import escape

    a, _b = _catalogue()
    metrics_chunks.recompute_creator_metrics()
    matches.recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    url = reverse("campaigns:match_why", args=[world.campaign_a.pk, a.pk])
    body = client_for(world.viewer_a).get(url).content.decode()
    for definition in DEFINITIONS.values():
        assert escape(definition) in body


@pytest.mark.django_db
def test_breakdown_reads_rows_that_stored_their_weights_as_stored(world):
    """Rows written before runs kept their weights carry value/weight/contribution in
    `components`; the breakdown shows those, not the run's (here: none)."""
    creator = f.CreatorFactory()
    old = {
        name: {"value": 0.4, "weight": 0.25, "contribution": 0.1, "inputs": {"n": 1}}
        for name in COMPONENTS
    }
    m = f.MatchScoreFactory(
        campaign=world.campaign_a,
        creator=creator,
        computed_at=timezone.now(),
        rank=1,
        total=0.6,
        components=old,
        **dict.fromkeys(COMPONENTS, 0.4),
    )
    breakdown = m.breakdown()
    assert breakdown["engagement"] == {
        "value": 0.4,
        "weight": 0.25,
        "contribution": 0.1,
        "inputs": {"n": 1},
        "estimated": False,
        "definition": DEFINITIONS["engagement"],
    }


@pytest.mark.django_db
def test_why_page_shows_weights_contributions_inputs_and_estimates(world, client_for):
    from django.urls import reverse

    a, _b = _catalogue()
    metrics_chunks.recompute_creator_metrics()
    campaign = world.campaign_a
    campaign.weights = {"engagement": 3, "niche_fit": 1}
    campaign.save()
    run = matches.recompute_campaign_matches(campaign_id=campaign.pk)
    assert run.weights["engagement"] == pytest.approx(0.75)
    m = MatchScore.objects.get(campaign=campaign, creator=a)
    url = reverse("campaigns:match_why", args=[campaign.pk, a.pk])
    response = client_for(world.viewer_a).get(url)
    rows = {row["name"]: row for row in response.context["rows"]}
    assert rows["engagement"]["weight"] == pytest.approx(0.75)
    assert rows["engagement"]["contribution"] == pytest.approx(m.engagement * 0.75)
    assert rows["niche_fit"]["contribution"] == pytest.approx(m.niche_fit * 0.25)
    assert rows["audience_fit"]["weight"] == 0 and rows["audience_fit"]["contribution"] == 0
    assert rows["track_record"]["inputs"] == {"past_deliverables": 0}
    assert rows["track_record"]["estimated"] is True
    assert rows["engagement"]["inputs"] == {"er_median": pytest.approx(m.creator.metrics.er_median)}
    assert sum(r["contribution"] for r in rows.values()) == pytest.approx(m.total)
    body = response.content.decode()
    # Issue 17: weights as percentages, every input as a sentence with its unit.
    assert "75%" in body and "25%" in body
    assert "Median engagement rate 5.3% over 4 posts." in body

"""Recompute services end to end on the ORM: metrics stored, matches ranked, runs atomic."""

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

    def broken(model, frame, **kw):  # the old rows are already deleted inside the transaction
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "insert_frame", broken)
    with pytest.raises(RuntimeError):
        services.recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    assert list(MatchScore.objects.values_list("creator_id", "total", "run_id")) == before
    assert all(r == first.pk for *_, r in before)
    assert ScoreRun.objects.latest("created_at").status == ScoreRun.Status.FAILED

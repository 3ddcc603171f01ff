"""Recompute consistency: partial recomputes rank against the whole cohort, a failed run
leaves the previous one visible, and recomputes of one campaign never interleave."""

import threading
import time

import pytest
from django.db import connection

from scoring import selectors
from scoring.models import CreatorMetrics, MatchScore, ScoreRun
from scoring.services import matches, metrics, metrics_chunks
from tests import factories as f


def _creator_with_er(er: float, followers: int = 20_000):
    creator = f.CreatorFactory(followers=followers, following=100)
    for _ in range(4):
        f.PostFactory(creator=creator, likes=int(er * followers), comments=0)
    return creator


@pytest.mark.django_db
def test_partial_recompute_ranks_against_the_whole_cohort():
    for er in (0.01, 0.02, 0.03, 0.04):
        _creator_with_er(er)
    metrics_chunks.recompute_creator_metrics()
    newcomer = _creator_with_er(0.015)
    dud = _creator_with_er(0.001)
    metrics_chunks.recompute_creator_metrics(creator_ids=[newcomer.pk, dud.pk])
    # Cohort (instagram x micro): .001 .01 .015 .02 .03 .04 -> ranks 1 and 3 of 6.
    assert CreatorMetrics.objects.get(creator=dud).er_percentile == pytest.approx(0.0)
    assert CreatorMetrics.objects.get(creator=newcomer).er_percentile == pytest.approx(2 / 5)
    # The authenticity check compares with the cohort median (.0175), not the subset's own.
    reasons = CreatorMetrics.objects.get(creator=dud).authenticity_reasons
    assert [r["signal"] for r in reasons] == ["low_engagement"]
    assert CreatorMetrics.objects.get(creator=newcomer).authenticity_reasons == []
    assert CreatorMetrics.objects.count() == 6


@pytest.mark.django_db
def test_failed_metrics_recompute_leaves_the_previous_run_visible_and_complete(monkeypatch):
    for er in (0.01, 0.02, 0.03):
        _creator_with_er(er)
    first = metrics_chunks.recompute_creator_metrics()
    before = sorted(CreatorMetrics.objects.values_list("creator_id", "er_median", "run_id"))

    def broken(frame):  # after the old rows were deleted
        raise RuntimeError("disk full")

    monkeypatch.setattr(metrics, "_store_metrics", broken)
    _creator_with_er(0.05)
    with pytest.raises(RuntimeError):
        metrics_chunks.recompute_creator_metrics()
    assert sorted(CreatorMetrics.objects.values_list("creator_id", "er_median", "run_id")) == before
    assert all(run_id == first.pk for *_, run_id in before)
    failed = ScoreRun.objects.latest("created_at")
    assert failed.status == ScoreRun.Status.FAILED and "disk full" in failed.error
    assert selectors.latest_run(ScoreRun.Kind.CREATOR_METRICS) == first


@pytest.mark.django_db(transaction=True)
def test_recomputes_of_one_campaign_run_one_after_another(monkeypatch):
    for er in (0.01, 0.02):
        _creator_with_er(er)
    campaign = f.CampaignFactory()
    compute = matches.compute_campaign_matches
    spans, errors = [], []

    def slow_compute(c, **kwargs):
        started = time.monotonic()
        time.sleep(0.4)  # long enough for the other thread to reach the lock
        frame = compute(c, **kwargs)
        spans.append((started, time.monotonic()))
        return frame

    monkeypatch.setattr(matches, "compute_campaign_matches", slow_compute)

    def recompute():
        try:
            matches.recompute_campaign_matches(campaign_id=campaign.pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=recompute) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors and len(spans) == 2
    (_, first_end), (second_start, _) = sorted(spans)
    assert first_end <= second_start  # the second computed only after the first had committed
    runs = ScoreRun.objects.filter(campaign=campaign, status=ScoreRun.Status.SUCCEEDED)
    assert runs.count() == 2
    last = runs.order_by("-finished_at").first()
    assert set(MatchScore.objects.filter(campaign=campaign).values_list("run_id", flat=True)) == {
        last.pk
    }

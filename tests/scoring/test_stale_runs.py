"""Runs left pending or running past the task time limit are marked failed, and the campaign
page offers Recompute again; runs still within the limit, and finished runs, are left alone."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import ScoreRun
from scoring.stale_runs import LOST, score_runs_fail_stale, stale_after
from scoring.tasks import fail_stale_runs

pytestmark = pytest.mark.django_db


def run(campaign, status, *, started_ago=None, created_ago=timedelta(0)):
    now = timezone.now()
    made = ScoreRun.objects.create(
        kind=ScoreRun.Kind.CAMPAIGN_MATCHES,
        campaign=campaign,
        status=status,
        started_at=None if started_ago is None else now - started_ago,
    )
    ScoreRun.objects.filter(pk=made.pk).update(created_at=now - created_ago)
    return made


def test_only_runs_past_the_time_limit_fail(world):
    late = stale_after() + timedelta(minutes=1)
    early = stale_after() - timedelta(minutes=1)
    lost_running = run(world.campaign_a, "running", started_ago=late, created_ago=late)
    lost_pending = run(world.campaign_a, "pending", created_ago=late)
    busy = run(world.campaign_a, "running", started_ago=early, created_ago=late)
    waiting = run(world.campaign_b, "pending", created_ago=early)
    done = run(world.campaign_b, "succeeded", started_ago=late, created_ago=late)

    assert sorted(fail_stale_runs()) == sorted([lost_running.pk, lost_pending.pk])
    for kept, status in ((busy, "running"), (waiting, "pending"), (done, "succeeded")):
        kept.refresh_from_db()
        assert kept.status == status
    lost_running.refresh_from_db()
    assert lost_running.status == "failed" and lost_running.error == LOST
    assert lost_running.finished_at is not None
    assert score_runs_fail_stale() == []  # nothing left to fail


def test_campaign_page_offers_recompute_again(world, client_for):
    late = stale_after() + timedelta(minutes=1)
    run(world.campaign_a, "running", started_ago=late, created_ago=late)
    url = reverse("campaigns:detail", args=[world.campaign_a.pk])
    client = client_for(world.editor_a)
    before = client.get(url).content.decode()
    assert "Computing matches" in before and ">Recompute</button>" not in before
    score_runs_fail_stale()
    after = client.get(url).content.decode()
    assert "Last recompute failed" in after and ">Recompute</button>" in after


def test_beat_runs_the_scan():
    from django.conf import settings

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "scoring.tasks.fail_stale_runs" in schedule


def test_a_run_in_chunks_is_stale_only_when_no_chunk_finished_within_the_limit():
    from scoring.models import MetricsChunk

    late = stale_after() + timedelta(minutes=1)
    now = timezone.now()
    runs = {}
    for name, finished_ago in (("progressing", timedelta(minutes=1)), ("stuck", late)):
        runs[name] = ScoreRun.objects.create(
            kind=ScoreRun.Kind.CREATOR_METRICS,
            status="running",
            started_at=now - 2 * late,
            chunks_total=3,
        )
        MetricsChunk.objects.create(
            run=runs[name], number=0, first_id=1, done=True, finished_at=now - finished_ago
        )
        MetricsChunk.objects.create(run=runs[name], number=1, first_id=100)
    assert score_runs_fail_stale() == [runs["stuck"].pk]
    runs["progressing"].refresh_from_db()
    assert runs["progressing"].status == "running"

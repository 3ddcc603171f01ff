"""One bad stored value never fails a recompute for everyone (issue 14 item 3). Posts and
follower snapshots dated 9999-12-31 or 0001-01-01, stored before imports checked dates, are
skipped by the creator metrics recompute and listed on its run (table, id, creator, column,
value, reason); every other row and creator is computed as usual, and the nightly recompute
goes on to the campaigns."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from scoring.models import CreatorMetrics, MatchScore, ScoreRun
from scoring.services.metrics_chunks import recompute_creator_metrics
from scoring.tasks import recompute_everything
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_bad_rows():
    healthy = f.CreatorFactory(handle="healthy", followers=30_000)
    legacy = f.CreatorFactory(handle="legacy", followers=30_000)
    for creator in (healthy, legacy):
        for days in (1, 2, 3):
            f.PostFactory(
                creator=creator, likes=600, comments=60, posted_at=timezone.now() - timedelta(days)
            )
    bad = [
        f.PostFactory(creator=legacy, posted_at=datetime(9999, 12, 31, tzinfo=UTC)),
        f.PostFactory(creator=legacy, posted_at=datetime(1, 1, 1, tzinfo=UTC)),
        f.FollowerSnapshotFactory(creator=legacy, date=date(9999, 12, 31), followers=30_000),
    ]
    f.FollowerSnapshotFactory(creator=legacy, date=date(2025, 5, 1), followers=29_000)
    return healthy, legacy, bad


def test_recompute_skips_and_reports_the_bad_rows(stored_bad_rows):
    healthy, legacy, (far_post, old_post, far_snapshot) = stored_bad_rows
    run = recompute_creator_metrics()
    assert run.status == ScoreRun.Status.SUCCEEDED, run.error
    assert run.items_done == 2 and run.rows_skipped == 3
    assert sorted(
        (r["table"], r["id"], r["creator_id"], r["column"]) for r in run.skipped
    ) == sorted(
        [
            ("creators_post", far_post.pk, legacy.pk, "posted_at"),
            ("creators_post", old_post.pk, legacy.pk, "posted_at"),
            ("creators_followersnapshot", far_snapshot.pk, legacy.pk, "date"),
        ]
    )
    assert all(r["reason"].startswith("outside 2004-01-01 to ") for r in run.skipped)
    assert {r["value"][:10] for r in run.skipped} >= {"9999-12-31"}
    metrics = {m.creator_id: m for m in CreatorMetrics.objects.all()}
    # The creator's usable posts count as usual, the same as the healthy creator's.
    assert metrics[legacy.pk].er_posts_used == metrics[healthy.pk].er_posts_used == 3
    assert metrics[legacy.pk].er_median == pytest.approx(metrics[healthy.pk].er_median)


def test_the_nightly_recompute_reaches_every_campaign(world, stored_bad_rows):
    recompute_everything()
    assert ScoreRun.objects.get(kind=ScoreRun.Kind.CREATOR_METRICS).status == "succeeded"
    for campaign in (world.campaign_a, world.campaign_b):
        run = ScoreRun.objects.get(kind=ScoreRun.Kind.CAMPAIGN_MATCHES, campaign=campaign)
        assert run.status == ScoreRun.Status.SUCCEEDED, run.error
        assert MatchScore.objects.filter(campaign=campaign).count() == 2


def test_the_command_lists_the_skipped_rows(stored_bad_rows, capsys):
    call_command("recompute")
    out = capsys.readouterr().out
    assert "3 stored row(s) skipped:" in out
    assert f"creators_post {stored_bad_rows[2][0].pk} (creator {stored_bad_rows[1].pk})" in out

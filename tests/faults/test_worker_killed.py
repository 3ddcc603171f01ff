"""A Celery worker SIGKILLed in the middle of an import or a recompute (issue 9 item 3, issue 4).

Tasks are acks_late: the killed worker's message stays unacknowledged in Redis and a new worker
gets it again after the visibility timeout. Meanwhile nothing of the half-done work may be
visible, and the redelivered task must finish the job exactly once.
"""

import time

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from creators.importing.services import import_job_create
from creators.models import Creator, FollowerSnapshot, ImportJob, ImportStatus
from creators.tasks import run_import
from scoring import selectors
from scoring.models import CreatorMetrics, MatchScore, ScoreRun
from scoring.runs import ABANDONED
from scoring.services import matches, metrics_chunks
from scoring.tasks import recompute_campaign_matches, recompute_creator_metrics
from tests import factories as f
from tests.faults.conftest import (
    DEADLINE,
    REDELIVERY_DEADLINE,
    VISIBILITY_TIMEOUT,
    backend_alive,
    holds_write_lock,
    wait_for,
)

pytestmark = pytest.mark.worker

ROWS = 40


def _kill_mid_task(workers, blocker, send, written_table: str) -> int:
    """Start a worker, send the task, wait until it is stuck on the blocker's lock after writing
    to `written_table`, SIGKILL it. Returns the backend pid the dead worker left behind."""
    worker = workers.start()
    send()
    pid = wait_for(blocker.blocked_pid, workers.explain("the worker to reach the blocked write"))
    stuck_at = time.monotonic()
    assert holds_write_lock(pid, written_table), "the task had not written anything yet"
    worker.kill()
    # Redis delivers the message again once it is older than the visibility timeout.
    time.sleep(max(0.0, stuck_at + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
    return pid


def _release_and_reap(blocker, pid: int) -> None:
    """Let the dead worker's backend go: it finds its client gone and rolls back."""
    blocker.release()
    wait_for(lambda: not backend_alive(pid), "the killed worker's transaction to end")


def test_worker_killed_mid_import_leaves_nothing_and_the_redelivered_task_imports_once(
    workers, blocker
):
    lines = "".join(f"fault_{i:03d},{1000 + i}\n" for i in range(ROWS))
    job = import_job_create(
        kind="profiles",
        file=ContentFile(("handle,followers\n" + lines).encode()),
        original_name="creators.csv",
        platform="instagram",
    )
    # The import writes creators, then their follower snapshots, in one transaction: holding
    # the snapshot table stops it between the two.
    blocker.execute("LOCK TABLE creators_followersnapshot IN SHARE MODE")
    pid = _kill_mid_task(
        workers,
        blocker,
        lambda: run_import.apply_async((job.pk,), queue=workers.queue),
        "creators_creator",
    )

    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING and job.attempts == 1
    assert not Creator.objects.filter(handle__startswith="fault_").exists()
    _release_and_reap(blocker, pid)
    assert not Creator.objects.filter(handle__startswith="fault_").exists()
    job.refresh_from_db()
    assert job.status != ImportStatus.SUCCEEDED

    workers.start()

    def finished():
        job.refresh_from_db()
        return job.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)

    wait_for(finished, workers.explain("the redelivered import to finish"), REDELIVERY_DEADLINE)
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert job.attempts == 2  # the same job, delivered a second time
    assert (job.rows_read, job.rows_created, job.rows_updated) == (ROWS, ROWS, 0)
    creators = Creator.objects.filter(handle__startswith="fault_")
    assert creators.count() == ROWS
    assert sorted(creators.values_list("followers", flat=True)) == list(range(1000, 1000 + ROWS))
    assert FollowerSnapshot.objects.filter(creator__in=creators).count() == ROWS
    assert ImportJob.objects.filter(pk=job.pk, status=ImportStatus.SUCCEEDED).count() == 1


def _matches(campaign) -> list[tuple[int, int | None]]:
    return sorted(selectors.campaign_matches(campaign).values_list("creator_id", "run_id"))


def test_worker_killed_mid_recompute_keeps_the_previous_run_visible(world, workers, blocker):
    campaign = world.campaign_a
    first = [f.CreatorFactory(followers=20_000 + i) for i in range(5)]
    for creator in first:
        f.PostFactory(creator=creator, likes=500, comments=20)
    metrics_chunks.recompute_creator_metrics()
    previous = matches.recompute_campaign_matches(campaign_id=campaign.pk)
    before = _matches(campaign)
    assert {c for c, _ in before} == {c.pk for c in first}
    assert {r for _, r in before} == {previous.pk}

    # A creator added since: the next run has a row for it. The blocker's uncommitted row with
    # the same (campaign, creator) makes the worker wait on that insert, after it has already
    # deleted the previous run's rows and written part of its own, inside its transaction.
    late = f.CreatorFactory(followers=30_000)
    assert matches.campaign_candidates(campaign).filter(pk=late.pk).exists()
    columns = [field.column for field in MatchScore._meta.concrete_fields if not field.primary_key]
    values = ["%s" if c == "creator_id" else c for c in columns]
    blocker.execute(
        f"INSERT INTO scoring_matchscore ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM scoring_matchscore WHERE campaign_id = %s LIMIT 1",
        (late.pk, campaign.pk),
    )
    pid = _kill_mid_task(
        workers,
        blocker,
        lambda: recompute_campaign_matches.apply_async((campaign.pk,), queue=workers.queue),
        "scoring_matchscore",
    )

    killed = ScoreRun.objects.filter(campaign=campaign).exclude(pk=previous.pk).get()
    assert killed.status == ScoreRun.Status.RUNNING
    assert selectors.latest_run(ScoreRun.Kind.CAMPAIGN_MATCHES, campaign) == previous
    assert _matches(campaign) == before  # complete, and only the previous run
    _release_and_reap(blocker, pid)
    assert _matches(campaign) == before

    workers.start()
    wait_for(
        lambda: ScoreRun.objects.filter(
            campaign=campaign, status=ScoreRun.Status.SUCCEEDED, pk__gt=killed.pk
        ).exists(),
        workers.explain("the redelivered recompute to finish"),
        REDELIVERY_DEADLINE,
    )
    latest = selectors.latest_run(ScoreRun.Kind.CAMPAIGN_MATCHES, campaign)
    assert latest.pk > killed.pk
    after = _matches(campaign)
    assert {c for c, _ in after} == {c.pk for c in first} | {late.pk}
    assert {r for _, r in after} == {latest.pk}
    killed.refresh_from_db()
    assert killed.status == ScoreRun.Status.FAILED and killed.error == ABANDONED


def test_creator_metrics_recompute_killed_keeps_previous_metrics(workers, blocker):
    creators = [f.CreatorFactory(followers=10_000 * (i + 1)) for i in range(4)]
    for creator in creators:
        f.PostFactory(creator=creator, likes=300, comments=10)
    previous = metrics_chunks.recompute_creator_metrics()
    before = sorted(CreatorMetrics.objects.values_list("creator_id", "run_id", "er_median"))
    assert len(before) == 4 and {r for _, r, _ in before} == {previous.pk}

    # New creator: the blocker's uncommitted metrics row for it stalls the worker's insert.
    late = f.CreatorFactory(followers=70_000)
    blocker.hold_metrics_row(late.pk)
    pid = _kill_mid_task(
        workers,
        blocker,
        lambda: recompute_creator_metrics.apply_async(queue=workers.queue),
        "scoring_creatormetrics",
    )
    killed = ScoreRun.objects.exclude(pk=previous.pk).get(kind=ScoreRun.Kind.CREATOR_METRICS)
    assert killed.status == ScoreRun.Status.RUNNING
    assert selectors.latest_run(ScoreRun.Kind.CREATOR_METRICS) == previous
    after_kill = sorted(CreatorMetrics.objects.values_list("creator_id", "run_id", "er_median"))
    assert after_kill == before
    _release_and_reap(blocker, pid)

    workers.start()
    wait_for(
        lambda: ScoreRun.objects.filter(
            kind=ScoreRun.Kind.CREATOR_METRICS, status=ScoreRun.Status.SUCCEEDED, pk__gt=killed.pk
        ).exists(),
        workers.explain("the redelivered metrics recompute to finish"),
        REDELIVERY_DEADLINE,
    )
    latest = selectors.latest_run(ScoreRun.Kind.CREATOR_METRICS)
    assert latest.pk > killed.pk
    rows = CreatorMetrics.objects.values_list("creator_id", "run_id")
    assert sorted(rows) == sorted((c.pk, latest.pk) for c in [*creators, late])
    killed.refresh_from_db()
    assert killed.status == ScoreRun.Status.FAILED


def test_second_delivery_while_the_first_still_runs_waits_and_imports_nothing_twice(
    workers, blocker
):
    """A message delivered again while its first copy is still running (the visibility timeout
    passed, or the stale-job check re-sent it): the copy waits for the first, then finds the
    job done."""
    lines = "".join(f"twice_{i:02d},{200 + i}\n" for i in range(10))
    job = import_job_create(
        kind="profiles",
        file=ContentFile(("handle,followers\n" + lines).encode()),
        original_name="twice.csv",
        platform="youtube",
    )
    blocker.execute("LOCK TABLE creators_followersnapshot IN SHARE MODE")
    workers.start()
    one = run_import.apply_async((job.pk,), queue=workers.queue)
    first = wait_for(blocker.blocked_pid, workers.explain("the first delivery to block"))
    workers.start()
    two = run_import.apply_async((job.pk,), queue=workers.queue)

    def second_waits_for_first():
        # The first delivery holds the job's single-flight lock on its task connection while its
        # import's writer (a second connection, `first`) is stopped by the blocker: the copy
        # must be waiting for that lock, not writing.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT waiting.pid FROM pg_locks waiting JOIN pg_locks held"
                " ON held.locktype = 'advisory' AND held.granted"
                " AND held.classid = waiting.classid AND held.objid = waiting.objid"
                " AND held.pid <> waiting.pid"
                " WHERE waiting.locktype = 'advisory' AND NOT waiting.granted"
                " AND waiting.pid <> %s",
                [first],
            )
            return cursor.fetchone()

    wait_for(second_waits_for_first, workers.explain("the second delivery to wait"))
    blocker.release()

    assert one.get(timeout=DEADLINE) == two.get(timeout=DEADLINE) == ImportStatus.SUCCEEDED
    job.refresh_from_db()
    assert job.attempts == 1 and job.rows_created == 10
    assert Creator.objects.filter(handle__startswith="twice_").count() == 10

"""Creator metrics in chunks on real Celery workers (issue 22 item 1): the chunks of one run are
shared out between workers, and a worker SIGKILLed while publishing the run has its chunk
delivered again, which completes the run once."""

import pytest
from django.db import transaction
from django.utils import timezone

from creators.models import Creator
from matchmaker.demo.catalogue import build_catalogue
from scoring import selectors
from scoring.models import CreatorMetrics, MetricsChunk, ScoreRun, StagedMetrics
from scoring.runs import score_run_start
from scoring.services import metrics, metrics_chunks
from scoring.tasks import recompute_creator_metrics
from tests import factories as f
from tests.faults.conftest import REDELIVERY_DEADLINE, backend_alive, wait_for

pytestmark = pytest.mark.worker

CHUNK = "60"
COLUMNS = [
    field.column
    for field in CreatorMetrics._meta.concrete_fields
    if field.column not in ("id", "run_id", "computed_at")
]


def _whole_catalogue_rows() -> dict[int, dict]:
    """The rows of the whole catalogue computed at once (as in
    tests/scoring/test_partitioned_recompute.py), staged under a run of their own."""
    reference = score_run_start(ScoreRun.Kind.CREATOR_METRICS)
    frame = metrics.compute_creator_metrics()
    frame["run_id"], frame["chunk"], frame["computed_at"] = reference.pk, 0, timezone.now()
    with transaction.atomic():  # its load tables live until the commit
        metrics._store_metrics(frame)
    rows = StagedMetrics.objects.filter(run=reference).values(*COLUMNS)
    ScoreRun.objects.filter(pk=reference.pk).update(status=ScoreRun.Status.FAILED)
    return {row["creator_id"]: row for row in rows}


def _succeeded(after: int = 0):
    return ScoreRun.objects.filter(
        kind=ScoreRun.Kind.CREATOR_METRICS, status=ScoreRun.Status.SUCCEEDED, pk__gt=after
    ).first()


def _waiting_on(blocker) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
            [blocker.pid],
        )
        return [row[0] for row in cursor.fetchall()]


def _assert_published_once(run: ScoreRun, expected: dict[int, dict]) -> None:
    run.refresh_from_db()
    assert run.status == ScoreRun.Status.SUCCEEDED, run.error
    assert run.chunks_total > 2 and run.chunks_done == run.chunks_total
    assert MetricsChunk.objects.filter(run=run, done=True).count() == run.chunks_total
    assert run.items_done == Creator.objects.count()
    stored = {r["creator_id"]: r for r in CreatorMetrics.objects.values(*COLUMNS)}
    assert set(CreatorMetrics.objects.values_list("run_id", flat=True)) == {run.pk}
    assert stored == {c: row for c, row in expected.items() if c in stored}
    assert set(stored) == set(Creator.objects.values_list("pk", flat=True))
    assert not StagedMetrics.objects.filter(run=run).exists()


def test_two_workers_share_the_chunks_of_one_run(workers, blocker):
    build_catalogue(n=300, seed=7)
    expected = _whole_catalogue_rows()
    # Chunks write their staged rows under this lock: each worker stops in its first chunk,
    # so both are seen holding a chunk of the same run at once.
    blocker.execute("LOCK TABLE scoring_stagedmetrics IN SHARE MODE")
    workers.start(METRICS_CHUNK_SIZE=CHUNK)
    workers.start(METRICS_CHUNK_SIZE=CHUNK)
    recompute_creator_metrics.apply_async(queue=workers.queue)
    # Two backends waiting to write staged rows: two chunks (of the one run) running at once,
    # one in each worker (a solo worker runs one task at a time).
    wait_for(
        lambda: len(_waiting_on(blocker)) == 2,
        workers.explain("both workers to be writing a chunk"),
    )
    assert (
        ScoreRun.objects.filter(kind=ScoreRun.Kind.CREATOR_METRICS)
        .exclude(status=ScoreRun.Status.FAILED)
        .count()
        == 1
    )
    blocker.release()
    run = wait_for(_succeeded, workers.explain("the run to be published"))
    _assert_published_once(run, expected)


def test_a_worker_killed_while_publishing_has_its_chunk_redelivered_and_the_run_completes_once(
    workers, blocker
):
    build_catalogue(n=240, seed=11)
    previous = metrics_chunks.recompute_creator_metrics()
    before = sorted(CreatorMetrics.objects.values_list("creator_id", "run_id"))
    # A creator added since: the blocker's uncommitted metrics row for it stops the publishing
    # chunk's insert, after it has deleted the previous rows inside its transaction.
    late = f.CreatorFactory(followers=70_000)
    f.PostFactory(creator=late, likes=2_000, comments=50)
    expected = _whole_catalogue_rows()
    blocker.hold_metrics_row(late.pk)
    worker = workers.start(METRICS_CHUNK_SIZE=CHUNK)
    recompute_creator_metrics.apply_async(queue=workers.queue)
    pid = wait_for(blocker.blocked_pid, workers.explain("the last chunk to reach the publish"))
    run = ScoreRun.objects.filter(kind=ScoreRun.Kind.CREATOR_METRICS, pk__gt=previous.pk).get(
        chunks_total__gt=1
    )
    assert run.status == ScoreRun.Status.RUNNING
    assert run.chunks_done == run.chunks_total - 1  # the last one is counting itself
    worker.kill()
    assert sorted(CreatorMetrics.objects.values_list("creator_id", "run_id")) == before
    assert selectors.latest_run(ScoreRun.Kind.CREATOR_METRICS) == previous
    blocker.release()
    wait_for(lambda: not backend_alive(pid), "the killed worker's transaction to end")
    assert sorted(CreatorMetrics.objects.values_list("creator_id", "run_id")) == before
    run.refresh_from_db()
    assert run.status == ScoreRun.Status.RUNNING and run.chunks_done == run.chunks_total - 1

    workers.start(METRICS_CHUNK_SIZE=CHUNK)
    published = wait_for(
        lambda: _succeeded(previous.pk),
        workers.explain("the redelivered chunk to publish"),
        REDELIVERY_DEADLINE,
    )
    assert published.pk == run.pk  # the same run, completed by the redelivered chunk
    _assert_published_once(run, expected)
    assert (
        ScoreRun.objects.filter(kind=ScoreRun.Kind.CREATOR_METRICS, pk__gt=previous.pk)
        .exclude(status=ScoreRun.Status.FAILED)
        .count()
        == 1
    )

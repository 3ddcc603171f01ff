"""The creator metrics recompute in chunks (issue 22 item 1): the same rows as computing the
whole catalogue at once, a failing chunk fails the run and leaves the previous one visible, a
redelivered chunk counts and publishes once, and partial recomputes rank in the stored cohort."""

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from creators.models import Creator, Post
from matchmaker.demo.catalogue import build_catalogue
from scoring import selectors
from scoring.models import CohortStats, CreatorMetrics, MetricsChunk, ScoreRun, StagedMetrics
from scoring.runs import score_run_start
from scoring.services import metrics, metrics_chunks
from tests import factories as f

pytestmark = pytest.mark.django_db

CHUNK = 70
# Every stored column but the ones that say which run wrote it, and when.
COLUMNS = [
    field.column
    for field in CreatorMetrics._meta.concrete_fields
    if field.column not in ("id", "run_id", "computed_at")
]


@pytest.fixture
def catalogue(settings):
    settings.METRICS_CHUNK_SIZE = CHUNK
    build_catalogue(n=300, seed=7)
    return Creator.objects.count()


def _rows(queryset) -> dict[int, dict]:
    return {row["creator_id"]: row for row in queryset.values(*COLUMNS)}


def _whole_catalogue_rows() -> dict[int, dict]:
    """compute_creator_metrics() (one pass in memory) stored the way a chunk stores its rows,
    under a run of its own, and read back."""
    reference = score_run_start(ScoreRun.Kind.CREATOR_METRICS)
    frame = metrics.compute_creator_metrics()
    frame["run_id"], frame["chunk"], frame["computed_at"] = reference.pk, 0, timezone.now()
    metrics._store_metrics(frame)
    return _rows(StagedMetrics.objects.filter(run=reference))


def test_the_partitioned_recompute_stores_exactly_the_whole_catalogue_computation(catalogue):
    run = metrics_chunks.recompute_creator_metrics()
    assert run.status == ScoreRun.Status.SUCCEEDED, run.error
    assert run.chunks_total == -(-catalogue // CHUNK) >= 4
    assert run.chunks_done == run.chunks_total
    assert run.items_done == catalogue
    assert MetricsChunk.objects.filter(run=run, done=True).count() == run.chunks_total
    stored = _rows(CreatorMetrics.objects.all())
    assert set(CreatorMetrics.objects.values_list("run_id", flat=True)) == {run.pk}
    expected = _whole_catalogue_rows()
    assert len(stored) == len(expected) == catalogue
    for creator_id, row in expected.items():
        assert stored[creator_id] == row, creator_id
    # Not a trivial catalogue: several cohorts, percentiles spread over 0..1.
    percentiles = [r["er_percentile"] for r in stored.values() if r["er_percentile"] is not None]
    assert len(set(percentiles)) > 100 and min(percentiles) == 0.0 and max(percentiles) == 1.0
    assert CohortStats.objects.filter(run=run).count() >= 6
    assert not StagedMetrics.objects.filter(run=run).exists()  # published, then cleared


def test_a_failing_chunk_fails_the_run_and_leaves_the_previous_run_visible(catalogue, monkeypatch):
    first = metrics_chunks.recompute_creator_metrics()
    before = sorted(CreatorMetrics.objects.values_list("creator_id", "run_id", "er_median"))
    store = metrics._store_metrics

    def broken(frame):
        if frame["chunk"].iloc[0] == 2:
            raise RuntimeError("disk full")
        return store(frame)

    monkeypatch.setattr(metrics, "_store_metrics", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        metrics_chunks.recompute_creator_metrics()
    failed = ScoreRun.objects.latest("created_at")
    assert failed.status == ScoreRun.Status.FAILED
    low, high = MetricsChunk.objects.filter(run=failed, number=2).values_list(
        "first_id", "last_id"
    )[0]
    assert failed.error == f"Chunk 3 of {failed.chunks_total} (creators {low}-{high}): disk full"
    assert failed.chunks_done == 2
    after = sorted(CreatorMetrics.objects.values_list("creator_id", "run_id", "er_median"))
    assert after == before and {run_id for _, run_id, _ in after} == {first.pk}
    assert selectors.latest_run(ScoreRun.Kind.CREATOR_METRICS) == first
    # The other chunks, delivered after the failure, do nothing.
    monkeypatch.setattr(metrics, "_store_metrics", store)
    assert metrics_chunks.run_chunk(failed.pk, 3) is False
    assert not StagedMetrics.objects.filter(run=failed, chunk=3).exists()
    failed.refresh_from_db()
    assert failed.status == ScoreRun.Status.FAILED and failed.chunks_done == 2
    assert sorted(CreatorMetrics.objects.values_list("creator_id", "run_id", "er_median")) == before


class Killed(BaseException):
    """A worker killed mid-chunk: nothing after this point runs, no failure is recorded."""


def test_a_redelivered_chunk_counts_once_and_the_run_is_published_once(catalogue, monkeypatch):
    previous = metrics_chunks.recompute_creator_metrics()
    run = metrics_chunks.plan_full_run()
    total = run.chunks_total
    assert metrics_chunks.run_chunk(run.pk, 0) is False
    assert metrics_chunks.run_chunk(run.pk, 0) is False  # delivered again after it finished
    run.refresh_from_db()
    assert run.chunks_done == 1
    chunk_size = MetricsChunk.objects.get(run=run, number=0).items
    assert StagedMetrics.objects.filter(run=run, chunk=0).count() == chunk_size == CHUNK
    for number in range(1, total - 1):
        metrics_chunks.run_chunk(run.pk, number)

    # The last chunk is killed while publishing: its count and the publication roll back.
    publish = metrics_chunks._publish

    def killed_while_publishing(locked):
        publish(locked)
        raise Killed

    monkeypatch.setattr(metrics_chunks, "_publish", killed_while_publishing)
    with pytest.raises(Killed):
        metrics_chunks.run_chunk(run.pk, total - 1)
    run.refresh_from_db()
    assert run.status == ScoreRun.Status.RUNNING and run.chunks_done == total - 1
    assert set(CreatorMetrics.objects.values_list("run_id", flat=True)) == {previous.pk}

    monkeypatch.setattr(metrics_chunks, "_publish", publish)
    assert metrics_chunks.run_chunk(run.pk, total - 1) is True  # the redelivery publishes
    run.refresh_from_db()
    assert run.status == ScoreRun.Status.SUCCEEDED and run.chunks_done == total
    finished = run.finished_at
    stored = _rows(CreatorMetrics.objects.all())
    assert set(CreatorMetrics.objects.values_list("run_id", flat=True)) == {run.pk}

    for number in (total - 1, 0):  # each delivered once more: nothing changes
        assert metrics_chunks.run_chunk(run.pk, number) is False
    run.refresh_from_db()
    assert (run.chunks_done, run.finished_at, run.items_done) == (total, finished, catalogue)
    assert _rows(CreatorMetrics.objects.all()) == stored
    assert CreatorMetrics.objects.count() == catalogue


def _posts_with_er(creator, er: float) -> None:
    Post.objects.filter(creator=creator).delete()
    for days in range(4):
        f.PostFactory(
            creator=creator,
            likes=int(er * creator.followers),
            comments=10,
            posted_at=timezone.now() - timedelta(days=days),
        )


def _cohort_arrays(run_filter) -> dict:
    rows = {}
    for row in CohortStats.objects.filter(**run_filter).order_by("platform", "tier", "run_id"):
        rows[(row.platform, row.tier)] = (
            np.frombuffer(bytes(row.er_values)).tolist(),
            np.frombuffer(bytes(row.lpc_values)).tolist(),
            row.er_median,
            row.lpc_median,
        )
    return rows


def test_partial_recomputes_rank_in_the_stored_cohort_as_a_full_recompute_would(catalogue):
    metrics_chunks.recompute_creator_metrics()
    ids = sorted(Creator.objects.filter(followers__gte=20_000).values_list("pk", flat=True))
    one, two = Creator.objects.get(pk=ids[0]), Creator.objects.get(pk=ids[-1])
    others = _rows(CreatorMetrics.objects.exclude(creator__in=[one, two]))

    _posts_with_er(one, 0.5)  # the top of its cohort now
    partial = metrics_chunks.recompute_creator_metrics(creator_ids=[one.pk])
    assert partial.status == ScoreRun.Status.SUCCEEDED, partial.error
    _posts_with_er(two, 0.0)  # the bottom of its cohort; ranked with the first one's new rate
    metrics_chunks.recompute_creator_metrics(creator_ids=[two.pk])
    assert CreatorMetrics.objects.get(creator=one).er_percentile == 1.0
    assert CreatorMetrics.objects.get(creator=two).er_percentile == 0.0
    assert _rows(CreatorMetrics.objects.exclude(creator__in=[one, two])) == others
    partials = _rows(CreatorMetrics.objects.filter(creator__in=[one, two]))
    published = _cohort_arrays({"run__status": ScoreRun.Status.SUCCEEDED})
    assert CohortStats.objects.filter(run__status=ScoreRun.Status.SUCCEEDED).count() == len(
        published
    )  # one published row per cohort

    full = metrics_chunks.recompute_creator_metrics()
    # The full recompute gives the two the rows the partial ones did, and the same cohorts.
    assert _rows(CreatorMetrics.objects.filter(creator__in=[one, two])) == partials
    assert _cohort_arrays({"run": full}) == published


def test_a_partial_recompute_without_stored_cohort_stats_ranks_in_the_stored_metrics(catalogue):
    metrics_chunks.recompute_creator_metrics()
    CohortStats.objects.all().delete()  # metrics stored before there were cohort statistics
    creator = Creator.objects.filter(followers__gte=20_000).order_by("pk").first()
    _posts_with_er(creator, 0.5)
    metrics_chunks.recompute_creator_metrics(creator_ids=[creator.pk])
    assert CreatorMetrics.objects.get(creator=creator).er_percentile == 1.0
    assert CohortStats.objects.filter(run__status=ScoreRun.Status.SUCCEEDED).exists()


def test_a_full_recompute_keeps_rows_a_partial_one_wrote_after_its_chunk(catalogue):
    metrics_chunks.recompute_creator_metrics()
    run = metrics_chunks.plan_full_run()
    for number in range(run.chunks_total - 1):
        metrics_chunks.run_chunk(run.pk, number)
    creator = Creator.objects.order_by("pk").first()  # in chunk 0, already computed
    _posts_with_er(creator, 0.5)
    partial = metrics_chunks.recompute_creator_metrics(creator_ids=[creator.pk])
    assert metrics_chunks.run_chunk(run.pk, run.chunks_total - 1) is True
    assert CreatorMetrics.objects.get(creator=creator).run_id == partial.pk
    assert CreatorMetrics.objects.exclude(creator=creator).filter(run=run).count() == (
        catalogue - 1
    )


def test_an_empty_catalogue_publishes_an_empty_run():
    run = metrics_chunks.recompute_creator_metrics()
    assert run.status == ScoreRun.Status.SUCCEEDED and run.chunks_total == 0
    assert run.items_done == 0 and not CreatorMetrics.objects.exists()


def test_the_task_sends_the_chunks_out_and_the_last_one_publishes(catalogue):
    from scoring.tasks import recompute_creator_metrics

    run_id = recompute_creator_metrics.delay().get()  # in-process tasks: the chunks run inline
    run = ScoreRun.objects.get(pk=run_id)
    assert run.status == ScoreRun.Status.SUCCEEDED and run.chunks_done == run.chunks_total > 1
    assert CreatorMetrics.objects.filter(run=run).count() == catalogue
    assert "then" not in run.scope


def test_the_nightly_run_in_chunks_queues_the_matches_once_it_is_published(world, settings):
    from scoring.models import MatchScore
    from scoring.tasks import recompute_everything

    settings.METRICS_CHUNK_SIZE = 2
    for followers in (12_000, 24_000, 36_000, 48_000, 60_000):
        f.PostFactory(creator=f.CreatorFactory(followers=followers))
    recompute_everything()
    run = ScoreRun.objects.get(kind=ScoreRun.Kind.CREATOR_METRICS)
    assert run.status == ScoreRun.Status.SUCCEEDED and run.chunks_total >= 3
    assert run.scope == {"then": "campaign_matches"}
    for campaign in (world.campaign_a, world.campaign_b):
        matches = ScoreRun.objects.get(kind=ScoreRun.Kind.CAMPAIGN_MATCHES, campaign=campaign)
        assert matches.status == ScoreRun.Status.SUCCEEDED, matches.error
        assert matches.created_at > run.finished_at  # computed from the published metrics
        assert MatchScore.objects.filter(campaign=campaign).exists()

"""A creator metrics run in chunks: planned (cohort statistics of the whole catalogue, chunks of
creators by id), each chunk scored on its own (by a worker, or in turn in one process), and the
run published by the chunk that completes it.

- Planning reads only what the cohort ranking needs (profiles' follower and average columns,
  posts), a chunk at a time, and stores each platform x tier cohort's sorted values and medians
  (CohortStats) under the run, with one MetricsChunk row per chunk.
- A chunk reads its creators' rows and the run's cohort statistics, and writes its rows into
  StagedMetrics (delete-then-insert: a redelivered chunk writes them again, not twice). Then, in
  one transaction holding the run's row, it marks its MetricsChunk done (only if it was not) and
  counts it on the run; the chunk that counts the last one publishes the run in that transaction:
  CreatorMetrics replaced from the staged rows, the run marked succeeded. Readers see the old
  run or the new one, never a mix. After a full run the tables it rewrote are ANALYZEd.
- A chunk that fails marks its run failed with the reason; the other chunks then stop, and the
  previous run's rows stay.
- A partial recompute (scope.creator_ids) is one chunk ranked in the published cohort
  statistics, with its creators' stored values replaced by the new ones; it publishes the
  cohorts it changed, so the next partial recompute ranks in them too.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from creators.models import Creator, Post
from matchmaker.lib.pgcopy import as_floats, read_frame
from matchmaker.lib.pgstats import analyze_models
from scoring.metrics.cohorts import (
    VALUE_FIELDS,
    cohort_stats,
    cohort_stats_changed,
    cohort_values,
)
from scoring.metrics.creator_metrics import POST_FIELDS, dated
from scoring.models import CohortStats, CreatorMetrics, MetricsChunk, ScoreRun, StagedMetrics
from scoring.runs import ABANDONED, score_run_fail, score_run_start
from scoring.services import metrics

log = logging.getLogger(__name__)

KIND = ScoreRun.Kind.CREATOR_METRICS
SUPERSEDED = (
    "A newer recompute of all creator metrics started before this one finished and replaces it."
)
# What planning reads of each creator: the engagement rates and the tier.
LIGHT_FIELDS = [
    "id",
    "platform",
    "followers",
    "avg_likes",
    "avg_comments",
    "reported_engagement_rate",
]


def _chunk_bounds(size: int) -> list[tuple[int, int | None]]:
    """(first id, last id) of each chunk of `size` creators in id order; the last chunk is
    open-ended (creators added since are scored too)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i"
            f" FROM {Creator._meta.db_table}) t WHERE i %% %s = 0 ORDER BY id",
            [size],
        )
        firsts = [row[0] for row in cursor.fetchall()]
    return [
        (first, firsts[k + 1] - 1 if k + 1 < len(firsts) else None)
        for k, first in enumerate(firsts)
    ]


def _range_scope(first: int | None, last: int | None, ids: list[int] | None = None):
    """The creators of a chunk as a Creator queryset and as a filter of their related rows."""
    if first is None:
        return Creator.objects.filter(pk__in=ids), {"creator_id__in": ids}
    creators, related = Creator.objects.filter(pk__gte=first), {"creator_id__gte": first}
    if last is not None:
        creators, related = creators.filter(pk__lte=last), {**related, "creator_id__lte": last}
    return creators, related


def _light_values(creators, related: dict) -> pd.DataFrame:
    profiles = read_frame(creators, LIGHT_FIELDS)
    as_floats(profiles, LIGHT_FIELDS[2:])
    posts, _ = dated(read_frame(Post.objects.filter(**related), POST_FIELDS), "posted_at")
    return cohort_values(profiles, posts)


def _save_cohort(run: ScoreRun, stats: pd.DataFrame) -> None:
    CohortStats.objects.filter(run=run).delete()
    CohortStats.objects.bulk_create(
        CohortStats(
            run=run,
            platform=platform,
            tier=tier,
            er_values=np.asarray(row["er_values"], dtype="<f8").tobytes(),
            lpc_values=np.asarray(row["lpc_values"], dtype="<f8").tobytes(),
            er_median=None if np.isnan(row["er_median"]) else row["er_median"],
            lpc_median=None if np.isnan(row["lpc_median"]) else row["lpc_median"],
        )
        for (platform, tier), row in stats.iterrows()
    )


def _stats_frame(rows) -> pd.DataFrame:
    records = [
        (
            row.platform,
            row.tier,
            np.frombuffer(bytes(row.er_values), dtype="<f8"),
            np.frombuffer(bytes(row.lpc_values), dtype="<f8"),
            np.nan if row.er_median is None else row.er_median,
            np.nan if row.lpc_median is None else row.lpc_median,
        )
        for row in rows
    ]
    columns = ["platform", "tier", "er_values", "lpc_values", "er_median", "lpc_median"]
    return pd.DataFrame.from_records(records, columns=columns).set_index(["platform", "tier"])


def _stored_values(creator_ids: list[int] | None) -> pd.DataFrame:
    """The stored metrics' cohort values (VALUE_FIELDS) of the creators (all when None).
    Read through the driver, which parses float8 exactly (read_frame's CSV parser may be one
    unit in the last place off, and these values are taken out of sorted arrays by value)."""
    stored = CreatorMetrics.objects.all()
    if creator_ids is not None:
        stored = stored.filter(creator_id__in=creator_ids)
    rows = stored.values_list("creator__platform", "tier", "er_median", "likes_per_comment")
    frame = pd.DataFrame.from_records(list(rows), columns=VALUE_FIELDS)
    for column in ("er", "lpc"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def published_cohort_stats() -> pd.DataFrame:
    """The cohort statistics partial recomputes rank in: per platform x tier, the row of the
    latest succeeded run that wrote one; without any (metrics computed before there were
    cohort statistics), those of the stored metrics."""
    rows = CohortStats.objects.filter(run__kind=KIND, run__status=ScoreRun.Status.SUCCEEDED)
    latest: dict[tuple[str, str], CohortStats] = {}
    for row in rows.order_by("platform", "tier", "-run_id"):
        latest.setdefault((row.platform, row.tier), row)
    if latest:
        return _stats_frame(latest.values())
    return cohort_stats(_stored_values(None))


def plan_full_run() -> ScoreRun:
    """Start a run of every creator's metrics: its cohort statistics and chunks (with no
    creators at all it is published at once)."""
    run = score_run_start(KIND)
    try:
        bounds = _chunk_bounds(settings.METRICS_CHUNK_SIZE)
        values = [_light_values(*_range_scope(first, last)) for first, last in bounds]
        stats = cohort_stats(pd.concat(values) if values else _stored_values([]))
        with transaction.atomic():
            _save_cohort(run, stats)
            MetricsChunk.objects.bulk_create(
                MetricsChunk(run=run, number=k, first_id=first, last_id=last)
                for k, (first, last) in enumerate(bounds)
            )
            ScoreRun.objects.filter(pk=run.pk).update(chunks_total=len(bounds))
            if not bounds:
                _publish(ScoreRun.objects.select_for_update(no_key=True).get(pk=run.pk))
    except Exception as exc:
        log.exception("Score run %s failed", run.pk)
        score_run_fail(run, exc)
        raise
    run.refresh_from_db()
    return run


def plan_partial_run(creator_ids: list[int]) -> ScoreRun:
    """Start a run of these creators' metrics: one chunk, ranked in the published cohort."""
    run = score_run_start(KIND, scope={"creator_ids": creator_ids})
    with transaction.atomic():
        MetricsChunk.objects.create(run=run, number=0)
        ScoreRun.objects.filter(pk=run.pk).update(chunks_total=1)
    run.refresh_from_db()
    return run


def _partial_cohort(creator_ids: list[int], changed: dict):
    """For compute_chunk_metrics: the published cohort with these creators' stored values
    replaced by their new ones (kept in `changed` to be stored with the run)."""

    def cohort(values: pd.DataFrame) -> pd.DataFrame:
        stats = cohort_stats_changed(published_cohort_stats(), _stored_values(creator_ids), values)
        changed["stats"] = stats
        return stats

    return cohort


def _failure(run: ScoreRun, chunk: MetricsChunk, exc: Exception) -> str:
    if chunk.first_id is None:
        return str(exc)
    last = "" if chunk.last_id is None else chunk.last_id
    return (
        f"Chunk {chunk.number + 1} of {run.chunks_total} (creators {chunk.first_id}-{last}): {exc}"
    )


def run_chunk(run_id: int, number: int) -> bool:
    """Score chunk `number` of the run and count it; publishes the run if it is the last.
    Does nothing for a run no longer running (failed, superseded) or a chunk counted already
    (a redelivery). Returns whether this call published the run. Raises what failed the
    chunk, after marking the run failed with it."""
    chunk = MetricsChunk.objects.select_related("run").get(run_id=run_id, number=number)
    run = chunk.run
    if run.status != ScoreRun.Status.RUNNING or chunk.done:
        return False
    try:
        ids = run.scope.get("creator_ids")
        creators, related = _range_scope(chunk.first_id, chunk.last_id, ids)
        changed: dict = {}
        if chunk.first_id is None:
            cohort = _partial_cohort(ids, changed)
        else:
            cohort = _stats_frame(CohortStats.objects.filter(run=run))
        frame = metrics.compute_chunk_metrics(creators, related, cohort)
        frame["run_id"] = run.pk
        frame["chunk"] = number
        frame["computed_at"] = timezone.now()
        with transaction.atomic():
            staged = StagedMetrics.objects.filter(run_id=run.pk, chunk=number)
            staged._raw_delete(staged.db)
            metrics._store_metrics(frame)
            if "stats" in changed:
                _save_cohort(run, changed["stats"])
        with transaction.atomic():
            # FOR NO KEY UPDATE: chunks counting one after another, while other chunks' staged
            # rows (whose foreign key takes FOR KEY SHARE on the run) go on being written.
            locked = ScoreRun.objects.select_for_update(no_key=True).get(pk=run.pk)
            if locked.status != ScoreRun.Status.RUNNING:
                return False
            counted = MetricsChunk.objects.filter(pk=chunk.pk, done=False).update(
                done=True,
                items=len(frame),
                rows_skipped=frame.attrs.get("skipped_total", 0),
                skipped=frame.attrs.get("skipped", []),
                finished_at=timezone.now(),
            )
            if not counted:
                return False
            ScoreRun.objects.filter(pk=run.pk).update(chunks_done=F("chunks_done") + 1)
            if locked.chunks_done + 1 < locked.chunks_total:
                return False
            _publish(locked)
        _clear_staged()  # outside the publishing transaction: it holds the run's row
        if ids is None:
            # Every creator's row was rewritten: the planner's statistics (row counts, value
            # histograms of the discovery columns) would otherwise lag until autovacuum.
            analyze_models([CreatorMetrics, CohortStats])
        return True
    except Exception as exc:
        log.exception("Score run %s failed in chunk %s", run.pk, number)
        ScoreRun.objects.filter(pk=run.pk, status=ScoreRun.Status.RUNNING).update(
            status=ScoreRun.Status.FAILED,
            error=_failure(run, chunk, exc)[:2000],
            finished_at=timezone.now(),
        )
        raise


def _publish(run: ScoreRun) -> None:
    """Inside the transaction holding the run's row: CreatorMetrics replaced by the run's staged
    rows, its cohort statistics made the published ones, the run marked succeeded.

    A full run keeps a creator's row written after that creator's chunk was computed (a
    partial recompute that finished meanwhile is newer); rows of creators deleted since are
    left out."""
    qn = connection.ops.quote_name
    metrics_table = qn(CreatorMetrics._meta.db_table)
    staged_table = qn(StagedMetrics._meta.db_table)
    columns = ", ".join(
        qn(field.column) for field in CreatorMetrics._meta.concrete_fields if not field.primary_key
    )
    select = ", ".join(
        f"s.{qn(field.column)}"
        for field in CreatorMetrics._meta.concrete_fields
        if not field.primary_key
    )
    ids = run.scope.get("creator_ids")
    with connection.cursor() as cursor:
        if ids is not None:
            old = CreatorMetrics.objects.filter(creator_id__in=ids)
            old._raw_delete(old.db)
            newer = ""
        else:
            cursor.execute(
                f"DELETE FROM {metrics_table} m WHERE NOT EXISTS (SELECT 1 FROM {staged_table} s"
                " WHERE s.run_id = %s AND s.creator_id = m.creator_id"
                " AND m.computed_at > s.computed_at)",
                [run.pk],
            )
            newer = (
                f" AND NOT EXISTS (SELECT 1 FROM {metrics_table} m"
                " WHERE m.creator_id = s.creator_id)"
            )
        cursor.execute(
            f"INSERT INTO {metrics_table} ({columns}) SELECT {select} FROM {staged_table} s"
            f" JOIN {qn(Creator._meta.db_table)} c ON c.id = s.creator_id"
            f" WHERE s.run_id = %s{newer}",
            [run.pk],
        )
    replaced = CohortStats.objects.exclude(run=run).exclude(run__status=ScoreRun.Status.RUNNING)
    if ids is not None:
        mine = CohortStats.objects.filter(run=run).values_list("platform", "tier")
        for platform, tier in mine:
            replaced.filter(platform=platform, tier=tier).delete()
    else:
        replaced.delete()
    chunks = list(run.metrics_chunks.order_by("number"))
    skipped = [row for chunk in chunks for row in chunk.skipped][: 2 * metrics.SKIPPED_LISTED]
    items = sum(chunk.items for chunk in chunks)
    ScoreRun.objects.filter(pk=run.pk).update(
        status=ScoreRun.Status.SUCCEEDED,
        items_total=items,
        items_done=items,
        rows_skipped=sum(chunk.rows_skipped for chunk in chunks),
        skipped=skipped,
        finished_at=timezone.now(),
    )


def _clear_staged() -> None:
    """Delete the staged rows of runs that ended (published, failed), after the publishing
    transaction: should this not happen (the worker died), the next publication does it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(StagedMetrics._meta.db_table)} WHERE run_id"
            f" IN (SELECT id FROM {connection.ops.quote_name(ScoreRun._meta.db_table)}"
            " WHERE status IN ('failed', 'succeeded'))"
        )


def runs_make_way(*, full: bool) -> None:
    """Before a new run (holding the creator metrics single-flight lock): runs left running by
    a dead worker are marked failed. A run whose chunks are out with workers is left to finish
    alongside a partial recompute, and replaced by a new run of all creators."""
    running = ScoreRun.objects.filter(kind=KIND, status=ScoreRun.Status.RUNNING)
    fanned_out = running.filter(chunks_total__gt=1)
    if full:
        fanned_out.update(
            status=ScoreRun.Status.FAILED, error=SUPERSEDED, finished_at=timezone.now()
        )
    running.exclude(pk__in=fanned_out.values("pk")).update(
        status=ScoreRun.Status.FAILED, error=ABANDONED, finished_at=timezone.now()
    )


def recompute_creator_metrics(*, creator_ids: list[int] | None = None) -> ScoreRun:
    """Recompute CreatorMetrics for the given creators (all when None) as one ScoreRun, here
    and now: its chunks run one after another in this process (the task
    scoring.tasks.recompute_creator_metrics sends them to workers instead). Raises what failed
    the run, after marking it failed."""
    run = plan_full_run() if creator_ids is None else plan_partial_run(creator_ids)
    for number in range(run.chunks_total):
        run_chunk(run.pk, number)
    run.refresh_from_db()
    return run

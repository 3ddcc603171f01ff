"""Recompute creator metrics: load the catalogue's rows into frames, compute them with
scoring.metrics.creator_metrics, store them as one ScoreRun.

The new rows replace the previous ones in ONE transaction that also marks the run succeeded -
readers see the old run or the new one, never a mix. A failure marks the run failed and leaves
the previous rows untouched.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.db.models.fields.json import KT
from django.utils import timezone

from creators.models import AudienceSketch, Creator, FollowerSnapshot, Post
from matchmaker.lib.dates import outside_window, window_text
from matchmaker.lib.pgcopy import (
    as_floats,
    binary_columns_sql,
    binary_kind,
    copy_binary,
    copy_text,
    read_frame,
)
from matchmaker.lib.timing import StageTimer
from scoring.metrics.creator_metrics import (
    COHORT_FIELDS,
    CREATOR_FIELDS,
    POST_FIELDS,
    SNAPSHOT_FIELDS,
    STATS_FIELDS,
    creator_metrics,
    dated,
)
from scoring.models import CreatorMetrics, ScoreRun, Tier
from scoring.runs import score_run_fail, score_run_start

log = logging.getLogger(__name__)

# Stored rows a recompute skipped are listed on its ScoreRun, up to this many (all are counted).
SKIPPED_LISTED = 100


def _stored_cohort(creator_ids: list[int] | None) -> pd.DataFrame | None:
    """For a partial recompute, every other creator's stored metrics (COHORT_FIELDS): the
    subset is ranked against its whole platform x tier cohort."""
    if creator_ids is None:
        return None
    others = read_frame(
        CreatorMetrics.objects.exclude(creator_id__in=creator_ids),
        ["creator_id", "creator__platform", "tier", "er_median", "likes_per_comment"],
    )
    as_floats(others, ["er_median", "likes_per_comment"])
    return others.rename(columns={"creator__platform": "platform"})[COHORT_FIELDS]


def compute_creator_metrics(creator_ids: list[int] | None = None) -> pd.DataFrame:
    """The CreatorMetrics rows (as a frame, without run/computed_at) for the creators (all when
    None); the JSON columns (authenticity_reasons, growth_spikes, inputs) hold JSON text.
    attrs["skipped"] lists stored rows left out for their dates, attrs["skipped_total"]
    counts them."""
    timer = StageTimer("creator metrics", log)
    creators = Creator.objects.all()
    scope: dict = {}
    if creator_ids is not None:
        creators = creators.filter(pk__in=creator_ids)
        scope = {"creator_id__in": creator_ids}
    profiles = read_frame(creators, CREATOR_FIELDS)
    posts = read_frame(Post.objects.filter(**scope), POST_FIELDS)
    snapshots = read_frame(FollowerSnapshot.objects.filter(**scope), SNAPSHOT_FIELDS)
    posts, bad_posts = dated(posts, "posted_at")
    snapshots, bad_snapshots = dated(snapshots, "date", utc=False)
    stats = read_frame(
        AudienceSketch.objects.filter(**scope).annotate(
            sample_n=KT("profile_stats__n"), fake_like_share=KT("profile_stats__fake_like_share")
        ),
        STATS_FIELDS,
    ).drop_duplicates("creator_id")
    stored_cohort = _stored_cohort(creator_ids)
    timer.lap("load")
    as_floats(
        profiles,
        ["followers", "following", "avg_likes", "avg_comments", "reported_engagement_rate"],
    )
    as_floats(stats, ["sample_n", "fake_like_share"])
    out = creator_metrics(profiles, posts, snapshots, stats, stored_cohort)
    timer.lap("compute")
    out.attrs["skipped"] = _skipped_rows(Post, "posted_at", bad_posts) + _skipped_rows(
        FollowerSnapshot, "date", bad_snapshots
    )
    out.attrs["skipped_total"] = len(bad_posts) + len(bad_snapshots)
    return out


def _skipped_rows(model, column: str, bad: pd.DataFrame) -> list[dict]:
    """The skipped rows as {table, id, creator_id, column, value, reason} (the first
    SKIPPED_LISTED): read again with their ids for the creators they belong to, who are few."""
    if bad.empty:
        return []
    creator_ids = sorted({int(creator_id) for creator_id in bad["creator_id"]})
    fields = ["pk", "creator_id", column]
    queryset = model.objects.filter(creator_id__in=creator_ids).order_by("creator_id", "pk")
    rows = pd.DataFrame.from_records(list(queryset.values_list(*fields)), columns=fields)
    rows = rows[outside_window(rows[column])].head(SKIPPED_LISTED)
    reason = f"outside {window_text()}: skipped"
    report = [
        {
            "table": model._meta.db_table,
            "id": int(pk),
            "creator_id": int(creator_id),
            "column": column,
            "value": str(value),
            "reason": reason,
        }
        for pk, creator_id, value in rows.itertuples(index=False)
    ]
    log.warning(
        "creator metrics: %d %s row(s) skipped, %s %s; first: %s",
        len(bad),
        model._meta.db_table,
        column,
        reason,
        report[:3],
    )
    return report


CREATOR_METRICS_JSON = ["authenticity_reasons", "growth_spikes", "inputs"]
TIER_CODES = {tier: code for code, tier in enumerate(Tier.values, start=1)}


def _store_metrics(frame: pd.DataFrame) -> int:
    """Insert the CreatorMetrics rows of compute_creator_metrics() (plus run_id, computed_at).

    The numbers go over in binary COPY (no float formatted as text), the few non-empty
    reason and spike lists in a second, text COPY, and one INSERT ... SELECT joins them."""
    if frame.empty:
        return 0
    qn = connection.ops.quote_name
    numbers = frame.drop(columns=[*CREATOR_METRICS_JSON, "tier", "run_id", "computed_at"])
    numbers["tier_code"] = frame["tier"].map(TIER_CODES).astype(np.int64)
    kinds = {column: binary_kind(numbers[column]) for column in numbers.columns}
    lists = frame[["creator_id", "authenticity_reasons", "growth_spikes"]]
    lists = lists[(lists["authenticity_reasons"] != "[]") | (lists["growth_spikes"] != "[]")]
    floats = [column for column in numbers.columns if kinds[column] == "f"]
    value = {column: f"NULLIF(n.{qn(column)}, 'NaN'::float8)" for column in floats}
    for money in ("estimated_price", "price_low", "price_high"):
        value[money] = f"round(NULLIF(n.{money}, 'NaN'::float8)::numeric, 2)"
    value["er_posts_used"] = "n.er_posts_used::int"
    target = [column for column in numbers.columns if column != "tier_code"]
    select = [value.get(column, f"n.{qn(column)}") for column in target]
    tiers = "ARRAY[" + ", ".join(f"'{tier}'" for tier in TIER_CODES) + "]"
    timer = StageTimer("store creator metrics", log)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.scoring_metrics_load")
        cursor.execute("DROP TABLE IF EXISTS pg_temp.scoring_metrics_lists")
        cursor.execute(
            f"CREATE TEMPORARY TABLE scoring_metrics_load ({binary_columns_sql(kinds)})"
            " ON COMMIT DROP"
        )
        cursor.execute(
            "CREATE TEMPORARY TABLE scoring_metrics_lists (creator_id int8 PRIMARY KEY,"
            " authenticity_reasons jsonb NOT NULL, growth_spikes jsonb NOT NULL) ON COMMIT DROP"
        )
        copy_binary(cursor, "pg_temp.scoring_metrics_load", numbers, kinds)
        if len(lists):
            copy_text(cursor, "pg_temp.scoring_metrics_lists", lists)
        timer.lap("copy")
        cursor.execute(
            f"INSERT INTO {qn(CreatorMetrics._meta.db_table)}"
            f" ({', '.join(qn(column) for column in target)}, tier, run_id, computed_at,"
            " authenticity_reasons, growth_spikes, inputs)"
            f" SELECT {', '.join(select)}, ({tiers})[n.tier_code], %s, %s,"
            " COALESCE(l.authenticity_reasons, '[]'::jsonb),"
            " COALESCE(l.growth_spikes, '[]'::jsonb),"
            " jsonb_build_object('posts_used', n.er_posts_used::int,"
            " 'from_profile', n.er_from_profile)"
            " FROM pg_temp.scoring_metrics_load n"
            " LEFT JOIN pg_temp.scoring_metrics_lists l USING (creator_id)",
            [int(frame["run_id"].iloc[0]), frame["computed_at"].iloc[0]],
        )
        timer.lap("insert")
        cursor.execute("DROP TABLE pg_temp.scoring_metrics_load, pg_temp.scoring_metrics_lists")
    return len(frame)


def recompute_creator_metrics(*, creator_ids: list[int] | None = None) -> ScoreRun:
    """Recompute CreatorMetrics for the given creators (all when None) as one ScoreRun."""
    run = score_run_start(
        ScoreRun.Kind.CREATOR_METRICS,
        scope={"creator_ids": creator_ids} if creator_ids is not None else {},
    )
    try:
        frame = compute_creator_metrics(creator_ids)
        timer = StageTimer("creator metrics", log)
        frame["run_id"] = run.pk
        frame["computed_at"] = timezone.now()
        with transaction.atomic():
            old = CreatorMetrics.objects.all()
            if creator_ids is not None:
                old = old.filter(creator_id__in=creator_ids)
            old._raw_delete(old.db)
            timer.lap("delete")
            _store_metrics(frame)
            timer.lap("write")
            ScoreRun.objects.filter(pk=run.pk).update(
                status=ScoreRun.Status.SUCCEEDED,
                items_total=len(frame),
                items_done=len(frame),
                rows_skipped=frame.attrs.get("skipped_total", 0),
                skipped=frame.attrs.get("skipped", []),
                finished_at=timezone.now(),
            )
        timer.lap("commit")
    except Exception as exc:
        log.exception("Score run %s failed", run.pk)
        score_run_fail(run, exc)
        raise
    run.refresh_from_db()
    return run

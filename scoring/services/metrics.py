"""Recompute creator metrics: load a chunk of the catalogue's rows into frames, compute them
with scoring.metrics.creator_metrics, stage them under their ScoreRun.

A recompute of all creators first takes the platform x tier cohort statistics over the whole
catalogue, then scores it in chunks of creators by id (scoring.services.metrics_chunks), each
ranked in those statistics; a partial recompute ranks its creators in the stored ones. The new
rows replace the previous ones in ONE transaction that also marks the run succeeded - readers see
the old run or the new one, never a mix. A failure marks the run failed and leaves the previous
rows untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models.fields.json import KT

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
from scoring.metrics.authenticity import REACTION_COLUMNS
from scoring.metrics.cohorts import cohort_values
from scoring.metrics.creator_metrics import (
    CREATOR_FIELDS,
    POST_FIELDS,
    SNAPSHOT_FIELDS,
    STATS_FIELDS,
    creator_metrics,
    dated,
)
from scoring.models import CreatorReaction, StagedMetrics, Tier

log = logging.getLogger(__name__)

# Stored rows a recompute skipped are listed on its ScoreRun, up to this many (all are counted).
SKIPPED_LISTED = 100


def load_metric_frames(
    creators, related: dict
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, list[dict], int]:
    """creator_metrics()'s frames for the creators of the queryset `creators` (`related`: the
    same creators as a filter of their posts, snapshots and sketches): profiles, posts and
    snapshots (dated()), stats, then the rows skipped for their dates (listed, counted)."""
    profiles = read_frame(creators, CREATOR_FIELDS)
    posts = read_frame(Post.objects.filter(**related), POST_FIELDS)
    snapshots = read_frame(FollowerSnapshot.objects.filter(**related), SNAPSHOT_FIELDS)
    posts, bad_posts = dated(posts, "posted_at")
    snapshots, bad_snapshots = dated(snapshots, "date", utc=False)
    stats = read_frame(
        AudienceSketch.objects.filter(**related).annotate(
            sample_n=KT("profile_stats__n"), fake_like_share=KT("profile_stats__fake_like_share")
        ),
        STATS_FIELDS,
    ).drop_duplicates("creator_id")
    as_floats(
        profiles,
        ["followers", "following", "avg_likes", "avg_comments", "reported_engagement_rate"],
    )
    as_floats(stats, ["sample_n", "fake_like_share"])
    stats = stats.merge(_reaction_evidence(related), on="creator_id", how="outer")
    skipped = _skipped_rows(Post, "posted_at", bad_posts) + _skipped_rows(
        FollowerSnapshot, "date", bad_snapshots
    )
    return profiles, posts, snapshots, stats, skipped, len(bad_posts) + len(bad_snapshots)


def _reaction_evidence(related: dict) -> pd.DataFrame:
    """authenticity.REACTION_COLUMNS of the creators' stored CreatorReaction rows (computed
    before the metrics, nightly and by the seed): the pod and the generic comments."""
    rows = read_frame(
        CreatorReaction.objects.filter(**related).annotate(
            pod_commenters_n=KT("evidence__pod__commenters_n"),
            pod_posts_n=KT("evidence__pod__posts_n"),
            pod_creators_n=KT("evidence__pod__creators_n"),
        ),
        ["creator_id", *REACTION_COLUMNS],
    )
    as_floats(rows, [c for c in REACTION_COLUMNS if c != "pod"])
    return rows.drop_duplicates("creator_id")


def compute_chunk_metrics(
    creators, related: dict, cohort: pd.DataFrame | Callable[[pd.DataFrame], pd.DataFrame]
) -> pd.DataFrame:
    """The CreatorMetrics rows (a frame, without run/computed_at; JSON columns as JSON text)
    of the creators of `creators` (see load_metric_frames), ranked in the cohort statistics
    `cohort`, or in those `cohort(values)` gives for their cohort values (a partial recompute).
    attrs["skipped"] lists stored rows left out for their dates, attrs["skipped_total"]
    counts them."""
    timer = StageTimer("creator metrics", log)
    profiles, posts, snapshots, stats, skipped, skipped_total = load_metric_frames(
        creators, related
    )
    timer.lap("load")
    if callable(cohort):
        cohort = cohort(cohort_values(profiles, posts))
    out = creator_metrics(profiles, posts, snapshots, stats, cohort=cohort)
    timer.lap("compute")
    out.attrs["skipped"] = skipped
    out.attrs["skipped_total"] = skipped_total
    return out


def compute_creator_metrics() -> pd.DataFrame:
    """Every creator's CreatorMetrics rows computed in one pass over the whole catalogue in
    memory (the reference the partitioned recompute is checked against; it needs memory for
    all of it)."""
    profiles, posts, snapshots, stats, skipped, skipped_total = load_metric_frames(
        Creator.objects.all(), {}
    )
    out = creator_metrics(profiles, posts, snapshots, stats)
    out.attrs["skipped"] = skipped
    out.attrs["skipped_total"] = skipped_total
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
    """Stage the CreatorMetrics rows of compute_chunk_metrics() (plus run_id, chunk and
    computed_at) in StagedMetrics.

    The numbers go over in binary COPY (no float formatted as text), the few non-empty
    reason and spike lists in a second, text COPY, and one INSERT ... SELECT joins them."""
    if frame.empty:
        return 0
    qn = connection.ops.quote_name
    numbers = frame.drop(columns=[*CREATOR_METRICS_JSON, "tier", "run_id", "chunk", "computed_at"])
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
            f"INSERT INTO {qn(StagedMetrics._meta.db_table)}"
            f" ({', '.join(qn(column) for column in target)}, tier, run_id, chunk, computed_at,"
            " authenticity_reasons, growth_spikes, inputs)"
            f" SELECT {', '.join(select)}, ({tiers})[n.tier_code], %s, %s, %s,"
            " COALESCE(l.authenticity_reasons, '[]'::jsonb),"
            " COALESCE(l.growth_spikes, '[]'::jsonb),"
            " jsonb_build_object('posts_used', n.er_posts_used::int,"
            " 'from_profile', n.er_from_profile)"
            " FROM pg_temp.scoring_metrics_load n"
            " LEFT JOIN pg_temp.scoring_metrics_lists l USING (creator_id)",
            [
                int(frame["run_id"].iloc[0]),
                int(frame["chunk"].iloc[0]),
                frame["computed_at"].iloc[0],
            ],
        )
        timer.lap("insert")
        cursor.execute("DROP TABLE pg_temp.scoring_metrics_load, pg_temp.scoring_metrics_lists")
    return len(frame)

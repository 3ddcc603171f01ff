"""Recompute a campaign's matches: load its candidates and what scores them into frames,
compute them with scoring.metrics.campaign_matches, store them as one ScoreRun; and the
campaign weights that change them.

The new rows replace the previous ones in ONE transaction that also marks the run succeeded -
readers see the old run or the new one, never a mix. A failure marks the run failed and leaves
the previous rows untouched.
"""

from __future__ import annotations

import logging

import pandas as pd
from django.contrib.postgres.aggregates import StringAgg
from django.db import connection, transaction
from django.db.models import Q, Sum, TextField
from django.db.models.functions import Cast, Lower
from django.utils import timezone

from campaigns.models import Campaign, Outcome, RosterEntry
from creators.models import AudienceShare, Creator, Post
from matchmaker.celery import delay_on_commit
from matchmaker.lib.pgcopy import (
    as_floats,
    binary_columns_sql,
    binary_kind,
    copy_binary,
    read_frame,
)
from matchmaker.lib.timing import StageTimer
from scoring.components import COMPONENTS
from scoring.metrics.campaign_matches import (
    AUDIENCE_DIMENSIONS,
    CANDIDATE_FIELDS,
    METRICS_FIELDS,
    campaign_matches,
)
from scoring.metrics.outcomes import ENGAGEMENT_FIELDS, engagements_column
from scoring.models import CreatorMetrics, MatchScore, ScoreRun
from scoring.runs import score_run_fail, score_run_start
from scoring.weights import effective_weights, validate_weights

log = logging.getLogger(__name__)

# pg_advisory_xact_lock(MATCHES_LOCK, campaign id): the namespace of the matches recompute lock.
MATCHES_LOCK = 40_001


def campaign_candidates(campaign: Campaign):
    """Creators inside the campaign's follower range and platforms (DESIGN 4.4)."""
    qs = Creator.objects.filter(
        followers__gte=campaign.min_followers, followers__lte=campaign.max_followers
    )
    if campaign.platforms:
        qs = qs.filter(platform__in=campaign.platforms)
    return qs


def _values_frame(queryset, fields: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(queryset.values_list(*fields)), columns=fields)


def hashtag_text(candidates) -> pd.Series:
    """Per candidate all its posts' hashtags as one text (for keyword matching)."""
    posts = Post.objects.filter(creator__in=candidates).exclude(hashtags=[])
    # Concatenated by the database: one row per creator instead of one per post.
    rows = read_frame(
        posts.order_by()
        .values("creator_id")
        .annotate(tags=StringAgg(Cast("hashtags", TextField()), delimiter=" ")),
        ["creator_id", "tags"],
    )
    return rows.set_index("creator_id")["tags"]


def candidate_audience_sums(candidates, targets: dict[str, list[str]]) -> pd.DataFrame:
    """audience_sums() aggregated by the database: per candidate and targeted dimension.
    One row per creator comes back (a total and an inside column per dimension), which the
    database groups faster than (creator, dimension) pairs and sends half as many rows."""
    targeted = {d: [str(b).lower() for b in bs] for d, bs in targets.items() if bs}
    columns = ["creator_id", "dimension", "total", "inside"]
    if not targeted:
        return pd.DataFrame(columns=columns)
    sums = {}
    for i, (dim, buckets) in enumerate(targeted.items()):
        sums[f"total_{i}"] = Sum("share", filter=Q(dimension=dim))
        sums[f"inside_{i}"] = Sum(
            "share", filter=Q(dimension=dim, bucket_lower__in=buckets), default=0.0
        )
    wide = read_frame(
        AudienceShare.objects.filter(creator__in=candidates, dimension__in=list(targeted))
        .annotate(bucket_lower=Lower("bucket"))
        .order_by()
        .values("creator_id")
        .annotate(**sums),
        ["creator_id", *sums],
    )
    as_floats(wide, list(sums))
    parts = [
        pd.DataFrame(
            {
                "creator_id": wide["creator_id"],
                "dimension": dim,
                "total": wide[f"total_{i}"],
                "inside": wide[f"inside_{i}"],
            }
        ).dropna(subset=["total"])
        for i, dim in enumerate(targeted)
    ]
    return pd.concat(parts, ignore_index=True)


def _history(*, organization_id: int) -> pd.DataFrame:
    """Per past roster entry of the organisation's campaigns with a prediction: predicted
    engagements (RosterEntry.prediction) and actual ones, as the results pages count them: the
    latest Outcome of each deliverable, engagements per scoring.metrics.outcomes (missing stays
    missing, never zero).

    Only the organisation's own campaigns: predictions and results are its private data, and a
    track record built from another organisation's would show them in the breakdown."""
    entries = _values_frame(
        RosterEntry.objects.filter(campaign__brand__organization_id=organization_id).exclude(
            prediction={}
        ),
        ["id", "creator_id", "campaign__brand_id", "prediction"],
    )
    columns = ["creator_id", "brand_id", "predicted", "actual"]
    if entries.empty:
        return pd.DataFrame(columns=columns)
    outcomes = _values_frame(
        Outcome.objects.filter(
            deliverable__entry__in=entries["id"].tolist()
        ).latest_per_deliverable(),
        ["deliverable__entry_id", "deliverable_id", *ENGAGEMENT_FIELDS],
    )
    latest = outcomes.assign(actual=engagements_column(outcomes))
    per_entry = latest.groupby("deliverable__entry_id")["actual"].sum(min_count=1)
    entries["predicted"] = pd.to_numeric(
        entries["prediction"].map(lambda p: (p or {}).get("engagements")), errors="coerce"
    )
    entries["actual"] = entries["id"].map(per_entry)
    return entries.rename(columns={"campaign__brand_id": "brand_id"})[columns]


def campaign_targets(campaign: Campaign) -> dict[str, list[str]]:
    """The campaign's targeted buckets per audience dimension (empty: not targeted)."""
    return {
        "country": campaign.target_countries,
        "age": campaign.target_age_buckets,
        "gender": campaign.target_genders,
        "language": campaign.target_languages,
        "interest": campaign.target_interests,
    }


def compute_campaign_matches(campaign: Campaign) -> pd.DataFrame:
    """MatchScore rows (frame, without run/computed_at) for the campaign's candidates;
    attrs as scoring.metrics.campaign_matches sets them."""
    timer = StageTimer(f"campaign {campaign.pk} matches", log)
    candidates = campaign_candidates(campaign)
    # In id order (sorted here, not by the database): the rows are then written in the order
    # of the (campaign, creator) and creator indexes.
    profiles = read_frame(candidates.order_by(), CANDIDATE_FIELDS).set_index("id").sort_index()
    ids = profiles.index
    metrics = (
        read_frame(CreatorMetrics.objects.filter(creator__in=candidates), METRICS_FIELDS)
        .drop_duplicates("creator_id")
        .set_index("creator_id")
        .reindex(ids)
    )
    as_floats(metrics, ["er_median", "er_percentile", "authenticity_score", "estimated_price"])
    categories = read_frame(
        Creator.categories.through.objects.filter(creator__in=candidates),
        ["creator_id", "category_id"],
    )
    hashtags = hashtag_text(candidates).reindex(ids)
    targets = campaign_targets(campaign)
    sums = candidate_audience_sums(candidates, targets)
    history = _history(organization_id=campaign.brand.organization_id)
    niche_ids = list(campaign.niches.values_list("id", flat=True))
    timer.lap("load")
    out = campaign_matches(
        campaign_id=campaign.pk,
        candidates=profiles,
        metrics=metrics,
        hashtags=hashtags,
        categories=categories,
        audience_sums=sums,
        targets=targets,
        history=history,
        brand_id=campaign.brand_id,
        niche_ids=niche_ids,
        keywords=campaign.keywords,
        excluded_keywords=campaign.excluded_keywords,
        weights=effective_weights(campaign),
    )
    timer.lap("compute")
    return out


MATCH_COLUMNS = [
    "campaign_id",
    "creator_id",
    "rank",
    "total",
    *COMPONENTS,
    "target_reach",
    "excluded",
]
INPUT_COLUMNS = [
    "category_match",
    "keyword_share",
    "er_median",
    "authenticity_score",
    "price",
    "past_deliverables",
    "engagement_estimated",
    "price_estimated",
    "audience_gate",
    "niche_gate",
    *(f"share_{dim}" for dim in AUDIENCE_DIMENSIONS),
]


def _store_matches(frame: pd.DataFrame, *, run_id: int, computed_at) -> int:
    """Insert the MatchScore rows of compute_campaign_matches().

    The numbers go over in binary COPY to a temporary table and one INSERT ... SELECT
    writes them (no float formatted as text, no JSON built: `components` stays empty, the
    inputs have columns)."""
    if frame.empty:
        return 0
    load = [column for column in frame.columns if column != "campaign_id"]
    kinds = {column: binary_kind(frame[column]) for column in load}
    qn = connection.ops.quote_name

    def nullable(column: str) -> str:
        return f"NULLIF({column}, 'NaN'::float8)"

    dims = frame.attrs["dims"]
    dims_text = (
        "rtrim("
        + " || ".join(
            f"CASE WHEN estimated_dims_mask & {1 << bit} <> 0 THEN '{dim},' ELSE '' END"
            for bit, dim in enumerate(dims)
        )
        + ", ',')"
        if dims
        else "''"
    )
    inputs = {
        "past_deliverables": "past_deliverables::int",
        "engagement_estimated": "engagement_estimated",
        "price_estimated": "price_estimated",
    }
    target = [
        *MATCH_COLUMNS,
        *INPUT_COLUMNS,
        "estimated_dimensions",
        "run_id",
        "computed_at",
        "components",
    ]
    select = [
        "%s",
        "creator_id",
        "rank::int",
        "total",
        *COMPONENTS,
        nullable("target_reach"),
        "excluded",
        *[inputs.get(column) or nullable(column) for column in INPUT_COLUMNS],
        dims_text,
        "%s",
        "%s",
        "'{}'::jsonb",
    ]
    timer = StageTimer("store matches", log)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.scoring_match_load")
        cursor.execute(
            f"CREATE TEMPORARY TABLE scoring_match_load ({binary_columns_sql(kinds)})"
            " ON COMMIT DROP"
        )
        copy_binary(cursor, "pg_temp.scoring_match_load", frame[load], kinds)
        timer.lap("copy")
        cursor.execute(
            f"INSERT INTO {qn(MatchScore._meta.db_table)} ({', '.join(qn(c) for c in target)})"
            f" SELECT {', '.join(select)} FROM pg_temp.scoring_match_load",
            [int(frame["campaign_id"].iloc[0]), run_id, computed_at],
        )
        timer.lap("insert")
        cursor.execute("DROP TABLE pg_temp.scoring_match_load")
    return len(frame)


def _lock_campaign_matches(campaign_id: int, run_id: int) -> None:
    """Hold the campaign's recompute lock until the current transaction ends, so recomputes
    of one campaign run one after another, and the campaign and run rows FOR KEY SHARE: what
    a foreign key check of each MatchScore row would take (MatchScore's campaign and run have
    no database constraint), so neither can be deleted before the rows are committed."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [MATCHES_LOCK, campaign_id])
        for model, pk in ((Campaign, campaign_id), (ScoreRun, run_id)):
            cursor.execute(
                f"SELECT 1 FROM {qn(model._meta.db_table)} WHERE id = %s FOR KEY SHARE", [pk]
            )
            if cursor.fetchone() is None:
                raise model.DoesNotExist(f"{model.__name__} {pk} was deleted")


def _batch_work_mem() -> None:
    """Let this transaction's sorts and hash aggregates (100k+ groups) stay in memory."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64MB'")


def recompute_campaign_matches(*, campaign_id: int) -> ScoreRun:
    """Recompute every MatchScore of the campaign as one ScoreRun (old rows replaced at once).

    Single-flight per campaign: a second recompute of the same campaign waits for the first
    to commit, then computes from what the first left (weights and targeting re-read)."""
    run = score_run_start(
        ScoreRun.Kind.CAMPAIGN_MATCHES, campaign=Campaign.objects.get(pk=campaign_id)
    )
    try:
        with transaction.atomic():
            _lock_campaign_matches(campaign_id, run.pk)
            _batch_work_mem()
            campaign = Campaign.objects.get(pk=campaign_id)
            frame = compute_campaign_matches(campaign)
            timer = StageTimer(f"campaign {campaign_id} matches", log)
            old = MatchScore.objects.filter(campaign_id=campaign_id)
            old._raw_delete(old.db)
            timer.lap("delete")
            _store_matches(frame, run_id=run.pk, computed_at=timezone.now())
            timer.lap("write")
            ScoreRun.objects.filter(pk=run.pk).update(
                status=ScoreRun.Status.SUCCEEDED,
                items_total=len(frame),
                items_done=len(frame),
                finished_at=timezone.now(),
                weights=frame.attrs["weight_share"],
            )
        timer.lap("commit")
    except Exception as exc:
        log.exception("Score run %s failed", run.pk)
        score_run_fail(run, exc)
        raise
    run.refresh_from_db()
    return run


def campaign_weights_update(*, campaign: Campaign, weights: dict, user) -> Campaign:
    """Save validated weights and recompute the campaign's matches once committed."""
    clean = validate_weights(weights)
    with transaction.atomic():
        campaign.weights = clean
        campaign.save(update_fields=["weights", "updated_at"])
        delay_on_commit("scoring.tasks.recompute_campaign_matches", campaign.pk)
    return campaign

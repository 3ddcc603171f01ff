"""Scoring writes: recompute creator metrics and campaign matches, update campaign weights.

Each recompute is a ScoreRun. Inputs are loaded with a few set-based queries into DataFrames,
the pure functions in scoring.metrics compute, and the results replace the previous rows in
ONE transaction that also marks the run succeeded - readers see the old run or the new one,
never a mix. A failure marks the run failed and leaves the previous rows untouched.
"""

from __future__ import annotations

import io
import json
import logging
import struct
import time

import numpy as np
import pandas as pd
from django.contrib.postgres.aggregates import StringAgg
from django.db import connection, transaction
from django.db.models import Q, Sum, TextField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Lower
from django.utils import timezone

from campaigns.models import Campaign, Outcome, RosterEntry
from creators.models import AudienceShare, AudienceSketch, Creator, FollowerSnapshot, Post
from matchmaker.lib.dates import outside_window, window_stamps, window_text
from scoring.metrics import authenticity as auth
from scoring.metrics.audience import audience_fit_from_sums
from scoring.metrics.cost import cost_efficiency, estimated_price
from scoring.metrics.engagement import engagement_rates
from scoring.metrics.match import match_total
from scoring.metrics.niche import niche_fit
from scoring.metrics.outcomes import ENGAGEMENT_FIELDS, engagements_column
from scoring.metrics.tiers import cohort_percentile, tier_of
from scoring.metrics.track_record import track_record
from scoring.models import COMPONENTS, CreatorMetrics, MatchScore, ScoreRun, Tier
from scoring.weights import effective_weights, validate_weights

log = logging.getLogger(__name__)

# pg_advisory_xact_lock(MATCHES_LOCK, campaign id): the namespace of the matches recompute lock.
MATCHES_LOCK = 40_001


NULL = "\\N"  # COPY text format's NULL


class _Timer:
    """Per-stage wall times, logged at DEBUG (the benchmark's profile of where time goes)."""

    def __init__(self, what: str) -> None:
        self.what, self.last = what, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        log.debug("%s: %s %.3f s", self.what, stage, now - self.last)
        self.last = now


DEFINITIONS = {
    "audience_fit": "Share of the audience inside every targeted country/age/gender/language/interest (product).",
    "niche_fit": "Category match with the campaign niches and brand keywords found in bio and hashtags.",
    "engagement": "Median engagement rate percentile among creators of the same platform and tier.",
    "authenticity": "Authenticity score / 100: penalties for bot-like signals.",
    "cost_efficiency": "Expected engagements per currency unit (quote, else tier benchmark).",
    "track_record": "Past results against predictions in your organisation's campaigns (a bonus for a good one with this brand), shrunk to 0.5 with little data.",
}


def _frame(queryset, fields: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(queryset.values_list(*fields)), columns=fields)


def _read(queryset, fields: list[str]) -> pd.DataFrame:
    """queryset.values_list(*fields) as a DataFrame, in one query. The rows stream out with
    COPY ... TO STDOUT as CSV and pandas' C parser reads them (no Python object per row);
    booleans arrive as True/False, timestamps and dates as ISO text, NULL and empty text as
    NaN."""
    timer = _Timer(f"read {queryset.model._meta.db_table}")
    sql, params = queryset.values_list(*fields).query.sql_with_params()
    buffer = io.BytesIO()  # bytes: psycopg2 hands each row over without decoding it
    with connection.cursor() as cursor:
        query = cursor.cursor.mogrify(sql, params).decode()
        cursor.cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", buffer)
    buffer.seek(0)
    timer.lap("query")
    if not buffer.getbuffer().nbytes:
        return pd.DataFrame({f: pd.Series(dtype=object) for f in fields})
    frame = pd.read_csv(
        buffer,
        names=fields,
        header=None,
        true_values=["t"],
        false_values=["f"],
        keep_default_na=False,
        na_values=[""],
        low_memory=False,
    )
    timer.lap(f"parse {len(frame)} rows")
    return frame


def _numbers(frame: pd.DataFrame, columns: list[str]) -> None:
    for col in columns:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)


def _flags(series: pd.Series) -> pd.Series:
    """Booleans read from a nullable column: True/False, None where NULL."""
    mapped = series.map({True: True, False: False, "t": True, "f": False, "True": True})
    return mapped.astype(object).where(mapped.notna(), None)


# JSON text for the stored JSON columns, built column-wise (one C loop per column, not a
# Python dict and json.dumps per row).
def _json_ints(values) -> pd.Series:
    arr = np.asarray(values, dtype=np.int64)
    return pd.Series(arr.astype(str).astype(object), index=getattr(values, "index", None))


def _json_bools(values) -> pd.Series:
    arr = np.asarray(values, dtype=bool)
    return pd.Series(
        np.where(arr, "true", "false").astype(object), index=getattr(values, "index", None)
    )


def _json_object(parts: dict[str, pd.Series | str]) -> pd.Series:
    """{"key": value, ...} per row from JSON-text columns (or constants)."""
    text: pd.Series | str = "{"
    for i, (key, value) in enumerate(parts.items()):
        text = text + ("" if i == 0 else ", ") + json.dumps(key) + ": " + value
    return text + "}"


def _copy_text(frame: pd.DataFrame) -> str:
    """The frame as COPY text format (tab-separated, NULL as \\N), built column-wise: numbers
    by numpy's shortest round-trip repr, booleans as t/f, text (the JSON columns too) with
    backslashes, tabs and newlines escaped. No quoting is needed, unlike CSV."""
    line = None
    for _name, col in frame.items():
        values = col.to_numpy()
        if col.dtype == bool:
            text = np.where(values, "t", "f").astype(object)
        elif pd.api.types.is_integer_dtype(col.dtype):
            text = values.astype(str).astype(object)
        elif pd.api.types.is_float_dtype(col.dtype):
            text = np.where(np.isfinite(values), values.astype(str), NULL).astype(object)
        elif isinstance(col.dtype, pd.DatetimeTZDtype):
            stamps = col.dropna().unique()
            if len(stamps) == 1 and col.notna().all():  # computed_at: one value for the run
                text = np.full(len(col), stamps[0].isoformat(), dtype=object)
            else:
                text = np.where(col.isna(), NULL, col.map(pd.Timestamp.isoformat)).astype(object)
        else:
            present = col.notna().to_numpy()
            escaped = (
                col.astype(str)
                .str.replace("\\", "\\\\", regex=False)
                .str.replace("\t", "\\t", regex=False)
                .str.replace("\n", "\\n", regex=False)
                .str.replace("\r", "\\r", regex=False)
            )
            text = np.where(present, escaped.to_numpy(dtype=object), NULL).astype(object)
        line = text if line is None else line + "\t" + text
    if line is None or not len(frame):
        return ""
    return "\n".join(line.tolist()) + "\n"


def _start(kind: str, *, campaign=None, scope: dict | None = None) -> ScoreRun:
    return ScoreRun.objects.create(
        kind=kind,
        campaign=campaign,
        scope=scope or {},
        status=ScoreRun.Status.RUNNING,
        started_at=timezone.now(),
        attempts=1,
    )


def _fail(run: ScoreRun, exc: Exception) -> None:
    log.exception("Score run %s failed", run.pk)
    ScoreRun.objects.filter(pk=run.pk).update(
        status=ScoreRun.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
    )


def _cohort_frame(
    fresh: pd.DataFrame, creator_ids: list[int] | None
) -> tuple[pd.DataFrame, pd.Series]:
    """The cohort the percentiles and cohort medians are taken over: the creators being
    recomputed (fresh values) and, for a partial recompute, every other creator's stored
    metrics, so that a subset is ranked against its whole platform x tier cohort.
    Returns the frame (p, t, er, lpc) and a mask of the fresh rows."""
    if creator_ids is None:
        return fresh, pd.Series(True, index=fresh.index)
    others = _read(
        CreatorMetrics.objects.exclude(creator_id__in=creator_ids),
        ["creator_id", "creator__platform", "tier", "er_median", "likes_per_comment"],
    )
    _numbers(others, ["er_median", "likes_per_comment"])
    stored = pd.DataFrame(
        {
            "p": others["creator__platform"].to_numpy(),
            "t": others["tier"].to_numpy(),
            "er": others["er_median"].to_numpy(),
            "lpc": others["likes_per_comment"].to_numpy(),
        },
        index=pd.Index(-1 - np.arange(len(others)), name="id"),  # never a fresh id
    )
    both = pd.concat([fresh, stored]) if len(stored) else fresh
    return both, pd.Series(both.index.isin(fresh.index), index=both.index)


def compute_creator_metrics(creator_ids: list[int] | None = None) -> pd.DataFrame:
    """The CreatorMetrics rows (as a frame, without run/computed_at) for the creators; the
    JSON columns (authenticity_reasons, growth_spikes, inputs) hold JSON text."""
    timer = _Timer("creator metrics")
    creators = Creator.objects.all()
    scope: dict = {}
    if creator_ids is not None:
        creators = creators.filter(pk__in=creator_ids)
        scope = {"creator_id__in": creator_ids}
    c = _read(
        creators,
        [
            "id",
            "platform",
            "followers",
            "following",
            "avg_likes",
            "avg_comments",
            "reported_engagement_rate",
            "quoted_price",
        ],
    )
    posts = _read(
        Post.objects.filter(**scope), ["creator_id", "posted_at", "likes", "comments", "views"]
    )
    snaps = _read(FollowerSnapshot.objects.filter(**scope), ["creator_id", "date", "followers"])
    posts, bad_posts = _dated(posts, "posted_at")
    snaps, bad_snaps = _dated(snaps, "date", utc=False)
    stats = _read(
        AudienceSketch.objects.filter(**scope).annotate(
            sample_n=KT("profile_stats__n"), fake_like_share=KT("profile_stats__fake_like_share")
        ),
        ["creator_id", "sample_n", "fake_like_share"],
    ).drop_duplicates("creator_id")
    timer.lap("load")
    _numbers(c, ["followers", "following", "avg_likes", "avg_comments", "reported_engagement_rate"])
    _numbers(stats, ["sample_n", "fake_like_share"])
    c["followers"] = c["followers"].fillna(0)
    er = engagement_rates(c, posts)
    cs = c.set_index("id")
    tier = tier_of(cs["followers"])
    fresh = pd.DataFrame(
        {"p": cs["platform"], "t": tier, "er": er["er_median"], "lpc": er["likes_per_comment"]}
    )
    cohort, is_fresh = _cohort_frame(fresh, creator_ids)
    pct = cohort_percentile(cohort["er"], cohort["p"], cohort["t"])
    er_cohort = cohort.groupby(["p", "t"])["er"].transform("median")
    lpc_cohort = cohort.groupby(["p", "t"])["lpc"].transform("median")
    er["er_percentile"] = pct[is_fresh].reindex(cs.index)
    timer.lap("engagement")
    spikes = auth.growth_spikes(snaps, posts)
    stats = stats.set_index("creator_id").reindex(cs.index)
    a_in = pd.DataFrame(
        {
            "id": cs.index,
            "followers": cs["followers"].to_numpy(),
            "following": cs["following"].to_numpy(),
            "er_median": er["er_median"].to_numpy(),
            "er_cohort_median": er_cohort[is_fresh].reindex(cs.index).to_numpy(),
            "likes_per_comment": er["likes_per_comment"].to_numpy(),
            "lpc_cohort_median": lpc_cohort[is_fresh].reindex(cs.index).to_numpy(),
            "sample_n": stats["sample_n"].to_numpy(),
            "fake_like_share": stats["fake_like_share"].to_numpy(),
        }
    )
    a = auth.authenticity(a_in, spikes).reindex(cs.index)
    price = estimated_price(tier, cs["quoted_price"])
    g30 = auth.growth_30d(snaps).reindex(cs.index)
    timer.lap("authenticity")
    out = pd.DataFrame(
        {
            "creator_id": cs.index,
            "tier": tier.to_numpy(),
            "er_median": er["er_median"].to_numpy(),
            "er_mean": er["er_mean"].to_numpy(),
            "er_views": er["er_views"].to_numpy(),
            "er_posts_used": er["er_posts_used"].astype(int).to_numpy(),
            "er_from_profile": er["er_from_profile"].astype(bool).to_numpy(),
            "er_percentile": er["er_percentile"].to_numpy(),
            "likes_per_comment": er["likes_per_comment"].to_numpy(),
            "authenticity_score": a["authenticity_score"].to_numpy(),
            "authenticity_confidence": a["authenticity_confidence"].to_numpy(),
            "authenticity_reasons": a["authenticity_reasons"].to_numpy(),
            "growth_30d": g30.to_numpy(),
            "growth_spikes": auth.spikes_json(spikes, cs.index).to_numpy(),
            "estimated_price": price["price"].round(2).to_numpy(),
            "price_is_estimate": price["price_is_estimate"].astype(bool).to_numpy(),
        }
    )
    # Null when either input is null, as the SQL expression it replaces.
    out["catalogue_score"] = out["er_percentile"] * out["authenticity_score"] / 100.0
    out["inputs"] = _json_object(
        {
            "posts_used": _json_ints(out["er_posts_used"]),
            "from_profile": _json_bools(out["er_from_profile"]),
        }
    )
    out.attrs["skipped"] = _skipped_rows(Post, "posted_at", bad_posts) + _skipped_rows(
        FollowerSnapshot, "date", bad_snaps
    )
    out.attrs["skipped_total"] = len(bad_posts) + len(bad_snaps)
    timer.lap("assemble")
    return out


# Stored rows a recompute skipped are listed on its ScoreRun, up to this many (all are counted).
SKIPPED_LISTED = 100


def _dated(
    frame: pd.DataFrame, column: str, *, utc: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the rows dated within matchmaker.lib.dates' window, `column` as timestamps: UTC, or
    naive days for dates; the other rows). A row stored before imports checked dates
    (9999-12-31, 0001-01-01) is past pandas' timestamps: one such row would otherwise fail the
    recompute of every creator."""
    stamps, bad = window_stamps(frame[column])
    if not utc:
        stamps = stamps.dt.tz_localize(None)
    good = frame.assign(**{column: stamps})
    if not bad.any():
        return good, frame.iloc[:0]
    return good[~bad], frame[bad]


def _skipped_rows(model, column: str, bad: pd.DataFrame) -> list[dict]:
    """The skipped rows as {table, id, creator_id, column, value, reason} (the first
    SKIPPED_LISTED): read again with their ids for the creators they belong to, who are few."""
    if bad.empty:
        return []
    creator_ids = sorted({int(c) for c in bad["creator_id"]})
    rows = _frame(
        model.objects.filter(creator_id__in=creator_ids).order_by("creator_id", "pk"),
        ["pk", "creator_id", column],
    )
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
    kinds = {c: _binary_kind(numbers[c]) for c in numbers.columns}
    sql_types = {"f": "float8", "i": "int8", "b": "bool"}
    lists = frame[["creator_id", "authenticity_reasons", "growth_spikes"]]
    lists = lists[(lists["authenticity_reasons"] != "[]") | (lists["growth_spikes"] != "[]")]
    floats = [c for c in numbers.columns if kinds[c] == "f"]
    value = {c: f"NULLIF(n.{qn(c)}, 'NaN'::float8)" for c in floats}
    value["estimated_price"] = "round(NULLIF(n.estimated_price, 'NaN'::float8)::numeric, 2)"
    value["er_posts_used"] = "n.er_posts_used::int"
    target = [c for c in numbers.columns if c != "tier_code"]
    select = [value.get(c, f"n.{qn(c)}") for c in target]
    tiers = "ARRAY[" + ", ".join(f"'{t}'" for t in TIER_CODES) + "]"
    timer = _Timer("store creator metrics")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.scoring_metrics_load")
        cursor.execute("DROP TABLE IF EXISTS pg_temp.scoring_metrics_lists")
        cursor.execute(
            "CREATE TEMPORARY TABLE scoring_metrics_load ("
            + ", ".join(f"{qn(c)} {sql_types[kinds[c]]} NOT NULL" for c in numbers.columns)
            + ") ON COMMIT DROP"
        )
        cursor.execute(
            "CREATE TEMPORARY TABLE scoring_metrics_lists (creator_id int8 PRIMARY KEY,"
            " authenticity_reasons jsonb NOT NULL, growth_spikes jsonb NOT NULL) ON COMMIT DROP"
        )
        cursor.cursor.copy_expert(
            "COPY pg_temp.scoring_metrics_load FROM STDIN WITH (FORMAT binary)",
            io.BytesIO(_copy_binary(numbers, kinds)),
        )
        if len(lists):
            cursor.cursor.copy_expert(
                "COPY pg_temp.scoring_metrics_lists FROM STDIN", io.StringIO(_copy_text(lists))
            )
        timer.lap("copy")
        cursor.execute(
            f"INSERT INTO {qn(CreatorMetrics._meta.db_table)}"
            f" ({', '.join(qn(c) for c in target)}, tier, run_id, computed_at,"
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
    run = _start(
        ScoreRun.Kind.CREATOR_METRICS,
        scope={"creator_ids": creator_ids} if creator_ids is not None else {},
    )
    try:
        frame = compute_creator_metrics(creator_ids)
        timer = _Timer("creator metrics")
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
        _fail(run, exc)
        raise
    run.refresh_from_db()
    return run


def campaign_candidates(campaign: Campaign):
    """Creators inside the campaign's follower range and platforms (DESIGN 4.4)."""
    qs = Creator.objects.filter(
        followers__gte=campaign.min_followers, followers__lte=campaign.max_followers
    )
    if campaign.platforms:
        qs = qs.filter(platform__in=campaign.platforms)
    return qs


def _hashtag_text(cands) -> pd.Series:
    """Per candidate all its posts' hashtags as one text (for keyword matching)."""
    posts = Post.objects.filter(creator__in=cands).exclude(hashtags=[])
    # Concatenated by the database: one row per creator instead of one per post.
    rows = _read(
        posts.order_by()
        .values("creator_id")
        .annotate(tags=StringAgg(Cast("hashtags", TextField()), delimiter=" ")),
        ["creator_id", "tags"],
    )
    return rows.set_index("creator_id")["tags"]


def _audience_sums(cands, targets: dict[str, list[str]]) -> pd.DataFrame:
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
    wide = _read(
        AudienceShare.objects.filter(creator__in=cands, dimension__in=list(targeted))
        .annotate(bucket_lower=Lower("bucket"))
        .order_by()
        .values("creator_id")
        .annotate(**sums),
        ["creator_id", *sums],
    )
    _numbers(wide, list(sums))
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


def compute_campaign_matches(campaign: Campaign) -> pd.DataFrame:
    """MatchScore rows (frame, without run/computed_at) for the campaign's candidates;
    `components` holds JSON text."""
    timer = _Timer(f"campaign {campaign.pk} matches")
    cands = campaign_candidates(campaign)
    # In id order (sorted here, not by the database): the rows are then written in the order
    # of the (campaign, creator) and creator indexes.
    c = _read(cands.order_by(), ["id", "followers", "bio", "quoted_price"]).set_index("id")
    c = c.sort_index()
    ids = c.index
    m = (
        _read(
            CreatorMetrics.objects.filter(creator__in=cands),
            [
                "creator_id",
                "tier",
                "er_median",
                "er_percentile",
                "authenticity_score",
                "estimated_price",
                "price_is_estimate",
            ],
        )
        .drop_duplicates("creator_id")
        .set_index("creator_id")
        .reindex(ids)
    )
    _numbers(m, ["er_median", "er_percentile", "authenticity_score", "estimated_price"])
    categories = _read(
        Creator.categories.through.objects.filter(creator__in=cands), ["creator_id", "category_id"]
    )
    tag_text = _hashtag_text(cands).reindex(ids)
    targets = {
        "country": campaign.target_countries,
        "age": campaign.target_age_buckets,
        "gender": campaign.target_genders,
        "language": campaign.target_languages,
        "interest": campaign.target_interests,
    }
    sums = _audience_sums(cands, targets)
    hist = _history(organization_id=campaign.brand.organization_id)
    timer.lap("load")
    niche_in = pd.DataFrame(
        {
            "id": ids,
            "text": (c["bio"].fillna("").astype(str) + " " + tag_text.fillna("")).to_numpy(),
        }
    )
    niche = niche_fit(
        niche_in,
        niche_ids=list(campaign.niches.values_list("id", flat=True)),
        keywords=campaign.keywords,
        excluded=campaign.excluded_keywords,
        categories=categories,
    )
    aud = audience_fit_from_sums(ids, sums, targets)
    tr = track_record(ids, hist, brand_id=campaign.brand_id)
    followers = pd.to_numeric(c["followers"], errors="coerce").astype(float)
    price = m["estimated_price"]
    comps = pd.DataFrame(index=ids)
    comps["audience_fit"] = aud["audience_fit"]
    comps["niche_fit"] = niche["niche_fit"]
    # Without metrics yet, engagement and authenticity are neutral and marked estimated.
    comps["engagement"] = m["er_percentile"].fillna(0.5)
    comps["authenticity"] = (m["authenticity_score"] / 100).fillna(0.5)
    comps["cost_efficiency"] = cost_efficiency(followers, m["er_median"], price.fillna(np.inf))
    comps["track_record"] = tr["track_record"]
    comps = comps.astype(float).fillna(0.5).clip(0, 1)
    weights = effective_weights(campaign)
    scored = match_total(comps, weights)
    timer.lap("score")
    out = pd.DataFrame(
        {
            "campaign_id": campaign.pk,
            "creator_id": ids,
            "rank": scored["rank"].astype(int).to_numpy(),
            "total": scored["total"].to_numpy(),
        }
    )
    for name in COMPONENTS:
        out[name] = scored[name].to_numpy()
    out["target_reach"] = (followers * aud["audience_fit"]).to_numpy()
    out["excluded"] = niche["excluded"].astype(bool).to_numpy()
    # What the components were computed from (MatchScore.breakdown() shows them). The
    # estimated audience dimensions travel as a bit mask over attrs["dims"].
    dims = [dim for dim, buckets in targets.items() if buckets]
    mask = np.zeros(len(ids), dtype=np.int64)
    for bit, dim in enumerate(dims):
        mask |= aud[f"estimated_{dim}"].to_numpy(dtype=bool).astype(np.int64) << bit
    out["estimated_dims_mask"] = mask
    out["category_match"] = niche["category_match"].to_numpy(dtype=float)
    out["keyword_share"] = niche["keyword_share"].to_numpy(dtype=float)
    out["er_median"] = m["er_median"].to_numpy(dtype=float)
    out["authenticity_score"] = m["authenticity_score"].to_numpy(dtype=float)
    out["price"] = price.to_numpy(dtype=float)
    out["past_deliverables"] = tr["n"].to_numpy(dtype=np.int64)
    out["engagement_estimated"] = m["er_percentile"].isna().to_numpy()
    out["price_estimated"] = (~_flags(m["price_is_estimate"]).eq(False)).to_numpy(dtype=bool)
    wsum = sum(weights.values())
    out.attrs["weight_share"] = {n: float(weights.get(n, 0) / wsum) for n in COMPONENTS}
    out.attrs["dims"] = dims
    timer.lap("assemble")
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
]


def _store_matches(frame: pd.DataFrame, *, run_id: int, computed_at) -> int:
    """Insert the MatchScore rows of compute_campaign_matches().

    The numbers go over in binary COPY to a temporary table and one INSERT ... SELECT
    writes them (no float formatted as text, no JSON built: `components` stays empty, the
    inputs have columns)."""
    if frame.empty:
        return 0
    load = [c for c in frame.columns if c != "campaign_id"]
    kinds = {c: _binary_kind(frame[c]) for c in load}
    sql_types = {"f": "float8", "i": "int8", "b": "bool"}
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
        *[inputs.get(c) or nullable(c) for c in INPUT_COLUMNS],
        dims_text,
        "%s",
        "%s",
        "'{}'::jsonb",
    ]
    timer = _Timer("store matches")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.scoring_match_load")
        cursor.execute(
            "CREATE TEMPORARY TABLE scoring_match_load ("
            + ", ".join(f"{qn(c)} {sql_types[kinds[c]]} NOT NULL" for c in load)
            + ") ON COMMIT DROP"
        )
        cursor.cursor.copy_expert(
            "COPY pg_temp.scoring_match_load FROM STDIN WITH (FORMAT binary)",
            io.BytesIO(_copy_binary(frame[load], kinds)),
        )
        timer.lap("copy")
        cursor.execute(
            f"INSERT INTO {qn(MatchScore._meta.db_table)} ({', '.join(qn(c) for c in target)})"
            f" SELECT {', '.join(select)} FROM pg_temp.scoring_match_load",
            [int(frame["campaign_id"].iloc[0]), run_id, computed_at],
        )
        timer.lap("insert")
        cursor.execute("DROP TABLE pg_temp.scoring_match_load")
    return len(frame)


def _binary_kind(column: pd.Series) -> str:
    if column.dtype == bool:
        return "b"
    if pd.api.types.is_integer_dtype(column.dtype):
        return "i"
    if pd.api.types.is_float_dtype(column.dtype):
        return "f"
    raise TypeError(f"{column.name}: {column.dtype} has no binary COPY encoding here")


def _copy_binary(frame: pd.DataFrame, kinds: dict[str, str]) -> bytes:
    """PostgreSQL binary COPY of fixed-width columns (float8, int8, bool; NaN stays NaN),
    laid out by one numpy structured array: per row a field count, then per field its length
    and big-endian value."""
    layout = {"f": (">f8", 8), "i": (">i8", 8), "b": ("u1", 1)}
    dtype = [("fields", ">i2")]
    for i, col in enumerate(frame.columns):
        dtype += [(f"len{i}", ">i4"), (f"val{i}", layout[kinds[col]][0])]
    rows = np.empty(len(frame), dtype=dtype)
    rows["fields"] = len(frame.columns)
    for i, col in enumerate(frame.columns):
        rows[f"len{i}"] = layout[kinds[col]][1]
        rows[f"val{i}"] = frame[col].to_numpy()
    header = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
    return header + rows.tobytes() + struct.pack("!h", -1)


def _history(*, organization_id: int) -> pd.DataFrame:
    """Per past roster entry of the organisation's campaigns with a prediction: predicted
    engagements (RosterEntry.prediction) and actual ones, as the results pages count them: the
    latest Outcome of each deliverable, engagements per scoring.metrics.outcomes (missing stays
    missing, never zero).

    Only the organisation's own campaigns: predictions and results are its private data, and a
    track record built from another organisation's would show them in the breakdown."""
    entries = _frame(
        RosterEntry.objects.filter(campaign__brand__organization_id=organization_id).exclude(
            prediction={}
        ),
        ["id", "creator_id", "campaign__brand_id", "prediction"],
    )
    columns = ["creator_id", "brand_id", "predicted", "actual"]
    if entries.empty:
        return pd.DataFrame(columns=columns)
    outcomes = _frame(
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
    run = _start(ScoreRun.Kind.CAMPAIGN_MATCHES, campaign=Campaign.objects.get(pk=campaign_id))
    try:
        with transaction.atomic():
            _lock_campaign_matches(campaign_id, run.pk)
            _batch_work_mem()
            campaign = Campaign.objects.get(pk=campaign_id)
            frame = compute_campaign_matches(campaign)
            timer = _Timer(f"campaign {campaign_id} matches")
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
        _fail(run, exc)
        raise
    run.refresh_from_db()
    return run


def campaign_weights_update(*, campaign: Campaign, weights: dict, user) -> Campaign:
    """Save validated weights and recompute the campaign's matches once committed."""
    clean = validate_weights(weights)
    with transaction.atomic():
        campaign.weights = clean
        campaign.save(update_fields=["weights", "updated_at"])
        from scoring.tasks import recompute_campaign_matches as task

        transaction.on_commit(lambda: task.delay(campaign.pk))
    return campaign

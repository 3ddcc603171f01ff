"""Recompute a campaign's matches: load its candidates and what scores them into frames,
compute them with scoring.metrics.campaign_matches, store them as one ScoreRun; and the
campaign weights that change them.

The new rows replace the previous ones in ONE transaction that also marks the run succeeded -
readers see the old run or the new one, never a mix. A failure marks the run failed and leaves
the previous rows untouched.
"""

from __future__ import annotations

import logging
import re

import pandas as pd
from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.db import connection, transaction
from django.db.models import BooleanField, Q, Sum, TextField
from django.db.models.expressions import RawSQL
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
from scoring.components import COMPONENTS, UNKNOWN_ALLOWED
from scoring.metrics import affinity
from scoring.metrics.campaign_matches import (
    AUDIENCE_DIMENSIONS,
    CANDIDATE_FIELDS,
    METRICS_FIELDS,
    campaign_matches,
    empty_affinity,
)
from scoring.metrics.outcomes import ENGAGEMENT_FIELDS, engagements_column
from scoring.metrics.reaction_score import AFFINITY_WEIGHTS, REACTION_FIELDS
from scoring.metrics.top_matches import keep_best, with_ranks
from scoring.models import CreatorMetrics, CreatorReaction, MatchScore, ScoreRun
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


def _in_range(queryset, id_range: tuple[int, int] | None):
    """`queryset` (rows with a creator_id) narrowed to creator ids in (low, high]: said outright
    beside `creator__in=candidates`, so the database reads one chunk's rows by the creator
    index instead of semi-joining the whole table against the chunk for every chunk."""
    if id_range is None:
        return queryset
    low, high = id_range
    return queryset.filter(creator_id__gt=low, creator_id__lte=high)


def hashtag_text(candidates, id_range: tuple[int, int] | None = None) -> pd.Series:
    """Per candidate all its posts' hashtags as one text (for keyword matching); id_range:
    the candidates' creator ids lie in (low, high] (see _in_range)."""
    posts = _in_range(Post.objects.filter(creator__in=candidates), id_range).exclude(hashtags=[])
    # Concatenated by the database: one row per creator instead of one per post.
    rows = read_frame(
        posts.order_by()
        .values("creator_id")
        .annotate(tags=StringAgg(Cast("hashtags", TextField()), delimiter=" ")),
        ["creator_id", "tags"],
    )
    return rows.set_index("creator_id")["tags"]


def candidate_reactions(candidates, id_range: tuple[int, int] | None = None) -> pd.DataFrame:
    """REACTION_FIELDS of the candidates' CreatorReaction rows, by creator id (those without
    one are absent): read by a join on the chunk, as the metrics are."""
    rows = read_frame(
        _in_range(CreatorReaction.objects.filter(creator__in=candidates), id_range),
        ["creator_id", *REACTION_FIELDS],
    )
    as_floats(rows, [f for f in REACTION_FIELDS if f != "pod"])
    return rows.drop_duplicates("creator_id").set_index("creator_id")


def _like_escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def mention_terms(campaign: Campaign) -> dict:
    """What organic affinity searches unpaid posts for: the brand's name, its competitors and
    the campaign's keywords (the brand's when the campaign has none), as the profile's
    mention timeline does."""
    brand = campaign.brand
    return {
        "brand": brand.name,
        "competitors": list(brand.competitors or []),
        "niche_words": list(campaign.keywords or []) or list(brand.keywords or []),
    }


def candidate_mentions(
    candidates, terms: dict, id_range: tuple[int, int] | None = None
) -> pd.DataFrame:
    """Per candidate with an unpaid mention, scoring.metrics.affinity.organic_affinity's counts
    and per kind its last mention (AFFINITY_FIELDS). The database reads only unpaid posts whose
    text holds a term's first word in lower case (or is not all ASCII, where lower() and the
    folding may differ); affinity's rules then decide in pandas, with its accent folding."""
    given = [terms["brand"], *terms["competitors"], *terms["niche_words"]]
    words = set()
    for term in given:
        found = re.findall(r"\w+", affinity.normalised(pd.Series([str(term or "")])).iloc[0])
        if found:
            words.add(found[0])
    if not words:
        return empty_affinity([])
    table = connection.ops.quote_name(Post._meta.db_table)
    text = f"concat_ws(' ', {table}.caption, {table}.hashtags::text, {table}.sponsor_handles::text)"
    # lower() LIKE ANY over the joined text, or any multi-byte character (octet and character
    # lengths differ): measured ~2.5x cheaper than ILIKE per word plus a non-ASCII regex.
    hit = RawSQL(
        f"(lower({text}) LIKE ANY(%s) OR octet_length({text}) <> char_length({text}))",
        [[f"%{_like_escaped(word)}%" for word in sorted(words)]],
        output_field=BooleanField(),
    )
    posts = (
        _in_range(Post.objects.filter(creator__in=candidates, is_sponsored=False), id_range)
        .filter(hit)
        .order_by()
    )
    frame = read_frame(posts, affinity.POST_COLUMNS)
    if frame.empty:
        return empty_affinity([])
    frame["posted_at"] = pd.to_datetime(frame["posted_at"], utc=True, format="ISO8601")
    mentions = affinity.organic_mentions(
        frame, terms["brand"], terms["competitors"], terms["niche_words"]
    )
    if mentions.empty:
        return empty_affinity([])
    ids = sorted(mentions["creator_id"].unique())
    out = empty_affinity(ids)
    for kind in AFFINITY_WEIGHTS:
        of_kind = mentions[mentions["kind"] == kind].groupby("creator_id")
        out[f"{kind}_n"] = of_kind["post_id"].nunique().reindex(ids).fillna(0).astype("int64")
        out[f"last_{kind}"] = of_kind["posted_at"].max().reindex(ids)
    return out


def _targeted(targets: dict[str, list[str]]) -> dict[str, list[str]]:
    return {d: [str(b).lower() for b in bs] for d, bs in targets.items() if bs}


def _audience_wide(candidates, targeted: dict[str, list[str]], id_range=None):
    """Per candidate with audience data a total and an inside share per targeted dimension
    (total_<i>, inside_<i>: the i-th targeted dimension), aggregated by the database."""
    sums = {}
    for i, (dim, buckets) in enumerate(targeted.items()):
        sums[f"total_{i}"] = Sum("share", filter=Q(dimension=dim))
        sums[f"inside_{i}"] = Sum(
            "share", filter=Q(dimension=dim, bucket_lower__in=buckets), default=0.0
        )
    shares = AudienceShare.objects.filter(creator__in=candidates, dimension__in=list(targeted))
    wide = (
        _in_range(shares, id_range)
        .annotate(bucket_lower=Lower("bucket"))
        .order_by()
        .values("creator_id")
        .annotate(**sums)
    )
    return wide, list(sums)


def candidate_audience_sums(
    candidates, targets: dict[str, list[str]], id_range: tuple[int, int] | None = None
) -> pd.DataFrame:
    """audience_sums() aggregated by the database: per candidate and targeted dimension.
    One row per creator comes back (a total and an inside column per dimension), which the
    database groups faster than (creator, dimension) pairs and sends half as many rows."""
    targeted = _targeted(targets)
    columns = ["creator_id", "dimension", "total", "inside"]
    if not targeted:
        return pd.DataFrame(columns=columns)
    queryset, sums = _audience_wide(candidates, targeted, id_range)
    wide = read_frame(queryset, ["creator_id", *sums])
    as_floats(wide, sums)
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


def candidate_audience_averages(candidates, targets: dict[str, list[str]]) -> dict[str, float]:
    """Per targeted dimension the average inside share (clipped to 0..1) of the candidates
    with data there, over ALL candidates in one aggregate (0.5 when none has data): what
    audience_fit_from_sums() gives the candidates without data, the same in every chunk.
    Summed as numeric, so the figure does not depend on the order rows are read in."""
    targeted = _targeted(targets)
    if not targeted:
        return {}
    queryset, _sums = _audience_wide(candidates, targeted)
    sql, params = queryset.query.sql_with_params()
    averages = ", ".join(
        f"AVG(LEAST(GREATEST(inside_{i}, 0), 1)::numeric) FILTER (WHERE total_{i} > 0)"
        for i in range(len(targeted))
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {averages} FROM ({sql}) AS per_creator", params)
        row = cursor.fetchone()
    return {
        dim: 0.5 if value is None else float(value)
        for dim, value in zip(targeted, row, strict=True)
    }


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


def _score_candidates(
    campaign: Campaign, candidates, common: dict, id_range: tuple[int, int] | None = None
) -> pd.DataFrame:
    """scoring.metrics.campaign_matches() of `candidates` (a queryset: one chunk of the
    campaign's candidates, or one creator), loaded in id order; `common` holds what every chunk
    shares (targets, track record, niches, weights, audience averages); id_range: the
    candidates' ids lie in (low, high]."""
    # In id order (sorted here, not by the database): the rows are then written in the order
    # of the (campaign, creator) and creator indexes.
    profiles = read_frame(candidates.order_by(), CANDIDATE_FIELDS).set_index("id").sort_index()
    ids = profiles.index
    metrics = (
        read_frame(
            _in_range(CreatorMetrics.objects.filter(creator__in=candidates), id_range),
            METRICS_FIELDS,
        )
        .drop_duplicates("creator_id")
        .set_index("creator_id")
        .reindex(ids)
    )
    as_floats(metrics, ["er_median", "er_percentile", "authenticity_score", "estimated_price"])
    categories = read_frame(
        _in_range(Creator.categories.through.objects.filter(creator__in=candidates), id_range),
        ["creator_id", "category_id"],
    )
    hashtags = hashtag_text(candidates, id_range).reindex(ids)
    sums = candidate_audience_sums(candidates, common["targets"], id_range)
    common = dict(common)
    terms = common.pop("mention_terms")
    return campaign_matches(
        campaign_id=campaign.pk,
        candidates=profiles,
        metrics=metrics,
        hashtags=hashtags,
        categories=categories,
        audience_sums=sums,
        keywords=campaign.keywords,
        excluded_keywords=campaign.excluded_keywords,
        brand_id=campaign.brand_id,
        reaction=candidate_reactions(candidates, id_range),
        affinity=candidate_mentions(candidates, terms, id_range),
        **common,
    )


def _common_inputs(
    campaign: Campaign, audience_averages: dict[str, float] | None, as_of=None
) -> dict:
    targets = campaign_targets(campaign)
    if audience_averages is None:
        audience_averages = candidate_audience_averages(campaign_candidates(campaign), targets)
    return {
        "targets": targets,
        "history": _history(organization_id=campaign.brand.organization_id),
        "niche_ids": list(campaign.niches.values_list("id", flat=True)),
        "weights": effective_weights(campaign),
        "audience_averages": audience_averages,
        "mention_terms": mention_terms(campaign),
        # Mentions age from the run's start: an on-demand match of the run ages them alike.
        "as_of": pd.Timestamp(as_of or timezone.now()),
    }


def _chunks(candidates, size: int):
    """(queryset, id range) of at most `size` candidates each, in id order (keyset pages:
    each chunk is an id range (low, high], found without reading the ids before it)."""
    last = 0
    while True:
        ids = list(
            candidates.filter(id__gt=last).order_by("id").values_list("id", flat=True)[:size]
        )
        if not ids:
            return
        yield candidates.filter(id__gt=last, id__lte=ids[-1]), (last, ids[-1])
        last = ids[-1]


def compute_campaign_matches(
    campaign: Campaign,
    *,
    stored_max: int | None = None,
    chunk_size: int | None = None,
    as_of=None,
) -> pd.DataFrame:
    """MatchScore rows (frame, without run/computed_at) of the campaign's best `stored_max`
    candidates (settings.MATCHES_STORED_MAX) with their global ranks 1..N, scored
    `chunk_size` (settings.MATCH_CHUNK_SIZE) at a time: memory follows the chunk size, not
    the catalogue's. attrs as scoring.metrics.campaign_matches sets them, plus
    candidates_total (candidates scored) and audience_averages (what the chunks shared).
    as_of: the moment unpaid mentions age from (now when None)."""
    stored_max = settings.MATCHES_STORED_MAX if stored_max is None else stored_max
    chunk_size = settings.MATCH_CHUNK_SIZE if chunk_size is None else chunk_size
    if stored_max < 1 or chunk_size < 1:
        raise ValueError("MATCHES_STORED_MAX and MATCH_CHUNK_SIZE must be at least 1.")
    timer = StageTimer(f"campaign {campaign.pk} matches", log)
    common = _common_inputs(campaign, None, as_of)
    timer.lap("common inputs")
    best, attrs, total = None, {}, 0
    for chunk, id_range in _chunks(campaign_candidates(campaign), chunk_size):
        scored = _score_candidates(campaign, chunk, common, id_range)
        attrs = dict(scored.attrs)
        total += len(scored)
        best = keep_best(best, scored, stored_max)
        timer.lap(f"chunk to {total}")
    if best is None:  # no candidates: the empty frame with every column (ids are positive)
        best = _score_candidates(campaign, campaign_candidates(campaign).filter(id__lte=0), common)
        attrs = dict(best.attrs)
    out = with_ranks(best)
    out.attrs = {
        **attrs,
        "candidates_total": total,
        "audience_averages": common["audience_averages"],
    }
    return out


def compute_creator_match(
    campaign: Campaign,
    creator_id: int,
    *,
    audience_averages: dict[str, float] | None = None,
    as_of=None,
) -> pd.DataFrame:
    """The one-row compute_campaign_matches() frame of one candidate, computed on demand
    with the same functions (empty when the creator is not a candidate of the campaign).
    audience_averages: the run's (ScoreRun.audience_averages), else computed now; as_of: the
    run's start (mentions age from it), else now. Its rank
    is not known (it would take every candidate): the rank column is 0."""
    candidates = campaign_candidates(campaign).filter(pk=creator_id)
    common = _common_inputs(campaign, audience_averages, as_of)
    scored = _score_candidates(campaign, candidates, common, (creator_id - 1, creator_id))
    scored["rank"] = 0
    return scored


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
    "reaction_comments_n",
    "substantive_share",
    "spam_share",
    "intent_share",
    "sentiment_mean",
    "sentiment_n",
    "reply_share",
    "reaction_pod",
    "ad_fatigue",
    *(f"{kind}_mentions_n" for kind in AFFINITY_WEIGHTS),
    "last_mention",
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
        "reaction_comments_n": "reaction_comments_n::int",
        "sentiment_n": "sentiment_n::int",
        "reaction_pod": "reaction_pod",
        "ad_fatigue": "ad_fatigue",
        **{f"{kind}_mentions_n": f"{kind}_mentions_n::int" for kind in AFFINITY_WEIGHTS},
        "last_mention": f"to_timestamp({nullable('last_mention')})",
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
        *(nullable(c) if c in UNKNOWN_ALLOWED else c for c in COMPONENTS),
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
    """Recompute the campaign's matches as one ScoreRun (old rows replaced at once): every
    candidate scored, the best settings.MATCHES_STORED_MAX stored, the count on the run.

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
            frame = compute_campaign_matches(campaign, as_of=run.started_at or run.created_at)
            timer = StageTimer(f"campaign {campaign_id} matches", log)
            old = MatchScore.objects.filter(campaign_id=campaign_id)
            old._raw_delete(old.db)
            timer.lap("delete")
            _store_matches(frame, run_id=run.pk, computed_at=timezone.now())
            timer.lap("write")
            candidates_total = frame.attrs["candidates_total"]
            ScoreRun.objects.filter(pk=run.pk).update(
                status=ScoreRun.Status.SUCCEEDED,
                items_total=candidates_total,
                items_done=candidates_total,
                candidates_total=candidates_total,
                matches_stored=len(frame),
                audience_averages=frame.attrs["audience_averages"],
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

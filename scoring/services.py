"""Scoring writes: recompute creator metrics and campaign matches, update campaign weights.

Each recompute is a ScoreRun. Inputs are loaded with a few set-based queries into DataFrames,
the pure functions in scoring.metrics compute, and the results replace the previous rows in
ONE transaction that also marks the run succeeded - readers see the old run or the new one,
never a mix. A failure marks the run failed and leaves the previous rows untouched.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from campaigns.models import Campaign, Outcome, RosterEntry
from creators.models import AudienceShare, AudienceSketch, Creator, FollowerSnapshot, Post
from matchmaker.lib.bulk import insert_frame
from scoring.metrics import authenticity as auth
from scoring.metrics.audience import audience_fit
from scoring.metrics.cost import cost_efficiency, estimated_price
from scoring.metrics.engagement import engagement_rates
from scoring.metrics.match import match_total
from scoring.metrics.niche import niche_fit
from scoring.metrics.tiers import cohort_percentile, tier_of
from scoring.metrics.track_record import track_record
from scoring.models import COMPONENTS, CreatorMetrics, MatchScore, ScoreRun
from scoring.weights import effective_weights, validate_weights

log = logging.getLogger(__name__)

DEFINITIONS = {
    "audience_fit": "Share of the audience inside every targeted country/age/gender/language/interest (product).",
    "niche_fit": "Category match with the campaign niches and brand keywords found in bio and hashtags.",
    "engagement": "Median engagement rate percentile among creators of the same platform and tier.",
    "authenticity": "Authenticity score / 100: penalties for bot-like signals.",
    "cost_efficiency": "Expected engagements per currency unit (quote, else tier benchmark).",
    "track_record": "Past results against predictions, shrunk to 0.5 with little data.",
}


def _frame(queryset, fields: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(queryset.values_list(*fields)), columns=fields)


def _json_ready(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    # COPY needs JSON text; bulk_create (SQLite) wants Python objects.
    if connection.vendor == "postgresql":
        frame = frame.copy()
        for col in columns:
            frame[col] = frame[col].map(lambda v: json.dumps(v, default=str))
    return frame


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


def compute_creator_metrics(creator_ids: list[int] | None = None) -> pd.DataFrame:
    """The CreatorMetrics rows (as a frame, without run/computed_at) for the creators."""
    creators = Creator.objects.all()
    if creator_ids is not None:
        creators = creators.filter(pk__in=creator_ids)
    c = _frame(
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
    ids = c["id"].tolist()
    scope = {"creator_id__in": ids} if creator_ids is not None else {}
    posts = _frame(
        Post.objects.filter(**scope), ["creator_id", "posted_at", "likes", "comments", "views"]
    )
    snaps = _frame(FollowerSnapshot.objects.filter(**scope), ["creator_id", "date", "followers"])
    stats = dict(AudienceSketch.objects.filter(**scope).values_list("creator_id", "profile_stats"))
    for col in ("followers", "avg_likes", "avg_comments", "reported_engagement_rate"):
        c[col] = pd.to_numeric(c[col], errors="coerce")
    c["followers"] = c["followers"].fillna(0)
    er = engagement_rates(c, posts)
    cs = c.set_index("id")
    tier = tier_of(cs["followers"])
    er["er_percentile"] = cohort_percentile(er["er_median"], cs["platform"], tier)
    # Cohort medians: computed over the scope loaded; for a partial recompute the stored
    # metrics of the rest of the catalogue would be better, but this keeps one code path.
    cohort = pd.DataFrame(
        {"p": cs["platform"], "t": tier, "er": er["er_median"], "lpc": er["likes_per_comment"]}
    )
    er_cohort = cohort.groupby(["p", "t"])["er"].transform("median")
    lpc_cohort = cohort.groupby(["p", "t"])["lpc"].transform("median")
    spikes = auth.growth_spikes(snaps, posts)
    a_in = pd.DataFrame(
        {
            "id": cs.index,
            "followers": cs["followers"].to_numpy(),
            "following": cs["following"].to_numpy(),
            "er_median": er["er_median"].to_numpy(),
            "er_cohort_median": er_cohort.to_numpy(),
            "likes_per_comment": er["likes_per_comment"].to_numpy(),
            "lpc_cohort_median": lpc_cohort.to_numpy(),
            "spikes": [spikes.get(i, []) for i in cs.index],
            "profile_stats": [stats.get(i) for i in cs.index],
        }
    )
    a = auth.authenticity(a_in)
    price = estimated_price(tier, cs["quoted_price"])
    g30 = auth.growth_30d(snaps).reindex(cs.index)
    out = pd.DataFrame(
        {
            "creator_id": cs.index,
            "tier": tier.to_numpy(),
            "er_median": er["er_median"].to_numpy(),
            "er_mean": er["er_mean"].to_numpy(),
            "er_views": er["er_views"].to_numpy(),
            "er_posts_used": er["er_posts_used"].to_numpy(),
            "er_from_profile": er["er_from_profile"].to_numpy(),
            "er_percentile": er["er_percentile"].to_numpy(),
            "likes_per_comment": er["likes_per_comment"].to_numpy(),
            "authenticity_score": a["authenticity_score"].reindex(cs.index).to_numpy(),
            "authenticity_confidence": a["authenticity_confidence"].reindex(cs.index).to_numpy(),
            "authenticity_reasons": a["authenticity_reasons"].reindex(cs.index).to_numpy(),
            "growth_30d": g30.to_numpy(),
            "growth_spikes": [spikes.get(i, []) for i in cs.index],
            "estimated_price": price["price"].round(2).to_numpy(),
            "price_is_estimate": price["price_is_estimate"].to_numpy(),
        }
    )
    # Null when either input is null, as the SQL expression it replaces.
    out["catalogue_score"] = out["er_percentile"] * out["authenticity_score"] / 100.0
    out["inputs"] = [
        {"posts_used": int(n), "from_profile": bool(f)}
        for n, f in zip(out["er_posts_used"], out["er_from_profile"], strict=True)
    ]
    return out


def recompute_creator_metrics(*, creator_ids: list[int] | None = None) -> ScoreRun:
    """Recompute CreatorMetrics for the given creators (all when None) as one ScoreRun."""
    run = _start(
        ScoreRun.Kind.CREATOR_METRICS,
        scope={"creator_ids": creator_ids} if creator_ids is not None else {},
    )
    try:
        frame = compute_creator_metrics(creator_ids)
        now = timezone.now()
        frame["run_id"] = run.pk
        frame["computed_at"] = now
        frame = _json_ready(frame, ["authenticity_reasons", "growth_spikes", "inputs"])
        with transaction.atomic():
            old = CreatorMetrics.objects.all()
            if creator_ids is not None:
                old = old.filter(creator_id__in=creator_ids)
            old.delete()
            insert_frame(CreatorMetrics, frame)
            ScoreRun.objects.filter(pk=run.pk).update(
                status=ScoreRun.Status.SUCCEEDED,
                items_total=len(frame),
                items_done=len(frame),
                finished_at=timezone.now(),
            )
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


def compute_campaign_matches(campaign: Campaign) -> pd.DataFrame:
    """MatchScore rows (frame, without run/computed_at) for the campaign's candidates."""
    cands = campaign_candidates(campaign)
    c = _frame(cands, ["id", "followers", "bio", "quoted_price"]).set_index("id")
    ids = c.index
    m = (
        _frame(
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
        .set_index("creator_id")
        .reindex(ids)
    )
    cat = _frame(
        Creator.categories.through.objects.filter(creator__in=cands), ["creator_id", "category_id"]
    )
    cat_ids = cat.groupby("creator_id")["category_id"].agg(list).reindex(ids)
    tags = _frame(
        Post.objects.filter(creator__in=cands).exclude(hashtags=[]), ["creator_id", "hashtags"]
    )
    tag_text = (
        tags.groupby("creator_id")["hashtags"]
        .agg(lambda s: " ".join(" ".join(map(str, h or [])) for h in s))
        .reindex(ids)
    )
    niche_in = pd.DataFrame(
        {
            "id": ids,
            "category_ids": cat_ids.to_numpy(),
            "text": (c["bio"].fillna("") + " " + tag_text.fillna("")).to_numpy(),
        }
    )
    niche = niche_fit(
        niche_in,
        niche_ids=list(campaign.niches.values_list("id", flat=True)),
        keywords=campaign.keywords,
        excluded=campaign.excluded_keywords,
    )
    shares = _frame(
        AudienceShare.objects.filter(creator__in=cands),
        ["creator_id", "dimension", "bucket", "share"],
    )
    targets = {
        "country": campaign.target_countries,
        "age": campaign.target_age_buckets,
        "gender": campaign.target_genders,
        "language": campaign.target_languages,
        "interest": campaign.target_interests,
    }
    aud = audience_fit(ids, shares, targets)
    hist = _history()
    tr = track_record(ids, hist, brand_id=campaign.brand_id)
    followers = pd.to_numeric(c["followers"]).astype(float)
    price = pd.to_numeric(m["estimated_price"], errors="coerce").astype(float)
    comps = pd.DataFrame(index=ids)
    comps["audience_fit"] = aud["audience_fit"]
    comps["niche_fit"] = niche["niche_fit"]
    # Without metrics yet, engagement and authenticity are neutral and marked estimated.
    comps["engagement"] = pd.to_numeric(m["er_percentile"], errors="coerce").fillna(0.5)
    comps["authenticity"] = (pd.to_numeric(m["authenticity_score"], errors="coerce") / 100).fillna(
        0.5
    )
    comps["cost_efficiency"] = cost_efficiency(
        followers, pd.to_numeric(m["er_median"], errors="coerce"), price.fillna(np.inf)
    )
    comps["track_record"] = tr["track_record"]
    comps = comps.fillna(0.5).clip(0, 1)
    weights = effective_weights(campaign)
    scored = match_total(comps, weights)
    wsum = sum(weights.values())

    # Built from plain lists (not per-row .loc lookups): this loop runs once per candidate.
    def col(series) -> list:
        return [_num(v) for v in series.tolist()]

    est_cols = {
        "audience_fit": [bool(d) for d in aud["estimated_dims"].tolist()],
        "niche_fit": [False] * len(ids),
        "engagement": m["er_percentile"].isna().tolist(),
        "authenticity": m["authenticity_score"].isna().tolist(),
        "cost_efficiency": [v is not False for v in m["price_is_estimate"].tolist()],
        "track_record": (tr["n"] == 0).tolist(),
    }
    inputs_cols = {
        "audience_fit": [{"estimated_dimensions": d} for d in aud["estimated_dims"].tolist()],
        "niche_fit": [
            {"category_match": a, "keyword_share": b}
            for a, b in zip(col(niche["category_match"]), col(niche["keyword_share"]), strict=True)
        ],
        "engagement": [{"er_median": v} for v in col(m["er_median"])],
        "authenticity": [{"score": v} for v in col(m["authenticity_score"])],
        "cost_efficiency": [{"price": v} for v in col(price)],
        "track_record": [{"past_deliverables": int(v)} for v in tr["n"].tolist()],
    }
    values = {n: scored[n].astype(float).tolist() for n in COMPONENTS}
    contribs = {n: scored[f"{n}_contribution"].astype(float).tolist() for n in COMPONENTS}
    weight_share = {n: float(weights.get(n, 0) / wsum) for n in COMPONENTS}
    components_json = [
        {
            name: {
                "value": values[name][i],
                "weight": weight_share[name],
                "contribution": contribs[name][i],
                "inputs": inputs_cols[name][i],
                "estimated": bool(est_cols[name][i]),
                "definition": DEFINITIONS[name],
            }
            for name in COMPONENTS
        }
        for i in range(len(ids))
    ]
    out = pd.DataFrame(
        {
            "campaign_id": campaign.pk,
            "creator_id": ids,
            "rank": scored["rank"].to_numpy(),
            "total": scored["total"].to_numpy(),
        }
    )
    for name in COMPONENTS:
        out[name] = scored[name].to_numpy()
    out["target_reach"] = (followers * aud["audience_fit"]).to_numpy()
    out["excluded"] = niche["excluded"].to_numpy()
    out["components"] = components_json
    return out


def _num(v):
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return None
    return float(v) if isinstance(v, (int, float, Decimal, np.floating, np.integer)) else v


def _history() -> pd.DataFrame:
    """Per past deliverable: predicted engagements (RosterEntry.prediction) and actual ones
    (latest Outcome likes + comments)."""
    entries = _frame(
        RosterEntry.objects.exclude(prediction={}),
        ["id", "creator_id", "campaign__brand_id", "prediction"],
    )
    outcomes = _frame(
        Outcome.objects.filter(deliverable__entry__in=entries["id"].tolist()).order_by(
            "deliverable_id", "-recorded_at"
        ),
        ["deliverable__entry_id", "deliverable_id", "likes", "comments"],
    )
    if entries.empty or outcomes.empty:
        return pd.DataFrame(columns=["creator_id", "brand_id", "predicted", "actual"])
    latest = outcomes.drop_duplicates("deliverable_id")
    latest = latest.assign(actual=latest["likes"].fillna(0) + latest["comments"].fillna(0))
    per_entry = latest.groupby("deliverable__entry_id")["actual"].sum()
    entries["predicted"] = entries["prediction"].map(
        lambda p: float((p or {}).get("engagements") or 0)
    )
    entries["actual"] = entries["id"].map(per_entry)
    return entries.rename(columns={"campaign__brand_id": "brand_id"})[
        ["creator_id", "brand_id", "predicted", "actual"]
    ]


def recompute_campaign_matches(*, campaign_id: int) -> ScoreRun:
    """Recompute every MatchScore of the campaign as one ScoreRun (old rows replaced at once)."""
    campaign = Campaign.objects.get(pk=campaign_id)
    run = _start(ScoreRun.Kind.CAMPAIGN_MATCHES, campaign=campaign)
    try:
        frame = compute_campaign_matches(campaign)
        frame["run_id"] = run.pk
        frame["computed_at"] = timezone.now()
        frame = _json_ready(frame, ["components"])
        with transaction.atomic():
            MatchScore.objects.filter(campaign_id=campaign_id).delete()
            insert_frame(MatchScore, frame)
            ScoreRun.objects.filter(pk=run.pk).update(
                status=ScoreRun.Status.SUCCEEDED,
                items_total=len(frame),
                items_done=len(frame),
                finished_at=timezone.now(),
            )
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

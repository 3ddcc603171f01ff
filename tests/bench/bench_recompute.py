"""Scoring recompute on PostgreSQL: creator metrics for the whole catalogue and the matches of
one campaign whose follower range takes every creator as a candidate.

Targets (issue 4): 100k creators with 1.2M posts in <= 30 s; 100k candidates in <= 5 s.
ctx.full=False uses 10k creators. The catalogue is generated with COPY (the demo generator)
inside a transaction that is rolled back at the end. Figures are medians of 3 runs; peak
memory is the process's maximum resident set size after the runs.

BENCH_RECOMPUTE_ONLY=matches times only the matches (the metrics are computed once, untimed,
as the matches read them).
"""

import os
import resource
import statistics
import time

from django.db import connection, transaction

from campaigns.models import Brand, Campaign
from creators.models import Creator
from matchmaker.demo.catalogue import build_catalogue
from scoring.services.matches import recompute_campaign_matches
from scoring.services.metrics_chunks import recompute_creator_metrics
from tenancy.models import Organization
from tests.bench.run import BenchContext, Result

CATALOGUE_TABLES = (
    "creators_creator, creators_creator_categories, creators_post, creators_comment,"
    " creators_followersnapshot, creators_audienceshare, creators_audiencesketch"
)


def analyze_catalogue() -> None:
    """ANALYZE the generated catalogue's tables. It is not committed, so autovacuum cannot have
    analysed it: without statistics the planner takes 100k-row tables for empty ones (nested
    loops, sorts spilling to disk), which a real catalogue never is."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {CATALOGUE_TABLES}")


def bench_campaign(slug: str, name: str) -> Campaign:
    """A campaign of a new organisation whose follower range takes every creator as a candidate."""
    org = Organization.objects.create(name="Bench org", slug=slug)
    brand = Brand.objects.create(organization=org, name="Bench brand", keywords=["vegan"])
    return Campaign.objects.create(
        brand=brand,
        name=name,
        min_followers=0,
        max_followers=10**12,
        target_countries=["DE", "US"],
        target_age_buckets=["18-24", "25-34"],
        keywords=["vegan", "travel"],
        excluded_keywords=["casino"],
    )


def median_seconds(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(ctx: BenchContext) -> list[Result]:
    n = 100_000 if ctx.full else 10_000
    with transaction.atomic():
        catalogue = build_catalogue(n=n, seed=4)
        analyze_catalogue()
        campaign = bench_campaign("bench-recompute", "Bench campaign")
        only_matches = os.environ.get("BENCH_RECOMPUTE_ONLY") == "matches"
        metrics_s = median_seconds(
            lambda: recompute_creator_metrics(), repeats=1 if only_matches else 3
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE scoring_creatormetrics")  # as autovacuum would after a run
        matches_s = median_seconds(lambda: recompute_campaign_matches(campaign_id=campaign.pk))
        candidates = campaign.match_scores.count()
        creators = Creator.objects.count()  # the bench database may hold other modules' creators
        transaction.set_rollback(True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    posts = catalogue.counts.get("posts", 0)
    # Targets are the (100k creators: 30 s, 100k candidates: 5 s), scaled linearly to
    # the sizes measured when those differ.
    scale = "" if creators == 100_000 else " (targets scaled linearly from 100k)"
    metrics = [
        Result(
            name=f"recompute_creator_metrics {creators // 1000}k creators",
            figure=metrics_s,
            unit="s",
            target=30.0 * creators / 100_000,
            notes=f"{posts:,} posts; median of 3; peak RSS {peak_mb:,.0f} MB{scale}",
        ),
    ]
    return [
        *([] if only_matches else metrics),
        Result(
            name=f"recompute_campaign_matches {candidates // 1000}k candidates",
            figure=matches_s,
            unit="s",
            target=5.0 * candidates / 100_000,
            notes=f"median of 3; peak RSS {peak_mb:,.0f} MB{scale}",
        ),
    ]

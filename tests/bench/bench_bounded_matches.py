"""Bounded matches (issue 22 item 2) on PostgreSQL: one campaign's matches recompute over a
catalogue whose every creator is a candidate, scored MATCH_CHUNK_SIZE at a time with only the
best MATCHES_STORED_MAX stored, against the same recompute in one chunk.

Sizes: BENCH_MATCHES_CREATORS creators (default 100k with --full, else 10k),
BENCH_MATCHES_CHUNK the chunk size (default: a tenth of the catalogue, so the bounded run
really takes several chunks). The catalogue is generated with COPY inside a transaction that
is rolled back. Peak memory is the recompute's own, traced by tracemalloc in a separate
untimed run (the process's RSS would also count the catalogue just built, and freed memory
the allocator keeps).
"""

import os
import statistics
import time
import tracemalloc

from django.db import connection, transaction
from django.test import override_settings

from matchmaker.demo.catalogue import build_catalogue
from scoring.models import ScoreRun
from scoring.services.matches import recompute_campaign_matches
from scoring.services.metrics_chunks import recompute_creator_metrics
from tests.bench.bench_recompute import analyze_catalogue, bench_campaign
from tests.bench.run import BenchContext, Result


def _measure(campaign_id: int, *, chunk: int, stored: int, runs: int) -> tuple[float, float]:
    """Median seconds of `runs` recomputes, then the peak of one more traced by tracemalloc
    (MB: Python objects and numpy/pandas arrays; the time of that run is not counted)."""
    times = []
    with override_settings(MATCH_CHUNK_SIZE=chunk, MATCHES_STORED_MAX=stored):
        for _ in range(runs):
            started = time.perf_counter()
            recompute_campaign_matches(campaign_id=campaign_id)
            times.append(time.perf_counter() - started)
        tracemalloc.start()
        try:
            recompute_campaign_matches(campaign_id=campaign_id)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return statistics.median(times), peak / 2**20


def run(ctx: BenchContext) -> list[Result]:
    n = int(os.environ.get("BENCH_MATCHES_CREATORS") or (100_000 if ctx.full else 10_000))
    chunk = int(os.environ.get("BENCH_MATCHES_CHUNK") or max(1_000, n // 10))
    stored = int(os.environ.get("BENCH_MATCHES_STORED") or 5_000)
    runs = ctx.runs
    with transaction.atomic():
        build_catalogue(n=n, seed=22)
        analyze_catalogue()
        campaign = bench_campaign("bench-bounded-matches", "Bench bounded matches")
        recompute_creator_metrics()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE scoring_creatormetrics")
        bounded_s, bounded_mb = _measure(campaign.pk, chunk=chunk, stored=stored, runs=runs)
        last = ScoreRun.objects.filter(campaign=campaign).latest("finished_at")
        candidates, rows = last.candidates_total, campaign.match_scores.count()
        whole_s, whole_mb = _measure(campaign.pk, chunk=max(n, 1), stored=n, runs=1)
        transaction.set_rollback(True)
    size = f"{candidates:,} candidates"
    return [
        Result(
            name=f"bounded matches recompute {candidates // 1000}k candidates",
            figure=bounded_s,
            unit="s",
            # Issue 4's 100k candidates in 5 s, scaled linearly.
            target=5.0 * candidates / 100_000,
            notes=f"{size}, chunk {chunk:,}, {rows:,} rows stored; median of {runs}; "
            f"peak memory {bounded_mb:,.0f} MB (one chunk, every row stored: {whole_s:.2f} s, "
            f"{whole_mb:,.0f} MB)",
            extra={
                "candidates": candidates,
                "chunk": chunk,
                "stored": rows,
                "peak_traced_mb": bounded_mb,
                "unbounded_s": whole_s,
                "unbounded_peak_traced_mb": whole_mb,
            },
        ),
        Result(
            name=f"bounded matches peak memory {candidates // 1000}k candidates",
            figure=bounded_mb,
            unit="MB",
            notes=f"tracemalloc peak of one recompute; one chunk: {whole_mb:,.0f} MB",
        ),
    ]

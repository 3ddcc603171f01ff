"""Demo catalogue generation and bulk insert (seed_demo's heavy part) on PostgreSQL.

The catalogue is built inside a transaction that is rolled back, so the benchmark database keeps
whatever other benchmarks put there. Target: 100k creators (with 1.2M posts, 600k snapshots,
~1.8M audience shares, follower samples) in under 90 s.
"""

import time

from django.db import transaction

from matchmaker.demo.catalogue import build_catalogue
from tests.bench.run import BenchContext, Result


def run(ctx: BenchContext) -> list[Result]:
    n = 100_000 if ctx.full else 10_000
    started = time.perf_counter()
    with transaction.atomic():
        catalogue = build_catalogue(n=n, seed=3)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    rows = sum(catalogue.counts.values())
    return [
        Result(
            name=f"seed_demo catalogue {n // 1000}k creators",
            figure=elapsed,
            unit="s",
            # The target is for 100k; follower samples are capped, so it does not scale.
            target=90.0 if ctx.full else None,
            notes=f"{rows:,} rows ({rows / elapsed:,.0f} rows/s); "
            + ", ".join(f"{v:,} {k}" for k, v in catalogue.counts.items()),
        )
    ]

"""make bench-scale: the benchmarks at catalogue scale (issue 22), not in CI.

Seeds SCALE_CREATORS creators (default 1,000,000, 12 posts each) with seed_demo into the
database DATABASE_URL names (the Makefile's default: matchmaker_scale), once: a later run finds
them and reuses them. Then makes sure every creator has metrics, and runs each
tests/bench/scale/bench_*.py module (recompute with 1 and 2 workers, a whole-catalogue matches
recompute, discovery under 8 clients). Figures are medians where a step repeats; the table is
printed and saved as var/bench/scale-<stamp>.json and scale-latest.json.

Usage: python -m tests.bench.scale.run [--only bench_discovery_scale ...]
"""

from __future__ import annotations

import argparse
import io
import os
import time
from dataclasses import dataclass

from tests.bench.memory import peak_rss_mb, reset_peak_rss
from tests.bench.run import Result, report, run_modules, setup_django


@dataclass
class ScaleContext:
    """What a scale module gets: the catalogue size it runs against."""

    creators: int
    full: bool = True
    runs: int = 3


def scale_creators() -> int:
    return int(os.environ.get("SCALE_CREATORS", "1000000"))


def ensure_catalogue(n: int) -> list[Result]:
    """Seed n demo creators unless the database holds them already; figures for the seed."""
    from django.core.management import call_command

    from creators.models import Creator
    from matchmaker.demo.catalogue import SEED_CHUNK

    have = Creator.objects.count()
    if have >= n:
        print(f"   {have:,} creators seeded earlier: reused", flush=True)
        return []
    if have:
        raise SystemExit(
            f"The scale database holds {have:,} creators, fewer than {n:,}: drop it and run again."
        )
    reset_peak_rss()
    started = time.perf_counter()
    call_command("seed_demo", creators=n, seed=7, skip_scoring=True, stdout=io.StringIO())
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    return [
        Result(
            f"seed_demo {n:,} creators",
            seconds,
            "s",
            notes=f"12 posts each, chunks of {SEED_CHUNK:,}; peak RSS {peak:,.0f} MB (target 2,048 MB)",
            extra={"peak_rss_mb": peak},
        ),
        Result(f"seed_demo {n:,} creators, peak RSS", peak, "MB", target=2048.0),
    ]


def ensure_metrics(n: int) -> list[Result]:
    """Every creator needs metrics before matches and discovery mean anything: one recompute
    in this process when they are missing (timed: the single-process figure)."""
    from scoring.models import CreatorMetrics
    from scoring.services.metrics_chunks import recompute_creator_metrics

    if CreatorMetrics.objects.count() >= n:
        return []
    reset_peak_rss()
    started = time.perf_counter()
    recompute_creator_metrics()
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    return [
        Result(
            f"metrics recompute {n:,}, in one process",
            seconds,
            "s",
            notes=f"the service called directly (no worker); peak RSS {peak:,.0f} MB",
            extra={"peak_rss_mb": peak},
        )
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", default=None, help="module names")
    args = parser.parse_args(argv)
    setup_django()
    n = scale_creators()
    results = ensure_catalogue(n)

    results += ensure_metrics(n)
    results += run_modules("tests.bench.scale", args.only, ScaleContext(creators=n))
    report(results, prefix="scale", creators=n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

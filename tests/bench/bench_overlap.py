"""Audience overlap benchmarks (issue 7): sketch build, the 100-creator overlap matrix (real
Twitter follower sets, and 10k-follower samples whose sketches are full), the roster optimiser
over 5k candidates; plus the measured error figures on the real sets. Pure numpy: no database.
Medians of ctx.runs runs."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from matchmaker.lib import sketches
from scoring.metrics.optimiser import Candidate, optimise
from scoring.metrics.overlap import Audience, overlap_matrix, union_size
from tests.bench.run import BenchContext, Result

DATA = Path(__file__).resolve().parents[1] / "data" / "twitter_follower_sets.csv"


def _median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _communities(rng, n: int, size: int) -> list[np.ndarray]:
    """n audiences of `size` follower ids drawn from overlapping communities."""
    centres = rng.integers(0, 50_000_000, size=max(10, n // 20))
    return [rng.integers(c, c + 20 * size, size) for c in rng.choice(centres, n)]


def _twitter_audiences():
    frame = pd.read_csv(DATA)
    hashed = {a: sketches.hash_ids(g.follower.to_numpy()) for a, g in frame.groupby("account")}
    auds = [
        Audience(int(a), int(h.size), sketches.read_sketch(sketches.build_sketch(h)), int(h.size))
        for a, h in hashed.items()
    ]
    return hashed, auds


def _errors(hashed, auds, k):
    pairs = overlap_matrix(auds, k)
    errs = np.array(
        [
            abs(
                max(p.share_a, p.share_b)
                - np.intersect1d(hashed[p.creator_a], hashed[p.creator_b]).size
                / min(hashed[p.creator_a].size, hashed[p.creator_b].size)
            )
            for p in pairs
        ]
    )
    return float(np.median(errs)), float(np.percentile(errs, 95))


def run(ctx: BenchContext) -> list[Result]:
    rng = np.random.default_rng(11)
    results = []

    small = [rng.integers(0, 10**9, int(n)) for n in rng.integers(1000, 3001, 100)]
    t = _median(lambda: [sketches.sketch_values(ids) for ids in small], ctx.runs)
    results.append(
        Result("sketch build 100 creators x 1k-3k followers", t, "s", notes="sketch_values")
    )

    n_big = 1000 if ctx.full else 200
    big = _communities(rng, n_big, 10_000)
    t = _median(lambda: [sketches.sketch_values(ids) for ids in big], 1 if ctx.full else ctx.runs)
    results.append(
        Result(
            f"sketch build {n_big} creators x 10k followers",
            t,
            "s",
            notes=f"{t / n_big * 1000:.2f} ms/creator; sketch 32 KB, sample ~80 KB raw",
        )
    )

    hashed, twitter = _twitter_audiences()
    t = _median(lambda: overlap_matrix(twitter), ctx.runs)
    results.append(
        Result("overlap matrix 100 creators (real sets, 4,950 pairs)", t, "s", target=0.5)
    )

    full_auds = []
    for i, ids in enumerate(big[:100]):
        h = sketches.hash_ids(ids)
        full_auds.append(
            Audience(i, 50_000, sketches.read_sketch(sketches.build_sketch(h)), h.size, h)
        )
    t = _median(lambda: overlap_matrix(full_auds), ctx.runs)
    results.append(
        Result("overlap matrix 100 creators (10k samples, full sketches)", t, "s", target=0.5)
    )

    med, p95 = _errors(hashed, twitter, sketches.K)
    results.append(
        Result(
            "overlap share abs error, real pairs, median (k=4096)",
            med,
            "points",
            target=0.02,
            notes=f"p95 {p95:.4f} (target 0.05); samples < k: exact",
        )
    )
    med, p95 = _errors(
        hashed,
        [Audience(a.creator_id, a.followers, a.sketch[:1024], a.sample_size) for a in twitter],
        1024,
    )
    results.append(
        Result(
            "overlap share abs error, real pairs, median (k=1024)",
            med,
            "points",
            target=0.02,
            notes=f"p95 {p95:.4f} (target 0.05)",
        )
    )

    union_errs = []
    for _ in range(100):
        roster = [full_auds[i] for i in rng.choice(len(full_auds), 10, replace=False)]
        true = np.unique(np.concatenate([a.sample for a in roster])).size
        sketch_only = [
            Audience(a.creator_id, a.sample_size, a.sketch, a.sample_size) for a in roster
        ]
        union_errs.append(abs(union_size(sketch_only) / true - 1))
    results.append(
        Result(
            "union of 10-creator rosters, bottom-k error p95",
            float(np.percentile(union_errs, 95)),
            "ratio",
            target=0.03,
            notes=f"median {np.median(union_errs):.4f}; with stored samples the union is exact",
        )
    )

    n_cand = 5000
    pool = _communities(rng, n_cand, 1000)
    cands = [
        Candidate(
            i,
            float(rng.integers(200, 5000)),
            float(rng.integers(5000, 100_000)),
            sketches.hash_ids(ids) if rng.random() > 0.05 else None,
        )
        for i, ids in enumerate(pool)
    ]
    t = _median(lambda: optimise(cands, 50_000.0), ctx.runs)
    picked = optimise(cands, 50_000.0)
    results.append(
        Result(
            "optimiser over 5k candidates (1k-id samples)",
            t,
            "s",
            target=2.0,
            notes=f"{len(picked.picks)} picked, budget 50k; 4 greedy runs (3 seeds), samples subsampled to 1M hashes",
        )
    )
    return results

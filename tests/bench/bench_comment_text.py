"""Comment-text signals (scoring.metrics.comment_text.classify_comments): comments per second
on 100k comments (10k reduced) drawn from the labelled YouTube comments in tests/data, once as
they repeat in the wild (the 822 real texts resampled: each distinct text is classified once)
and once with every comment distinct (a number appended), the worst case for the dedupe."""

import time

import numpy as np
import pandas as pd

from scoring import spam_training
from scoring.metrics.comment_text import classify_comments
from tests.bench.run import BenchContext, Result


def _comments(n: int, distinct: bool) -> pd.Series:
    pool = pd.concat(
        [
            spam_training.load_labelled(spam_training.DATA_DIR / f)
            for f in spam_training.FILES.values()
        ]
    )["text"].to_numpy()
    texts = pd.Series(np.random.default_rng(20).choice(pool, n))
    return texts + " " + pd.Series(np.arange(n)).astype(str) if distinct else texts


def run(ctx: BenchContext) -> list[Result]:
    n = 100_000 if ctx.full else 10_000
    classify_comments(pd.Series(["warm up: the spam model and VADER's lexicon load once"]))
    results = []
    for distinct in (False, True):
        texts = _comments(n, distinct)
        wall, cpu = time.perf_counter(), time.process_time()
        classify_comments(texts)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        results.append(
            Result(
                f"classify {n:,} comments ({'all distinct' if distinct else 'real repeats'})",
                n / wall,
                "comments/s",
                better="higher",
                notes=f"{texts.nunique():,} distinct texts; {n / cpu:,.0f} comments/s of CPU",
            )
        )
    return results

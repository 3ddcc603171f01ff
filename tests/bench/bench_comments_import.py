"""Comments import on PostgreSQL, end to end: a CSV file on disk to committed Comment rows
through import_job_create + import_job_run (read, map, parse, resolve posts by id or URL, hash
commenters, reject duplicates, COPY + upsert, chunk by chunk on the writer thread).

Figures, each the median of ctx.runs: rows/s of a first import (every row new), and rows/s of
importing the same file again (every row unchanged: the idempotent path). 1M comments under
10k posts of 500 creators with ctx.full, 100k otherwise; a tenth of the posts are named by
URL, a tenth of the comments are replies. The benchmark's creators (and so their posts and
comments) are deleted afterwards. No target: the issue names none.
"""

import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone

from creators.importing import services
from creators.importing.services import import_job_create, import_job_run
from creators.models import Comment, Creator, ImportJob, ImportStatus, Post
from matchmaker.demo.bulk import write_frame
from tests.bench.run import BenchContext, Result

PREFIX = "benchcom"
CREATORS = 500
POSTS_PER_CREATOR = 20


def _posts() -> pd.DataFrame:
    """The benchmark's creators and posts (inserted with COPY); returns external id and URL."""
    now = timezone.now()
    Creator.objects.bulk_create(
        Creator(platform="instagram", handle=f"{PREFIX}{i}", followers=10_000)
        for i in range(CREATORS)
    )
    ids = Creator.objects.filter(handle__startswith=PREFIX).order_by("id")
    creator_ids = np.repeat(np.array(ids.values_list("id", flat=True)), POSTS_PER_CREATOR)
    external = [f"{PREFIX}p{i}" for i in range(len(creator_ids))]
    posts = pd.DataFrame(
        {
            "creator_id": creator_ids,
            "external_id": external,
            "url": [f"https://www.instagram.com/p/{e}/" for e in external],
            "posted_at": now - pd.Timedelta(days=3),
            "likes": 100,
            "comments": 10,
            "is_sponsored": False,
            "sponsor_handles": "[]",
            "hashtags": "[]",
            "caption": "bench",
        }
    )
    write_frame(Post, posts)
    return posts


def _write_file(path: Path, posts: pd.DataFrame, n: int) -> None:
    rng = np.random.default_rng(n)
    post = rng.integers(0, len(posts), n)
    by_url = rng.random(n) < 0.1
    reference = np.where(by_url, posts.url.to_numpy()[post], posts.external_id.to_numpy()[post])
    ids = np.char.add("c", np.arange(n).astype(str))
    reply = rng.random(n) < 0.1
    parent = np.where(reply, np.char.add("c", rng.integers(0, n, n).astype(str)), "")
    start = pd.Timestamp("2025-01-01", tz="UTC")
    created = start + pd.to_timedelta(rng.integers(0, 300 * 86400, n), unit="s")
    pd.DataFrame(
        {
            "comment_id": ids,
            "post_id": reference,
            "username": np.char.add("@fan_", rng.integers(0, n // 5 + 1, n).astype(str)),
            "comment": rng.choice(
                ["Love this!", "how much?", "nice pic", "🔥🔥", "where, when?"], n
            ),
            "timestamp": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "reply_to": parent,
            "likes": rng.integers(0, 50, n),
        }
    ).to_csv(path, index=False)


def _import(path: Path) -> tuple[float, ImportJob]:
    started = time.perf_counter()
    with path.open("rb") as handle:
        job = import_job_create(
            kind="comments", file=File(handle, name=path.name), original_name=path.name
        )
    job = import_job_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    if job.status != ImportStatus.SUCCEEDED:
        raise RuntimeError(f"benchmark import failed: {job.message}")
    job.file.delete(save=False)
    ImportJob.objects.filter(pk=job.pk).delete()
    return elapsed, job


def _cleanup() -> None:
    """Delete the benchmark's comments, posts and creators, set-based."""
    creators = "SELECT id FROM creators_creator WHERE handle LIKE %s"
    with transaction.atomic(), connection.cursor() as cursor:
        pattern = [f"{PREFIX}%"]
        cursor.execute(f"DELETE FROM creators_comment WHERE creator_id IN ({creators})", pattern)
        cursor.execute(f"DELETE FROM creators_post WHERE creator_id IN ({creators})", pattern)
        cursor.execute("DELETE FROM creators_creator WHERE handle LIKE %s", pattern)


def run(ctx: BenchContext) -> list[Result]:
    # The recompute the import enqueues is a worker's follow-up, not part of the import.
    services._enqueue_changed = lambda result: None
    n = 1_000_000 if ctx.full else 100_000
    _cleanup()
    first, again = [], []
    try:
        posts = _posts()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"comments_{n}.csv"
            _write_file(path, posts, n)
            for _ in range(ctx.runs):
                Comment.objects.filter(creator__handle__startswith=PREFIX).delete()
                seconds, job = _import(path)
                assert job.rows_created == n, job.message
                first.append(seconds)
                seconds, job = _import(path)
                assert job.rows_unchanged == n, job.message
                again.append(seconds)
            os.remove(path)
    finally:
        _cleanup()
    load = os.getloadavg()[0]
    notes = f"{n:,} comments, {CREATORS * POSTS_PER_CREATOR:,} posts; load {load:.1f}; runs "
    return [
        Result(
            name=f"import comments {n // 1000}k rows (new)",
            figure=n / statistics.median(first),
            unit="rows/s",
            better="higher",
            notes=notes + ", ".join(f"{s:.1f}s" for s in first),
        ),
        Result(
            name=f"import comments {n // 1000}k rows (re-import, unchanged)",
            figure=n / statistics.median(again),
            unit="rows/s",
            better="higher",
            notes=notes + ", ".join(f"{s:.1f}s" for s in again),
        ),
    ]

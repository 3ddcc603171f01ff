"""Profiles import on PostgreSQL, end to end: a CSV file on disk to committed Creator rows
through import_job_create + import_job_run (read, map, parse, validate, write, snapshots).

Figures: rows/s (median of ctx.runs), peak RSS of the process, and the ratio of the import's
time to a raw COPY of the same (already parsed) rows into the same table. Targets: >= 50k
rows/s, <= 4x raw COPY. Each run imports fresh handles and deletes them afterwards.
"""

import resource
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from django.core.files import File
from django.db import transaction

from creators.importing import services
from creators.importing.services import import_job_create, import_job_run
from creators.models import Creator, ImportJob, ImportStatus
from matchmaker.lib.bulk import copy_frame
from tests.bench.run import BenchContext, Result

PREFIX = "benchimp"


def _write_file(path: Path, n: int, run: int) -> pd.DataFrame:
    rng = np.random.default_rng(run)
    followers = rng.integers(1_000, 5_000_000, n)
    frame = pd.DataFrame(
        {
            "Username": [f"@{PREFIX}{run}_{i}" for i in range(n)],
            "Platform": rng.choice(["Instagram", "TikTok", "YouTube"], n),
            "Followers": [f"{f / 1000:.1f}K" if f < 1e6 else f"{f / 1e6:.2f}M" for f in followers],
            "Engagement Rate": [f"{r:.2f}%" for r in rng.uniform(0.5, 8, n)],
            "Country": rng.choice(["Germany", "us", "FR", "United Kingdom"], n),
            "Name": [f"Creator {i}" for i in range(n)],
        }
    )
    frame.to_csv(path, index=False)
    return frame


def _cleanup() -> None:
    Creator.objects.filter(handle__startswith=PREFIX).delete()


def _raw_copy_seconds(n: int, run: int) -> float:
    """COPY of the same rows, already parsed, into creators_creator (rolled back)."""
    rng = np.random.default_rng(run)
    now = pd.Timestamp.now(tz="UTC")
    frame = pd.DataFrame(
        {
            "platform": rng.choice(["instagram", "tiktok", "youtube"], n),
            "handle": [f"{PREFIX}raw{run}_{i}" for i in range(n)],
            "display_name": [f"Creator {i}" for i in range(n)],
            "profile_url": "",
            "country": rng.choice(["DE", "US", "FR", "GB"], n),
            "language": "",
            "bio": "",
            "followers": rng.integers(1_000, 5_000_000, n),
            "reported_engagement_rate": rng.uniform(0.005, 0.08, n),
            "contact_email": "",
            "price_currency": "USD",
            "source": "raw",
            "created_at": now,
            "updated_at": now,
            "data_updated_at": now,
        }
    )
    started = time.perf_counter()
    with transaction.atomic():
        copy_frame("creators_creator", frame)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def _one(n: int, run: int, directory: Path) -> tuple[float, str]:
    path = directory / f"profiles_{n}_{run}.csv"
    _write_file(path, n, run)
    started = time.perf_counter()
    with path.open("rb") as handle:
        job = import_job_create(
            kind="profiles", file=File(handle, name=path.name), original_name=path.name
        )
    job = import_job_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    if job.status != ImportStatus.SUCCEEDED or job.rows_created != n:
        raise RuntimeError(f"benchmark import failed: {job.message}")
    assert Creator.objects.filter(handle__startswith=f"{PREFIX}{run}_").count() == n
    ImportJob.objects.filter(pk=job.pk).delete()
    _cleanup()
    return elapsed, job.message


def run(ctx: BenchContext) -> list[Result]:
    # The metrics recompute the import enqueues is a follow-up task on a worker, not part of the
    # import: without Redis it would run eagerly inside the timing, so it is left out here.
    services._enqueue_recompute = lambda creator_ids: None
    sizes = [100_000, 1_000_000] if ctx.full else [100_000]
    results = []
    _cleanup()
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            times = [_one(n, run, Path(tmp))[0] for run in range(ctx.runs)]
            raw = statistics.median(_raw_copy_seconds(n, run) for run in range(ctx.runs))
            seconds = statistics.median(times)
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            results.append(
                Result(
                    name=f"import profiles {n // 1000}k rows",
                    figure=n / seconds,
                    unit="rows/s",
                    target=50_000,
                    better="higher",
                    notes=f"median {seconds:.1f}s of {ctx.runs}; peak RSS {peak_mb:,.0f} MB",
                )
            )
            results.append(
                Result(
                    name=f"import profiles {n // 1000}k vs raw COPY",
                    figure=seconds / raw,
                    unit="x",
                    target=4.0,
                    better="lower",
                    notes=f"raw COPY median {raw:.2f}s",
                )
            )
    return results

"""Profiles import on PostgreSQL, end to end: a CSV file on disk to committed Creator rows
through import_job_create + import_job_run (read, map, parse, validate, write, snapshots).

Figures, each the median of ctx.runs: rows/s; the peak RSS of the process during the import;
and the ratio import time / raw COPY time, where the raw COPY is a plain
`COPY creators_creator FROM STDIN` of the same rows (the values the import stores, written as
CSV before the import, read into a buffer before the clock starts) into the same table, rolled
back. The peak RSS is the whole process's, reset just before the import; the benchmark's own
frames are freed by then. Targets: >= 50k rows/s, <= 4x raw COPY. Each run imports fresh
handles and deletes them afterwards; the table is vacuumed before every timed write so both
measure the same table state.
"""

import gc
import io
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from django.core.files import File
from django.db import connection, transaction

from creators.importing import services
from creators.importing.services import import_job_create, import_job_run
from creators.models import Creator, ImportJob, ImportStatus
from matchmaker.lib.pgcopy import COPY_NULL, frame_to_copy_buffer
from tests.bench.memory import peak_rss_mb, reset_peak_rss
from tests.bench.run import BenchContext, Result

PREFIX = "benchimp"
PLATFORMS = {"Instagram": "instagram", "TikTok": "tiktok", "YouTube": "youtube"}
COUNTRIES = {"Germany": "DE", "us": "US", "FR": "FR", "United Kingdom": "GB"}


def _write_file(path: Path, n: int, run: int) -> pd.DataFrame:
    """Write the CSV an admin would upload; return the rows as the import stores them."""
    rng = np.random.default_rng(run)
    followers = rng.integers(1_000, 5_000_000, n)
    followers_text = [f"{f / 1000:.1f}K" if f < 1e6 else f"{f / 1e6:.2f}M" for f in followers]
    rate_text = [f"{r:.2f}" for r in rng.uniform(0.5, 8, n)]
    platform = rng.choice(list(PLATFORMS), n)
    country = rng.choice(list(COUNTRIES), n)
    handles = [f"{PREFIX}{run}_{i}" for i in range(n)]
    names = [f"Creator {i}" for i in range(n)]
    pd.DataFrame(
        {
            "Username": ["@" + h for h in handles],
            "Platform": platform,
            "Followers": followers_text,
            "Engagement Rate": [f"{r}%" for r in rate_text],
            "Country": country,
            "Name": names,
        }
    ).to_csv(path, index=False)
    stored_followers = [
        round(float(t[:-1]) * (1e3 if t.endswith("K") else 1e6)) for t in followers_text
    ]
    return pd.DataFrame(
        {
            "platform": pd.Series(platform).map(PLATFORMS),
            "handle": handles,
            "followers": stored_followers,
            "display_name": names,
            "reported_engagement_rate": [float(r) / 100 for r in rate_text],
            "country": pd.Series(country).map(COUNTRIES),
        }
    )


def _cleanup() -> None:
    """Delete the benchmark's creators and what points at them, set-based (the ORM's cascade
    collects 100k+ ids in Python)."""
    pattern = f"{PREFIX}%"
    ids = "SELECT id FROM creators_creator WHERE handle LIKE %s"
    with transaction.atomic(), connection.cursor() as cursor:
        for relation in Creator._meta.related_objects:
            table = relation.related_model._meta.db_table
            if relation.many_to_many:
                continue
            cursor.execute(
                f"DELETE FROM {table} WHERE {relation.field.column} IN ({ids})", [pattern]
            )
        for field in Creator._meta.many_to_many:
            through = field.remote_field.through._meta
            cursor.execute(
                f"DELETE FROM {through.db_table} WHERE "
                f"{through.get_field(field.m2m_field_name()).column} IN ({ids})",
                [pattern],
            )
        cursor.execute("DELETE FROM creators_creator WHERE handle LIKE %s", [pattern])


def _vacuum() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE creators_creator")
        cursor.execute("VACUUM ANALYZE creators_followersnapshot")


def _write_raw_copy(path: Path, rows: pd.DataFrame) -> list[str]:
    """The raw COPY's input: the same rows as creators_creator stores them (other handles), as
    COPY text in a file, written before the import so the import runs without the benchmark's
    own frames in memory. Returns the columns."""
    now = pd.Timestamp.now(tz="UTC")
    frame = rows.assign(
        handle=rows["handle"].str.replace(PREFIX, f"{PREFIX}raw", n=1, regex=False),
        profile_url="",
        language="",
        bio="",
        contact_email="",
        price_currency="USD",
        source="raw",
        created_at=now,
        updated_at=now,
        data_updated_at=now,
    )
    path.write_text(frame_to_copy_buffer(frame).getvalue())
    return list(frame.columns)


def _raw_copy_seconds(path: Path, columns: list[str]) -> float:
    """A plain COPY of the same rows, already parsed and written as CSV, into creators_creator
    (rolled back). Only the COPY statement is timed."""
    text = io.StringIO(path.read_text())
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    _vacuum()
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.cursor.copy_expert(
            f"COPY creators_creator ({quoted}) FROM STDIN WITH (FORMAT csv, NULL '{COPY_NULL}')",
            text,
        )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def _one(n: int, run: int, directory: Path) -> dict:
    path = directory / f"profiles_{n}_{run}.csv"
    raw_path = directory / f"raw_{n}_{run}.csv"
    columns = _write_raw_copy(raw_path, _write_file(path, n, run))
    gc.collect()
    _vacuum()
    reset_peak_rss()
    started = time.perf_counter()
    with path.open("rb") as handle:
        job = import_job_create(
            kind="profiles", file=File(handle, name=path.name), original_name=path.name
        )
    job = import_job_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    peak = peak_rss_mb()
    if job.status != ImportStatus.SUCCEEDED or job.rows_created != n:
        raise RuntimeError(f"benchmark import failed: {job.message}")
    assert Creator.objects.filter(handle__startswith=f"{PREFIX}{run}_").count() == n
    job.file.delete(save=False)
    ImportJob.objects.filter(pk=job.pk).delete()
    _cleanup()
    raw = _raw_copy_seconds(raw_path, columns)
    os.remove(path)
    os.remove(raw_path)
    return {"seconds": elapsed, "raw": raw, "peak_mb": peak}


def run(ctx: BenchContext) -> list[Result]:
    # The metrics recompute the import enqueues is a follow-up task on a worker, not part of the
    # import: without Redis it would run eagerly inside the timing, so it is left out here.
    services._enqueue_changed = lambda result: None
    sizes = [100_000, 1_000_000] if ctx.full else [100_000]
    results = []
    _cleanup()
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            runs = [_one(n, run, Path(tmp)) for run in range(ctx.runs)]
            seconds = statistics.median(r["seconds"] for r in runs)
            raw = statistics.median(r["raw"] for r in runs)
            peak_mb = statistics.median(r["peak_mb"] for r in runs)
            each = ", ".join(f"{r['seconds']:.1f}s/{r['raw']:.1f}s" for r in runs)
            load = os.getloadavg()[0]
            results.append(
                Result(
                    name=f"import profiles {n // 1000}k rows",
                    figure=n / seconds,
                    unit="rows/s",
                    target=50_000,
                    better="higher",
                    notes=f"median {seconds:.2f}s of {ctx.runs}; peak RSS during import "
                    f"{peak_mb:,.0f} MB; load average {load:.1f}",
                    extra={"runs": runs, "peak_rss_mb": peak_mb},
                )
            )
            results.append(
                Result(
                    name=f"import profiles {n // 1000}k vs raw COPY",
                    figure=seconds / raw,
                    unit="x",
                    target=4.0,
                    better="lower",
                    notes=f"import / raw COPY of the same rows, median {seconds:.2f}s / "
                    f"{raw:.2f}s ({n / raw:,.0f} rows/s raw); runs import/raw: {each}",
                )
            )
    return results

"""Creator metrics recompute in chunks on real Celery workers (issue 22 item 1), part of make
bench-scale: wall time from sending the task to the run published, with 1 and with 2 worker
processes, and each worker's peak resident memory; with the in-process recompute (chunks in
turn) for comparison.

Needs REDIS_URL (a database of its own: the workers consume a queue of their own); without it
the module is skipped. Runs on the scale catalogue (committed: the workers are other
processes), in chunks of METRICS_CHUNK_SIZE creators (default here: an eighth of the
catalogue). One run per figure.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import uuid
from pathlib import Path

from creators.models import Creator, Post
from scoring.models import ScoreRun
from scoring.services.metrics_chunks import recompute_creator_metrics
from tests.bench.run import Result
from tests.bench.scale.run import ScaleContext
from tests.celery_worker import ROOT, start_worker

TIMEOUT = 30 * 60


def _peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident set) of a live process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _wait_ready(workers: list[subprocess.Popen], logs: Path, queue: str) -> None:
    deadline = time.monotonic() + 120
    paths = [logs / f"{queue}-{k}.log" for k in range(len(workers))]
    while not all(" ready." in path.read_text(errors="replace") for path in paths):
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            raise RuntimeError(f"the workers did not start; logs in {logs}")
        time.sleep(0.1)


def _chunk_seconds(logs: Path, queue: str, n_workers: int) -> list[float]:
    """Per worker, the seconds its tasks took (the worker's "succeeded in" log lines)."""
    pattern = re.compile(r"succeeded in ([0-9.]+)s")
    return [
        sum(map(float, pattern.findall((logs / f"{queue}-{k}.log").read_text(errors="replace"))))
        for k in range(n_workers)
    ]


def _workers_run(n_workers: int, chunk_size: int, logs: Path):
    """(seconds from sending the task to the run published, each worker's peak RSS in MB,
    the run's chunks, each worker's seconds in tasks)."""
    from scoring.tasks import recompute_creator_metrics as task

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "METRICS_CHUNK_SIZE": str(chunk_size)}
    workers = [start_worker(env, queue, logs / f"{queue}-{k}.log") for k in range(n_workers)]
    try:
        _wait_ready(workers, logs, queue)  # the clock starts once each worker is consuming
        last = ScoreRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        started = time.perf_counter()
        task.apply_async(queue=queue)
        while True:
            run = (
                ScoreRun.objects.filter(kind=ScoreRun.Kind.CREATOR_METRICS, pk__gt=last)
                .exclude(status=ScoreRun.Status.RUNNING)
                .first()
            )
            if run is not None:
                break
            if time.perf_counter() - started > TIMEOUT:
                raise RuntimeError(f"the run did not finish in {TIMEOUT} s; logs in {logs}")
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        if run.status != ScoreRun.Status.SUCCEEDED:
            raise RuntimeError(f"the run failed: {run.error}")
        time.sleep(1)  # the last task's "succeeded" line
        busy = _chunk_seconds(logs, queue, n_workers)
        return seconds, [_peak_rss_mb(w.pid) for w in workers], run.chunks_total, busy
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)


def run(ctx: ScaleContext) -> list[Result]:
    if not os.environ.get("REDIS_URL"):
        print("   skipped: bench_recompute_workers needs REDIS_URL (real workers on Redis)")
        return []
    creators = Creator.objects.count()
    posts = Post.objects.count()
    chunk_size = int(os.environ.get("METRICS_CHUNK_SIZE", 0)) or -(-creators // 8)
    logs = Path(os.environ.get("VAR_DIR", ROOT / "var")) / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    recompute_creator_metrics()
    in_process = time.perf_counter() - started
    one, one_rss, chunks, one_busy = _workers_run(1, chunk_size, logs)
    two, two_rss, _, two_busy = _workers_run(2, chunk_size, logs)
    size = f"{creators:,} creators, {posts:,} posts, {chunks} chunks of {chunk_size:,}"
    load = f"load {os.getloadavg()[0]:.2f}"
    at_scale = creators >= 1_000_000  # the targets are for 1M creators
    return [
        Result(
            name=f"metrics recompute in process {creators // 1000}k creators",
            figure=in_process,
            unit="s",
            notes=f"{size}; chunks in turn; one run",
        ),
        Result(
            name=f"metrics recompute 1 worker {creators // 1000}k creators",
            figure=one,
            unit="s",
            notes=f"{size}; peak RSS {one_rss[0]:,.0f} MB; one run",
            extra={"peak_rss_mb": one_rss, "task_seconds": one_busy},
        ),
        Result(
            name=f"metrics recompute 2 workers {creators // 1000}k creators",
            figure=two,
            unit="s",
            target=60.0 if at_scale else None,
            notes=(
                f"{size}; peak RSS per worker "
                + ", ".join(f"{mb:,.0f}" for mb in two_rss)
                + " MB (target 500); seconds in tasks per worker "
                + ", ".join(f"{busy:.1f}" for busy in two_busy)
                + f"; {load}; one run"
            ),
            extra={"peak_rss_mb": two_rss, "task_seconds": two_busy},
        ),
        Result(
            name=f"metrics recompute speed-up 1 -> 2 workers {creators // 1000}k",
            figure=one / two,
            unit="x",
            target=1.7 if at_scale else None,
            better="higher",
            notes=f"{one:.1f} s / {two:.1f} s; {load}",
        ),
    ]

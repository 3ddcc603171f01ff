"""A real Celery worker as a subprocess (`celery worker --pool=solo` on one queue, logging to a
file): what the fault tests kill mid-task and what the recompute benchmark times."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CELERY = str(Path(sys.executable).with_name("celery"))


def start_worker(env: dict[str, str], queue: str, log: Path) -> subprocess.Popen:
    """One worker process consuming `queue` with `env`, its output appended to `log`."""
    handle = open(log, "ab")  # noqa: SIM115 - the process writes to it until it ends
    process = subprocess.Popen(
        [
            CELERY,
            "-A",
            "matchmaker",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            "-Q",
            queue,
            "-n",
            f"{queue}-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    handle.close()
    return process

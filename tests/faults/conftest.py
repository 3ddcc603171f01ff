"""Fault-test tools: real Celery workers as subprocesses, a second PostgreSQL connection that
holds locks to stop a worker at a chosen point, and polling with a deadline.

How a worker is stopped mid-task without any hook in the production code: the test opens its own
transaction and takes a lock the task needs part-way through (a table lock, or an uncommitted row
with the same unique key the task is about to insert). The task does its first writes, then waits
on that lock; the test sees the wait in pg_stat_activity (pg_blocking_pids) and knows exactly
where the worker is when it SIGKILLs it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.db import connection

from tests.celery_worker import start_worker

VISIBILITY_TIMEOUT = 2  # seconds before an unacknowledged message is delivered again
DEADLINE = 60.0  # generous: CI machines are slow and shared


REDELIVERY_DEADLINE = 150.0  # kombu also restores unacked messages every 100 s, as a fallback


def wait_for(
    check: Callable[[], object], what: str | Callable[[], str], timeout: float = DEADLINE
) -> object:
    """Poll `check` until it returns something truthy; fail with `what` (a string, or a
    function giving one, e.g. with the workers' logs at that moment) after `timeout`."""
    end = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(
                f"timed out after {timeout:.0f}s waiting for {what() if callable(what) else what}"
            )
        time.sleep(0.1)


def worker_database_url() -> str:
    """The URL of the database this test runs in (pytest-django's test_<name>); the host may
    be a socket directory (the embedded server's), percent-encoded in the URL."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    host = quote(s["HOST"] or "127.0.0.1", safe="")
    return f"postgres://{auth}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """`celery worker --pool=solo` in its own process, on one queue, logging to a file."""

    def __init__(self, env: dict[str, str], queue: str, log: Path):
        self.log = log
        self.queue = queue
        self.process = start_worker(env, queue, log)

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, no cleanup."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=DEADLINE)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture
def workers(requires_redis, transactional_db, tmp_path, settings):
    """Start workers for this test (on a queue of its own); all are stopped at the end.

    The workers reach the test database and this test's media directory; a short visibility
    timeout makes a killed worker's task come back in seconds instead of hours."""
    settings.MEDIA_ROOT = tmp_path / "media"
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": requires_redis,
        "VAR_DIR": str(tmp_path),
        "CELERY_BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    }
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    started: list[Worker] = []

    class Workers:
        def __init__(self):
            self.queue = queue
            self.env = env

        def start(self, queue: str = queue, **extra_env: str) -> Worker:
            log = tmp_path / f"worker{len(started)}.log"
            worker = Worker({**env, **extra_env}, queue, log)
            started.append(worker)
            return worker

        def logs(self) -> str:
            return "\n".join(f"--- {w.log.name}\n{w.output()}" for w in started)

        def explain(self, what: str) -> Callable[[], str]:
            """A failure message for wait_for with the workers' logs at the time of failure."""
            return lambda: f"{what}\n{self.logs()}"

    yield Workers()
    for worker in started:  # all at once: each warm shutdown takes a moment
        if worker.process.poll() is None:
            worker.process.terminate()
    for worker in started:
        worker.stop()


class Blocker:
    """A second connection to the test database with an open transaction holding locks."""

    def __init__(self):
        s = connection.settings_dict
        self.params = {
            "dbname": s["NAME"],
            "user": s["USER"],
            "password": s["PASSWORD"] or None,
            "host": s["HOST"] or "127.0.0.1",
            "port": s["PORT"] or 5432,
        }
        self.conn = psycopg2.connect(**self.params)  # not autocommit: a transaction stays open
        self.pid = self.conn.get_backend_pid()

    def execute(self, sql: str, params=()) -> None:
        with self.conn.cursor() as cursor:
            cursor.execute(sql, params)

    def hold_metrics_row(self, creator_id: int) -> None:
        """Insert (uncommitted) a CreatorMetrics row for the creator, copied from any stored
        one: a recompute writing that creator's row waits on it."""
        from scoring.models import CreatorMetrics

        columns = [
            field.column for field in CreatorMetrics._meta.concrete_fields if not field.primary_key
        ]
        values = ["%s" if c == "creator_id" else c for c in columns]
        self.execute(
            f"INSERT INTO scoring_creatormetrics ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM scoring_creatormetrics LIMIT 1",
            (creator_id,),
        )

    def blocked_pid(self) -> int | None:
        """The backend (of another process) waiting on one of our locks, if any."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                [self.pid],
            )
            row = cursor.fetchone()
        return row[0] if row else None

    def release(self) -> None:
        self.conn.rollback()

    def close(self) -> None:
        self.conn.close()


def holds_write_lock(pid: int, table: str) -> bool:
    """Whether backend `pid` has written to `table` in its open transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_locks WHERE pid = %s AND relation = %s::regclass "
            "AND mode = 'RowExclusiveLock' AND granted",
            [pid, table],
        )
        return cursor.fetchone() is not None


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


@pytest.fixture
def blocker(transactional_db):
    b = Blocker()
    yield b
    b.close()

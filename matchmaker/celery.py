"""The Celery application. Configuration lives in settings.py under the CELERY_ prefix."""

import logging
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "matchmaker.settings")

logger = logging.getLogger(__name__)

app = Celery("matchmaker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="matchmaker.ping")
def ping() -> str:
    """A no-op task used by health checks and the worker round-trip test."""
    return "pong"


def delay_on_commit(task, *args) -> None:
    """Send `task(*args)` once the current transaction commits (at once outside one).

    `task` is a task or a registered task's name. A service queues its own app's task by name:
    the tasks module imports the service, so importing the task back would close a circle.

    For work a committed write leaves to a worker (the recomputes it makes stale, the import
    job it created): a failure to send it (a broker error; with in-process tasks, the task's own
    error) is logged and never raised into the caller, which would otherwise report a committed
    write as failed. What was not sent is caught up: the nightly recompute, the stale import
    job check (creators/stale_jobs.py)."""
    from django.db import transaction

    if isinstance(task, str):
        task = app.signature(task)

    def send() -> None:
        task.delay(*args)

    send.__qualname__ = f"{task.name}.delay"  # what Django's log line names
    transaction.on_commit(send, robust=True)


@contextmanager
def single_flight(name: str, object_id: int) -> Iterator[None]:
    """Run the block for (name, object_id) in one worker at a time.

    Tasks are acks_late, so a message can be delivered twice (its worker died, the visibility
    timeout passed, a lost job was re-sent) while the first copy may still be running. The copy
    that comes second waits here, then finds the work done (or redoes it alone). A PostgreSQL
    session advisory lock: PostgreSQL releases it when the holder's connection ends, so a killed
    worker never leaves it behind.
    """
    from django.db import DatabaseError, connection

    key = _lock_key(name, object_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", key)
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
        except DatabaseError:
            # The connection broke (the lock went with it) or its transaction is aborted (the
            # lock is released when the connection closes; the same session may re-take it).
            pass


def _lock_key(name: str, object_id: int) -> tuple[int, int]:
    return zlib.crc32(name.encode()) & 0x7FFFFFFF, int(object_id)


def single_flight_held(name: str, object_ids: list[int]) -> set[int]:
    """Which of `object_ids` a session holds the single_flight lock of (name, id) for: a task
    running them on a live connection. Reads pg_locks; takes no lock itself."""
    from django.db import connection

    if not object_ids:
        return set()
    classid, _ = _lock_key(name, 0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND classid = %s AND objsubid = 2 AND objid = ANY(%s)",
            [classid, [int(i) for i in object_ids]],
        )
        return {int(objid) for (objid,) in cursor.fetchall()}


MAX_DELIVERIES = 3


def delivery_count(task) -> int:
    """How many times this message (its task id) has started, counting this time.

    acks_late brings back the message of a worker that died, which is what we want once or
    twice; a task that kills its worker every time (out of memory on one file, a crash in a
    C library) would otherwise loop forever. Tasks check this against MAX_DELIVERIES. Counted in
    the cache (Redis with a broker; in-process otherwise, where nothing is redelivered).
    """
    from django.core.cache import cache

    task_id = getattr(task.request, "id", None)
    if not task_id:
        return 1
    key = f"celery:deliveries:{task_id}"
    cache.add(key, 0, timeout=2 * 24 * 60 * 60)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=2 * 24 * 60 * 60)
        return 1


def give_up_redelivered(deliveries: int, unfinished, *, what: str, **failed) -> bool:
    """For a task whose message was delivered `deliveries` times (delivery_count): past
    MAX_DELIVERIES it has killed its worker each time, so it is not run again. Then the rows it
    left unfinished (`unfinished`, a queryset of job or run rows) are updated with `failed`
    (their failed status and the reason), and True says the caller should return at once.
    The rows are passed in so that this knows no app's model."""
    if deliveries <= MAX_DELIVERIES:
        return False
    logger.error("%s: delivered %d times, giving up", what, deliveries)
    unfinished.update(**failed)
    return True

"""/healthz: is the database reachable, is Redis reachable, is a Celery worker answering?

Answers 200 when every required part is up, 503 otherwise. What the body says depends on who
asks: anyone gets the one-word state (`{"status": "ok"}` or `"error"`), which is all a load
balancer or uptime probe needs; with HEALTHZ_DETAILS on, anonymous callers also get each check's
state and time; staff get the details too (error text, worker names). Error text names hosts,
database users and ports, so it is never shown to anonymous callers.

The Redis and worker checks are remembered per process for HEALTHZ_CACHE_SECONDS: a worker ping
waits up to a second for replies, and a probe calling every second must not keep a sync worker
busy for that second each time. Without REDIS_URL (the embedded default) tasks run in-process, so
Redis and the worker are reported as such.
"""

import threading
import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from matchmaker.celery import app

WORKER_PING_TIMEOUT = 1.0

_memo_lock = threading.Lock()
# REDIS_URL -> (monotonic expiry, checks): keyed by URL so a changed setting is never answered
# from another configuration's result.
_memo: dict[str, tuple[float, dict]] = {}


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        detail = check()
        status = "ok"
    except Exception as exc:  # a health check reports any failure instead of raising it
        detail, status = f"{type(exc).__name__}: {exc}", "error"
    return {
        "status": status,
        "detail": detail,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _redis() -> str:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    client.ping()
    return "pong"


def _worker() -> str:

    replies = app.control.ping(timeout=WORKER_PING_TIMEOUT)
    if not replies:
        raise RuntimeError(f"no Celery worker answered within {WORKER_PING_TIMEOUT:g} s")
    return f"{len(replies)} worker(s): " + ", ".join(
        sorted(name for reply in replies for name in reply)
    )


def _broker_checks() -> dict:
    redis_check = _timed(_redis)
    if redis_check["status"] != "ok":
        worker = {"status": "error", "detail": "skipped: Redis is down", "ms": 0}
    else:
        worker = _timed(_worker)
    return {"redis": redis_check, "worker": worker}


def _remembered_broker_checks() -> dict:
    """Redis and worker checks, measured at most once per HEALTHZ_CACHE_SECONDS per process."""
    url = settings.REDIS_URL
    with _memo_lock:  # one ping at a time even with threaded workers
        remembered = _memo.get(url)
        now = time.monotonic()
        if remembered is not None and remembered[0] > now:
            return {name: {**check, "cached": True} for name, check in remembered[1].items()}
        checks = _broker_checks()
        _memo[url] = (time.monotonic() + settings.HEALTHZ_CACHE_SECONDS, checks)
        return checks


def health_report() -> tuple[bool, dict]:
    checks = {"database": _timed(_database)}
    if settings.REDIS_URL:
        checks |= _remembered_broker_checks()
    else:
        checks["redis"] = {
            "status": "ok",
            "detail": "not configured: tasks run in-process",
            "ms": 0,
        }
        checks["worker"] = {"status": "ok", "detail": "in-process (eager)", "ms": 0}
    healthy = all(check["status"] == "ok" for check in checks.values())
    return healthy, checks


def _without_details(checks: dict) -> dict:
    return {name: {"status": c["status"], "ms": c["ms"]} for name, c in checks.items()}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, checks = health_report()
    body: dict = {"status": "ok" if healthy else "error"}
    if request.user.is_staff:
        body["checks"] = checks
    elif settings.HEALTHZ_DETAILS:
        body["checks"] = _without_details(checks)
    return JsonResponse(body, status=200 if healthy else 503)

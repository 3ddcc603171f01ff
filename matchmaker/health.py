"""/healthz: is the database reachable, is Redis reachable, is a Celery worker answering?

Answers 200 with a JSON body when every required part is up, 503 otherwise. Without REDIS_URL
(the embedded default) tasks run in-process, so Redis and the worker are reported as such.
"""

import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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
    from matchmaker.celery import app

    replies = app.control.ping(timeout=1.0)
    if not replies:
        raise RuntimeError("no Celery worker answered within 1 s")
    return f"{len(replies)} worker(s): " + ", ".join(
        sorted(name for reply in replies for name in reply)
    )


def health_report() -> tuple[bool, dict]:
    checks = {"database": _timed(_database)}
    if settings.REDIS_URL:
        checks["redis"] = _timed(_redis)
        checks["worker"] = (
            _timed(_worker)
            if checks["redis"]["status"] == "ok"
            else {
                "status": "error",
                "detail": "skipped: Redis is down",
                "ms": 0,
            }
        )
    else:
        checks["redis"] = {
            "status": "ok",
            "detail": "not configured: tasks run in-process",
            "ms": 0,
        }
        checks["worker"] = {"status": "ok", "detail": "in-process (eager)", "ms": 0}
    healthy = all(check["status"] == "ok" for check in checks.values())
    return healthy, checks


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, checks = health_report()
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )

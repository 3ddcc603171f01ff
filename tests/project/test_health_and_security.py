"""/healthz, structured logs, login throttling and the security headers every page carries."""

import json
import logging
import time

import pytest
from django.test import override_settings
from django.urls import reverse

from matchmaker.lib.logging import JsonFormatter
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_health():
    """Each test measures its own Redis and worker checks (they are remembered per process)."""
    from matchmaker import health

    health._memo.clear()
    yield health
    health._memo.clear()


# A Redis URL whose error text names a host, a port and a user, as a real one would.
UNREACHABLE_REDIS = "redis://secret_user:secret_pw@127.0.0.1:1/0"  # nothing listens on port 1


def test_healthz_tells_staff_the_database_and_in_process_tasks(client, settings, fresh_health):
    settings.REDIS_URL = ""
    client.force_login(f.UserFactory(username="ops", is_staff=True))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert "in-process" in body["checks"]["worker"]["detail"]


def test_healthz_gives_anonymous_callers_one_word(client, settings, fresh_health):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_is_503_without_error_text_for_anonymous_callers(client, settings, fresh_health):
    settings.REDIS_URL = UNREACHABLE_REDIS
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error"}
    for secret in ("127.0.0.1", "secret_user", "Error", "Connection", "refused"):
        assert secret not in response.content.decode()


def test_healthz_details_setting_shows_states_but_no_error_text(client, settings, fresh_health):
    settings.REDIS_URL = UNREACHABLE_REDIS
    settings.HEALTHZ_DETAILS = True
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis"]["status"] == "error"
    assert body["checks"]["worker"]["status"] == "error"
    assert all(set(check) == {"status", "ms"} for check in body["checks"].values())
    assert "127.0.0.1" not in response.content.decode()


def test_healthz_tells_staff_why_redis_is_down(client, settings, fresh_health):
    settings.REDIS_URL = UNREACHABLE_REDIS
    client.force_login(f.UserFactory(username="ops", is_staff=True))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["redis"]["status"] == "error"
    assert "127.0.0.1" in body["checks"]["redis"]["detail"]
    assert body["checks"]["worker"]["detail"] == "skipped: Redis is down"


def test_healthz_pings_the_workers_once_per_cache_window(
    client, settings, fresh_health, requires_redis, monkeypatch
):
    """No worker listens on the tests' Redis database: each ping waits its full second. The
    second call inside the window answers from the remembered result instead of pinging."""
    from matchmaker.celery import app

    settings.REDIS_URL = requires_redis
    settings.HEALTHZ_CACHE_SECONDS = 60
    pings = []
    real_ping = app.control.ping

    def counted_ping(*args, **kwargs):
        pings.append(kwargs)
        return real_ping(*args, **kwargs)

    monkeypatch.setattr(app.control, "ping", counted_ping)
    first = client.get("/healthz")
    second = client.get("/healthz")
    assert first.status_code == second.status_code == 503
    assert len(pings) == 1
    real_monotonic = time.monotonic
    monkeypatch.setattr(time, "monotonic", lambda: real_monotonic() + 61)
    client.get("/healthz")  # the window has passed: measured again
    assert len(pings) == 2


def test_json_log_lines_carry_extra_fields():
    record = logging.makeLogRecord(
        {
            "name": "matchmaker.import",
            "levelname": "INFO",
            "msg": "imported %s rows",
            "args": (12,),
            "job_id": 7,
        }
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "imported 12 rows"
    assert line["job_id"] == 7
    assert line["logger"] == "matchmaker.import"


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@override_settings(AXES_FAILURE_LIMIT=3)
def test_login_attempts_are_rate_limited(client):
    f.UserFactory(username="marketer")
    login_url = reverse("login")
    for _ in range(3):
        response = client.post(login_url, {"username": "marketer", "password": "wrong"})
    response = client.post(login_url, {"username": "marketer", "password": f.DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed log-in attempts" in response.content


def test_correct_password_logs_in_through_the_form(client):
    f.UserFactory(username="marketer")
    response = client.post(
        reverse("login"), {"username": "marketer", "password": f.DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "https:evil"])
def test_login_and_logout_ignore_an_off_site_next(client, target):
    f.UserFactory(username="marketer")
    response = client.post(
        reverse("login"),
        {"username": "marketer", "password": f.DEFAULT_PASSWORD, "next": target},
    )
    assert response.status_code == 302 and response.url == reverse("home")
    response = client.post(reverse("logout"), {"next": target})
    assert response.status_code == 302 and response.url == reverse("login")

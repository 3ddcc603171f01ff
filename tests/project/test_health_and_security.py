"""/healthz, structured logs, login throttling and the security headers every page carries."""

import json
import logging

import pytest
from django.test import override_settings
from django.urls import reverse

from matchmaker.lib.logging import JsonFormatter
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_in_process_tasks(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert "in-process" in body["checks"]["worker"]["detail"]


def test_healthz_is_503_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["redis"]["status"] == "error"
    assert body["checks"]["worker"]["detail"] == "skipped: Redis is down"


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

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


def _fail_from(client, address: str, username: str = "marketer"):
    return client.post(
        reverse("login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=address
    )


def _login_from(client, address: str, username: str = "marketer"):
    return client.post(
        reverse("login"),
        {"username": username, "password": f.DEFAULT_PASSWORD},
        REMOTE_ADDR=address,
    )


def test_six_failures_from_six_addresses_lock_the_username(client, settings):
    """Password guessing spread over many addresses: the per-username limit (here 6) locks the
    username everywhere, though no address reached the per-address limit (5)."""
    settings.AXES_USERNAME_FAILURE_LIMIT = 6
    f.UserFactory(username="marketer")
    f.UserFactory(username="colleague")
    for i in range(5):
        assert _fail_from(client, f"203.0.113.{i + 1}").status_code == 200
    assert _login_from(client, "198.51.100.7").status_code == 302  # five: not yet locked
    client.logout()
    for i in range(6):
        assert _fail_from(client, f"203.0.113.{i + 1}").status_code in (200, 429)
    locked = _login_from(client, "198.51.100.7")  # an address that never failed
    assert locked.status_code == 429
    assert b"Too many failed log-in attempts" in locked.content
    assert _login_from(client, "203.0.113.1", "colleague").status_code == 302  # others log in


def test_username_limit_by_default_is_higher_than_the_address_limit(client, settings):
    f.UserFactory(username="marketer")
    limit = settings.AXES_USERNAME_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT
    for i in range(limit - 1):
        _fail_from(client, f"203.0.113.{i + 1}")
    assert _login_from(client, "198.51.100.7").status_code == 302
    client.logout()
    for i in range(limit):
        _fail_from(client, f"203.0.113.{i + 1}")
    assert _login_from(client, "198.51.100.7").status_code == 429


def test_the_per_address_limit_still_locks_one_address(client):
    f.UserFactory(username="marketer")
    for _ in range(5):
        _fail_from(client, "203.0.113.9")
    assert _login_from(client, "203.0.113.9").status_code == 429
    # Five failures are under the per-username limit: from elsewhere the user logs in.
    assert _login_from(client, "198.51.100.7").status_code == 302


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(client, settings):
    """One proxy (PROXY_COUNT=1) appends the client's address: everyone shares the proxy's
    REMOTE_ADDR, so without the header every user would share one lockout address."""
    settings.PROXY_COUNT = 1
    f.UserFactory(username="marketer")
    proxy = "10.0.0.2"

    def fail(forwarded: str):
        return client.post(
            reverse("login"),
            {"username": "marketer", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for _ in range(5):  # the attacker forges a different address in front each time
        fail(f"1.2.3.{_}, 203.0.113.9")
    attacker = client.post(
        reverse("login"),
        {"username": "marketer", "password": f.DEFAULT_PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert attacker.status_code == 429
    victim = client.post(
        reverse("login"),
        {"username": "marketer", "password": f.DEFAULT_PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert victim.status_code == 302  # same proxy, another client: not locked


def test_client_ip_reads_the_forwarded_address_only_as_configured(rf, settings):
    from matchmaker.lib.client_ip import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # exposed directly: the header is forgeable
    settings.PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"
    settings.PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
    settings.PROXY_COUNT = 3  # fewer addresses than proxies: did not come through them
    assert client_ip(request) == "10.0.0.2"
    settings.PROXY_COUNT = 1
    garbage = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(garbage) == "10.0.0.2"


def test_x_forwarded_proto_is_trusted_only_when_configured(client):
    """gunicorn exposed directly (the compose file publishes :8000): anyone can send
    X-Forwarded-Proto, so by default it does not make a request secure."""
    from django.http import HttpRequest

    request = HttpRequest()
    request.META = {"HTTP_X_FORWARDED_PROTO": "https", "SERVER_NAME": "x", "SERVER_PORT": "80"}
    assert not request.is_secure()


PROXY_PROBE = (
    "import json, django; from django.conf import settings as s; django.setup(); "
    "print(json.dumps({'ssl_header': getattr(s, 'SECURE_PROXY_SSL_HEADER', None), "
    "'proxies': s.PROXY_COUNT, 'drf': s.REST_FRAMEWORK['NUM_PROXIES']}))"
)


def test_proxy_settings_come_from_the_environment():
    from tests.project.test_settings import run

    def probe(**env):
        done = run(PROXY_PROBE, DEBUG="1", **env)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    assert probe() == {"ssl_header": None, "proxies": 0, "drf": 0}
    behind = probe(SECURE_PROXY_SSL_HEADER="1", PROXY_COUNT="1")
    assert behind == {"ssl_header": ["HTTP_X_FORWARDED_PROTO", "https"], "proxies": 1, "drf": 1}
    bad = run(PROXY_PROBE, DEBUG="1", AXES_FAILURE_LIMIT="5", AXES_USERNAME_FAILURE_LIMIT="5")
    assert bad.returncode != 0 and "AXES_USERNAME_FAILURE_LIMIT" in bad.stderr
    assert "PROXY_COUNT" in run(PROXY_PROBE, DEBUG="1", PROXY_COUNT="-1").stderr


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

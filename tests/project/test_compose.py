"""docker-compose.yml cannot run here (no Docker engine): parse it and check that every service
is there, healthy-checked, and runs commands that exist in this project."""

import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def command_words(service: dict) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_services_present_with_healthchecks():
    assert {"db", "redis", "web", "worker", "beat"} <= set(SERVICES)
    for name in ("db", "redis", "web", "worker"):
        assert SERVICES[name]["healthcheck"]["test"], name
    assert SERVICES["db"]["image"].startswith("postgres:16")


def test_app_services_build_this_dockerfile_with_required_env():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements/base.txt" in dockerfile and "USER app" in dockerfile
    assert (ROOT / "requirements" / "base.txt").is_file()
    for name in ("web", "worker", "beat"):
        service = SERVICES[name]
        assert service["build"] == "."
        env = service["environment"]
        assert env["DEBUG"] == "0"
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert "SECRET_KEY" in env
        assert service["depends_on"]["db"]["condition"] == "service_healthy"


def test_commands_exist_in_the_project():
    web = " ".join(command_words(SERVICES["web"]))
    assert "manage.py migrate" in web and (ROOT / "manage.py").is_file()
    conf = web.rsplit(" -c ", 1)[1].split()[0]  # gunicorn's -c, the last one in the line
    assert (ROOT / conf).is_file(), conf
    assert "matchmaker.wsgi:application" in web and (ROOT / "matchmaker" / "wsgi.py").is_file()
    for name in ("worker", "beat"):
        words = command_words(SERVICES[name])
        assert words[:3] == ["celery", "-A", "matchmaker"] and words[3] == name
    assert (ROOT / "matchmaker" / "celery.py").is_file()
    from matchmaker.celery import app

    assert app.main == "matchmaker"


def test_web_is_reached_only_through_the_proxy_it_trusts():
    """The forwarded headers are trusted (PROXY_COUNT, FORWARDED_ALLOW_IPS) only because the
    port is published on the host's loopback, where the TLS proxy is the one client; Django's
    own SECURE_PROXY_SSL_HEADER, which checks no peer, stays off."""
    web = SERVICES["web"]
    env = web["environment"]
    assert env["PROXY_COUNT"] == "1"
    for mapping in web["ports"]:
        assert str(mapping).startswith("127.0.0.1:"), mapping
    assert "SECURE_PROXY_SSL_HEADER" not in env
    for name in ("worker", "beat"):
        assert "FORWARDED_ALLOW_IPS" not in SERVICES[name]["environment"]


def test_web_healthcheck_request_is_answered_under_the_compose_settings(client, settings):
    """The healthcheck asks for the login page with the first ALLOWED_HOSTS name over HTTPS (as
    gunicorn reports a request the allowed peer marked X-Forwarded-Proto: https), so neither
    the host check nor the HTTPS redirect turns it away."""
    test = " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert "os.environ['ALLOWED_HOSTS'].split(',')[0]" in test
    assert "'X-Forwarded-Proto': 'https'" in test and "/accounts/login/" in test
    default_hosts = SERVICES["web"]["environment"]["ALLOWED_HOSTS"]
    assert default_hosts == "${ALLOWED_HOSTS:-localhost}"
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accounts/login/", HTTP_HOST="localhost", secure=True).status_code == 200
    # Without the forwarded scheme the redirect (or, with the container's name, the host
    # check) would fail the healthcheck: what the old one did.
    assert client.get("/accounts/login/", HTTP_HOST="localhost").status_code == 301
    assert (
        client.get("/accounts/login/", HTTP_HOST="127.0.0.1:8000", secure=True).status_code == 400
    )

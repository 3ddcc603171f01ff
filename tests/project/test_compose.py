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

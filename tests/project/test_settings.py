"""Settings come from the environment: each case runs in a fresh interpreter with its own env."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings as s; django.setup(); "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), 'host': s.DATABASES['default']['HOST'], "
    "'port': s.DATABASES['default']['PORT'], 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': s.CELERY_BROKER_URL, 'cache': s.CACHES['default']['BACKEND'], "
    "'debug': s.DEBUG, 'sessions': s.SESSION_ENGINE}))"
)
# DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests in this process; production never has it.
MANAGED = (
    "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "VAR_DIR",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)  # fmt: skip


def run(code_or_args, **env):
    base = {k: v for k, v in os.environ.items() if k not in MANAGED}
    base.update({"DJANGO_SETTINGS_MODULE": "matchmaker.settings", **env})
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


def probe(**env) -> dict:
    done = run(PROBE, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_without_database_url_the_embedded_postgres_under_var_with_eager_tasks(tmp_path):
    found = probe(DEBUG="1", VAR_DIR=str(tmp_path))
    assert found["engine"] == "matchmaker.embedded_postgres"
    assert found["name"] == "matchmaker"
    # A Unix socket under VAR_DIR, no TCP port.
    assert found["host"] == str(tmp_path / "postgres" / "socket") and found["port"] == "5432"
    assert found["eager"] is True
    assert found["cache"].endswith("LocMemCache")
    # A per-process memory cache must not hold sessions: another process would miss a logout.
    assert found["sessions"] == "django.contrib.sessions.backends.db"
    # Loading the settings starts no server: the first connection does.
    assert not (tmp_path / "postgres" / "data").exists()


def test_a_long_checkout_path_connects_through_a_short_socket_link(tmp_path):
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    found = probe(DEBUG="1", VAR_DIR=str(deep))
    assert found["host"].startswith("/tmp/matchmaker-pg-")
    assert len(found["host"] + "/.s.PGSQL.5432") < 104


def test_database_url_must_be_postgresql():
    done = run(PROBE, DEBUG="1", DATABASE_URL="sqlite:///var/matchmaker.sqlite3")
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "must name a PostgreSQL" in done.stderr


def test_database_url_and_redis_url_switch_backends(tmp_path):
    found = probe(
        DEBUG="1",
        VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://u:p@db.example:5432/mm",
        REDIS_URL="redis://cache.example:6379/3",
    )
    # DATABASE_URL wins: that server, and nothing of the embedded one (not even a lease file).
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "mm" and found["host"] == "db.example"
    assert not (tmp_path / "postgres").exists()
    assert found["eager"] is False
    assert found["broker"] == "redis://cache.example:6379/3"
    assert found["cache"].endswith("RedisCache")
    assert found["sessions"] == "django.contrib.sessions.backends.cached_db"


def test_secret_key_required_when_debug_is_off():
    done = run(PROBE, DEBUG="0")
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "SECRET_KEY" in done.stderr


def test_bad_boolean_is_named():
    done = run(PROBE, DEBUG="maybe")
    assert done.returncode != 0 and "DEBUG must be a boolean" in done.stderr


def test_check_deploy_is_clean_with_production_env(tmp_path):
    done = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="matchmaker.example.com",
        VAR_DIR=str(tmp_path),
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_collectstatic_succeeds_with_production_storage(tmp_path):
    """The manifest storage follows every url()/sourceMappingURL; a missing target fails the deploy."""
    env = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "VAR_DIR": str(tmp_path)}
    done = run(["manage.py", "collectstatic", "--noinput", "-v", "0"], **env)
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((tmp_path / "staticfiles" / "staticfiles.json").read_text())["paths"]
    static_root = tmp_path / "staticfiles"
    for name in ("vendor/chart.umd.js", "vendor/htmx.min.js", "admin/css/base.css"):
        hashed = static_root / manifest[name]
        assert hashed.is_file() and hashed.with_name(hashed.name + ".gz").is_file(), name
        assert not (static_root / name).exists(), f"unhashed {name} kept"
    assert (static_root / manifest["vendor/chart.umd.js.map"]).is_file()
    # The hashed script points at the hashed map, so browsers fetch a file that exists.
    chart = (static_root / manifest["vendor/chart.umd.js"]).read_text()
    map_name = Path(manifest["vendor/chart.umd.js.map"]).name
    assert chart.rstrip().endswith(f"sourceMappingURL={map_name}")


def test_make_vendor_step_copies_every_source_map_its_scripts_reference():
    """A fresh `make install` must produce the tree the collectstatic test above accepts."""
    done = subprocess.run(
        ["make", "-n", "-B", "static/vendor/.installed"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    copy = next(line.split() for line in done.stdout.splitlines() if line.startswith("cp "))
    sources, destination = copy[1:-1], copy[-1]
    assert destination.rstrip("/") == "static/vendor"
    copied = {Path(source).name: ROOT / source for source in sources}
    for name, path in copied.items():
        if name.endswith(".js") and path.is_file():
            tail = path.read_text()[-300:]
            if "sourceMappingURL=" in tail:
                referenced = tail.rsplit("sourceMappingURL=", 1)[1].split()[0]
                assert referenced in copied, f"{name} references {referenced}, not copied"
    assert {"htmx.min.js", "chart.umd.js", "chart.umd.js.map"} <= copied.keys()

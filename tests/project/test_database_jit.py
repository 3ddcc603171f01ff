"""JIT is off on the app's database connections unless DATABASE_JIT=1 (settings, README)."""

import json

import pytest
from django.db import connection

from tests.project.test_settings import run

OPTIONS_PROBE = (
    "import json, django; from django.conf import settings as s; django.setup(); "
    "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
)


def options(**env) -> dict:
    done = run(OPTIONS_PROBE, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_the_apps_connection_runs_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_database_url_connections_set_jit_off_after_their_own_options():
    url = "postgres://u:p@db.example:5432/mm?options=-c%20statement_timeout%3D5000"
    found = options(DEBUG="1", DATABASE_URL=url)
    assert found["options"] == "-c statement_timeout=5000 -c jit=off"
    assert options(DEBUG="1", DATABASE_URL=url.split("?")[0])["options"] == "-c jit=off"


def test_embedded_connections_set_jit_off(tmp_path):
    assert options(DEBUG="1", VAR_DIR=str(tmp_path))["options"] == "-c jit=off"


def test_database_jit_on_keeps_the_servers_setting(tmp_path):
    url = "postgres://u:p@db.example:5432/mm"
    assert "options" not in options(DEBUG="1", DATABASE_URL=url, DATABASE_JIT="1")
    assert "options" not in options(DEBUG="1", VAR_DIR=str(tmp_path), DATABASE_JIT="1")


def test_a_bad_database_jit_is_named():
    done = run(OPTIONS_PROBE, DEBUG="1", DATABASE_JIT="maybe")
    assert done.returncode != 0 and "DATABASE_JIT" in done.stderr

"""The OpenAPI schema: generated without warnings, and a bounded schemathesis run against it
on a seeded database finds no server errors and no responses that break the schema."""

import contextlib
import io
import json

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from matchmaker.wsgi import application

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings():
    out = io.StringIO()
    # --fail-on-warn raises on any warning or error; --validate checks it against OpenAPI 3.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out
    )
    schema = json.loads(out.getvalue())
    paths = set(schema["paths"])
    assert {"/api/v1/creators/", "/api/v1/campaigns/{id}/", "/api/v1/roster/{id}/move/"} <= paths
    assert "apiToken" in schema["components"]["securitySchemes"]


def test_schema_and_docs_need_a_session_or_a_token(client, world, api_for):
    anonymous = client.get("/api/schema/", {"format": "json"})
    assert anonymous.status_code == 401
    assert json.loads(anonymous.content)["error"]["code"] == "not_authenticated"
    assert client.get("/api/schema/").status_code == 401  # the YAML default too
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/")
    with_token = api_for(world.viewer_a).get("/api/schema/", {"format": "json"})
    assert with_token.status_code == 200
    assert "/api/v1/creators/" in json.loads(with_token.content)["paths"]
    bad_token = client.get("/api/schema/", HTTP_AUTHORIZATION="Bearer not-a-real-token")
    assert bad_token.status_code == 401
    client.force_login(world.viewer_a)
    assert client.get("/api/schema/", {"format": "json"}).status_code == 200


def test_docs_page_assets_come_from_our_own_origin(client, world):
    client.force_login(world.viewer_a)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn.jsdelivr" not in html and "unpkg" not in html
    assert "<script>" not in html.replace(" ", "")  # CSP: no inline scripts


@pytest.fixture
def keep_test_connection():
    """Calling the WSGI app directly fires request_started/finished, whose
    close_old_connections would close the test transaction's connection on PostgreSQL (Django's
    test client disconnects it the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_schemathesis_finds_no_server_errors_or_schema_violations(
    world, scored, api_for, keep_test_connection
):
    from tenancy.tokens import api_token_create

    _, raw = api_token_create(user=world.editor_a, name="fuzz")
    headers = {"Authorization": f"Bearer {raw}"}
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", application, headers=headers
    )
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=6,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call(headers=headers)
            try:
                case.validate_response(
                    response,
                    checks=[
                        not_a_server_error,
                        response_schema_conformance,
                        status_code_conformance,
                    ],
                )
            except Exception as exc:  # collect every operation's failure, then report all
                failures.append(f"{case.method} {case.path}: {exc}")
                raise

        # Failures are recorded above; keep fuzzing the other operations.
        with contextlib.suppress(Exception):
            run()
    assert not failures, "\n\n".join(failures[:5])

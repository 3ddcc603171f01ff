"""The shared fixture world: two organisations, a user for each role, a staff admin.

Organisation A ("Northwind", an agency) has owner/editor/viewer users, a brand and a campaign;
organisation B ("Globex", a brand team) has its own owner, brand and campaign. Tests about
tenancy check that A's users never see B's objects and the other way round.

Services: the tests run on PostgreSQL, the server DATABASE_URL names or else the checkout's
embedded one (matchmaker/embedded_postgres/); `requires_redis` and `requires_chromium` skip
locally when the service is missing, and fail in CI (CI=true).
"""

import os
import shutil
from dataclasses import dataclass

import pytest
from django.db import IntegrityError, transaction

from tests import factories as f


def require_service(available: bool, what: str) -> None:
    """Skip a test whose service is missing, except in CI, where a missing service is a failure."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI but is not available", pytrace=False)
    pytest.skip(f"{what} is not available")


@pytest.fixture
def requires_redis() -> str:
    url = os.environ.get("REDIS_URL", "")
    require_service(bool(url), "Redis (REDIS_URL)")
    return url


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def requires_chromium() -> str:
    path = chromium_path()
    require_service(bool(path), "Chromium (apt-get install chromium)")
    return path


@dataclass
class World:
    org_a: object
    org_b: object
    owner_a: object
    editor_a: object
    viewer_a: object
    owner_b: object
    staff: object
    outsider: object
    brand_a: object
    brand_b: object
    campaign_a: object
    campaign_b: object


@pytest.fixture
def world(db) -> World:
    org_a = f.OrganizationFactory(name="Northwind Agency", slug="northwind", kind="agency")
    org_b = f.OrganizationFactory(name="Globex Brand Team", slug="globex", kind="brand")
    owner_a = f.UserFactory(username="owner_a")
    editor_a = f.UserFactory(username="editor_a")
    viewer_a = f.UserFactory(username="viewer_a")
    owner_b = f.UserFactory(username="owner_b")
    staff = f.UserFactory(username="staff", is_staff=True, is_superuser=True)
    outsider = f.UserFactory(username="outsider")
    f.MembershipFactory(user=owner_a, organization=org_a, role="owner")
    f.MembershipFactory(user=editor_a, organization=org_a, role="editor")
    f.MembershipFactory(user=viewer_a, organization=org_a, role="viewer")
    f.MembershipFactory(user=owner_b, organization=org_b, role="owner")
    brand_a = f.BrandFactory(organization=org_a, name="Leafy Skincare")
    brand_b = f.BrandFactory(organization=org_b, name="Globex Sneakers")
    campaign_a = f.CampaignFactory(brand=brand_a, name="Spring glow")
    campaign_b = f.CampaignFactory(brand=brand_b, name="Secret sneaker drop")
    return World(
        org_a=org_a,
        org_b=org_b,
        owner_a=owner_a,
        editor_a=editor_a,
        viewer_a=viewer_a,
        owner_b=owner_b,
        staff=staff,
        outsider=outsider,
        brand_a=brand_a,
        brand_b=brand_b,
        campaign_a=campaign_a,
        campaign_b=campaign_b,
    )


@pytest.fixture
def client_for(client):
    """Log a user in on the test client (force_login: django-axes needs a request for login())."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def no_cached_reads():
    """Each test starts without the cached reads another test's data filled (the cache, Redis in
    CI, outlives a test's rolled-back transaction)."""
    from campaigns.tracking import forget_lookups
    from creators.selectors import forget_category_choices

    forget_category_choices()
    forget_lookups()


@pytest.fixture(autouse=True)
def celery_in_process(request, settings):
    """Run Celery tasks in-process, except in tests marked `worker`.

    With REDIS_URL set (as in CI) the settings send tasks to a broker, which is right for
    production and for the `worker` tests that start a real worker; every other test calls the
    code that enqueues and expects the task's effect, so the task runs eagerly there.
    """
    if request.node.get_closest_marker("worker"):
        yield
        return
    from matchmaker.celery import app

    before = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = before


@pytest.fixture
def rejects():
    """rejects(make): `make()` breaks a database constraint (IntegrityError, rolled back)."""

    def check(make) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            make()

    return check

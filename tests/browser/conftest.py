"""Shared Playwright fixtures for the browser tests: one headless Chromium per session, a fresh
context per test, and a page logged in through the real login form.

The system Chromium is used (`requires_chromium` gives its path), never a downloaded browser.
Playwright's sync API runs an event loop in this thread, so Django's async-safety check is
relaxed for the browser tests (the ORM calls in the test body are still synchronous).
"""

import os

import pytest

from tests.factories import DEFAULT_PASSWORD

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]


def pytest_collection_modifyitems(items):
    """Every test in this folder is a browser test (`make test-fast` deselects them)."""
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    # Playwright's sync API keeps an asyncio loop running in the main thread; Django would
    # otherwise refuse ORM calls made from the test body ("SynchronousOnlyOperation").
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(requires_chromium):
    """One headless system Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=requires_chromium, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page per test (no shared cookies between tests)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login_page(page, live_server):
    """log_in(user) -> the page, logged in through the real login form as that user.

    The user must have been made with tests.factories.UserFactory (its default password).
    """

    def log_in(user, password: str = DEFAULT_PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        if "/accounts/login/" in page.url:
            raise AssertionError(f"logging in as {user.username} failed: still on {page.url}")
        return page

    return log_in

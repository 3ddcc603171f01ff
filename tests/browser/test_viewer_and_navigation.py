"""Viewers, navigation and the small things every page has: what a viewer is offered and told,
404s that say what happened, the navigation's links, the token page's copy button, the favicon,
and a roster board updated without a single Content Security Policy violation."""

import pytest
from playwright.sync_api import expect

from campaigns.models import Stage
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

# Counts Content Security Policy violations in the page (the console shows them too).
CSP_LISTENER = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__csp.push(e.violatedDirective + ' ' + (e.sample || e.blockedURI)));"
)


def console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_viewer_is_not_offered_new_campaign_and_is_told_why_at_its_url(
    world, login_page, live_server
):
    page = login_page(world.viewer_a)
    page.goto(f"{live_server.url}/campaigns/")
    expect(page.locator("main")).to_contain_text("Spring glow")
    expect(page.get_by_role("link", name="New campaign")).to_have_count(0)
    response = page.goto(f"{live_server.url}/campaigns/new/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Not allowed")
    expect(page.locator(".error-message")).to_contain_text(
        "Your role lets you read campaigns, not create them"
    )


def test_another_organisations_campaign_edit_is_a_404_that_says_what_happened(
    world, login_page, live_server
):
    page = login_page(world.owner_b)
    response = page.goto(f"{live_server.url}/campaigns/{world.campaign_a.pk}/edit/")
    assert response.status == 404
    message = page.locator(".error-message").inner_text()
    assert f"There is no campaign #{world.campaign_a.pk} you can change" in message
    assert "Spring glow" not in page.content()  # nothing of the other organisation shows


def test_navigation_links_change_password_and_results(world, login_page, live_server):
    page = login_page(world.editor_a)
    page.goto(f"{live_server.url}/")
    nav = page.locator("header nav")
    nav.get_by_role("link", name="Results").click()
    expect(page).to_have_url(f"{live_server.url}/campaigns/overview/")
    expect(nav.get_by_role("link", name="Results")).to_have_attribute("aria-current", "page")
    nav.get_by_role("link", name="Change password").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/password/")
    expect(page.locator("input[name=old_password]")).to_be_visible()


def test_token_page_button_is_normal_size_and_the_token_can_be_copied(
    world, login_page, live_server
):
    page = login_page(world.editor_a)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/accounts/tokens/")
    create = page.get_by_role("button", name="Create token")
    box = create.bounding_box()
    assert box["height"] < 48 and box["width"] < 240, box  # a button, not a block
    page.fill("input[name=name]", "reporting script")
    create.click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("mm_")
    page.get_by_role("button", name="Copy token").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == token


def test_favicon_is_served_and_pages_log_no_errors(world, login_page, live_server):
    page = login_page(world.editor_a)
    errors = console_errors(page)
    response = page.request.get(f"{live_server.url}/favicon.ico")
    assert response.status == 200 and response.body()[:4] == b"\x00\x00\x01\x00"  # an ICO
    page.goto(f"{live_server.url}/campaigns/")
    page.wait_for_load_state("networkidle")
    assert errors == []


def test_roster_updates_cause_no_csp_violations(world, login_page, live_server):
    entry = f.RosterEntryFactory(campaign=world.campaign_a, stage=Stage.SHORTLISTED)
    page = login_page(world.editor_a)
    errors = console_errors(page)
    page.add_init_script(CSP_LISTENER)
    page.goto(f"{live_server.url}/campaigns/{world.campaign_a.pk}/roster/")
    card = page.locator(f"#entry-{entry.pk}")
    card.locator("summary", has_text="Fee").click()
    card.locator("input[name=agreed_fee]").fill("250")
    with page.expect_response(lambda r: r.url.endswith("/update/")):
        card.locator("button", has_text="Save").click()
    expect(page.locator(f"#entry-{entry.pk}")).to_contain_text("250")
    card = page.locator(f"#entry-{entry.pk}")
    card.locator("select[name=stage]").select_option("contracted")
    with page.expect_response(lambda r: r.url.endswith("/move/")):
        card.locator("button", has_text="Move").click()
    expect(page.locator("[data-stage=contracted]")).to_contain_text(entry.creator.handle)
    entry.refresh_from_db()
    assert entry.stage == Stage.CONTRACTED
    assert page.evaluate("window.__csp") == []
    assert [e for e in errors if "Content Security Policy" in e] == []

"""Browser journey of a client report: an anonymous browser context (no session, no account)
opens a share link and sees the totals and the per-creator charts, and no fee; the report
fits a phone's width. Screenshots go to var/screenshots/ for a person to look at."""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from campaigns.models import Stage
from campaigns.sharing import services
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def shared(world):
    campaign = world.campaign_a
    for handle, fee, reach, likes in (
        ("leafy_lena", 1234, 12000, 900),
        ("oat_otto", 766, 8000, 400),
    ):
        entry = f.RosterEntryFactory(
            campaign=campaign,
            creator=f.CreatorFactory(handle=handle),
            stage=Stage.CONTENT_LIVE,
            agreed_fee=Decimal(fee),
        )
        f.OutcomeFactory(
            deliverable=f.DeliverableFactory(entry=entry), reach=reach, likes=likes, clicks=50
        )
    _, raw = services.share_link_create(campaign=campaign, user=world.owner_a)
    return raw


@pytest.mark.parametrize("width", [1280, 390])
def test_anonymous_browser_opens_the_share_link(browser, live_server, shared, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        response = page.goto(f"{live_server.url}/share/{shared}/")
        assert response.status == 200
        assert "noindex" in response.headers["x-robots-tag"]
        expect(page.locator("h1")).to_have_text("Spring glow")
        expect(page.locator("#report-kpi-reach")).to_have_text("20,000")
        expect(page.locator("#report-kpi-engagements")).to_have_text("1,300")
        assert page.locator("svg.bar-chart").count() == 3  # reach, engagements, clicks
        text = page.inner_text("body")
        assert "@leafy_lena" in text and "Northwind Agency" in text
        for fee in ("$1,234", "$766", "$2,000", "Fee", "CPM"):
            assert fee not in text
        assert page.locator("nav").count() == 0  # none of the app's navigation
        # Nothing wider than the screen: the table scrolls in its card, the charts shrink.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"share-link-{width}.png"), full_page=True)
    finally:
        context.close()


def test_a_revoked_link_shows_the_not_available_page(browser, live_server, world, shared):
    link = world.campaign_a.share_links.get()
    services.share_link_revoke(link=link, user=world.owner_a)
    context = browser.new_context()
    try:
        page = context.new_page()
        response = page.goto(f"{live_server.url}/share/{shared}/")
        assert response.status == 404
        expect(page.locator("h1")).to_have_text("This report is not available")
    finally:
        context.close()


def test_editor_creates_a_link_an_anonymous_browser_opens(browser, login_page, live_server, world):
    world.campaign_a.client_fee = Decimal(3000)
    world.campaign_a.save()
    entry = f.RosterEntryFactory(
        campaign=world.campaign_a,
        creator=f.CreatorFactory(handle="leafy_lena"),
        stage=Stage.CONTENT_LIVE,
        agreed_fee=Decimal(1234),
    )
    f.OutcomeFactory(deliverable=f.DeliverableFactory(entry=entry), reach=5000, likes=300)
    page = login_page(world.editor_a)
    page.goto(f"{live_server.url}/campaigns/{world.campaign_a.pk}/results/")
    expect(page.locator("#client-margin")).to_contain_text("$1,766")
    section = page.locator("#share-links")
    section.locator("button", has_text="Create share link").click()
    shared_url = page.locator("[data-testid=new-share-url]")
    expect(shared_url).to_be_visible()
    expect(page.locator("#share-link-list tbody tr")).to_have_count(1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "share-link-created-1280.png"), full_page=True)
    url = shared_url.inner_text().strip()

    anonymous = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        client_page = anonymous.new_page()
        assert client_page.goto(url).status == 200
        expect(client_page.locator("#report-kpi-reach")).to_have_text("5,000")
        text = client_page.inner_text("body")
        assert "$1,234" not in text and "$1,766" not in text and "$3,000" not in text
    finally:
        anonymous.close()

    page.locator("#share-link-list button", has_text="Revoke").click()
    expect(page.locator("#share-link-list")).to_contain_text("revoked")
    assert page.locator("[data-testid=new-share-url]").count() == 0  # shown once only

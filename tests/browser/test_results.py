"""Browser journey on the results page: record a result inline (htmx, no reload) and see the KPI
tiles and the charts redraw with the new numbers."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from campaigns.models import Stage
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_record_result_inline_updates_tiles_and_charts(world, login_page, live_server):
    entry = f.RosterEntryFactory(
        campaign=world.campaign_a,
        creator=f.CreatorFactory(handle="leafy_lena"),
        stage=Stage.CONTENT_LIVE,
        agreed_fee=Decimal(500),
        prediction={"reach": 9000.0, "engagements": 700.0, "basis": "test"},
    )
    f.DeliverableFactory(entry=entry, post_url="https://instagram.com/p/AAA")
    page = login_page(world.editor_a)
    page.goto(f"{live_server.url}/campaigns/{world.campaign_a.pk}/results/")
    assert "—" in page.locator("#kpi-reach").inner_text()  # nothing measured yet: a dash
    assert page.locator("#chart-timeline").count() == 0  # no reading: an empty state instead
    assert "No readings yet" in page.inner_text(".results-charts")
    expect(page.locator("#chart-predicted")).to_have_attribute("data-points", "1")
    page.evaluate("window.__marker = 'still-here'")

    form = page.locator("form[hx-post$='/results/outcomes/']").first
    form.locator("input[name=reach]").fill("12000")
    form.locator("input[name=likes]").fill("900")
    form.locator("input[name=comments]").fill("100")
    form.locator("input[name=revenue]").fill("1500")
    form.locator("button", has_text="Record result").click()

    expect(page.locator("#kpi-reach")).to_have_text("12,000")
    assert page.locator("#kpi-engagements").inner_text().strip() == "1,000"
    assert page.locator("#kpi-roas").inner_text().strip() == "3.00×"
    assert page.locator("#kpi-revenue").inner_text().strip() == "$1,500"
    # Charts were redrawn from the new data: predicted + actual bars, a point in time.
    expect(page.locator("#chart-predicted")).to_have_attribute("data-points", "2")
    expect(page.locator("#chart-timeline")).to_have_attribute("data-points", "2")
    assert page.evaluate("window.__marker") == "still-here"  # no page reload
    assert entry.deliverables.get().outcomes.get().reach == 12000

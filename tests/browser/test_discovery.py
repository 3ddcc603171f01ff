"""Browser journey on discovery: log in through the form, filter, shortlist a creator in place
(no page reload: a window marker survives) and see the row marked shortlisted."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_filter_and_shortlist_without_reload(world, login_page, live_server):
    for handle, country in (("berlin_bakes", "DE"), ("paris_plates", "FR"), ("munich_meals", "DE")):
        creator = f.CreatorFactory(handle=handle, country=country)
        f.CreatorMetricsFactory(
            creator=creator,
            computed_at=timezone.now(),
            tier="micro",
            er_median=0.03,
            er_percentile=0.5,
            authenticity_score=80,
        )
    page = login_page(world.editor_a)
    page.goto(f"{live_server.url}/creators/")
    assert page.locator("#discovery-table tbody tr").count() == 3

    # Filter: the table updates in place and the URL carries the filter state.
    page.evaluate("window.__marker = 'still-here'")
    page.select_option("#id_country", "FR")  # a picker by name (issue 18.2)
    page.click("#discovery-filters button[type=submit]")
    # expect() polls without evaluating strings, which the page's CSP (no unsafe-eval) forbids.
    expect(page.locator("#discovery-table tbody tr")).to_have_count(1)
    assert "country=FR" in page.url
    assert page.locator("#discovery-table tbody tr").first.inner_text().startswith("@paris_plates")

    # Shortlist to the editor's campaign: the row swaps, the page does not reload.
    row = page.locator("#discovery-table tbody tr").first
    row.locator("select[name=campaign]").select_option(label="Spring glow")
    row.locator("button", has_text="Shortlist").click()
    page.wait_for_selector("#discovery-table tr.is-shortlisted")
    assert "Shortlisted to Spring glow" in page.locator("tr.is-shortlisted").inner_text()
    assert page.evaluate("window.__marker") == "still-here"
    assert world.campaign_a.roster.filter(creator__handle="paris_plates").exists()

    # The filter URL is shareable: loading it fresh shows the same filtered list.
    page.goto(page.url)
    assert page.locator("#discovery-table tbody tr").count() == 1

"""The campaign page in a browser: a run status that agrees with itself, a Filter button that
looks like a button, score bars with their numbers, and column headings that sort (aria-sort)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scoring.models import ScoreRun
from tests.campaigns.test_views_campaigns import make_matches

pytestmark = pytest.mark.django_db(transaction=True)


def test_campaign_page_status_filter_bars_and_sorting(world, login_page, live_server):
    make_matches(world.campaign_a, 6)
    world.campaign_a.match_scores.filter(rank=6).update(audience_fit=0.99)
    ScoreRun.objects.create(
        kind=ScoreRun.Kind.CAMPAIGN_MATCHES,
        campaign=world.campaign_a,
        status="succeeded",
        items_done=1290,
        items_total=1290,
        finished_at=timezone.now(),
    )
    page = login_page(world.editor_a)
    page.goto(f"{live_server.url}/campaigns/{world.campaign_a.pk}/")

    status = page.inner_text("#run-status")
    assert "Matches computed" in status and "Computing" not in status and "1290" not in status

    # The Filter button is a filled button, not a white box like the inputs beside it.
    button = page.locator("form[aria-label='Filter matches'] button[type=submit]")
    colours = button.evaluate(
        "b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]"
    )
    field = page.locator("form[aria-label='Filter matches'] input[type=number]").first
    assert colours[0] != field.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colours[1] == "rgb(255, 255, 255)"

    # Every bar shows its number.
    first_row = page.locator("#matches tbody tr").first
    assert first_row.locator(".bar-value").first.inner_text().strip() == "90"

    # Sort by audience fit: the sixth-ranked creator (fit 99) comes first, in place.
    page.evaluate("window.__marker = 'same-page'")
    page.click("#matches th >> text=Audience fit")
    expect(page.locator("#matches th[aria-sort=descending]")).to_contain_text("Audience fit")
    expect(page.locator("#matches tbody tr").first.locator("td").first).to_have_text("6")
    assert page.evaluate("window.__marker") == "same-page"
    assert "sort=-audience_fit" in page.url
    page.click("#matches th >> text=Audience fit")
    expect(page.locator("#matches th[aria-sort=ascending]")).to_contain_text("Audience fit")

"""Phone layouts (390 px): discovery opens on its results with the filters in a closed panel,
tables become stacked cards (each value labelled by its column), and no page is wider than
the phone."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Stage
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def creators(n=6):
    made = []
    for index in range(n):
        creator = f.CreatorFactory(handle=f"phone_creator_{index}", country="DE")
        f.CreatorMetricsFactory(
            creator=creator,
            computed_at=timezone.now(),
            tier="micro",
            er_median=0.03,
            er_percentile=0.5,
            authenticity_score=80,
        )
        made.append(creator)
    return made


def test_discovery_on_a_phone_shows_results_first(world, login_page, live_server):
    creators()
    page = login_page(world.editor_a)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/creators/")
    panel = page.locator("#discovery-filters details.filters-panel")
    assert panel.evaluate("d => d.open") is False
    expect(page.locator("#id_country")).to_be_hidden()
    first = page.locator("#discovery-table tbody tr").first
    assert first.bounding_box()["y"] < PHONE["height"]  # a result on the first screen
    # Stacked cards: the header row is out of sight, every value carries its column's name.
    assert page.locator("#discovery-table").evaluate("t => t.classList.contains('cards')")
    assert first.evaluate("r => getComputedStyle(r).display") == "grid"
    labels = first.locator("td[data-label]").evaluate_all(
        "cells => cells.map(c => c.dataset.label)"
    )
    assert "Followers" in labels
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The panel opens on demand and filters as before.
    panel.locator("> summary").click()
    page.select_option("#id_country", "FR")  # a picker by name (issue 18.2)
    page.click("#discovery-filters button[type=submit]")
    expect(page.locator("#discovery-table tbody tr")).to_have_count(0)


def test_desktop_keeps_the_filters_open(world, login_page, live_server):
    creators(1)
    page = login_page(world.editor_a)
    page.goto(f"{live_server.url}/creators/")
    expect(page.locator("#id_country")).to_be_visible()
    assert page.locator("#discovery-table thead").is_visible()


def test_results_and_roster_fit_a_phone_as_cards(world, login_page, live_server):
    world.campaign_a.budget = Decimal("5000")
    world.campaign_a.save()
    for index, creator in enumerate(creators(8)):
        entry = f.RosterEntryFactory(
            campaign=world.campaign_a,
            creator=creator,
            stage=Stage.CONTENT_LIVE if index % 2 else Stage.SHORTLISTED,
            agreed_fee=Decimal(300),
        )
        f.DeliverableFactory(entry=entry, platform="instagram")
    page = login_page(world.editor_a)
    page.set_viewport_size(PHONE)
    for path in ("results/", "roster/", ""):
        page.goto(f"{live_server.url}/campaigns/{world.campaign_a.pk}/{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    page.goto(f"{live_server.url}/campaigns/{world.campaign_a.pk}/results/")
    row = page.locator("#creator-results tbody tr", has_text="@phone_creator_1")
    assert row.evaluate("r => getComputedStyle(r).display") == "grid"
    assert row.locator("td[data-label=Fee]").inner_text().strip() == "$300"
    # Unmeasured metrics are left out of a card rather than listed as dashes.
    assert row.locator("td[data-label=Reach]").is_hidden()
    assert page.locator("#results-upload").evaluate("d => d.open") is False

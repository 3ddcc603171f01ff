"""The marketer's journey in a real browser: log in, filter discovery, shortlist two creators
without a reload, open the campaign, read a score breakdown, set a fee and move a creator to
"contracted" on the roster board, and see the committed budget update in place."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scoring.models import COMPONENTS
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def seed(world):
    """Three creators with metrics and a ranked match each for campaign A (rows made directly:
    this journey is about the pages, the scoring maths has its own tests)."""
    world.campaign_a.budget = Decimal("5000")
    world.campaign_a.save()
    now = timezone.now()
    for rank, (handle, country) in enumerate(
        (("berlin_bakes", "DE"), ("paris_plates", "FR"), ("munich_meals", "DE")), start=1
    ):
        creator = f.CreatorFactory(handle=handle, country=country)
        f.CreatorMetricsFactory(
            creator=creator,
            computed_at=now,
            tier="micro",
            er_median=0.03,
            er_percentile=0.5,
            authenticity_score=80,
        )
        value = 0.9 - rank * 0.1
        f.MatchScoreFactory(
            campaign=world.campaign_a,
            creator=creator,
            computed_at=now,
            rank=rank,
            total=value,
            components={
                name: {
                    "value": value,
                    "weight": 1 / len(COMPONENTS),
                    "contribution": value / len(COMPONENTS),
                    "inputs": {"country": country},
                    "estimated": False,
                    "definition": f"Definition of {name.replace('_', ' ')}",
                }
                for name in COMPONENTS
            },
            **dict.fromkeys(COMPONENTS, value),
        )


def test_marketer_journey(world, login_page, live_server):
    seed(world)
    page = login_page(world.editor_a)

    # Discovery: filter to Germany, shortlist both German creators in place.
    page.goto(f"{live_server.url}/creators/")
    page.evaluate("window.__marker = 'no-reload'")
    page.select_option("#id_country", "DE")  # a picker by name (issue 18.2)
    page.click("#discovery-filters button[type=submit]")
    expect(page.locator("#discovery-table tbody tr")).to_have_count(2)
    for index in range(2):
        row = page.locator("#discovery-table tbody tr").nth(index)
        row.locator("select[name=campaign]").select_option(label="Spring glow")
        row.locator("button", has_text="Shortlist").click()
        expect(page.locator("#discovery-table tr.is-shortlisted")).to_have_count(index + 1)
    assert page.evaluate("window.__marker") == "no-reload"
    assert set(world.campaign_a.roster.values_list("creator__handle", flat=True)) == {
        "berlin_bakes",
        "munich_meals",
    }

    # The campaign page: ranked matches; rostered creators are marked.
    page.click("nav >> text=Campaigns")
    page.click("text=Spring glow")
    rows = page.locator("#matches tbody tr")
    assert rows.count() == 3
    assert rows.first.inner_text().startswith("1")
    assert "On roster" in rows.first.inner_text()

    # Why: every component with its definition.
    page.click("#matches >> text=@paris_plates")
    page.wait_for_selector("#why")
    assert "Definition of audience fit" in page.inner_text("#why")
    assert "Definition of track record" in page.inner_text("#why")
    page.go_back()

    # Roster board: agree a fee, move to contracted, watch the committed budget change in place.
    page.click("text=Roster board")
    page.evaluate("window.__marker = 'board'")
    assert page.inner_text("#budget-committed").strip() == "$0.00"
    card = page.locator(".board-card[data-creator=berlin_bakes]")
    card.locator("summary", has_text="Fee, notes, owner").click()
    card.locator("input[name=agreed_fee]").fill("1200")
    card.locator("button", has_text="Save").click()
    page.wait_for_selector(".board-card[data-creator=berlin_bakes] >> text=$1,200")
    card = page.locator(".board-card[data-creator=berlin_bakes]")
    card.locator("select[name=stage]").select_option("contracted")
    card.locator("button", has_text="Move").click()
    page.wait_for_selector("[data-stage=contracted] .board-card[data-creator=berlin_bakes]")
    assert page.inner_text("#budget-committed").strip() == "$1,200"
    assert page.inner_text("#budget-remaining").strip() == "$3,800"
    assert page.evaluate("window.__marker") == "board"
    entry = world.campaign_a.roster.get(creator__handle="berlin_bakes")
    assert entry.stage == "contracted"
    assert entry.stage_changes.filter(to_stage="contracted", changed_by=world.editor_a).exists()

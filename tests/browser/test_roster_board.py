"""The roster board in a real browser: every stage fits 1280 px (closed and empty stages collapse
and expand), the budget line stays in view while working far down the board, the over-budget
amount is marked, a fee save is confirmed on its card, cards open the creator's profile, and
several creators move at once."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from campaigns import services
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def seed(world, shortlisted=12):
    campaign = world.campaign_a
    campaign.budget = Decimal("1000")
    campaign.save()
    entries = []
    for index in range(shortlisted):
        creator = f.CreatorFactory(handle=f"creator_{index:02d}")
        entries.append(
            services.roster_entry_add(campaign=campaign, creator=creator, user=world.editor_a)
        )
    contracted = services.roster_entry_add(
        campaign=campaign, creator=f.CreatorFactory(handle="big_fee"), user=world.editor_a
    )
    services.roster_entry_update(entry=contracted, user=world.editor_a, agreed_fee="1500")
    services.roster_entry_move(entry=contracted, stage="contracted", user=world.editor_a)
    gone = services.roster_entry_add(
        campaign=campaign, creator=f.CreatorFactory(handle="said_no"), user=world.editor_a
    )
    services.roster_entry_move(entry=gone, stage="declined", user=world.editor_a)
    return entries


def test_board_fits_keeps_budget_in_view_and_moves_several(world, login_page, live_server):
    entries = seed(world)
    page = login_page(world.editor_a)
    page.goto(f"{live_server.url}/campaigns/{world.campaign_a.pk}/roster/")

    # Every stage column starts inside the 1280 px window; Declined is a collapsed column.
    for stage in ("shortlisted", "contacted", "contracted", "completed", "declined"):
        box = page.locator(f"[data-stage={stage}]").bounding_box()
        assert box["x"] + box["width"] <= 1280, stage
    declined = page.locator("details[data-stage=declined]")
    expect(declined.locator(".board-card[data-creator=said_no]")).to_be_hidden()
    declined.locator("> summary").click()
    expect(declined.locator(".board-card[data-creator=said_no]")).to_be_visible()

    # Over budget: 1,500 committed of 1,000, the amount marked.
    expect(page.locator("#over-budget")).to_have_text("Over budget by $500")
    assert page.inner_text("#budget-remaining").strip() == "-$500"

    # Far down the board the budget line is still on screen.
    last = page.locator(".board-card[data-creator=creator_11]")
    last.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 300
    budget = page.locator("#budget").bounding_box()
    assert 0 <= budget["y"] < 900 and page.locator("#budget-committed").is_visible()

    # A fee save says so on its card, in place.
    page.evaluate("window.__marker = 'board'")
    last.locator("summary", has_text="Fee, notes, owner").click()
    last.locator("input[name=agreed_fee]").fill("250")
    last.locator("button", has_text="Save").click()
    card = page.locator(".board-card[data-creator=creator_11]")
    expect(card.locator(".saved")).to_have_text("Saved")
    expect(card.locator(".fee")).to_have_text("$250")

    # Several at once: tick two cards, move them to Contacted.
    for handle in ("creator_00", "creator_01"):
        page.locator(f".board-card[data-creator={handle}] input[type=checkbox]").check()
    page.select_option("#bulk-stage", "contacted")
    page.click("button:has-text('Move selected')")
    expect(page.locator("[data-stage=contacted] .board-card")).to_have_count(2)
    expect(page.locator(".board-messages")).to_contain_text("Moved 2 creators to Contacted.")
    assert page.evaluate("window.__marker") == "board"  # no reload
    entries[0].refresh_from_db()
    assert entries[0].stage == "contacted"

    # A card opens the creator's profile.
    page.click(".board-card[data-creator=creator_05] a.card-handle")
    page.wait_for_url(f"**/creators/{entries[5].creator_id}/")

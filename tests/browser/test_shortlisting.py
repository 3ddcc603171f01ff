"""Shortlisting from discovery in a real browser: the picker groups campaigns by brand with full
names, the row keeps its score and columns and says what happened without overflowing the table,
and several creators are shortlisted at once."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_shortlist_from_discovery_row_and_in_bulk(world, login_page, live_server):
    autumn = f.CampaignFactory(brand=world.brand_a, name="Leafy Skincare Autumn push long name")
    creators = []
    for i, handle in enumerate(("alpha_glow", "beta_glow", "gamma_glow")):
        creator = f.CreatorFactory(handle=handle, followers=20_000 + i)
        f.CreatorMetricsFactory(
            creator=creator, computed_at=timezone.now(), tier="micro", catalogue_score=1.0 - i / 10
        )
        creators.append(creator)
    f.MatchScoreFactory(
        campaign=autumn, creator=creators[0], computed_at=timezone.now(), rank=1, total=0.61
    )
    contracted = f.RosterEntryFactory(campaign=autumn, creator=creators[2], stage="contracted")
    page = login_page(world.editor_a)
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/creators/?q=_glow")
    row = page.locator(f"#creator-{creators[0].pk}")
    groups = row.locator("select[name=campaign] optgroup")
    assert groups.evaluate_all("gs => gs.map(g => g.label)") == [world.brand_a.name]
    assert autumn.name in row.locator("select[name=campaign]").inner_text()  # the full name
    score_before = row.locator("td").nth(6).inner_text()
    row.locator("select[name=campaign]").select_option(label=autumn.name)
    row.locator("button", has_text="Shortlist").click()
    row = page.locator(f"#creator-{creators[0].pk}.is-shortlisted")
    expect(row.locator(".roster-note")).to_have_text(f"Shortlisted to {autumn.name}")
    assert score_before == "100"  # the catalogue score, 0-100
    assert row.locator("td").nth(6).inner_text() == score_before  # not the campaign's 61
    assert row.locator("td").count() == 8
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth")  # nothing cut off at 1280 px

    # Re-shortlisting a contracted creator says where it is.
    other = page.locator(f"#creator-{creators[2].pk}")
    other.locator("select[name=campaign]").select_option(label=autumn.name)
    other.locator("button", has_text="Shortlist").click()
    expect(page.locator(f"#creator-{creators[2].pk} .roster-note")).to_have_text(
        f"Already on the roster of {autumn.name} (Contracted)"
    )
    contracted.refresh_from_db()
    assert contracted.stage == "contracted"

    # Bulk: tick two, shortlist them to Spring glow at once.
    for creator in creators[:2]:
        page.locator(f"#creator-{creator.pk} input.select-creator").check()
    page.locator("#bulk-campaign").select_option(label=world.campaign_a.name)
    page.get_by_role("button", name="Shortlist selected").click()
    expect(page.locator(".messages")).to_contain_text("2 shortlisted to “Spring glow”")
    assert set(world.campaign_a.roster.values_list("creator__handle", flat=True)) == {
        "alpha_glow",
        "beta_glow",
    }
    assert console == []  # no CSP violation, no failed request

"""The campaign form in a real browser: every seeded campaign edited and saved unchanged keeps
every field (dates included); a new campaign's targeting picked by name, from the brand's defaults."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from playwright.sync_api import expect

from campaigns.models import Campaign
from matchmaker.demo.workspace import DEMO_PASSWORD
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

OWNERS = ("agency_owner", "verde_owner", "pixel_owner")


def campaign_state(campaign: Campaign) -> dict:
    state = model_to_dict(campaign, exclude=["niches"])
    state["niches"] = sorted(campaign.niches.values_list("pk", flat=True))
    return state


@pytest.fixture
def seeded_demo(db):
    call_command("seed_demo", creators=60, seed=7, skip_scoring=True, stdout=StringIO())


def test_saving_every_seeded_campaign_unchanged_changes_nothing(
    seeded_demo, login_page, live_server
):
    before = {c.pk: campaign_state(c) for c in Campaign.objects.all()}
    assert len(before) == 12 and all(s["starts_on"] and s["ends_on"] for s in before.values())
    saved = 0
    for username in OWNERS:
        page = login_page(type("U", (), {"username": username})(), password=DEMO_PASSWORD)
        for campaign in Campaign.objects.filter(
            brand__organization__memberships__user__username=username
        ):
            page.goto(f"{live_server.url}/campaigns/{campaign.pk}/edit/")
            # What the browser holds is what it will submit: an ISO date, not a blank.
            assert page.input_value("#id_starts_on") == campaign.starts_on.isoformat()
            page.click("form.card button[type=submit]")
            page.wait_for_url(f"**/campaigns/{campaign.pk}/")
            assert "Campaign saved." in page.inner_text(".messages")
            saved += 1
        page.context.clear_cookies()
    assert saved == 12
    after = {c.pk: campaign_state(c) for c in Campaign.objects.all()}
    assert after == before


def test_new_campaign_targeting_is_picked_from_known_values_starting_from_the_brand(
    world, login_page, live_server
):
    skincare = f.CategoryFactory(name="Skincare", slug="skincare")
    makeup = f.CategoryFactory(name="Makeup", slug="makeup")
    f.CategoryFactory(name="Gaming", slug="gaming")
    brand = world.brand_a
    brand.target_countries, brand.target_languages = ["DE"], ["de"]
    brand.target_interests, brand.keywords = ["skincare"], ["vegan"]
    brand.excluded_keywords = ["gambling"]
    brand.save()
    page = login_page(world.editor_a)
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/campaigns/new/")

    def tags(field: str) -> list[str]:
        box = page.locator(f"#id_{field} + .tag-input")
        return [t.strip() for t in box.locator(".tag span").all_inner_texts()]

    # The brand's defaults are there, by name; niches from the brand's interests.
    assert tags("target_countries") == ["Germany (DE)"]
    assert tags("target_languages") == ["German (de)"]
    assert tags("niches") == ["Skincare"]
    assert tags("keywords") == ["vegan"] and tags("excluded_keywords") == ["gambling"]
    # No raw two-letter text box: the country is typed by name and picked from the list.
    page.fill("#id_name", "Summer glow")
    page.click("#id_target_countries_entry")
    page.keyboard.type("fran")
    expect(page.locator(".tag-options:visible .tag-option").first).to_have_text("France (FR)")
    page.keyboard.press("Enter")
    page.locator("#id_target_countries + .tag-input").get_by_role(
        "button", name="Remove Germany (DE)"
    ).click()
    page.click("#id_target_languages_entry")
    page.keyboard.type("es")  # a code finds its language first
    expect(page.locator(".tag-options:visible .tag-option").first).to_have_text("Spanish (es)")
    page.keyboard.press("Enter")
    page.click("#id_niches_entry")
    page.keyboard.type("make")
    page.keyboard.press("Enter")
    page.click("#id_target_age_buckets_entry")
    page.keyboard.type("25")
    page.keyboard.press("Enter")
    page.click("#id_keywords_entry")
    page.keyboard.type("serum")
    page.keyboard.press("Enter")
    page.keyboard.type("spf,")
    page.click("#id_excluded_keywords_entry")
    page.keyboard.type("vaping")
    page.keyboard.press("Enter")
    assert tags("target_countries") == ["France (FR)"]
    assert tags("keywords") == ["vegan", "serum", "spf"]
    page.get_by_role("button", name="Create campaign").click()
    page.wait_for_url("**/campaigns/*/")

    campaign = Campaign.objects.get(name="Summer glow")
    assert campaign.target_countries == ["FR"]
    assert campaign.target_languages == ["de", "es"]
    assert campaign.target_age_buckets == ["25-34"]
    assert set(campaign.niches.all()) == {skincare, makeup}
    assert campaign.keywords == ["vegan", "serum", "spf"]
    assert campaign.excluded_keywords == ["gambling", "vaping"]
    assert console == []  # no CSP violation (inline style or script) from the pickers


def test_choosing_another_brand_fills_its_targeting(world, login_page, live_server):
    other = f.BrandFactory(organization=world.org_a, name="Zest Coffee", target_countries=["IT"])
    world.brand_a.target_countries = ["DE"]
    world.brand_a.save()
    page = login_page(world.editor_a)
    page.goto(f"{live_server.url}/campaigns/new/")
    chips = page.locator("#id_target_countries + .tag-input .tag span")
    expect(chips).to_have_text(["Germany (DE)"])
    page.select_option("#id_brand", label="Zest Coffee")
    page.wait_for_url(f"**/campaigns/new/?brand={other.pk}")
    expect(chips).to_have_text(["Italy (IT)"])
    assert page.input_value("#id_brand") == str(other.pk)

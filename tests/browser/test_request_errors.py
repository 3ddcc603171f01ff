"""Failed in-page (htmx) requests say what went wrong next to the control: a refused form comes
back (422) with its errors beside the inputs; any other failure shows the server's message."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from campaigns.models import Outcome, Stage
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def deliverable(world):
    entry = f.RosterEntryFactory(
        campaign=world.campaign_a,
        creator=f.CreatorFactory(handle="leafy_lena"),
        stage=Stage.CONTENT_LIVE,
        agreed_fee=Decimal(500),
    )
    return f.DeliverableFactory(entry=entry, post_url="https://instagram.com/p/AAA")


def test_negative_reach_typed_inline_shows_the_message_beside_it(
    world, deliverable, login_page, live_server
):
    page = login_page(world.editor_a)
    page.goto(f"{live_server.url}/campaigns/{world.campaign_a.pk}/results/")
    form = page.locator(f"#outcome-form-{deliverable.pk}")
    form.locator("input[name=reach]").fill("-5")
    form.locator("input[name=likes]").fill("30")
    form.locator("button", has_text="Record result").click()

    error = form.locator(".field-error .error")
    expect(error).to_have_text("Reach: Ensure this value is greater than or equal to 0.")
    # The message sits beside the reach input, and what was typed is still there.
    assert form.locator(".field-error input[name=reach]").count() == 1
    assert form.locator("input[name=likes]").input_value() == "30"
    assert not Outcome.objects.filter(deliverable=deliverable).exists()

    # Corrected, the same form saves and the page redraws without the error.
    form.locator("input[name=reach]").fill("5000")
    form.locator("button", has_text="Record result").click()
    expect(page.locator("#kpi-reach")).to_have_text("5,000")
    expect(page.locator(".field-error")).to_have_count(0)
    assert Outcome.objects.get(deliverable=deliverable).reach == 5000


def test_a_failure_other_than_a_form_error_shows_the_servers_message(
    world, deliverable, login_page, live_server
):
    page = login_page(world.editor_a)
    page.goto(f"{live_server.url}/campaigns/{world.campaign_a.pk}/results/")
    pk = deliverable.pk
    deliverable.delete()  # removed by someone else while the page was open: a 404
    form = page.locator(f"#outcome-form-{pk}")
    form.locator("input[name=reach]").fill("100")
    form.locator("button", has_text="Record result").click()
    box = page.locator(f"#outcome-form-{pk} + .request-error")
    expect(box).to_contain_text("There is nothing here")
    expect(box).to_have_attribute("role", "alert")

"""Tracked links per deliverable (issue 21, "per roster entry (and per deliverable when wanted),
a short link /r/<code>"): a link belongs to a roster entry and optionally one deliverable; its
utm_content names the deliverable; its clicks and orders count for the roster entry; the
results page creates it, the roster card and the exports list it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from campaigns import tasks, tracking
from campaigns.conversions import services as conversion_services
from campaigns.models import Conversion, Deliverable, LinkClickDay, Stage, TrackedLink
from campaigns.outcomes import selectors as outcome_selectors
from tests import factories as f

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile"


@pytest.fixture
def lena(world):
    campaign = world.campaign_a
    campaign.landing_url = "https://lumen.example/spring"
    campaign.save()
    entry = f.RosterEntryFactory(
        campaign=campaign,
        creator=f.CreatorFactory(handle="leafy.lena", platform="instagram"),
        stage=Stage.CONTENT_LIVE,
        agreed_fee=Decimal("400"),
    )
    reel = f.DeliverableFactory(entry=entry, format=Deliverable.Format.REEL)
    story = f.DeliverableFactory(entry=entry, format=Deliverable.Format.STORY)
    return entry, reel, story


def visit(client, code, ip="203.0.113.7"):
    return client.get(f"/r/{code}", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=ip)


def test_a_deliverable_link_names_the_deliverable_in_utm_content(client, lena):
    entry, reel, _ = lena
    link, created = tracking.deliverable_link(reel)
    assert created and link.entry_id == entry.pk and link.deliverable_id == reel.pk
    again, created_again = tracking.deliverable_link(reel)
    assert again.pk == link.pk and not created_again  # idempotent
    own = TrackedLink.objects.get(entry=entry, deliverable__isnull=True)
    assert own.code != link.code and entry.link == own
    query = parse_qs(urlsplit(visit(client, link.code)["Location"]).query)
    assert query["utm_content"] == [f"leafy.lena_reel-{reel.pk}"]
    assert query["utm_source"] == ["instagram"]
    own_query = parse_qs(urlsplit(visit(client, own.code)["Location"]).query)
    assert own_query["utm_content"] == ["leafy.lena"]  # the entry's own link is unchanged


def test_the_deliverable_placeholder_goes_where_the_template_puts_it(client, lena):
    entry, reel, _ = lena
    entry.campaign.utm_params = {"utm_content": "{deliverable}-by-{handle}"}
    entry.campaign.save()
    tracking.forget_lookups()
    link, _ = tracking.deliverable_link(reel)
    query = parse_qs(urlsplit(visit(client, link.code)["Location"]).query)
    assert query["utm_content"] == [f"reel-{reel.pk}-by-leafy.lena"]
    own_query = parse_qs(urlsplit(visit(client, entry.link.code)["Location"]).query)
    assert own_query["utm_content"] == ["by-leafy.lena"]  # no dangling separator
    entry.campaign.utm_params = {"utm_content": ""}  # left off the links: off for both
    entry.campaign.save()
    tracking.links_changed()
    query = parse_qs(urlsplit(visit(client, link.code, ip="203.0.113.9")["Location"]).query)
    assert "utm_content" not in query


def test_one_own_link_per_entry_and_one_link_per_deliverable(lena):
    entry, reel, _ = lena
    tracking.deliverable_link(reel)
    with pytest.raises(IntegrityError), transaction.atomic():
        TrackedLink.objects.create(entry=entry, code="dupeOWN1")
    with pytest.raises(IntegrityError), transaction.atomic():
        TrackedLink.objects.create(entry=entry, deliverable=reel, code="dupeDEL1")
    tracking.provision_campaign(entry.campaign)  # finds the own link: makes no second one
    assert TrackedLink.objects.filter(entry=entry, deliverable__isnull=True).count() == 1


def test_clicks_on_a_deliverable_link_roll_up_to_the_entry(client, lena):
    entry, reel, story = lena
    reel_link, _ = tracking.deliverable_link(reel)
    story_link, _ = tracking.deliverable_link(story)
    visit(client, reel_link.code, ip="203.0.113.1")
    visit(client, reel_link.code, ip="203.0.113.2")
    visit(client, story_link.code, ip="203.0.113.3")
    visit(client, entry.link.code, ip="203.0.113.4")
    tasks.flush_link_clicks()
    assert LinkClickDay.objects.get(link=reel_link).clicks == 2
    row = tracking.link_rows(entry.campaign)[entry.pk]
    assert row["code"] == entry.link.code and row["clicks"] == 4  # 2 + 1 + its own 1
    by_deliverable = {d["deliverable_id"]: d for d in row["deliverables"]}
    assert by_deliverable[reel.pk]["clicks"] == 2 and by_deliverable[story.pk]["clicks"] == 1
    assert by_deliverable[reel.pk]["slug"] == f"reel-{reel.pk}"


def test_orders_through_a_deliverable_link_count_for_the_entry(client_for, world, lena):
    entry, reel, story = lena
    reel_link, _ = tracking.deliverable_link(reel)
    tracking.deliverable_link(story)
    at = datetime(2026, 5, 2, 12, tzinfo=UTC)
    orders = [
        {  # a click id of the reel's link
            "order_id": "#1",
            "amount": Decimal("50.00"),
            "currency": "USD",
            "occurred_at": at,
            "click_id": tracking.new_click_id(reel_link.code, at),
        },
        {  # the story's utm_content on the landing page
            "order_id": "#2",
            "amount": Decimal("30.00"),
            "currency": "USD",
            "occurred_at": at,
            "utm_content": f"leafy.lena_story-{story.pk}",
        },
    ]
    conversion_services.record_conversions(
        campaign=entry.campaign, orders=orders, source=Conversion.Source.POSTBACK
    )
    by_id = {c.order_id: c for c in Conversion.objects.filter(campaign=entry.campaign)}
    assert by_id["#1"].entry_id == entry.pk and by_id["#1"].attributed_by == "click"
    assert by_id["#2"].entry_id == entry.pk and by_id["#2"].attributed_by == "utm"
    results = outcome_selectors.campaign_results(entry.campaign)
    metrics = results.creators[0].metrics
    assert metrics["conversions"] == 2 and metrics["revenue"] == 80.0
    assert metrics["basis"] == "measured"


def test_the_results_page_creates_a_deliverable_link(client_for, world, lena):
    entry, reel, _ = lena
    path = reverse("campaigns:deliverable_link_create", args=[entry.campaign.pk, reel.pk])
    editor = client_for(world.editor_a)
    page = editor.get(reverse("campaigns:results", args=[entry.campaign.pk])).content.decode()
    assert page.count("Create tracked link</button>") == 2  # one per deliverable
    response = editor.post(path, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    link = TrackedLink.objects.get(deliverable=reel)
    html = response.content.decode()
    assert f'id="deliverable-link-{reel.pk}"' in html and f"/r/{link.code}" in html
    assert f"leafy.lena_reel-{reel.pk}" in html
    assert html.count("Create tracked link</button>") == 1  # the story still has none
    editor.post(path)  # again, without htmx: the same link
    assert TrackedLink.objects.filter(deliverable=reel).count() == 1


def test_viewers_and_other_organisations_cannot_create_one(client_for, world, lena):
    entry, reel, _ = lena
    path = reverse("campaigns:deliverable_link_create", args=[entry.campaign.pk, reel.pk])
    assert client_for(world.viewer_a).post(path).status_code == 404
    assert client_for(world.owner_b).post(path).status_code == 404
    other = f.DeliverableFactory(entry=f.RosterEntryFactory(campaign=world.campaign_b))
    foreign = reverse("campaigns:deliverable_link_create", args=[entry.campaign.pk, other.pk])
    assert client_for(world.owner_a).post(foreign).status_code == 404
    assert not TrackedLink.objects.filter(deliverable__isnull=False).exists()
    viewer_page = client_for(world.viewer_a).get(
        reverse("campaigns:results", args=[entry.campaign.pk])
    )
    assert "Create tracked link" not in viewer_page.content.decode()


def test_the_roster_card_lists_the_deliverable_links(client_for, world, lena):
    entry, reel, _ = lena
    link, _ = tracking.deliverable_link(reel)
    html = (
        client_for(world.viewer_a)
        .get(reverse("campaigns:roster", args=[entry.campaign.pk]))
        .content.decode()
    )
    card = html[html.index(f'id="entry-{entry.pk}"') :]
    card = card[: card.index("</article>")]
    assert f"/r/{entry.link.code}" in card and f"/r/{link.code}" in card
    assert "Reel / short video" in card


def test_exports_list_the_deliverable_links(client_for, world, lena):
    from openpyxl import load_workbook

    entry, reel, _ = lena
    link, _ = tracking.deliverable_link(reel)
    visit(client_for(world.viewer_a), link.code)
    tasks.flush_link_clicks()
    client = client_for(world.viewer_a)
    body = client.get(reverse("campaigns:results_export", args=[entry.campaign.pk, "csv"]))
    row = next(csv.DictReader(io.StringIO(body.content.decode("utf-8-sig"))))
    assert row["deliverable_links"] == f"reel-{reel.pk} http://testserver/r/{link.code} (1 click)"
    assert row["link_clicks"] == "1"
    book = client.get(reverse("campaigns:results_export", args=[entry.campaign.pk, "xlsx"]))
    rows = list(load_workbook(io.BytesIO(book.content)).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Creator")
    mine = dict(zip(header, next(r for r in rows if r and r[0] == "leafy.lena"), strict=True))
    assert mine["Deliverable links"].startswith(f"reel-{reel.pk} http://testserver/r/{link.code}")
    assert mine["Link clicks"] == 1
    total = dict(zip(header, rows[-1], strict=True))
    assert total["Link clicks"] == 1  # the totals row still sums the link clicks column

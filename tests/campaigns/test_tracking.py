"""Tracked links /r/<code> and promo codes of roster entries (issue 21, items 1 and 2)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns import tasks, tracking
from campaigns.models import LinkClickDay, RosterEntry, TrackedLink
from tests import factories as f

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile"
OTHER_BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36"


@pytest.fixture
def linked(world):
    campaign = world.campaign_a
    campaign.name = "Spring Glow 2026"
    campaign.landing_url = "https://lumen.example/spring?ref=home"
    campaign.save()
    entry = f.RosterEntryFactory(
        campaign=campaign, creator=f.CreatorFactory(handle="leafy.lena", platform="tiktok")
    )
    return entry, TrackedLink.objects.get(entry=entry)


def visit(client, code, ua=BROWSER, ip="203.0.113.7"):
    return client.get(f"/r/{code}", HTTP_USER_AGENT=ua, REMOTE_ADDR=ip)


def clicks(link) -> int:
    tasks.flush_link_clicks()
    return sum(LinkClickDay.objects.filter(link=link).values_list("clicks", flat=True))


def test_redirect_adds_utm_and_a_click_id(client, linked):
    _, link = linked
    response = visit(client, link.code)
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert (url.scheme, url.netloc, url.path) == ("https", "lumen.example", "/spring")
    query = parse_qs(url.query)
    assert query["ref"] == ["home"]
    assert query["utm_source"] == ["tiktok"]
    assert query["utm_medium"] == ["influencer"]
    assert query["utm_campaign"] == ["spring-glow-2026"]
    assert query["utm_content"] == ["leafy.lena"]
    click_id = query[tracking.CLICK_ID_PARAM][0]
    assert click_id.startswith(f"{link.code}.") and len(click_id) > len(link.code) + 8
    assert response["X-Robots-Tag"] == "noindex"


def test_utm_parameters_editable_per_campaign(client, linked):
    entry, link = linked
    campaign = entry.campaign
    campaign.utm_params = {"utm_medium": "creator-{platform}", "utm_content": "", "utm_term": "x"}
    campaign.save()
    query = parse_qs(urlsplit(visit(client, link.code)["Location"]).query)
    assert query["utm_medium"] == ["creator-tiktok"]
    assert "utm_content" not in query
    assert query["utm_term"] == ["x"]


def test_a_click_counts_once_per_visitor_per_day(client, linked, monkeypatch):
    _, link = linked
    for _ in range(3):
        visit(client, link.code)
    assert clicks(link) == 1
    visit(client, link.code, ua=OTHER_BROWSER)
    visit(client, link.code, ip="198.51.100.20")
    assert clicks(link) == 3
    # Next day the same visitor counts again, on the next day's row.
    tomorrow = tracking.today().fromordinal(tracking.today().toordinal() + 1)
    monkeypatch.setattr(tracking, "today", lambda: tomorrow)
    visit(client, link.code)
    assert clicks(link) == 4
    assert LinkClickDay.objects.get(link=link, day=tomorrow).clicks == 1
    # A flush with nothing buffered writes nothing more.
    assert tasks.flush_link_clicks() == 0
    assert clicks(link) == 4


@pytest.mark.parametrize(
    "ua",
    [
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "WhatsApp/2.23.20.0",
        "Twitterbot/1.0",
        "TelegramBot (like TwitterBot)",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "",
    ],
)
def test_bots_and_link_previews_are_redirected_not_counted(client, linked, ua):
    _, link = linked
    assert visit(client, link.code, ua=ua).status_code == 302
    assert clicks(link) == 0


def test_head_requests_are_not_counted(client, linked):
    _, link = linked
    assert client.head(f"/r/{link.code}", HTTP_USER_AGENT=BROWSER).status_code == 302
    assert clicks(link) == 0


def test_nothing_personal_is_stored(client, linked):
    _, link = linked
    visit(client, link.code, ip="203.0.113.99")
    clicks(link)
    rows = list(LinkClickDay.objects.values())
    assert len(rows) == 1
    assert set(rows[0]) == {"id", "link_id", "day", "clicks"}
    stored = " ".join(str(v) for row in rows for v in row.values())
    stored += " ".join(str(v) for row in TrackedLink.objects.values() for v in row.values())
    assert "203.0.113.99" not in stored and "iPhone" not in stored


def test_visitor_key_is_salted_and_rotates_daily(settings):
    day = tracking.today()
    next_day = day.fromordinal(day.toordinal() + 1)
    key = tracking.visitor_key("203.0.113.7", BROWSER, day)
    assert "203.0.113.7" not in key
    assert key != tracking.visitor_key("203.0.113.7", BROWSER, next_day)
    settings.TRACKING_SALT = "another salt"
    assert key != tracking.visitor_key("203.0.113.7", BROWSER, day)


def test_unknown_and_retired_codes_404(client, linked):
    _, link = linked
    assert visit(client, "nope1234").status_code == 404
    visit(client, link.code)  # cached as active
    tracking.set_status(link, TrackedLink.Status.RETIRED)
    assert visit(client, link.code, ua=OTHER_BROWSER).status_code == 404
    assert clicks(link) == 1


def test_a_campaign_without_a_landing_url_404s(client, linked):
    entry, link = linked
    entry.campaign.landing_url = ""
    entry.campaign.save()
    assert visit(client, link.code).status_code == 404


def test_paused_link_redirects_without_counting(client, linked):
    _, link = linked
    tracking.set_status(link, TrackedLink.Status.PAUSED)
    response = visit(client, link.code)
    assert response.status_code == 302
    assert "utm_source=tiktok" in response["Location"]
    assert clicks(link) == 0


def test_hot_path_reads_the_database_once_then_not_at_all(client, linked, monkeypatch):
    """With a shared (Redis) buffer the worker's flush writes the clicks: the redirect reads the
    link once, then nothing."""
    monkeypatch.setattr(tracking, "cache_is_shared", lambda: True)
    _, link = linked
    with CaptureQueriesContext(connection) as first:
        visit(client, link.code)
    with CaptureQueriesContext(connection) as again:
        visit(client, link.code, ua=OTHER_BROWSER)
    assert len(first) == 1
    assert len(again) == 0


def test_without_a_shared_buffer_a_click_is_written_through(client, linked, monkeypatch):
    """`make demo` has no Redis and no worker reading this process's cache: the click lands in
    the database at once instead of waiting for a flush that would never see it."""
    monkeypatch.setattr(tracking, "cache_is_shared", lambda: False)
    _, link = linked
    visit(client, link.code)
    visit(client, link.code)  # the same visitor: still one
    assert LinkClickDay.objects.get(link=link).clicks == 1


def test_every_roster_entry_gets_a_link_and_a_unique_promo_code(world):
    campaign = world.campaign_a
    campaign.promo_code_pattern = "LUMEN-<HANDLE>-15"
    campaign.save()
    one = f.RosterEntryFactory(campaign=campaign, creator=f.CreatorFactory(handle="jo.x"))
    two = f.RosterEntryFactory(campaign=campaign, creator=f.CreatorFactory(handle="jo_x"))
    other = f.RosterEntryFactory(campaign=world.campaign_b, creator=f.CreatorFactory(handle="jo-x"))
    codes = {e.pk: RosterEntry.objects.get(pk=e.pk).promo_code for e in (one, two, other)}
    assert codes[one.pk] == "LUMEN-JOX-15"
    assert codes[two.pk] == "LUMEN-JOX-15-2"
    assert codes[other.pk].endswith("-JOX")  # campaign B's default pattern, <BRAND>-<HANDLE>
    assert TrackedLink.objects.filter(entry__in=[one, two, other]).count() == 3
    assert len(set(TrackedLink.objects.values_list("code", flat=True))) == 3
    # Provisioning again changes nothing.
    tracking.provision(one)
    assert RosterEntry.objects.get(pk=one.pk).promo_code == "LUMEN-JOX-15"
    assert TrackedLink.objects.filter(entry=one).count() == 1


def test_promo_codes_unique_in_the_database(world):
    from django.db import IntegrityError

    one = f.RosterEntryFactory(campaign=world.campaign_a)
    two = f.RosterEntryFactory(campaign=world.campaign_a)
    two.promo_code = RosterEntry.objects.get(pk=one.pk).promo_code
    with pytest.raises(IntegrityError):
        two.save()


def test_roster_card_shows_link_and_code_to_its_organisation_only(client_for, world, linked):
    entry, link = linked
    entry.refresh_from_db()
    page = client_for(world.viewer_a).get(f"/campaigns/{entry.campaign.pk}/roster/")
    html = page.content.decode()
    assert f"/r/{link.code}" in html
    assert entry.promo_code in html
    assert "no landing URL" not in html
    entry.campaign.landing_url = ""
    entry.campaign.save()
    html = client_for(world.viewer_a).get(f"/campaigns/{entry.campaign.pk}/roster/")
    assert "Not live yet: the campaign has no landing URL." in html.content.decode()
    outsider = client_for(world.owner_b).get(f"/campaigns/{entry.campaign.pk}/roster/")
    assert outsider.status_code == 404


def test_results_export_carries_link_and_code(client_for, world, linked):
    entry, link = linked
    entry.refresh_from_db()
    f.DeliverableFactory(entry=entry)
    visit(client_for(world.owner_a), link.code)
    body = (
        client_for(world.owner_a)
        .get(f"/campaigns/{entry.campaign.pk}/results/export.csv")
        .content.decode()
    )
    header, *rows = body.strip().splitlines()
    assert "promo_code" in header and "tracked_link" in header and "link_clicks" in header
    assert any(entry.promo_code in row and f"/r/{link.code}" in row for row in rows)
    other = client_for(world.owner_b).get(f"/campaigns/{entry.campaign.pk}/results/export.csv")
    assert other.status_code == 404


def test_results_workbook_carries_link_and_code(client_for, world, linked):
    from io import BytesIO

    from openpyxl import load_workbook

    entry, link = linked
    entry.refresh_from_db()
    f.DeliverableFactory(entry=entry)
    visit(client_for(world.owner_a), link.code)
    tasks.flush_link_clicks()
    body = client_for(world.owner_a).get(f"/campaigns/{entry.campaign.pk}/results/export.xlsx")
    sheet = load_workbook(BytesIO(body.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in rows if row and row[0] == "Creator")
    row = next(row for row in rows if row and row[0] == "leafy.lena")
    by_name = dict(zip(header, row, strict=True))
    assert by_name["Promo code"] == entry.promo_code
    assert by_name["Tracked link"].endswith(f"/r/{link.code}")
    assert by_name["Link clicks"] == 1


def test_campaign_edit_sets_landing_url_and_pattern(client, world):
    from campaigns import services

    campaign = services.campaign_update(
        campaign=world.campaign_a,
        user=world.owner_a,
        landing_url="https://lumen.example/shop",
        promo_code_pattern="LUMEN-<HANDLE>-15",
    )
    entry = f.RosterEntryFactory(campaign=campaign, creator=f.CreatorFactory(handle="oat.otto"))
    assert RosterEntry.objects.get(pk=entry.pk).promo_code == "LUMEN-OATOTTO-15"
    response = visit(client, TrackedLink.objects.get(entry=entry).code)
    assert response["Location"].startswith("https://lumen.example/shop?utm_source=")


def test_the_beat_schedule_flushes_clicks_every_minute():
    from django.conf import settings

    from matchmaker.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["flush-link-clicks"]
    assert entry["task"] == "campaigns.tasks.flush_link_clicks"
    assert entry["task"] in app.tasks
    assert entry["schedule"] == 60


def test_retiring_in_the_admin_404s_at_once(client, client_for, world, linked):
    _, link = linked
    assert visit(client, link.code).status_code == 302  # the lookup is cached now
    admin = client_for(world.staff)
    response = admin.post(f"/admin/campaigns/trackedlink/{link.pk}/change/", {"status": "retired"})
    assert response.status_code == 302
    assert TrackedLink.objects.get(pk=link.pk).status == "retired"
    assert visit(client, link.code, ua=OTHER_BROWSER).status_code == 404

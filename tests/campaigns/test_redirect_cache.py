"""The redirect's per-process lookup cache, its invalidation and the short path through the
middleware stack (issue 21: the redirect never waits on the database)."""

from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from campaigns import services, tracking
from campaigns.models import LinkClickDay, TrackedLink
from tests import factories as f

BROWSERS = [f"Mozilla/5.0 (X11; Linux x86_64) Firefox/{n}.0" for n in range(120, 130)]


@pytest.fixture
def link(world):
    campaign = world.campaign_a
    campaign.landing_url = "https://lumen.example/spring"
    campaign.save()
    entry = f.RosterEntryFactory(campaign=campaign, creator=f.CreatorFactory(handle="oat.otto"))
    return TrackedLink.objects.get(entry=entry)


def visit(client, code, n=0, **extra):
    return client.get(f"/r/{code}", HTTP_USER_AGENT=BROWSERS[n], REMOTE_ADDR="203.0.113.7", **extra)


def clicks(link) -> int:
    tracking.flush_clicks()
    return sum(LinkClickDay.objects.filter(link=link).values_list("clicks", flat=True))


def changed_elsewhere(link, **fields) -> None:
    """What another process's edit leaves here: the row and the shared version changed, this
    process's own copy of the lookup untouched."""
    TrackedLink.objects.filter(pk=link.pk).update(**fields)
    cache.add(tracking.VERSION_KEY, 0, None)
    cache.incr(tracking.VERSION_KEY)


def later(monkeypatch) -> None:
    """Move this module's clock past LOCAL_SECONDS, so every copy of a lookup is stale."""
    real = tracking.time.monotonic
    monkeypatch.setattr(
        tracking, "time", SimpleNamespace(monotonic=lambda: real() + tracking.LOCAL_SECONDS + 1)
    )


def test_a_warm_redirect_asks_the_database_nothing(
    client, link, django_assert_num_queries, monkeypatch
):
    """With a shared buffer (Redis; without one a click is written through at once)."""
    monkeypatch.setattr(tracking, "cache_is_shared", lambda: True)
    visit(client, link.code)  # reads the link once
    with django_assert_num_queries(0):
        counted = visit(client, link.code, n=1)  # a new visitor, counted
    with django_assert_num_queries(0):
        repeat = visit(client, link.code, n=1)  # a repeat, not counted
    assert counted.status_code == repeat.status_code == 302
    assert clicks(link) == 2


def test_a_warm_lookup_of_another_process_asks_no_database_either(
    client, link, django_assert_num_queries, monkeypatch
):
    """The shared copy (the cache, Redis in production) answers a process that has none."""
    monkeypatch.setattr(tracking, "cache_is_shared", lambda: True)
    visit(client, link.code)
    tracking.forget_lookups()  # as a worker process that never served this code
    with django_assert_num_queries(0):
        assert visit(client, link.code, n=1).status_code == 302


def test_pausing_stops_counting_at_once(client, link):
    visit(client, link.code)  # cached as active
    tracking.set_status(link, TrackedLink.Status.PAUSED)
    assert visit(client, link.code, n=1).status_code == 302
    assert visit(client, link.code, n=2).status_code == 302
    assert clicks(link) == 1


def test_pausing_in_another_process_stops_counting_on_the_next_visit(client, link):
    visit(client, link.code)  # this process's copy says active
    changed_elsewhere(link, status=TrackedLink.Status.PAUSED)
    response = visit(client, link.code, n=1)
    assert response.status_code == 302  # paused links still redirect
    assert clicks(link) == 1
    assert tracking.lookup(link.code).status == TrackedLink.Status.PAUSED


def test_retiring_in_another_process_404s_on_the_next_counted_visit(client, link):
    visit(client, link.code)
    changed_elsewhere(link, status=TrackedLink.Status.RETIRED)
    assert visit(client, link.code, n=1).status_code == 404
    assert clicks(link) == 1


def test_a_visit_that_counts_nothing_sees_a_retirement_within_the_local_ttl(
    client, link, monkeypatch
):
    """A paused link asks Redis nothing, so its copy lives out LOCAL_SECONDS before it 404s."""
    tracking.set_status(link, TrackedLink.Status.PAUSED)
    assert visit(client, link.code).status_code == 302
    changed_elsewhere(link, status=TrackedLink.Status.RETIRED)
    assert visit(client, link.code).status_code == 302  # within the TTL: the copy holds
    later(monkeypatch)
    assert visit(client, link.code).status_code == 404


def test_reactivating_counts_again(client, link):
    tracking.set_status(link, TrackedLink.Status.PAUSED)
    visit(client, link.code)
    tracking.set_status(link, TrackedLink.Status.ACTIVE)
    visit(client, link.code, n=1)
    assert clicks(link) == 1


def test_a_new_landing_url_shows_on_the_next_visit(client, world, link):
    visit(client, link.code)
    services.campaign_update(
        campaign=world.campaign_a, user=world.owner_a, landing_url="https://lumen.example/autumn"
    )
    url = urlsplit(visit(client, link.code, n=1)["Location"])
    assert url.path == "/autumn"


def test_renaming_the_campaign_renames_utm_campaign(client, world, link):
    visit(client, link.code)
    services.campaign_update(campaign=world.campaign_a, user=world.owner_a, name="Autumn Glow")
    query = parse_qs(urlsplit(visit(client, link.code, n=1)["Location"]).query)
    assert query["utm_campaign"] == ["autumn-glow"]


def test_a_stale_version_counts_nothing(link):
    at = tracking.links_version()
    tracking.links_changed()
    ua = BROWSERS[0]
    assert tracking.record_click(link.code, ip="203.0.113.7", user_agent=ua, at=at) is None
    assert clicks(link) == 0
    now = tracking.links_version()
    assert tracking.record_click(link.code, ip="203.0.113.7", user_agent=ua, at=now) is True
    assert tracking.record_click(link.code, ip="203.0.113.7", user_agent=ua, at=now) is False
    assert clicks(link) == 1


def test_the_process_copy_is_bounded(link, monkeypatch):
    monkeypatch.setattr(tracking, "LOCAL_LIMIT", 3)
    for n in range(10):
        tracking.lookup(f"nope{n}")
    assert len(tracking._lookups) <= 3


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/p", "https://a.example/p?mm_click=X"),
        ("https://a.example/p?x=1", "https://a.example/p?x=1&mm_click=X"),
        ("https://a.example/p?", "https://a.example/p?mm_click=X"),
        ("https://a.example/p?x=1#top", "https://a.example/p?x=1&mm_click=X#top"),
    ],
)
def test_the_click_id_goes_last_before_the_fragment(monkeypatch, url, expected):
    monkeypatch.setattr(tracking, "new_click_id", lambda code: "X")
    assert tracking.with_click_id(url, "abc") == expected


# --- The short path through the middleware stack ---------------------------------------------
def test_the_redirect_skips_the_page_stack_but_not_security(client, link):
    response = visit(client, link.code)
    assert response.status_code == 302
    assert response["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware ran
    assert "Content-Security-Policy" not in response  # the page stack did not
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


def test_an_unknown_code_gets_the_site_404_page(client, world):
    response = client.get("/r/nope1234", HTTP_USER_AGENT=BROWSERS[0])
    assert response.status_code == 404
    assert "Content-Security-Policy" in response  # it went through the whole stack
    assert b"<html" in response.content.lower()


def test_the_redirect_keeps_allowed_hosts(client, link, settings):
    settings.ALLOWED_HOSTS = ["matchmaker.example"]
    assert visit(client, link.code, HTTP_HOST="evil.example").status_code == 400
    assert visit(client, link.code, HTTP_HOST="matchmaker.example").status_code == 302


def test_only_get_and_head(client, link):
    assert client.post(f"/r/{link.code}").status_code == 405
    assert clicks(link) == 0


def test_the_short_path_sits_right_after_security_middleware(settings):
    assert settings.MIDDLEWARE[:2] == [
        "django.middleware.security.SecurityMiddleware",
        "campaigns.redirect.short_links_first",
    ]

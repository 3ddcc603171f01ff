"""Crawl every URL pattern of the project as an anonymous user and as a user of organisation A,
with URL arguments taken from organisation B's objects.

Routes are discovered from the resolver, so a page added later is crawled automatically.
Expectations: anonymous users are sent to the login page (API: 401/403); organisation A's user
gets 404 for anything organisation B owns, never a 500, and never a page showing B's private
names. Each problem is listed with its route in the failure message.
"""

import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from campaigns.models import Deliverable, Outcome, RosterEntry
from campaigns.sharing.services import share_link_create
from creators.models import ImportJob
from scoring.models import ScoreRun
from tenancy.models import ApiToken
from tests import factories as f

# Django's own admin and documentation routes have their own tests (admin: staff only).
SKIP_PREFIXES = ("admin/", "static/", "media/", "__debug__/")
# Pages anyone may open. (The API schema and docs need a session or token; crawled below.)
# The favicon is public: browsers ask for it on the login page too. A tracked link (/r/<code>)
# is followed by the creator's audience, who have no account (tests/campaigns/test_tracking.py).
# A client report (/share/<token>/ and its PDF) is opened by the agency's client, who has no
# account either: a 404 without a live token (tests/campaigns/test_share_links.py).
PUBLIC = {
    "login",
    "logout",
    "healthz",
    "password_reset",
    "password_reset_done",
    "favicon",
    "tracked_redirect",
    "share_report",
    "share_report_pdf",
}


@dataclass
class Route:
    name: str  # qualified, e.g. "campaigns:detail"
    route: str  # the path pattern, for messages
    kwargs: dict  # kwarg name -> converter


def collect(patterns=None, prefix="", namespace="", converters=None) -> list[Route]:
    """Every named URL pattern reachable from the root URLconf, with its kwargs' converters."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    converters = converters or {}
    routes = []
    for entry in patterns:
        pattern = entry.pattern
        text = str(pattern)
        own = dict(pattern.converters) if isinstance(pattern, RoutePattern) else {}
        if isinstance(entry, URLResolver):
            if (prefix + text).startswith(SKIP_PREFIXES):
                continue
            ns = entry.namespace
            routes += collect(
                entry.url_patterns,
                prefix + text,
                f"{namespace}{ns}:" if ns else namespace,
                {**converters, **own},
            )
        elif isinstance(entry, URLPattern) and entry.name:
            if not isinstance(pattern, RoutePattern) and pattern.regex.groupindex:
                own = dict.fromkeys(pattern.regex.groupindex)
            routes.append(Route(f"{namespace}{entry.name}", prefix + text, {**converters, **own}))
    return routes


@dataclass
class Target:
    value: object
    owned_by_b: bool


def objects_of_b(world) -> dict[str, Target]:
    creator = f.CreatorFactory()
    entry = RosterEntry.objects.create(campaign=world.campaign_b, creator=creator)
    deliverable = Deliverable.objects.create(entry=entry, platform="instagram")
    outcome = Outcome.objects.create(deliverable=deliverable, recorded_at=timezone.now(), reach=5)
    job = ImportJob.objects.create(kind="profiles", file="imports/b.csv", original_name="b.csv")
    run = ScoreRun.objects.create(kind="matches", campaign=world.campaign_b)
    token = ApiToken.objects.create(user=world.owner_b, name="b", prefix="bbbb", key_hash="x" * 64)
    share_link, _ = share_link_create(campaign=world.campaign_b, user=world.owner_b)
    return {
        "campaign": Target(world.campaign_b.pk, True),
        "brand": Target(world.brand_b.pk, True),
        "organization": Target(world.org_b.pk, True),
        "org": Target(world.org_b.pk, True),
        "entry": Target(entry.pk, True),
        "roster": Target(entry.pk, True),
        "deliverable": Target(deliverable.pk, True),
        "outcome": Target(outcome.pk, True),
        "token": Target(token.pk, True),
        "run": Target(run.pk, True),
        "share_link": Target(share_link.pk, True),
        # Shared catalogue and staff-managed objects: not organisation-owned.
        "creator": Target(creator.pk, False),
        "job": Target(job.pk, False),
        "import": Target(job.pk, False),
    }


def target_for(kwarg: str, route_name: str, route_path: str, objects: dict[str, Target]) -> Target:
    """The object a kwarg stands for: by its name (campaign_id); a bare pk by the path segment
    before it, else by the route name.

    Namespaced pages nest under their app's main object (creators:* -> a creator or an import
    job, campaigns:* and scoring:* -> a campaign); API routes (api-<resource>-...) and account
    pages name their resource.
    """
    base = kwarg.removesuffix("_id").removesuffix("_pk")
    if base in objects:
        return objects[base]
    # The path segment before the placeholder names the resource: campaigns/<int:pk>/roster/.
    segment = re.search(rf"([a-z_-]+)/<(?:\w+:)?{kwarg}>", route_path)
    if segment:
        noun = segment.group(1).removesuffix("s").replace("-", "_")
        noun = {"entrie": "entry", "entry": "entry"}.get(noun, noun)
        if noun in objects:
            return objects[noun]
    namespace, _, name = route_name.rpartition(":")
    if namespace == "creators":
        return objects["job"] if ("import" in name or "job" in name) else objects["creator"]
    if namespace in ("campaigns", "scoring"):
        return objects["campaign"]
    resource = name.removeprefix("api-")
    for key in ("creator", "import", "job", "token", "deliverable", "outcome", "entry", "roster",
                "brand", "run", "organization"):  # fmt: skip
        if key in resource:
            return objects[key]
    return objects["campaign"]


def build(route: Route, objects) -> tuple[str, bool] | None:
    kwargs, owned = {}, False
    for kwarg, converter in route.kwargs.items():
        kind = type(converter).__name__ if converter else "StringConverter"
        if kind == "IntConverter":
            target = target_for(kwarg, route.name, route.route, objects)
            kwargs[kwarg], owned = target.value, owned or target.owned_by_b
        elif kind == "UUIDConverter":
            kwargs[kwarg] = "00000000-0000-0000-0000-000000000000"
        else:
            kwargs[kwarg] = "demo"
    try:
        return reverse(route.name, kwargs=kwargs), owned
    except Exception:
        return None


def request(client, url):
    response = client.get(url)
    if response.status_code == 405:  # POST-only routes (htmx actions): try them with nothing
        response = client.post(url, {})
    return response


def crawl(world, client, check) -> list[str]:
    objects = objects_of_b(world)
    problems, crawled = [], 0
    for route in collect():
        if route.name in PUBLIC:
            continue
        built = build(route, objects)
        if built is None:
            problems.append(f"{route.name} ({route.route}): cannot reverse with {route.kwargs}")
            continue
        url, owned = built
        crawled += 1
        response = request(client, url)
        problem = check(url, owned, response)
        if problem:
            problems.append(f"{route.name} {url} -> {response.status_code}: {problem}")
    assert crawled >= 5, "the crawl found almost no routes: is the URLconf loaded?"
    return problems


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_login(world, client):
    login = reverse(settings.LOGIN_URL)
    docs = reverse("api-docs")  # an HTML page for browsers: it sends them to log in

    def check(url, owned, response):
        if url.startswith("/api/") and url != docs:
            return None if response.status_code in (401, 403) else "API must answer 401/403"
        if response.status_code != 302:
            return "expected a redirect to the login page"
        if not response["Location"].startswith(login):
            return f"redirects to {response['Location']}, not to the login page"
        return None

    problems = crawl(world, client, check)
    assert not problems, "Routes open to anonymous users:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_organisation_a_never_reaches_organisation_b(world, client_for):
    client = client_for(world.owner_a)
    private = [world.campaign_b.name, world.brand_b.name, world.org_b.name]

    def check(url, owned, response):
        status = response.status_code
        if status >= 500:
            return "server error"
        if owned and status not in (404, 403, 405):
            return "organisation B's object reachable by organisation A (expected 404)"
        body = response.content.decode(errors="replace") if status == 200 else ""
        leaked = [name for name in private if name in body]
        if leaked:
            return f"shows organisation B's private names {leaked}"
        return None

    problems = crawl(world, client, check)
    assert not problems, "Tenancy problems found by the crawl:\n" + "\n".join(problems)


def test_crawler_finds_nested_routes_and_converters():
    routes = {r.name: r for r in collect()}
    assert "home" in routes and "login" in routes
    assert not any(r.route.startswith("admin/") for r in routes.values())
    detail = routes.get("creators:detail")
    if detail is not None:  # the creators pages exist: their pk is an int converter
        assert type(detail.kwargs["pk"]).__name__ == "IntConverter"

"""Accessibility in a real browser: axe-core (node_modules/axe-core, injected by Playwright) on
every main page at desktop and phone widths finds no serious or critical violation; badges
reach 4.5:1 contrast; the focus ring shows on the navy navigation bar; the results charts have
accessible names and table alternatives.

The pages' Content Security Policy forbids inline scripts, so the context bypasses CSP only to
inject axe; the pages themselves are served with their usual policy."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from campaigns.models import Stage
from creators.models import AudienceSketch, ImportJob
from matchmaker.lib import sketches
from tests import factories as f
from tests.campaigns.test_views_campaigns import make_matches
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + (n.failureSummary || ""))
  }));
}"""

# Every badge colour pair of the stylesheet, measured on a probe element of each class with the
# WCAG relative luminance of its computed colours.
BADGE_CONTRASTS = """() => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => {
    const v = c.map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const classes = ["badge", "badge-good", "badge-warn", "badge-bad", "badge-info",
    "badge-contracted", "badge-declined", "badge-negotiating", "badge-shortlisted",
    "badge-succeeded", "badge-failed", "badge-running", "badge-content_live"];
  return Object.fromEntries(classes.map(c => {
    const el = document.createElement("span");
    el.className = "badge " + c;
    el.textContent = "Badge";
    document.querySelector("main").appendChild(el);
    const style = getComputedStyle(el);
    const a = lum(rgb(style.color)), b = lum(rgb(style.backgroundColor));
    el.remove();
    return [c, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  }));
}"""


def seed(world):
    """One of everything the main pages show."""
    campaign = world.campaign_a
    campaign.budget = Decimal("2000")
    campaign.save()
    matches = make_matches(campaign, 4)
    for match in matches:
        f.CreatorMetricsFactory(
            creator=match.creator, er_median=0.03, er_percentile=0.6, authenticity_score=80
        )
        f.FollowerSnapshotFactory(creator=match.creator)
        f.PostFactory(creator=match.creator)
        f.AudienceShareFactory(creator=match.creator)
    for index, match in enumerate(matches[:3]):
        entry = f.RosterEntryFactory(
            campaign=campaign,
            creator=match.creator,
            stage=(Stage.CONTENT_LIVE, Stage.CONTRACTED, Stage.DECLINED)[index],
            agreed_fee=Decimal(900),
            prediction={"reach": 9000.0, "engagements": 700.0, "basis": "test"},
        )
        deliverable = f.DeliverableFactory(entry=entry, post_url="https://instagram.com/p/A")
        if index == 0:
            f.OutcomeFactory(deliverable=deliverable, reach=8000, likes=500, comments=20)
            AudienceSketch.objects.create(
                creator=match.creator, **sketches.sketch_values(range(2000))
            )
    ImportJob.objects.create(kind="profiles", file="imports/a.csv", original_name="a.csv")
    return matches


def pages(world, matches) -> dict[str, str]:
    campaign, creator = world.campaign_a.pk, matches[0].creator_id
    return {
        "home": "/",
        "discovery": "/creators/",
        "creator profile": f"/creators/{creator}/",
        "campaign list": "/campaigns/",
        "campaign detail": f"/campaigns/{campaign}/",
        "campaign form": f"/campaigns/{campaign}/edit/",
        "new campaign": "/campaigns/new/",
        "roster": f"/campaigns/{campaign}/roster/",
        "results": f"/campaigns/{campaign}/results/",
        "results overview": "/campaigns/overview/",
        "overlap": f"/scoring/campaigns/{campaign}/overlap/",
        "why": f"/campaigns/{campaign}/matches/{creator}/",
        "imports": "/creators/imports/",
        "tokens": "/accounts/tokens/",
    }


@pytest.fixture
def axe_page(browser, live_server):
    contexts = []

    def open_as(user, width):
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", DEFAULT_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_serious_violation_on_any_main_page(world, axe_page, live_server, width):
    matches = seed(world)
    # An owner of the organisation who is also staff sees every page, imports included.
    world.owner_a.is_staff = True
    world.owner_a.save()
    page = axe_page(world.owner_a, width)
    found = {}
    for name, path in pages(world, matches).items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, (name, response.status)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        blocking = [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]
        if blocking:
            found[name] = blocking
    assert not found, found


def test_badges_reach_aa_contrast_and_nav_focus_ring_shows(world, axe_page, live_server):
    seed(world)
    page = axe_page(world.editor_a, 1280)
    page.goto(f"{live_server.url}/campaigns/{world.campaign_a.pk}/roster/")
    ratios = page.evaluate(BADGE_CONTRASTS)
    assert all(ratio >= 4.5 for ratio in ratios.values()), ratios

    # Keyboard focus on the navy bar: a visible outline in a colour that stands out on it.
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # the brand link in the navigation bar
    focused = page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
                   return [e.closest('.topbar') !== null, s.outlineStyle, s.outlineWidth, s.outlineColor]; }"""
    )
    assert focused[0] is True and focused[1] != "none" and focused[2] != "0px"
    assert focused[3] == "rgb(255, 212, 59)"  # #ffd43b: 11:1 on the navy #18213a

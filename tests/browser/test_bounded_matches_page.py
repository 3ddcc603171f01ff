"""Bounded matches in a browser (issue 22 item 2): the campaign page says it shows the best N
of M candidates, and a creator outside the stored N has a why page computed on demand; both
fit a phone's width. Screenshots go to BROWSER_SHOTS (a folder) when it is set."""

import os

import pytest

from scoring.services import matches
from tests.factories import CreatorFactory, CreatorMetricsFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 390)


def _shot(page, name: str) -> None:
    folder = os.environ.get("BROWSER_SHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_best_n_of_m_and_why_outside_n(world, login_page, live_server, settings):
    settings.MATCHES_STORED_MAX = 3
    settings.MATCH_CHUNK_SIZE = 2
    for i in range(7):
        creator = CreatorFactory(followers=15_000 + 10_000 * i, bio="vegan kitchen")
        CreatorMetricsFactory(creator=creator, er_median=0.01 * (i + 1), er_percentile=i / 7)
    world.campaign_a.keywords = ["vegan"]
    world.campaign_a.save()
    run = matches.recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    assert (run.matches_stored, run.candidates_total) == (3, 7)
    stored = set(world.campaign_a.match_scores.values_list("creator_id", flat=True))
    candidates = matches.campaign_candidates(world.campaign_a).order_by("pk")
    outside = next(pk for pk in candidates.values_list("pk", flat=True) if pk not in stored)
    page = login_page(world.viewer_a)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/campaigns/{world.campaign_a.pk}/")
        assert "Showing the best 3 of 7 candidates" in page.inner_text("#matches-capped")
        assert page.locator("#matches tbody tr").count() == 3
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        _shot(page, f"campaign-{width}")
        page.goto(f"{live_server.url}/campaigns/{world.campaign_a.pk}/matches/{outside}/")
        notice = page.inner_text("#why-outside")
        assert "Outside the stored best 3 of 7 candidates" in notice
        assert page.locator(".why-table tbody tr").count() >= 6
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        _shot(page, f"why-outside-{width}")

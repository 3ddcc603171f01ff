"""The home page's score jobs: the newest run of each kind per campaign, named by campaign and
brand, the user's organisations only."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from scoring.models import ScoreRun

pytestmark = pytest.mark.django_db


def _run(kind, campaign=None, *, minutes_ago: int, status=ScoreRun.Status.SUCCEEDED) -> ScoreRun:
    run = ScoreRun.objects.create(kind=kind, campaign=campaign, status=status)
    ScoreRun.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return run


def _jobs(client) -> list[str]:
    html = client.get(reverse("home")).content.decode()
    section = html.split("<h2>Score jobs</h2>")[1].split("</section>")[0]
    return [re.sub(r"\s+", " ", strip_tags(li)).strip() for li in section.split("<li>")[1:]]


def test_latest_run_per_kind_and_campaign_named_by_campaign_and_brand(world, client_for):
    for minutes in (40, 30, 20, 10):  # recomputed four times: listed once, the newest
        _run(ScoreRun.Kind.OVERLAPS, world.campaign_a, minutes_ago=minutes)
    _run(ScoreRun.Kind.CAMPAIGN_MATCHES, world.campaign_a, minutes_ago=50)
    _run(ScoreRun.Kind.CAMPAIGN_MATCHES, world.campaign_a, minutes_ago=5, status="failed")
    _run(ScoreRun.Kind.CREATOR_METRICS, minutes_ago=60)
    _run(ScoreRun.Kind.CAMPAIGN_MATCHES, world.campaign_b, minutes_ago=1)  # another organisation
    jobs = _jobs(client_for(world.viewer_a))
    brand = world.campaign_a.brand.name
    assert [job.split(":")[0] for job in jobs] == [
        f"Campaign matches · Spring glow ({brand})",
        f"Audience overlaps · Spring glow ({brand})",
        "Creator metrics · the catalogue",
    ]
    assert "Failed" in jobs[0] and "Done" in jobs[1]
    assert not any(re.search(r"campaign \d", job) for job in jobs)  # named, not numbered
    assert all(job.endswith("UTC") for job in jobs)  # one date style, with the zone

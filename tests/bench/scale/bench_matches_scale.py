"""A campaign's matches recompute over the whole scale catalogue: a campaign with no platform,
follower or country limit, so every creator is a candidate. Figures: wall time, peak RSS of
this process during the recompute, candidates, and MatchScore rows stored (issue 22's target:
at most MATCHES_STORED_MAX + 0 once bounded matches land; today one row per candidate)."""

import time

from django.conf import settings

from tests.bench.memory import peak_rss_mb, reset_peak_rss
from tests.bench.run import Result

SLUG = "bench-scale"


def _campaign():
    from campaigns.models import Brand, Campaign
    from tenancy.models import Organization

    org, _ = Organization.objects.get_or_create(slug=SLUG, defaults={"name": "Bench scale"})
    brand, _ = Brand.objects.get_or_create(
        organization=org, name="Bench scale brand", defaults={"keywords": ["fitness"]}
    )
    campaign, _ = Campaign.objects.get_or_create(
        brand=brand,
        name="Whole catalogue",
        defaults={
            "min_followers": 0,
            "max_followers": 10**12,
            "keywords": ["fitness", "running"],
            "target_countries": ["US", "GB"],
        },
    )
    return campaign


def run(ctx) -> list[Result]:
    from scoring.models import MatchScore, ScoreRun
    from scoring.services.matches import recompute_campaign_matches

    campaign = _campaign()
    reset_peak_rss()
    started = time.perf_counter()
    run_ = recompute_campaign_matches(campaign_id=campaign.pk)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    stored = MatchScore.objects.filter(campaign=campaign).count()
    run_ = ScoreRun.objects.get(pk=run_.pk)
    candidates = getattr(run_, "candidates_total", None) or run_.items_total or stored
    cap = getattr(settings, "MATCHES_STORED_MAX", None)
    size = f"{ctx.creators:,} creators, {candidates:,} candidates"
    return [
        Result(f"matches recompute, {candidates:,} candidates", seconds, "s", notes=size),
        Result("matches recompute peak RSS", peak, "MB", target=500.0, notes=size),
        Result(
            "MatchScore rows stored per campaign",
            float(stored),
            "rows",
            target=float(cap) if cap else None,
            notes=f"cap MATCHES_STORED_MAX={cap}" if cap else "no cap: one row per candidate",
        ),
    ]

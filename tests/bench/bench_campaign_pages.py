"""Page latency under load: a campaign's ranked matches page with 100k scored candidates (10k
reduced), served by gunicorn on loopback to 8 concurrent clients.

Reuses bench_pages' catalogue, gunicorn and load helpers. The benchmark user is made an owner of
a bench organisation whose campaign has one MatchScore per catalogue creator, inserted by COPY
(reused when already there). Reports p50/p95, errors, and the ratio of p50 to the raw SQL time of
the page's main queries (capped count + one page of ranked rows).
"""

import statistics
import time

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from tests.bench import bench_pages as pages
from tests.bench.run import BenchContext, Result

QUERY = "min_total=20&hide_excluded=on"


def _ensure_campaign(n: int):
    """An org/brand/campaign owned by the bench user, with a MatchScore for n catalogue creators."""
    from django.contrib.auth import get_user_model

    from campaigns.models import Brand, Campaign
    from creators.models import Creator
    from matchmaker.lib.pgcopy import insert_frame
    from scoring.models import COMPONENTS, MatchScore
    from tenancy.models import Membership, Organization

    user, _ = get_user_model().objects.get_or_create(username=f"{pages.PREFIX}_user")
    org, _ = Organization.objects.get_or_create(
        slug=f"{pages.PREFIX}-org", defaults={"name": "Bench Agency", "kind": "agency"}
    )
    Membership.objects.get_or_create(user=user, organization=org, defaults={"role": "owner"})
    brand, _ = Brand.objects.get_or_create(organization=org, name="Bench Brand")
    campaign, _ = Campaign.objects.get_or_create(brand=brand, name=f"Bench matches {n}")
    if MatchScore.objects.filter(campaign=campaign).count() == n:
        _ensure_run(campaign, n)
        return campaign
    with transaction.atomic():
        MatchScore.objects.filter(campaign=campaign).delete()
        ids = np.array(
            Creator.objects.filter(handle__startswith=pages.PREFIX)
            .order_by("id")
            .values_list("id", flat=True)
        )
        rng = np.random.default_rng(11)
        values = {name: rng.beta(2, 3, len(ids)) for name in COMPONENTS}
        total = np.mean(np.vstack(list(values.values())), axis=0)
        order = np.argsort(-total, kind="stable")
        rank = np.empty(len(ids), dtype=np.int64)
        rank[order] = np.arange(1, len(ids) + 1)
        frame = pd.DataFrame(
            {
                "campaign_id": campaign.id,
                "creator_id": ids,
                "computed_at": timezone.now(),
                "rank": rank,
                "total": total,
                **values,
                "excluded": rng.random(len(ids)) < 0.02,
                "components": "{}",
            }
        )
        insert_frame(MatchScore, frame)
    _ensure_run(campaign, n)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE scoring_matchscore")
    return campaign


def _ensure_run(campaign, n: int) -> None:
    """The completed run the rows belong to, as a recompute leaves it: the page reads it for
    "last computed" (and without one it looks up the runs twice, a state no real campaign with
    matches is in)."""
    from scoring.models import MatchScore, ScoreRun

    done = ScoreRun.Status.SUCCEEDED
    if ScoreRun.objects.filter(campaign=campaign, status=done).exists():
        return
    now = timezone.now()
    run = ScoreRun.objects.create(
        kind=ScoreRun.Kind.CAMPAIGN_MATCHES,
        campaign=campaign,
        status=done,
        items_total=n,
        items_done=n,
        started_at=now,
        finished_at=now,
    )
    MatchScore.objects.filter(campaign=campaign).update(run=run)


def _sql_ms(campaign, runs: int = 15) -> float:
    """Median time of the page's main queries (capped count + one page of ranked rows), run
    directly through the same selector and paginator."""
    from django.http import QueryDict

    from campaigns.forms import MatchFilterForm
    from campaigns.selectors import campaign_matches_page
    from campaigns.views import MATCHES_PER_PAGE, MAX_MATCH_PAGES
    from matchmaker.lib.pagination import CappedPaginator

    form = MatchFilterForm(QueryDict(QUERY))
    assert form.is_valid(), form.errors
    qs = campaign_matches_page(campaign=campaign, filters=form.cleaned_data)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        CappedPaginator(qs, MATCHES_PER_PAGE, max_pages=MAX_MATCH_PAGES).count  # noqa: B018
        list(qs[:MATCHES_PER_PAGE])
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(ctx: BenchContext) -> list[Result]:
    n = 100_000 if ctx.full else 10_000
    pages._ensure_catalogue(n)
    cookie = pages._session_cookie()
    campaign = _ensure_campaign(n)
    sql_ms = _sql_ms(campaign)
    port = pages._free_port()
    server = pages.start_gunicorn(port)
    try:
        url = f"http://127.0.0.1:{port}/campaigns/{campaign.id}/?{QUERY}"
        pages._load(url, cookie, seconds=5, max_requests=80, marker=b'id="matches"')
        latencies, errors = pages._load(
            url, cookie, seconds=30 if ctx.full else 12, max_requests=4000, marker=b'id="matches"'
        )
    finally:
        pages.stop_gunicorn(server)
    if not latencies:
        raise RuntimeError(f"no successful request ({errors} errors)")
    p50 = float(np.percentile(latencies, 50))
    p95 = float(np.percentile(latencies, 95))
    k = n // 1000
    size = f"{k}k candidates, {pages.CLIENTS} clients, {len(latencies) + errors} requests"
    return [
        Result(f"campaign matches p50 ({k}k)", p50, "ms", notes=f"{size}; ?{QUERY}"),
        Result(f"campaign matches p95 ({k}k)", p95, "ms", target=100.0, notes=size),
        Result(f"campaign matches errors ({k}k)", float(errors), "errors", target=0.0, notes=size),
        Result(
            f"campaign matches p50 / raw SQL ({k}k)",
            p50 / sql_ms,
            "x",
            notes=f"raw SQL (capped count + page) {sql_ms:.1f} ms median",
        ),
    ]

"""The tracked-link redirect /r/<code> under 50 concurrent clients, served by gunicorn on
loopback with Redis as the click buffer (production's shape; issue 21).

Data: one campaign with a landing URL and LINKS roster entries, each with its link (under
handles starting PREFIX, reused when there). Clients: CLIENT_PROCESSES processes of threads,
50 in all, each a closed loop of fresh HTTP/1.1 connections (no keep-alive, as a browser's
first visit) asking for a random link with a random user agent from a small pool, so about a
fifth of the requests count a new visitor and the rest collapse as repeats. A request counts
when it answers 302 to the landing URL with the click id. Figures: p50/p95 (target 20 ms),
throughput, errors; the machine's load average at the start is in the notes, since the clients
share its cores with the server.
"""

import http.client
import os
import random

import numpy as np

from tests.bench import bench_pages as pages
from tests.bench.closed_loop import run_clients
from tests.bench.run import BenchContext, Result

PREFIX = "benchredirect"
LINKS = 200
CLIENTS = 50
CLIENT_PROCESSES = 5
TARGET_P95_MS = 20.0
AGENTS = [f"Mozilla/5.0 (X11; Linux x86_64) Bench/{i}" for i in range(40)]


def _ensure_links() -> list[str]:
    """The codes of LINKS active links of the benchmark's campaign (created when missing)."""
    from campaigns import tracking
    from campaigns.models import Brand, Campaign, RosterEntry, TrackedLink
    from creators.models import Creator
    from tenancy.models import Organization

    org, _ = Organization.objects.get_or_create(slug=PREFIX, defaults={"name": "Bench redirect"})
    brand, _ = Brand.objects.get_or_create(organization=org, name="Bench redirect brand")
    campaign, _ = Campaign.objects.get_or_create(
        brand=brand,
        name="Bench redirect",
        defaults={"landing_url": "https://shop.example.com/lumen?ref=bench"},
    )
    have = set(
        RosterEntry.objects.filter(campaign=campaign).values_list("creator__handle", flat=True)
    )
    for i in range(LINKS):
        handle = f"{PREFIX}{i}"
        if handle in have:
            continue
        creator, _ = Creator.objects.get_or_create(
            platform="instagram", handle=handle, defaults={"followers": 20_000}
        )
        tracking.provision(RosterEntry.objects.create(campaign=campaign, creator=creator))
    return list(
        TrackedLink.objects.filter(entry__campaign=campaign, status=TrackedLink.Status.ACTIVE)
        .order_by("id")
        .values_list("code", flat=True)
    )


def _visit(args, number: int, sent: int) -> str | None:
    """One visit to a random link with a random user agent (closed_loop's request)."""
    port, codes = args
    rng = random.Random(number * 1_000_003 + sent)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", f"/r/{rng.choice(codes)}", headers={"User-Agent": rng.choice(AGENTS)})
    response = conn.getresponse()
    response.read()
    location = response.getheader("Location", "")
    conn.close()
    if response.status == 302 and "mm_click=" in location:
        return None
    return f"{response.status} {location[:80]}"


def _load(port: int, codes: list[str], seconds: float) -> tuple[list[float], int, list[str]]:
    return run_clients(
        _visit, (port, codes), clients=CLIENTS, processes=CLIENT_PROCESSES, seconds=seconds
    )


def run(ctx: BenchContext) -> list[Result]:
    codes = _ensure_links()
    port = pages._free_port()
    load = os.getloadavg()[0]
    server = pages.start_gunicorn(port)
    seconds = 30.0 if ctx.full else 10.0
    try:
        _load(port, codes, 2.0)  # warm-up: every worker's first requests, the lookups cached
        latencies, errors, first = _load(port, codes, seconds)
    finally:
        pages.stop_gunicorn(server)
    if first:
        print(f"   first error: {first[0]}", flush=True)
    if not latencies:
        raise RuntimeError(f"no successful redirect ({errors} errors)")
    p50 = float(np.percentile(latencies, 50))
    p95 = float(np.percentile(latencies, 95))
    size = (
        f"{CLIENTS} clients in {CLIENT_PROCESSES} processes, {seconds:.0f} s,"
        f" {len(latencies) + errors} requests, {LINKS} links; load average {load:.1f} at start"
    )
    return [
        Result("redirect /r/<code> p50", p50, "ms", notes=size),
        Result("redirect /r/<code> p95", p95, "ms", target=TARGET_P95_MS, notes=size),
        Result("redirect throughput", len(latencies) / seconds, "req/s", notes=size),
        Result("redirect errors", float(errors), "errors", target=0.0, notes=size),
    ]

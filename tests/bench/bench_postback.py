"""The signed conversion postback, POST /api/v1/conversions/, under CLIENTS concurrent shops,
served by gunicorn on loopback with Redis (production's shape; issue 21).

Each client is a closed loop of fresh connections posting a new order (a unique order_id, the
promo code of one of the benchmark campaign's roster entries, signed with its postback secret
and the current time), so every request is a full write: signature check, nonce insert,
attribution and the conversion row. A request counts when it answers 201. The per-address
throttle is lifted for the server (API_POSTBACK_RATE), as it would be for a trusted shop.
Figures: p50/p95, throughput, errors; the load average at the start is in the notes.
"""

import http.client
import json
import os
import time

import numpy as np

from tests.bench import bench_pages as pages
from tests.bench import bench_redirect
from tests.bench.closed_loop import run_clients
from tests.bench.run import BenchContext, Result

CLIENTS = 20
CLIENT_PROCESSES = 4


def _post(args, number: int, sent: int) -> str | None:
    """One new order, signed with the campaign's secret and the current time (closed_loop's
    request)."""
    from campaigns.conversions.signing import sign

    port, campaign, secret, codes = args
    order = {
        "campaign": campaign["id"],
        "order_id": f"bench-{number}-{sent}-{time.time_ns()}",
        "amount": "59.90",
        "currency": campaign["currency"],
        "promo_code": codes[(number + sent) % len(codes)],
    }
    body = json.dumps(order).encode()
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Matchmaker-Timestamp": stamp,
        "X-Matchmaker-Signature": f"sha256={sign(secret, stamp, body)}",
    }
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/api/v1/conversions/", body=body, headers=headers)
    response = conn.getresponse()
    text = response.read()
    conn.close()
    return None if response.status == 201 else f"{response.status} {text[:120]!r}"


def _load(port, campaign, secret, codes, seconds):
    return run_clients(
        _post,
        (port, campaign, secret, codes),
        clients=CLIENTS,
        processes=CLIENT_PROCESSES,
        seconds=seconds,
    )


def run(ctx: BenchContext) -> list[Result]:
    from campaigns.models import Campaign, RosterEntry, TrackedLink

    code = bench_redirect._ensure_links()[0]
    campaign = Campaign.objects.get(roster__links__code=code)
    codes = list(
        RosterEntry.objects.filter(
            campaign=campaign,
            links__deliverable__isnull=True,
            links__status=TrackedLink.Status.ACTIVE,
        )
        .exclude(promo_code="")
        .values_list("promo_code", flat=True)
    )
    about = {"id": campaign.pk, "currency": campaign.currency}
    port = pages._free_port()
    load = os.getloadavg()[0]
    server = pages.start_gunicorn(port, API_POSTBACK_RATE="1000000/min")
    seconds = 30.0 if ctx.full else 10.0
    try:
        _load(port, about, campaign.postback_secret, codes, 2.0)  # warm-up
        latencies, errors, first = _load(port, about, campaign.postback_secret, codes, seconds)
    finally:
        pages.stop_gunicorn(server)
    if first:
        print(f"   first error: {first[0]}", flush=True)
    if not latencies:
        raise RuntimeError(f"no postback accepted ({errors} errors)")
    size = (
        f"{CLIENTS} clients in {CLIENT_PROCESSES} processes, {seconds:.0f} s,"
        f" {len(latencies) + errors} new orders; load average {load:.1f} at start"
    )
    return [
        Result("postback p50", float(np.percentile(latencies, 50)), "ms", notes=size),
        Result("postback p95", float(np.percentile(latencies, 95)), "ms", notes=size),
        Result("postback throughput", len(latencies) / seconds, "req/s", notes=size),
        Result("postback errors", float(errors), "errors", target=0.0, notes=size),
    ]

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
import multiprocessing
import os
import threading
import time

import numpy as np

from tests.bench import bench_pages as pages
from tests.bench import bench_redirect
from tests.bench.run import BenchContext, Result

CLIENTS = 20
CLIENT_PROCESSES = 4


def _client_process(port, campaign, secret, codes, threads, seconds, out) -> None:
    """One process of client threads; puts (latencies in ms, errors, first error) on `out`."""
    from campaigns.conversions.signing import sign

    latencies: list[float] = []
    errors = [0]
    first: list[str] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(number: int) -> None:
        sent = 0
        while time.perf_counter() < stop_at:
            sent += 1
            order = {
                "campaign": campaign["id"],
                "order_id": f"bench-{os.getpid()}-{number}-{sent}-{time.time_ns()}",
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
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("POST", "/api/v1/conversions/", body=body, headers=headers)
                response = conn.getresponse()
                text = response.read()
                conn.close()
                ok = response.status == 201
                if not ok and not first:
                    first.append(f"{response.status} {text[:120]!r}")
            except Exception as exc:  # counted as an error; one kept for the report
                ok = False
                if not first:
                    first.append(repr(exc))
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put((latencies, errors[0], first[:1]))


def _load(port, campaign, secret, codes, seconds):
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    per = CLIENTS // CLIENT_PROCESSES
    args = (port, campaign, secret, codes, per, seconds, out)
    processes = [
        context.Process(target=_client_process, args=args) for _ in range(CLIENT_PROCESSES)
    ]
    for process in processes:
        process.start()
    latencies: list[float] = []
    errors = 0
    first: list[str] = []
    for _ in processes:
        got, failed, seen = out.get(timeout=seconds + 120)
        latencies += got
        errors += failed
        first += seen
    for process in processes:
        process.join(timeout=30)
    return latencies, errors, first


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

"""Discovery at catalogue scale: the default page (no filter, catalogue-score order) and a
keyword search, each served by gunicorn on loopback to 8 concurrent clients, against the
seeded scale catalogue. p50/p95 of the clients' response times and the ratio of p50 to the raw
SQL of the page (capped count + one page of rows, through the same selector).
Target (issue 22): p95 <= 150 ms at 1M creators and 8 clients, both pages."""

import numpy as np

from tests.bench import bench_pages as pages
from tests.bench.run import Result

PAGES = {"default page": "", "keyword": "q=fitness"}
TARGET_P95_MS = 150.0


def run(ctx) -> list[Result]:
    cookie = pages._session_cookie()
    sql = {name: pages._sql_ms(query) for name, query in PAGES.items()}
    port = pages._free_port()
    server = pages.start_gunicorn(port)
    results: list[Result] = []
    try:
        for name, query in PAGES.items():
            url = f"http://127.0.0.1:{port}/creators/?{query}"
            pages._load(url, cookie, seconds=5, max_requests=80)  # warm-up
            latencies, errors = pages._load(url, cookie, seconds=30, max_requests=3000)
            if not latencies:
                raise RuntimeError(f"discovery {name}: no successful request ({errors} errors)")
            p50 = float(np.percentile(latencies, 50))
            p95 = float(np.percentile(latencies, 95))
            size = (
                f"{ctx.creators:,} creators, {pages.CLIENTS} clients,"
                f" {len(latencies) + errors} requests, {errors} errors; ?{query}"
            )
            results += [
                Result(f"discovery {name} p50 ({ctx.creators:,})", p50, "ms", notes=size),
                Result(f"discovery {name} p95 ({ctx.creators:,})", p95, "ms", target=TARGET_P95_MS),
                Result(
                    f"discovery {name} p50 / raw SQL",
                    p50 / sql[name],
                    "x",
                    notes=f"raw SQL {sql[name]:.1f} ms median",
                ),
            ]
    finally:
        pages.stop_gunicorn(server)
    return results

"""Load test (issue 9.4): locust, headless, against gunicorn (matchmaker/gunicorn_conf.py) on
loopback, on the demo data at 100k creators (10k reduced).

Data: its own database (the benchmark database's name + "_load_100k" or "_load_10k") seeded by `manage.py seed_demo
--creators N` (catalogue, three organisations, rosters, deliverables and outcomes, scored), and
reused while it holds the demo at that size. Users: 16 signed-in owners and editors of the
seeded organisations (tests/bench/locustfile.py) pausing 0.5-2 s between clicks: discovery with
filters, creator profiles, campaign matches, roster boards, roster moves and result entry.
Background tasks those writes enqueue go to Redis (REDIS_URL, the benchmark's own db) and are
purged afterwards: the web tier is measured here, the recomputes by bench_recompute.

Bounded in time (60 s full, 20 s reduced, after a 10 s warm-up that is not counted) and in
requests (LOAD_MAX_REQUESTS). Reports throughput, p50/p95/p99 and errors (non-2xx answers,
timeouts and connection failures).
"""

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.bench import bench_pages as pages
from tests.bench.run import BenchContext, Result

USERS = 16
ROOT = Path(__file__).resolve().parents[2]
PLAN_PATH = ROOT / "var" / "bench" / "load_plan.json"
CSV_PREFIX = ROOT / "var" / "bench" / "load"
REDIS_DB_URL = pages.REDIS_DB_URL


def load_database_url(n: int) -> str:
    """One database per size, so `make bench` and `make bench-full` keep their seeded demos."""
    url = os.environ["DATABASE_URL"]
    base, _, name = url.rpartition("/")
    return f"{base}/{name.split('?')[0]}_load_{n // 1000}k"


def _subprocess_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    return env | extra


def prepare(n: int) -> None:
    """In a process connected to the load database: seed the demo at n creators unless it is
    there, then write the plan (sessions, campaigns, entries, deliverables, creators)."""
    from tests.bench.run import setup_django

    url = os.environ["DATABASE_URL"]
    _drop_unless_demo_of_size(url, n)
    setup_django()
    from django.core.management import call_command

    from creators.models import Creator

    if not Creator.objects.exists():
        started = time.perf_counter()
        call_command("seed_demo", creators=n, seed=7)
        print(f"   seeded the demo at {n:,} creators in {time.perf_counter() - started:.0f} s")
    # Steady state, as autovacuum leaves it: statistics and the visibility map (index-only scans).
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("creators_creator", "scoring_creatormetrics", "scoring_matchscore"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    _write_plan()


def _drop_unless_demo_of_size(url: str, n: int) -> None:
    """Start from an empty database unless it already holds the demo with n creators."""
    import psycopg2

    base, _, name = url.rpartition("/")
    try:
        conn = psycopg2.connect(url)
    except psycopg2.OperationalError:
        return  # does not exist yet: setup_django creates it
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT (SELECT count(*) FROM creators_creator),"
                " EXISTS(SELECT 1 FROM campaigns_organization WHERE slug = 'brightwave')"
            )
            count, seeded = cur.fetchone()
            keep = seeded and count == n
    except psycopg2.Error:
        keep = False
    finally:
        conn.close()
    if keep:
        return
    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _write_plan() -> None:
    import random

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from campaigns.models import Campaign, Deliverable, RosterEntry
    from creators.models import Category, Creator
    from tenancy.models import Membership

    rng = random.Random(9)
    logins = []
    memberships = Membership.objects.filter(role__in=["owner", "editor"]).select_related("user")
    for membership in memberships.order_by("organization_id", "role"):
        user = membership.user
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        campaigns = []
        for campaign in Campaign.objects.for_user(user).order_by("pk"):
            entries = list(
                RosterEntry.objects.filter(campaign=campaign).values_list("pk", flat=True)
            )
            deliverables = list(
                Deliverable.objects.filter(entry__campaign=campaign).values_list("pk", flat=True)
            )
            campaigns.append({"id": campaign.pk, "entries": entries, "deliverables": deliverables})
        logins.append(
            {"user": user.username, "session": session.session_key, "campaigns": campaigns}
        )
    ids = list(Creator.objects.values_list("pk", flat=True))
    plan = {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "logins": logins,
        "creators": rng.sample(ids, min(len(ids), 5000)),
        "platforms": sorted(set(Creator.objects.values_list("platform", flat=True).distinct())),
        "countries": [
            c for c in Creator.objects.values_list("country", flat=True).distinct()[:30] if c
        ],
        "categories": list(Category.objects.values_list("pk", flat=True)[:30]),
    }
    PLAN_PATH.parent.mkdir(parents=True, exist_ok=True)
    PLAN_PATH.write_text(json.dumps(plan))


def _aggregated(prefix: Path) -> dict:
    with open(f"{prefix}_stats.csv") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                return row
    raise RuntimeError("locust wrote no aggregated row")


def _failures(prefix: Path) -> str:
    try:
        with open(f"{prefix}_failures.csv") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        return ""
    return "; ".join(f"{r['Occurrences']}x {r['Name']}: {r['Error'][:120]}" for r in rows[:3])


def _locust(host: str, seconds: int, max_requests: int, prefix: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "tests" / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            str(USERS),
            "-r",
            str(USERS),
            "-t",
            f"{seconds}s",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "5",
            "--exit-code-on-error",
            "0",
        ],
        cwd=ROOT,
        env=_subprocess_env(
            LOAD_PLAN=str(PLAN_PATH),
            LOAD_MAX_REQUESTS=str(max_requests),
            REDIS_URL=REDIS_DB_URL,
        ),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=open(f"{prefix}_locust.log", "w"),  # noqa: SIM115 (the summary table)
        timeout=seconds + 60,
    )


def _purge_queue() -> None:
    import redis

    redis.Redis.from_url(REDIS_DB_URL).flushdb()


def run(ctx: BenchContext) -> list[Result]:
    n = 100_000 if ctx.full else 10_000
    seconds = 60 if ctx.full else 20
    url = load_database_url(n)
    subprocess.run(
        [sys.executable, "-m", "tests.bench.bench_load", "prepare", str(n)],
        cwd=ROOT,
        env=_subprocess_env(DATABASE_URL=url, **_secret()),
        check=True,
        timeout=3600,
    )
    port = pages._free_port()
    server = pages.start_gunicorn(port, DATABASE_URL=url, REDIS_URL=REDIS_DB_URL)
    try:
        host = f"http://127.0.0.1:{port}"
        # Not counted: each gunicorn worker loads URLs, views and templates on its first requests.
        _locust(host, 10, 400, Path(f"{CSV_PREFIX}_warmup"))
        _locust(host, seconds, 50 * seconds * USERS, CSV_PREFIX)
    finally:
        pages.stop_gunicorn(server)
        _purge_queue()
    row = _aggregated(CSV_PREFIX)
    requests = int(row["Request Count"])
    errors = int(row["Failure Count"])
    rps = float(row["Requests/s"])
    p50, p95, p99 = (float(row[k]) for k in ("50%", "95%", "99%"))
    k = n // 1000
    size = f"{k}k creators, {USERS} users, {requests} requests in {seconds} s"
    failures = _failures(CSV_PREFIX)
    return [
        Result(f"load mix throughput ({k}k)", rps, "req/s", better="higher", notes=size),
        Result(f"load mix p50 ({k}k)", p50, "ms", notes=size),
        Result(f"load mix p95 ({k}k)", p95, "ms", target=150.0, notes=size),
        Result(f"load mix p99 ({k}k)", p99, "ms", notes=size),
        Result(
            f"load mix errors ({k}k)",
            float(errors),
            "errors",
            target=0.0,
            notes=failures or "none",
        ),
    ]


def _secret() -> dict:
    """The benchmark process's SECRET_KEY, so the plan's sessions are valid in gunicorn."""
    from django.conf import settings

    return {"SECRET_KEY": settings.SECRET_KEY}


if __name__ == "__main__":
    if sys.argv[1:2] == ["prepare"]:
        os.environ.setdefault("DEBUG", "1")
        prepare(int(sys.argv[2]))

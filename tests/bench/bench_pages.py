"""Page latency under load: creator discovery with a typical filter and sort, served by gunicorn
on loopback to 8 concurrent clients (a thread pool of keep-alive-free HTTP clients).

Data: N creators (100k full, 10k reduced) with metrics, inserted by COPY under handles starting
"benchpages" (reused when already there, so repeated runs do not re-insert). Reports p50/p95 of
the response time seen by the clients (loopback, so essentially server time), the error count,
and the ratio of p50 to the raw SQL time of the page's main queries (capped count + the page of rows).
The run is bounded in time and in requests.
"""

import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from tests.bench.run import BenchContext, Result

PREFIX = "benchpages"
CLIENTS = 8
TYPICAL_QUERY = "platform=instagram&min_er=2&min_authenticity=50&sort=score"
ROOT = Path(__file__).resolve().parents[2]


def _ensure_catalogue(n: int) -> None:
    """n creators with metrics under the PREFIX handles, inserted by COPY unless already there."""
    from creators.models import Creator
    from matchmaker.lib.pgcopy import insert_frame
    from scoring.models import CreatorMetrics

    mine = Creator.objects.filter(handle__startswith=PREFIX)
    if mine.count() == n:
        # Catalogues seeded before the stored catalogue score existed get it filled in.
        CreatorMetrics.objects.filter(
            creator__handle__startswith=PREFIX, catalogue_score__isnull=True
        ).update(catalogue_score=F("er_percentile") * F("authenticity_score") / 100.0)
        return
    with transaction.atomic():
        CreatorMetrics.objects.filter(creator__handle__startswith=PREFIX).delete()
        mine.delete()
        rng = np.random.default_rng(5)
        now = timezone.now()
        followers = np.exp(rng.uniform(np.log(1_000), np.log(2_000_000), n)).astype(np.int64)
        platforms = rng.choice(
            ["instagram", "tiktok", "youtube", "twitter"], n, p=[0.5, 0.3, 0.15, 0.05]
        )
        countries = rng.choice(["DE", "FR", "US", "GB", "ES", "IT", "NL", "PL", "SE", "AT"], n)
        start = (Creator.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        ids = np.arange(start, start + n)
        creators = pd.DataFrame(
            {
                "id": ids,
                "platform": platforms,
                "handle": [f"{PREFIX}{i}" for i in range(n)],
                "display_name": [f"Bench Creator {i}" for i in range(n)],
                "profile_url": "",
                "country": countries,
                "language": "en",
                "bio": "Recipes, travel and slow living.",
                "followers": followers,
                "contact_email": "",
                "price_currency": "USD",
                "quoted_price": np.where(rng.random(n) < 0.3, (followers * 0.01).round(2), None),
                "source": "bench",
                "created_at": now,
                "updated_at": now,
            }
        )
        insert_frame(Creator, creators)
        er = rng.lognormal(np.log(0.03), 0.6, n)
        percentile = pd.Series(er).rank(pct=True).to_numpy()
        authenticity = rng.uniform(10, 100, n).round(1)
        tiers = np.select(
            [followers < 10_000, followers < 100_000, followers < 500_000, followers < 1_000_000],
            ["nano", "micro", "mid", "macro"],
            "mega",
        )
        metrics = pd.DataFrame(
            {
                "creator_id": ids,
                "computed_at": now,
                "tier": tiers,
                "er_median": er,
                "er_mean": er,
                "er_posts_used": 12,
                "er_from_profile": False,
                "er_percentile": percentile,
                "authenticity_score": authenticity,
                "catalogue_score": percentile * authenticity / 100.0,
                "authenticity_reasons": "[]",
                "growth_30d": rng.normal(0.01, 0.03, n),
                "growth_spikes": "[]",
                "estimated_price": (followers * 0.012).round(2),
                "price_is_estimate": True,
                "inputs": "{}",
            }
        )
        insert_frame(CreatorMetrics, metrics)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('creators_creator', 'id'), "
                "(SELECT MAX(id) FROM creators_creator))"
            )
    # Steady state, as autovacuum leaves it: statistics and the visibility map (index-only scans).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE creators_creator")
        cursor.execute("VACUUM ANALYZE scoring_creatormetrics")


def _session_cookie() -> str:
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    user, _ = get_user_model().objects.get_or_create(username=f"{PREFIX}_user")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _sql_ms(query: str, runs: int = 15) -> float:
    """Median time of the page's main queries (the capped count + one page of rows), run
    directly through the same selector and paginator."""
    from django.contrib.auth import get_user_model
    from django.http import QueryDict

    from campaigns.discovery.forms import DiscoveryFilterForm
    from campaigns.discovery.selectors import discovery_creators
    from campaigns.discovery.views import MAX_PAGE, PAGE_SIZE
    from matchmaker.lib.pagination import CappedPaginator

    user = get_user_model().objects.get(username=f"{PREFIX}_user")
    form = DiscoveryFilterForm(QueryDict(query), user=user)
    assert form.is_valid(), form.errors
    qs = discovery_creators(filters=form.cleaned_data)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        CappedPaginator(qs, PAGE_SIZE, max_pages=MAX_PAGE).count  # noqa: B018 (runs the query)
        list(qs[:PAGE_SIZE])
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVER_VAR_DIR = ROOT / "var" / "bench" / "server"
_collected = False


def server_env(**extra: str) -> dict:
    """Production settings on loopback: DEBUG off, the manifest static storage, plain HTTP.

    The same SECRET_KEY as this process, so sessions made here are valid there. VAR_DIR keeps the
    benchmark's collected static files apart from the working tree's var/."""
    from django.conf import settings

    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "VAR_DIR": str(SERVER_VAR_DIR),
        "DJANGO_SETTINGS_MODULE": "matchmaker.settings",
        **extra,
    }


def collectstatic() -> None:
    """Once per benchmark process: the hashed, compressed files the manifest storage serves."""
    global _collected
    if _collected:
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=server_env(),
        check=True,
    )
    _collected = True


# Production runs with Redis (cache and sessions; tasks go there too, and no page measured here
# enqueues one): the benchmark's own Redis database, as bench_load uses.
REDIS_DB_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")


def start_gunicorn(port: int, **extra_env: str) -> subprocess.Popen:
    """gunicorn with the project's config (matchmaker/gunicorn_conf.py) bound to loopback, with
    Redis as in production unless extra_env says otherwise."""
    collectstatic()
    env = server_env(GUNICORN_BIND=f"127.0.0.1:{port}", **{"REDIS_URL": REDIS_DB_URL, **extra_env})
    SERVER_VAR_DIR.mkdir(parents=True, exist_ok=True)
    log = open(SERVER_VAR_DIR / "gunicorn.log", "ab")  # noqa: SIM115 (lives as long as gunicorn)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "matchmaker.wsgi", "-c", "matchmaker/gunicorn_conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,  # the access log
        stderr=log,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None:
                tail = (SERVER_VAR_DIR / "gunicorn.log").read_bytes()[-2000:].decode()
                raise RuntimeError(f"gunicorn exited: {tail}") from None
            time.sleep(0.2)
    else:
        stop_gunicorn(process)
        raise RuntimeError("gunicorn did not start within 60 s")
    _wait_for_workers(port, deadline=time.time() + 90)
    return process


def _wait_for_workers(port: int, deadline: float) -> None:
    """The master listens before its workers have imported Django: send rounds of concurrent
    requests until a whole round answers quickly, so no worker is still booting."""
    url = f"http://127.0.0.1:{port}/accounts/login/"

    def fetch(_) -> float:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()
        except Exception:  # booting or refused: a slow answer, try again
            return 30.0
        return time.perf_counter() - started

    with ThreadPoolExecutor(CLIENTS) as pool:
        while time.time() < deadline:
            if max(pool.map(fetch, range(CLIENTS * 3))) < 1.0:
                return


def stop_gunicorn(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _load(
    url: str, cookie: str, seconds: float, max_requests: int, marker: bytes = b"discovery-table"
) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    first_error: list[str] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        nonlocal errors
        while time.perf_counter() < stop_at:
            with lock:
                if len(latencies) + errors >= max_requests:
                    return
            request = urllib.request.Request(url, headers={"Cookie": cookie})
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    body = response.read()
                    ok = response.status == 200 and marker in body
            except Exception as exc:  # any failure counts as an error; keep one to report
                ok = False
                first_error.append(repr(exc))
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1

    with ThreadPoolExecutor(CLIENTS) as pool:
        for _ in range(CLIENTS):
            pool.submit(client)
    if first_error:
        print(f"   first error: {first_error[0]}", flush=True)
    return latencies, errors


def run(ctx: BenchContext) -> list[Result]:
    n = 100_000 if ctx.full else 10_000
    _ensure_catalogue(n)
    cookie = _session_cookie()
    sql_ms = _sql_ms(TYPICAL_QUERY)
    port = _free_port()
    server = start_gunicorn(port)
    try:
        url = f"http://127.0.0.1:{port}/creators/?{TYPICAL_QUERY}"
        _load(url, cookie, seconds=5, max_requests=80)  # warm-up: each worker's first pages
        latencies, errors = _load(url, cookie, seconds=30 if ctx.full else 12, max_requests=4000)
    finally:
        stop_gunicorn(server)
    if not latencies:
        raise RuntimeError(f"no successful request ({errors} errors)")
    p50 = float(np.percentile(latencies, 50))
    p95 = float(np.percentile(latencies, 95))
    size = f"{n // 1000}k creators, {CLIENTS} clients, {len(latencies) + errors} requests"
    return [
        Result(f"discovery p50 ({n // 1000}k)", p50, "ms", notes=f"{size}; ?{TYPICAL_QUERY}"),
        Result(f"discovery p95 ({n // 1000}k)", p95, "ms", target=100.0, notes=size),
        Result(f"discovery errors ({n // 1000}k)", float(errors), "errors", target=0.0, notes=size),
        Result(
            f"discovery p50 / raw SQL ({n // 1000}k)",
            p50 / sql_ms,
            "x",
            notes=f"raw SQL (capped count + page) {sql_ms:.1f} ms median",
        ),
    ]

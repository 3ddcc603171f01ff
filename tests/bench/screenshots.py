"""Regenerate the README's screenshots (docs/screenshots/*.png) from the demo data.

Seeds the demo (manage.py seed_demo, 2,000 creators) into its own database unless it is there,
serves it with runserver on a free loopback port, logs in as the demo agency owner through the
login form in headless Chromium (Debian's chromium driven by Playwright) and captures the main
pages.

    .venv/bin/python -m tests.bench.screenshots

DATABASE_URL names the database (default: an embedded PostgreSQL of its own, with VAR_DIR
var/screenshots/); CHROMIUM_PATH the browser (default: chromium on PATH).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
VAR = ROOT / "var" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]
VIEWPORT = {"width": 1280, "height": 1000}


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}  # tasks in-process
    if not env.get("DATABASE_URL"):
        env["VAR_DIR"] = str(VAR)  # its own embedded server, beside the demo's
    return env | {"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "matchmaker.settings"}


def _manage(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def _pages() -> list[tuple[str, str]]:
    """(file name, path) of each page, found in the demo data."""
    script = (
        "from campaigns.models import Campaign;"
        "active = Campaign.objects.filter(brand__organization__slug='brightwave', status='active')"
        ".order_by('pk').first();"
        "done = Campaign.objects.filter(brand__organization__slug='brightwave', status='completed')"
        ".order_by('pk').first();"
        "creator = active.roster.order_by('pk').first().creator_id;"
        "top = active.match_scores.order_by('rank').first().creator_id;"
        "from django.contrib.auth import get_user_model;"
        "from campaigns.sharing.services import share_link_create;"
        "owner = get_user_model().objects.get(username='agency_owner');"
        "token = share_link_create(campaign=done, user=owner, days=7)[1];"
        "print(active.pk, done.pk, creator, top, token)"
    )
    output = _manage("shell", "-c", script).strip().splitlines()[-1]
    active, done, creator, top, token = output.split()
    return [
        ("why-score.png", f"/campaigns/{active}/matches/{top}/"),
        ("client-report.png", f"/share/{token}/"),
        ("discovery.png", "/creators/?platform=instagram&min_authenticity=60&sort=score"),
        ("creator-profile.png", f"/creators/{creator}/"),
        ("campaign-matches.png", f"/campaigns/{active}/"),
        ("roster-board.png", f"/campaigns/{active}/roster/"),
        ("results-dashboard.png", f"/campaigns/{done}/results/"),
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("runserver did not start within 30 s")


def main() -> int:
    from playwright.sync_api import sync_playwright

    from matchmaker.demo.workspace import DEMO_PASSWORD

    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not chromium:
        sys.exit("Chromium not found: apt-get install chromium, or set CHROMIUM_PATH.")
    VAR.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    _manage("migrate", "--noinput")
    print(_manage("seed_demo", "--creators", "2000", "--if-empty").strip().splitlines()[0])
    pages = _pages()
    port = _free_port()
    server = _serve(port)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=CHROMIUM_ARGS
            )
            context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
            context.set_default_timeout(30_000)
            page = context.new_page()
            page.goto(f"{base}/accounts/login/")
            page.fill("input[name=username]", "agency_owner")
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            if "/accounts/login/" in page.url:
                raise RuntimeError("could not log in as agency_owner")
            for name, path in pages:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(600)  # chart animations settle
                page.screenshot(path=str(OUT / name), full_page=False)
                print(f"  {OUT.relative_to(ROOT) / name}  <- {path}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    os.environ.update({k: v for k, v in _env().items() if k in ("DEBUG", "DATABASE_URL")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "matchmaker.settings")
    import django

    django.setup()
    raise SystemExit(main())

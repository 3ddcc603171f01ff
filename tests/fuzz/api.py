"""API fuzzing: schemathesis (`--checks all`) against gunicorn on loopback, as two organisations.

Run by CI before the test suite (`make fuzz`). The server is the production stack (gunicorn with
matchmaker/gunicorn_conf.py, DEBUG off, the real middleware) on its own database, the test
database's name + "_fuzz", dropped and seeded afresh each run: the fuzzer writes (campaigns,
roster moves, results), and stateful sequences (create, then read, change, delete) need commits
a test transaction would roll back. Tasks run in-process (no REDIS_URL), as in the embedded
default.

Identities (a Web Fuzzing Commons auth file): an editor of Brightwave and an editor of Verde
Foods are peers, whose objects must stay private to each other (schemathesis'
object_level_authorization check); a staff token with the staff scope reaches the staff-only
imports. Bounded: a few examples per operation and a time budget (FUZZ_MAX_TIME, 120 s).
"""

import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "fuzz"
CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "8"))
MAX_TIME = int(os.environ.get("FUZZ_MAX_TIME", "120"))
SEED = int(os.environ.get("FUZZ_SEED", "7"))
CREATORS = 120
PEERS = {"brightwave": "agency_editor", "verde": "verde_editor"}


def fuzz_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The API fuzz runs on PostgreSQL: set DATABASE_URL=postgres://...")
    base, _, name = url.rpartition("/")
    return f"{base}/{name.split('?')[0]}_fuzz"


def _fresh_database(url: str) -> None:
    import psycopg2

    base, _, name = url.rpartition("/")
    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def prepare() -> dict[str, str]:
    """Seed the demo and create the tokens; returns name -> raw token."""
    from tests.bench.run import setup_django

    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from tenancy.tokens import api_token_create

    call_command("seed_demo", creators=CREATORS, seed=SEED, stdout=io.StringIO())
    users = get_user_model().objects
    tokens = {}
    for name, username in PEERS.items():
        _, tokens[name] = api_token_create(user=users.get(username=username), name="fuzz")
    _, tokens["staff"] = api_token_create(user=users.get(username="admin"), name="fuzz", staff=True)
    return tokens


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_inputs(base_url: str, tokens: dict[str, str]) -> Path:
    """The schema as the server serves it, and the auth file: one entry per identity, in the
    order schemathesis tries them on an operation that refuses the first."""
    OUT.mkdir(parents=True, exist_ok=True)
    request = urllib.request.Request(
        f"{base_url}/api/schema/?format=json",
        headers={"Authorization": f"Bearer {tokens['brightwave']}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        schema = OUT / "schema.json"
        schema.write_bytes(response.read())
    entries = [
        {"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {raw}"}]}
        for name, raw in tokens.items()
    ]
    (OUT / "auth.json").write_text(json.dumps({"auth": entries}))
    return schema


def main() -> int:
    url = fuzz_database_url()
    _fresh_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    started = time.monotonic()
    tokens = prepare()
    print(f"== fuzz: seeded {CREATORS} creators and tokens in {time.monotonic() - started:.0f} s")
    from tests.bench import bench_pages

    port = _free_port()
    server = bench_pages.start_gunicorn(
        port, DATABASE_URL=url, REDIS_URL="", API_TOKEN_RATE="100000/min", GUNICORN_WORKERS="2"
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        schema = _write_inputs(base_url, tokens)
        command = [
            str(Path(sys.executable).with_name("schemathesis")),
            "--config-file", str(CONFIG),
            "run", str(schema),
            "--url", base_url,
            "--checks", "all",
            "--max-examples", str(MAX_EXAMPLES),
            "--max-time", str(MAX_TIME),
            "--seed", str(SEED),
            # One worker: with two, CPython 3.11's AST constructor (used by hypothesis from
            # threads) fails now and then with "recursion depth mismatch" (cpython#106905).
            "--workers", "1",
            "--request-timeout", "30",
            "--generation-database", "none",
            "--report", "junit",
            "--report-dir", str(OUT / "report"),
            "--no-color",
        ]  # fmt: skip
        env = {**os.environ, "FUZZ_AUTH_FILE": str(OUT / "auth.json")}
        return subprocess.run(command, cwd=OUT, env=env, check=False).returncode
    finally:
        bench_pages.stop_gunicorn(server)


if __name__ == "__main__":
    sys.exit(main())

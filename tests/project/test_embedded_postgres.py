"""The embedded PostgreSQL (no DATABASE_URL): one server per checkout, shared, and stopped.

Each test gives its processes a VAR_DIR of its own, so it starts and stops a server of its own
whatever database the suite itself runs on (CI's PostgreSQL through DATABASE_URL, or the
checkout's embedded server).
"""

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from matchmaker.embedded_postgres.server import IDLE_SECONDS, LOG_MAX_BYTES, Server

ROOT = Path(__file__).resolve().parents[2]
# Enough for the idle time, a fast shutdown and a busy machine.
STOP_DEADLINE = IDLE_SECONDS + 30
QUERY = (
    "SELECT pg_postmaster_start_time()::text, current_database(), inet_server_addr() IS NULL, "
    "current_setting('listen_addresses'), current_setting('server_version_num')::int / 10000"
)
# Connects, prints what QUERY returns, then holds its connection until its stdin is closed.
CLIENT = f"""
import json, sys, django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute({QUERY!r})
    print(json.dumps(cursor.fetchone()), flush=True)
sys.stdin.read()
"""
# A test for a nested pytest: runs on pytest-django's test database.
NESTED_TEST = f"""
import json, os, time
import pytest
from django.db import connection

@pytest.mark.django_db
def test_probe():
    with connection.cursor() as cursor:
        cursor.execute({QUERY!r})
        print("PROBE " + json.dumps(cursor.fetchone()), flush=True)
    time.sleep(float(os.environ.get("PROBE_SLEEP", "0")))
"""


DEFAULT_SIGINT_EXEC = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)


def nested_pytest(tmp_path: Path) -> list[str]:
    """The command of a pytest run (with its test database) of NESTED_TEST alone."""
    probe = tmp_path / "nested" / "test_probe.py"
    probe.parent.mkdir(exist_ok=True)
    probe.write_text(NESTED_TEST)
    return [
        sys.executable, "-m", "pytest", str(probe), "-q", "-s", "--nomigrations",
        "-p", "no:cacheprovider", "--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml"),
    ]  # fmt: skip


def embedded_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a checkout without DATABASE_URL (nor Redis), its var/ at var_dir."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env | {"DEBUG": "1", "VAR_DIR": str(var_dir), **extra}


def postmasters(server: Server) -> list[str]:
    """The command lines of the running postmasters of this server's data directory."""
    ps = subprocess.run(["ps", "-eww", "-o", "pid=,command="], capture_output=True, text=True)
    return [
        line.strip()
        for line in ps.stdout.splitlines()
        if f"-D {server.data_dir} " in line and "postgres" in line
    ]


def wait_until(check, what: str, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.1)


def first_line(process: subprocess.Popen, timeout: float = 60) -> str:
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    if not ready:
        process.kill()
        pytest.fail(f"no output from {process.args} after {timeout:.0f}s")
    return process.stdout.readline()


class Checkout:
    """Processes of one checkout (its var/ at `var_dir`) and the server they share."""

    def __init__(self, var_dir: Path):
        self.var_dir = var_dir
        self.server = Server(var_dir / "postgres")
        self.clients: list[subprocess.Popen] = []

    def query(self) -> list:
        """Run a process that connects, and return what it saw."""
        done = subprocess.run(
            [sys.executable, "-c", CLIENT],
            cwd=ROOT,
            env=embedded_env(self.var_dir),
            input="",
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.splitlines()[-1])

    def hold(self) -> tuple[subprocess.Popen, list]:
        """Start a process that connects and stays connected; returns it and what it saw."""
        process = subprocess.Popen(
            [sys.executable, "-c", CLIENT],
            cwd=ROOT,
            env=embedded_env(self.var_dir),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.clients.append(process)
        line = first_line(process)
        assert line, f"the client exited with {process.wait()}"
        return process, json.loads(line)

    def release(self, process: subprocess.Popen) -> None:
        process.stdin.close()
        process.wait(timeout=60)

    def wait_stopped(self) -> None:
        wait_until(
            lambda: not postmasters(self.server) and not self.server.ready.exists(),
            f"the embedded server to stop; log:\n{self.log()}",
            STOP_DEADLINE,
        )

    def log(self) -> str:
        log = self.server.log
        return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"

    def close(self) -> None:
        for process in self.clients:
            if process.poll() is None:
                # The whole group: runserver's autoreloader child too.
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture
def checkout():
    """A checkout's var/; at the end its server must have stopped by itself.

    In /tmp, not in pytest's tmp_path: as root PostgreSQL runs as a service user, which must be
    able to enter every directory above var/ (pytest's base directory is private)."""
    var_dir = Path(tempfile.mkdtemp(prefix="mm-var-", dir="/tmp"))
    var_dir.chmod(0o755)
    found = Checkout(var_dir)
    yield found
    try:
        found.close()
        found.wait_stopped()
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def test_two_processes_one_after_the_other_share_one_server(checkout):
    first = checkout.query()
    second = checkout.query()  # within the idle time: the same server, not a new one
    assert second == first
    started, database, over_socket, listen, major = first
    assert database == "matchmaker" and major == 16
    assert over_socket is True and listen == ""  # a Unix socket only: no TCP port is opened
    assert (checkout.server.socket_dir / ".s.PGSQL.5432").is_socket()
    # While one process holds a connection, another one joins the same server.
    holder, held = checkout.hold()
    assert checkout.query()[0] == held[0]
    checkout.release(holder)
    # Nobody left: it stops, and the next process starts it again on the data it kept.
    checkout.wait_stopped()
    assert checkout.query()[0] > started
    assert (checkout.server.data_dir / "PG_VERSION").read_text().strip() == "16"


@pytest.mark.slow
def test_pytest_test_database_is_on_the_same_server(checkout, tmp_path):
    holder, held = checkout.hold()
    done = subprocess.run(
        nested_pytest(tmp_path),
        cwd=ROOT,
        env=embedded_env(checkout.var_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("PROBE "))
    started, database, *_ = json.loads(line.removeprefix("PROBE "))
    assert database == "test_matchmaker" and started == held[0]
    checkout.release(holder)


def test_a_stale_pid_file_after_a_killed_postmaster_is_recovered(checkout):
    holder, held = checkout.hold()
    postmaster = checkout.server.postmaster_pid()
    os.kill(postmaster, signal.SIGKILL)
    wait_until(lambda: not checkout.server.ready.exists(), "the supervisor to notice", 30)
    pid_file = checkout.server.data_dir / "postmaster.pid"
    assert pid_file.exists()  # what a crash leaves behind
    # Worse: its pid now belongs to a live process (this one). PostgreSQL alone would refuse
    # to start ("lock file postmaster.pid already exists").
    lines = pid_file.read_text().split("\n")
    pid_file.write_text("\n".join([str(os.getpid()), *lines[1:]]))
    again = checkout.query()
    assert again[0] > held[0]
    assert "removing stale postmaster.pid" in checkout.log()
    checkout.release(holder)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal")
def test_a_killed_supervisor_takes_postgres_with_it(checkout):
    holder, _ = checkout.hold()
    supervisor = int(checkout.server.ready.read_text().split()[1])
    os.kill(supervisor, signal.SIGKILL)
    wait_until(lambda: not postmasters(checkout.server), "postgres to stop", 30)
    # The next connection starts a new server.
    assert checkout.query()[1] == "matchmaker"
    checkout.release(holder)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_ctrl_c_on_runserver_leaves_no_postgres(checkout):
    port = _free_port()
    # runserver with its autoreloader, in a process group of its own like a terminal's job,
    # with SIGINT's default action as in a terminal (a job started in the background of a
    # shell, as CI may start this suite, ignores SIGINT, and its children inherit that).
    runserver = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        [sys.executable, "-c", DEFAULT_SIGINT_EXEC, *runserver],
        cwd=ROOT,
        env=embedded_env(checkout.var_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    checkout.clients.append(process)

    def serves() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5):
                return True
        except OSError:
            return False

    wait_until(serves, "runserver to serve the login page", 120)
    wait_until(lambda: postmasters(checkout.server), "the embedded server", 60)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends to the terminal's job
    process.wait(timeout=60)
    checkout.wait_stopped()


@pytest.mark.slow
def test_a_killed_test_run_leaves_no_postgres(checkout, tmp_path):
    run = subprocess.Popen(
        nested_pytest(tmp_path),
        cwd=ROOT,
        env=embedded_env(checkout.var_dir, PROBE_SLEEP="120"),
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    checkout.clients.append(run)
    wait_until(lambda: "PROBE" in first_line(run, 300), "the nested test to connect", 300)
    assert postmasters(checkout.server)
    run.kill()  # SIGKILL: no atexit, no teardown
    run.wait()
    checkout.wait_stopped()


@pytest.mark.slow
def test_no_postgres_left_after_make_test(checkout):
    done = subprocess.run(
        ["make", "test", "PYTEST_ARGS=tests/campaigns/test_models.py -q"],
        cwd=ROOT,
        env=embedded_env(checkout.var_dir),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert " passed" in done.stdout
    assert "PostgreSQL 16" in checkout.server.log.read_text()  # it ran on the embedded server
    checkout.wait_stopped()


def test_make_reset_demo_refuses_while_in_use_then_deletes_the_cluster(checkout):
    def reset() -> subprocess.CompletedProcess:
        env = embedded_env(checkout.var_dir)
        return subprocess.run(
            ["make", "reset-demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )

    (checkout.var_dir / "media").mkdir()
    holder, _ = checkout.hold()
    refused = reset()
    assert refused.returncode != 0 and "is in use" in refused.stderr
    assert (checkout.server.data_dir / "PG_VERSION").exists()
    checkout.release(holder)
    done = reset()  # the server may still be up (idle time): it is stopped first
    assert done.returncode == 0, done.stderr
    assert not checkout.server.data_dir.exists() and not (checkout.var_dir / "media").exists()
    assert not postmasters(checkout.server)
    # The next use starts on a new cluster.
    assert checkout.query()[1] == "matchmaker"


def test_make_demo_says_where_the_data_lives_and_how_to_reset_it(checkout):
    dry = subprocess.run(
        ["make", "-n", "demo"], cwd=ROOT, env=embedded_env(checkout.var_dir),
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert f"embedded PostgreSQL in {checkout.var_dir}/postgres/" in dry.stdout
    assert "make reset-demo" in dry.stdout


def test_a_checkout_path_too_long_for_a_unix_socket_connects_through_a_short_link(checkout):
    deep = Checkout(checkout.var_dir / ("d" * 60) / ("e" * 60) / "var")
    deep.var_dir.mkdir(parents=True)
    assert len(str(deep.server.socket_dir / ".s.PGSQL.5432")) > 108
    try:
        assert deep.query()[1] == "matchmaker"
        link = Path(deep.server.host)
        assert link.is_symlink() and link.resolve() == deep.server.socket_dir.resolve()
        assert (deep.server.socket_dir / ".s.PGSQL.5432").is_socket()  # the socket is in var/
    finally:
        deep.close()
        deep.wait_stopped()
        Path(deep.server.host).unlink(missing_ok=True)


def test_a_checkout_in_a_private_directory(checkout):
    """As root PostgreSQL runs as the service user, which is given search permission (o+x) on
    a directory above the checkout that it could not enter (a clone under /root)."""
    private = checkout.var_dir / "home"
    private.mkdir(mode=0o700)
    private.chmod(0o700)
    inside = Checkout(private / "var")
    try:
        assert inside.query()[1] == "matchmaker"
    finally:
        inside.close()
        inside.wait_stopped()
    mode = private.stat().st_mode & 0o777
    if os.geteuid() == 0:
        assert mode == 0o701 and "gave others search permission (o+x)" in inside.log()
    else:
        assert mode == 0o700  # the user's own server needs nothing


def test_the_server_log_is_emptied_when_it_grew_past_its_limit(checkout):
    checkout.server.root.mkdir(parents=True)
    with open(checkout.server.log, "wb") as log:
        log.truncate(LOG_MAX_BYTES + 1)
    checkout.query()
    assert checkout.server.log.stat().st_size < 100_000
    assert "ready on" in checkout.log()

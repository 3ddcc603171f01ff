"""The client side of the embedded PostgreSQL: Django's settings entry, this process's lease, and
starting a supervisor (server.py, run as a script) when none serves the checkout's server.

Every process that loads the settings or connects holds a shared flock on var/postgres/leases
while it lives; server.py's docstring says how the supervisor uses them.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from matchmaker.embedded_postgres import server as supervisor
from matchmaker.embedded_postgres.server import (
    DATABASE,
    PORT,
    START_TIMEOUT,
    USER,
    EmbeddedPostgresError,
    Server,
    _flock,
    is_ready,
    supervisor_alive,
)

_leases: dict[Path, int] = {}
_client_lock = threading.Lock()


def database_settings(root: Path) -> dict:
    """Django's DATABASES entry for the embedded server under `root`; holds this process's lease
    (a runserver autoreloader that never connects keeps the server up for its child too)."""
    server = Server(Path(root).resolve())
    hold_lease(server)
    return {
        "ENGINE": "matchmaker.embedded_postgres",
        "NAME": DATABASE,
        "USER": USER,
        "PASSWORD": "",
        "HOST": server.host,
        "PORT": str(PORT),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "EMBEDDED_DIR": str(server.root),
    }


def hold_lease(server: Server) -> None:
    """Take this process's shared lease on the server (once; it lasts until the process ends,
    and a forked child shares it)."""
    with _client_lock:
        if server.root in _leases:
            return
        server.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(server.leases, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by exec
        # Blocks only while a supervisor is shutting down (it holds the lock exclusively then).
        _flock(
            fd, fcntl.LOCK_SH, START_TIMEOUT, f"the embedded PostgreSQL in {server.root} to stop"
        )
        _leases[server.root] = fd


def ensure_running(server: Server) -> None:
    """Make sure the server accepts connections, starting a supervisor if none runs."""
    hold_lease(server)
    if is_ready(server):
        return
    with _client_lock:
        deadline = time.monotonic() + START_TIMEOUT
        spawned: subprocess.Popen | None = None
        while not is_ready(server):
            if spawned is not None and spawned.poll() not in (None, 0):
                raise EmbeddedPostgresError(
                    f"the embedded PostgreSQL did not start (exit {spawned.returncode}); "
                    f"{server.log} ends with:\n{_tail(server.log)}"
                )
            if not supervisor_alive(server) and (spawned is None or spawned.poll() is not None):
                spawned = _spawn_supervisor(server)
            if time.monotonic() > deadline:
                raise EmbeddedPostgresError(
                    f"the embedded PostgreSQL was not ready after {START_TIMEOUT:.0f}s; "
                    f"{server.log} ends with:\n{_tail(server.log)}"
                )
            time.sleep(0.02)


def _spawn_supervisor(server: Server) -> subprocess.Popen:
    with open(server.log, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, str(Path(supervisor.__file__).resolve()), "serve", str(server.root)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=server.root,
            start_new_session=True,  # out of the terminal's process group: Ctrl-C is not for it
        )
    # Reap it when it exits, so a long-lived client does not keep a zombie.
    threading.Thread(target=process.wait, daemon=True).start()
    return process


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"

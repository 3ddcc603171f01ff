"""The embedded PostgreSQL by hand: `python -m matchmaker.embedded_postgres.cli status|stop|reset
[DIR]` (DIR defaults to var/postgres of this checkout; `make reset-demo` runs `reset`)."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import sys
import time
from pathlib import Path

from matchmaker.embedded_postgres.server import PG_MAJOR, Server, is_ready, supervisor_alive


def stop(server: Server, timeout: float = 60.0) -> bool:
    """Stop the server now if no process uses it; False (and nothing done) if some do."""
    fd = os.open(server.leases, os.O_RDWR | os.O_CREAT, 0o644) if server.root.exists() else None
    if fd is None:
        return True
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        if supervisor_alive(server):
            supervisor = _supervisor_pid(server)
            if supervisor:
                os.kill(supervisor, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while supervisor_alive(server) and time.monotonic() < deadline:
                time.sleep(0.05)
        return not supervisor_alive(server)
    finally:
        os.close(fd)


def _supervisor_pid(server: Server) -> int | None:
    """The supervisor's pid, from the ready file it writes ("<postmaster pid> <its pid>")."""
    try:
        return int(server.ready.read_text().split()[1])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    default = Path(os.environ.get("VAR_DIR", Path(__file__).resolve().parents[2] / "var"))
    server = Server(Path(argv[1] if len(argv) > 1 else default / "postgres").resolve())
    if command == "status":
        state = "running" if is_ready(server) else "stopped"
        print(f"embedded PostgreSQL {PG_MAJOR}: {state}; data in {server.data_dir}")
        return 0
    if command in ("stop", "reset"):
        if not stop(server):
            print(
                f"the embedded PostgreSQL in {server.root} is in use: stop `make demo` (Ctrl-C), "
                "workers and other manage.py commands of this checkout first",
                file=sys.stderr,
            )
            return 1
        if command == "reset":
            shutil.rmtree(server.data_dir, ignore_errors=True)
            print(f"deleted {server.data_dir}: the next `make demo` creates and seeds it again")
        return 0
    print(
        "usage: python -m matchmaker.embedded_postgres.cli status|stop|reset [DIR]", file=sys.stderr
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

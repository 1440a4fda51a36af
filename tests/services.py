"""Throwaway PostgreSQL and Redis servers on 127.0.0.1 for the tests.

Both listen on 127.0.0.1 only, on ports the OS reports free, and keep their
files in one temporary directory: PostgreSQL in a fresh cluster (``initdb``,
trust authentication, superuser ``archive``, no fsync, ``unaccent`` installed
in ``template1`` so every test database has it), Redis without persistence.
As root, PostgreSQL runs as the ``postgres`` system user (it refuses root).

CI starts them once (``.ci/services.sh``) and passes their URLs in
``$ARCHIVE_TEST_PG_URL`` and ``$ARCHIVE_TEST_REDIS_URL``. Without those
variables the session fixtures start their own servers the same way; only when
that is impossible (no PostgreSQL binaries, no ``redis-server``) are the tests
skipped, with the reason shown; under ``CI=true`` they fail instead.

Example: python -m tests.services start /tmp/archive-services
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

PG_ENV = "ARCHIVE_TEST_PG_URL"
REDIS_ENV = "ARCHIVE_TEST_REDIS_URL"
PG_USER = "archive"
PG_SYSTEM_USER = "postgres"
PG_BIN_ROOT = Path("/usr/lib/postgresql")
READY_TIMEOUT = 30.0
PG_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={sockets} "
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
)


class ServiceUnavailable(RuntimeError):
    """A server could not be started here (missing binaries, no user to run it as)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 the OS reports free."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pg_bindir() -> Path:
    """The newest PostgreSQL server binaries (Debian's layout, else ``pg_ctl`` on PATH)."""
    versions = sorted(
        (p for p in PG_BIN_ROOT.glob("*/bin") if (p / "initdb").is_file()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1]
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise ServiceUnavailable("no PostgreSQL server binaries (initdb, pg_ctl) found")


def _as_server_user(command: list[str]) -> list[str]:
    """*command* run as the ``postgres`` user when we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return command
    try:
        pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        raise ServiceUnavailable(f"running as root and no {PG_SYSTEM_USER!r} user") from None
    return ["runuser", "-u", PG_SYSTEM_USER, "--", *command]


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise ServiceUnavailable(f"{what} failed: {(done.stderr or done.stdout).strip()[-500:]}")


def start_postgres(root: Path) -> str:
    """Create a cluster in ``root/pg`` and start it; returns its URL (database ``postgres``)."""
    bindir = pg_bindir()
    data, sockets = root / "pg" / "data", root / "pg" / "sockets"
    sockets.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        entry = pwd.getpwnam(PG_SYSTEM_USER)
        for path in (root, root / "pg", sockets):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    _run(_as_server_user([str(bindir / "initdb"), "-D", str(data), "-U", PG_USER,
                          "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]),
         "initdb")
    port = free_port()
    options = PG_OPTIONS.format(port=port, sockets=sockets)
    _run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", options,
                          "-l", str(root / "pg" / "server.log"), "-w", "-t", "60", "start"]),
         "pg_ctl start")
    url = f"postgresql+psycopg://{PG_USER}@127.0.0.1:{port}/postgres"
    _install_unaccent(url)
    return url


def _install_unaccent(url: str) -> None:
    plain = url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0]
    for database in ("template1", "postgres"):
        with psycopg.connect(f"{plain}/{database}", autocommit=True) as connection:
            connection.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


def stop_postgres(root: Path) -> None:
    data = root / "pg" / "data"
    if (data / "postmaster.pid").exists():
        _run(_as_server_user([str(pg_bindir() / "pg_ctl"), "-D", str(data), "-m", "fast",
                              "-w", "stop"]), "pg_ctl stop")


def start_redis(root: Path) -> str:
    """Start ``redis-server`` (no persistence) with its files in ``root/redis``; its URL."""
    server = shutil.which("redis-server")
    if server is None:
        raise ServiceUnavailable("no redis-server (apt-get install redis-server)")
    work = root / "redis"
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    _run([server, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
          "--appendonly", "no", "--dir", str(work), "--daemonize", "yes",
          "--pidfile", str(work / "redis.pid"), "--logfile", str(work / "redis.log")],
         "redis-server")
    _wait_for_redis(port, work / "redis.log")
    return f"redis://127.0.0.1:{port}/0"


def _wait_for_redis(port: int, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
    raise ServiceUnavailable(f"redis-server did not answer on port {port}: {tail}")


def stop_redis(root: Path) -> None:
    pidfile = root / "redis" / "redis.pid"
    if not pidfile.exists():
        return
    pid = int(pidfile.read_text().strip())
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline and pidfile.exists():
        time.sleep(0.05)


@dataclass(frozen=True)
class PostgresServer:
    """A running PostgreSQL server on which tests make and drop their own databases."""

    url: str
    """URL of its ``postgres`` database (a superuser may create databases there)."""

    def _admin(self) -> psycopg.Connection[Any]:
        return psycopg.connect(_libpq(self.url), autocommit=True)

    def _url_of(self, name: str) -> str:
        return self.url.rsplit("/", 1)[0] + "/" + name

    def new_database(self, template: str | None = None) -> str:
        """A new database, empty or a copy of the one at URL *template*; its URL."""
        name = f"archive_{uuid.uuid4().hex[:12]}"
        copy = f' TEMPLATE "{template.rsplit("/", 1)[1]}"' if template else ""
        with self._admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}"{copy}')
        return self._url_of(name)

    def drop_database(self, url: str) -> None:
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _unavailable(what: str, exc: Exception) -> None:
    message = f"{what} not available: {exc}"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{message} (CI must run these tests)")
    pytest.skip(message)


def _server(env: str, what: str, start: Callable[[Path], str],
            stop: Callable[[Path], None]) -> Iterator[str]:
    given = os.environ.get(env)
    if given:
        yield given
        return
    # Not pytest's tmp_path: the postgres user cannot enter root's pytest directories.
    root = Path(tempfile.mkdtemp(prefix=f"archive-{what.lower()}-"))
    try:
        url = start(root)
    except (ServiceUnavailable, OSError, subprocess.SubprocessError) as exc:
        stop(root)
        shutil.rmtree(root, ignore_errors=True)
        _unavailable(what, exc)
        return
    try:
        yield url
    finally:
        stop(root)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server on which tests may create databases."""
    for url in _server(PG_ENV, "PostgreSQL", start_postgres, stop_postgres):
        yield PostgresServer(url)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """URL of a Redis server on 127.0.0.1; tests keep to keys of their own."""
    yield from _server(REDIS_ENV, "Redis", start_redis, stop_redis)


@pytest.fixture
def pg_archive(postgres_server: PostgresServer) -> Iterator[str]:
    """URL of a new, empty PostgreSQL database, dropped after the test."""
    url = postgres_server.new_database()
    try:
        yield url
    finally:
        postgres_server.drop_database(url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Start or stop the test PostgreSQL and Redis servers kept in DIR. "
        "'start' prints shell export lines for their URLs.",
        epilog="Example: eval \"$(python -m tests.services start /tmp/archive-services)\"",
    )
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("dir", type=Path, help="directory for the servers' files")
    args = parser.parse_args(argv)
    root: Path = args.dir
    try:
        if args.action == "start":
            root.mkdir(parents=True, exist_ok=True)
            pg_url, redis_url = start_postgres(root), start_redis(root)
            print(f"export {PG_ENV}={pg_url}\nexport {REDIS_ENV}={redis_url}")
        else:
            stop_redis(root)
            stop_postgres(root)
    except (ServiceUnavailable, OSError, subprocess.SubprocessError) as exc:
        print(f"tests.services: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

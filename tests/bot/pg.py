"""A throwaway PostgreSQL cluster for tests (Debian's server binaries; skipped when absent)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for version_dir in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (version_dir / name).exists():
            return str(version_dir / name)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """A private cluster on 127.0.0.1 that a test can stop and start again (same port, same data)."""

    def __init__(self) -> None:
        initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
        if initdb is None or pg_ctl is None:
            pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
        self.pg_ctl = pg_ctl
        self.base = Path(tempfile.mkdtemp(prefix="happytalk-pg-"))  # in /tmp: reachable by the server's user
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # the server refuses to run as root
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.base, "postgres")
        self.data, self.port = self.base / "pgdata", _free_port()
        self._run(initdb, "-D", str(self.data), "-U", "happytalk", "--auth=trust", "-E", "UTF8")
        self.url = f"postgresql+psycopg://happytalk@127.0.0.1:{self.port}/postgres"

    def _run(self, *cmd: str) -> None:
        subprocess.run([*self.as_user, *cmd], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-h 127.0.0.1 -p {self.port} -k {self.base} -F"
        self._run(
            self.pg_ctl, "-D", str(self.data), "-w", "-l", str(self.base / "pg.log"), "-o", options, "start"
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        """Stop at once (``immediate``): clients see refused connections from then on."""
        self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop")

    def remove(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A started :class:`PostgresServer`; stopped (if running) and deleted after."""
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            server.stop()
        server.remove()


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Start a private cluster on 127.0.0.1 and yield its SQLAlchemy URL; stop and delete it after."""
    with postgres_server() as server:
        yield server.url

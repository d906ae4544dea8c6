"""A throwaway PostgreSQL server of our own, for tests that restart or kill the server.

Restarting the machine's shared server would break every other test using it, so these
tests get a cluster of their own: initdb in a temporary folder, on a free port, trust
auth, listening on 127.0.0.1 only, removed afterwards. PostgreSQL refuses to run as
root, so when we are root the server runs as the ``postgres`` user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STARTUP_SECONDS = 60


@dataclass
class PrivatePostgres:
    """A running cluster: its URL, and ways to restart it while clients are connected."""

    url: str
    _pg_ctl: str
    _data: Path
    _as_user: list[str]
    _options: str

    def restart(self) -> None:
        """Fast shutdown (open connections are cut, as in a real restart), then start."""
        self._ctl("restart", "-m", "fast", "-o", self._options)

    def _ctl(self, *args: str) -> None:
        subprocess.run([*self._as_user, self._pg_ctl, "-D", str(self._data), "-w",
                        "-t", str(STARTUP_SECONDS), "-l", str(self._data / "server.log"),
                        *args], check=True, capture_output=True, timeout=STARTUP_SECONDS + 30)


def _binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(f"PostgreSQL's {name} was not found; install postgresql")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """Start a new cluster; stop it and delete its files afterwards."""
    root = Path(tempfile.mkdtemp(prefix="actionlog-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {sockets} -c fsync=off"
    subprocess.run([*as_user, _binary("initdb"), "-D", str(data), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--no-instructions"],
                   check=True, capture_output=True, timeout=120)
    server = PrivatePostgres(f"postgresql://postgres@127.0.0.1:{port}/postgres",
                             _binary("pg_ctl"), data, as_user, options)
    server._ctl("start", "-o", options)  # noqa: SLF001 - the module's own helper
    try:
        yield server
    finally:
        try:
            server._ctl("stop", "-m", "immediate")  # noqa: SLF001
        except subprocess.CalledProcessError:
            time.sleep(0.5)  # already down (e.g. a failed restart); nothing to stop
        shutil.rmtree(root, ignore_errors=True)

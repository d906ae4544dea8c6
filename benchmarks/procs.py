"""Start, watch and stop the servers under test: ``actionlog run`` and the bare Bolt app."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "bench-signing-secret-0123456789"
BOT_TOKEN = "xoxb-bench-token-0001"
READY_TIMEOUT_S = 60.0


@dataclass
class Server:
    """A server process we started, with where it listens and how long it took to answer."""

    name: str
    process: subprocess.Popen[bytes]
    url: str
    ready_s: float

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    def rss_mib(self) -> float:
        """Resident memory now, from /proc (Linux)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("VmRSS not found")

    def pause(self) -> None:
        """Freeze the process (SIGSTOP) so it takes no CPU while the other app is measured."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def actionlog_argv() -> list[str]:
    """``actionlog run`` in HTTP mode on loopback, through this interpreter."""
    return [sys.executable, "-m", "bot.cli", "run", "--host", "127.0.0.1"]


def bare_argv() -> list[str]:
    return [sys.executable, "-m", "benchmarks.bare_app"]


def server_env(port: int, api_url: str, database_url: str) -> dict[str, str]:
    """The environment both servers read; nothing from the caller's Slack settings leaks in."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DATABASE_URL", "ACTIONLOG_"))}
    env.update({
        "PORT": str(port), "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url, "DATABASE_URL": database_url,
        "ACTIONLOG_TIMEZONE": "Europe/London",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
    })
    return env


@contextmanager
def serving(name: str, argv: list[str], env: dict[str, str], workdir: Path) -> Iterator[Server]:
    """Start a server, wait until ``/healthz`` answers 200, stop it afterwards."""
    port = int(env["PORT"])
    log_path = workdir / f"{name}-{port}.log"
    with log_path.open("wb") as log:
        started = time.perf_counter()
        # cwd is the scratch folder, so no .env from the repository is read.
        process = subprocess.Popen(argv, env=env, cwd=workdir, stdout=log, stderr=log)
        try:
            url = f"http://127.0.0.1:{port}"
            ready = _wait_ready(process, url, log_path) - started
            yield Server(name, process, url, ready)
        finally:
            _stop(process)


def _wait_ready(process: subprocess.Popen[bytes], url: str, log_path: Path) -> float:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"server exited with {process.returncode}:\n{tail}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return time.perf_counter()
        except requests.RequestException:
            pass
        time.sleep(0.01)
    raise RuntimeError(f"server at {url} not ready within {READY_TIMEOUT_S:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGCONT)  # in case it was paused
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)

"""Start, watch and stop the servers under test: ``actionlog run`` and the bare Bolt app.

Each process starts in its own session, so it and any child it starts (``actionlog run``
supervises a worker process) are paused, resumed and stopped together, as a group: no
process outlives the benchmark.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
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
        """Resident memory now of the whole process group (``actionlog run`` and the worker
        it started), from /proc (Linux)."""
        return sum(_rss_kib(pid) for pid in _group_members(self.process.pid)) / 1024

    def pause(self) -> None:
        """Freeze the process group (SIGSTOP) so it takes no CPU while another is measured."""
        _signal_group(self.process, signal.SIGSTOP)

    def resume(self) -> None:
        _signal_group(self.process, signal.SIGCONT)


def _group_members(pgid: int) -> list[int]:
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[2]) == pgid:  # the fifth field of stat: process group
            members.append(int(stat.parent.name))
    return members


def _rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def actionlog_argv(web_only: bool = False) -> list[str]:
    """``actionlog run`` (or ``run --web-only``) in HTTP mode on loopback."""
    return [sys.executable, "-m", "bot.cli", "run", "--host", "127.0.0.1",
            *(["--web-only"] if web_only else [])]


def worker_argv() -> list[str]:
    """``actionlog worker``: the work behind the acks, in a process of its own."""
    return [sys.executable, "-m", "bot.cli", "worker"]


def bare_argv(answer: bool = False) -> list[str]:
    return [sys.executable, "-m", "benchmarks.bare_app", *(["--answer"] if answer else [])]


def proxy_argv(port: int, backends: list[str]) -> list[str]:
    """The round-robin HTTP proxy of ``benchmarks.rrproxy`` in front of ``backends``."""
    return [sys.executable, "-m", "benchmarks.rrproxy", str(port), *backends]


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
        process = subprocess.Popen(argv, env=env, cwd=workdir, stdout=log, stderr=log,
                                   start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}"
            ready = _wait_ready(process, url, log_path) - started
            yield Server(name, process, url, ready)
        finally:
            _stop(process)


@contextmanager
def running(name: str, argv: list[str], env: dict[str, str], workdir: Path) -> Iterator[
    subprocess.Popen[bytes]
]:
    """Start a process that serves nothing (a worker), stop its group afterwards."""
    log_path = workdir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(argv, env=env, cwd=workdir, stdout=log, stderr=log,
                                   start_new_session=True)
        try:
            time.sleep(0.2)
            if process.poll() is not None:
                tail = log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{tail}")
            yield process
        finally:
            _stop(process)


def log_tail(workdir: Path, name: str, chars: int = 2000) -> str:
    """The end of a started process's log, for an error message."""
    logs = sorted(workdir.glob(f"{name}*.log"))
    return logs[-1].read_text(errors="replace")[-chars:] if logs else ""


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


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    """Signal the process's group (it leads its own session); quiet if it is gone."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the group, wait, then SIGKILL whatever of the group is left."""
    _signal_group(process, signal.SIGCONT)  # in case it was paused
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    # Children (a supervised worker) may outlive their parent's exit by a moment.
    deadline = time.monotonic() + 5
    while _group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    _signal_group(process, signal.SIGKILL)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True

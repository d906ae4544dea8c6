"""The bot as separate processes (web part and workers) that a test can SIGKILL and restart.

Each process writes its stderr to a log file of its own under the test's directory, kept
across restarts, so a failing test can say what a process said before it died.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

SIGNING_SECRET = "soak-signing-secret-0123456789"
BOT_TOKEN = "xoxb-soak-token-0001"
HEALTHY_WITHIN_SECONDS = 30
STOP_WITHIN_SECONDS = 10
# What `actionlog worker` writes to stderr once it is taking requests.
WORKER_STARTED = b"actionlog: worker "


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BotProcesses:
    """`actionlog run --web-only` and `actionlog worker` processes, by name."""

    def __init__(self, api_url: str, database_url: str, directory: Path,
                 extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.directory = directory
        self.env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN,
                    "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": api_url,
                    "DATABASE_URL": database_url, "PORT": str(self.port), **(extra_env or {})}
        self.env.pop("SLACK_APP_TOKEN", None)  # HTTP mode, never Socket Mode
        self.running: dict[str, subprocess.Popen[bytes]] = {}
        self.starts: dict[str, int] = {}
        self.log_starts: dict[str, int] = {}  # where each process's latest run begins

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def log_path(self, name: str) -> Path:
        return self.directory / f"{name}.log"

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        """Start `python -m bot.cli ARGS` as `name` (its stderr appended to name.log)."""
        self.starts[name] = self.starts.get(name, 0) + 1
        with self.log_path(name).open("ab") as log:
            log.write(f"--- start {self.starts[name]} of {name}: {' '.join(args)}\n".encode())
            log.flush()
            self.log_starts[name] = log.tell()
            process = subprocess.Popen([sys.executable, "-m", "bot.cli", *args], env=self.env,
                                       cwd=self.directory, stdout=subprocess.DEVNULL,
                                       stderr=log)
        self.running[name] = process
        return process

    def start_web(self, wait: bool = True) -> None:
        self.start("web", "run", "--web-only", "--host", "127.0.0.1")
        if wait:
            self.wait_healthy()

    def start_worker(self, name: str = "worker", wait: bool = True) -> None:
        self.start(name, "worker")
        if wait:
            self.wait_worker_started(name)

    def restart(self, name: str) -> None:
        """Start `name` again with the arguments it was first started with."""
        if name == "web":
            self.start_web(wait=True)
        else:
            self.start_worker(name)

    def wait_healthy(self) -> None:
        """Until the web part answers GET /healthz with 200; fail if it dies or never does."""
        deadline = time.monotonic() + HEALTHY_WITHIN_SECONDS
        health = f"http://127.0.0.1:{self.port}/healthz"
        while time.monotonic() < deadline:
            process = self.running["web"]
            if process.poll() is not None:
                raise AssertionError(f"the web part exited with {process.returncode}:\n"
                                     f"{self.tail('web')}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(health, timeout=1).status_code == 200:
                    return
            time.sleep(0.05)
        raise AssertionError(f"the web part was not healthy within {HEALTHY_WITHIN_SECONDS} s")

    def wait_worker_started(self, name: str) -> None:
        """Until this run of worker `name` says it has started (after its imports and
        setup, which take seconds on a busy machine); fail if it dies or never does."""
        deadline = time.monotonic() + HEALTHY_WITHIN_SECONDS
        while time.monotonic() < deadline:
            process = self.running[name]
            if process.poll() is not None:
                raise AssertionError(f"{name} exited with {process.returncode}:\n"
                                     f"{self.tail(name)}")
            with self.log_path(name).open("rb") as log:
                log.seek(self.log_starts[name])
                if WORKER_STARTED in log.read():
                    return
            time.sleep(0.05)
        raise AssertionError(f"{name} did not start within {HEALTHY_WITHIN_SECONDS} s")

    def kill(self, name: str) -> None:
        """SIGKILL `name` and reap it."""
        process = self.running[name]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=STOP_WITHIN_SECONDS)

    def exited(self) -> dict[str, int]:
        """Processes that stopped by themselves (not killed by the test): name -> code."""
        return {name: p.returncode for name, p in self.running.items()
                if p.poll() is not None and p.returncode != -signal.SIGKILL}

    def stop_all(self) -> None:
        """SIGTERM every process, then SIGKILL any that is still there; never raises."""
        for process in self.running.values():
            if process.poll() is None:
                with contextlib.suppress(OSError):
                    process.terminate()
        for process in self.running.values():
            try:
                process.wait(timeout=STOP_WITHIN_SECONDS)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(OSError):
                    process.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=STOP_WITHIN_SECONDS)

    def tail(self, name: str, lines: int = 30) -> str:
        """The last lines a process (any of its runs) wrote to stderr."""
        path = self.log_path(name)
        if not path.exists():
            return "(no log)"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def logs(self) -> str:
        return "\n".join(f"== {name}.log (last lines)\n{self.tail(name)}"
                         for name in sorted(self.running))

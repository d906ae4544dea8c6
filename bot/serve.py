"""The long-running processes: the web part (HTTP or Socket Mode) and the worker.

``actionlog run`` is the web part plus one worker in a child process, so the embedded
default needs nothing else; ``run --web-only`` and ``worker`` split them for scale-out.
The web part only stores and acks; the worker carries out, sends, and runs the reminder
scheduler. Both stop on SIGTERM: the web part stops taking requests, the worker finishes
the request in hand (what is still queued waits, stored, for the next worker).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.app import make_web_client
from bot.http import SlackWsgiApp, make_server, stop_server
from bot.runtime import build_intake, build_runtime
from bot.settings import Settings
from reminders.clock import SystemClock
from reminders.scheduler import start_scheduler

log = logging.getLogger("actionlog.serve")

# How long a stopping worker keeps at the request in hand before it exits anyway.
SHUTDOWN_GRACE_SECONDS = 20
# Set for a worker started by `run`: the pid it watches, to stop when `run` is gone.
PARENT_ENV = "ACTIONLOG_WORKER_PARENT"
# A worker child that dies is started again after this pause.
RESTART_PAUSE_SECONDS = 1.0


def serve_web(settings: Settings, engine: Engine, sessions: sessionmaker[Session], *,
              host: str, with_worker: bool) -> int:
    """Run the web part until SIGTERM (and one worker child, unless ``with_worker`` is off)."""
    intake = build_intake(sessions, SystemClock())
    child = WorkerChild() if with_worker else None
    try:
        if child is not None:
            child.start()
        if settings.socket_mode:
            return _serve_socket(settings, intake)
        wsgi = SlackWsgiApp(intake, health_check=lambda: database_ok(engine),
                            signing_secret=settings.request_signing_secret)
        return _serve_http(wsgi, host, settings.PORT)
    finally:
        if child is not None:
            child.stop(SHUTDOWN_GRACE_SECONDS)


def serve_worker(settings: Settings, sessions: sessionmaker[Session]) -> int:
    """Run one worker process until SIGTERM."""
    runtime = build_runtime(settings, sessions, SystemClock())
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    scheduler = start_scheduler(runtime.reminders)
    runtime.worker.start()
    print(f"actionlog: worker {os.getpid()} started", file=sys.stderr, flush=True)
    parent = os.environ.get(PARENT_ENV)
    try:
        while not stopping.wait(timeout=0.5):
            if parent and os.getppid() != int(parent):
                # The `run` that started this worker is gone (killed outright): stop too,
                # rather than work on unsupervised; the next `run` starts a new one.
                break
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.shutdown(wait=False)
        runtime.worker.stop(SHUTDOWN_GRACE_SECONDS)
    return 0


class WorkerChild:
    """``actionlog worker`` as a child process, started again if it dies."""

    def __init__(self, command: list[str] | None = None) -> None:
        self._command = command or [sys.executable, "-m", "bot.cli", "worker"]
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="actionlog-worker-watch",
                                         daemon=True)

    def start(self) -> None:
        self._process = self._spawn()
        self._watcher.start()

    def _spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(self._command,
                                env={**os.environ, PARENT_ENV: str(os.getpid())})

    def stop(self, grace: float) -> None:
        self._stopping.set()
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _watch(self) -> None:
        while not self._stopping.wait(0.5):
            process = self._process
            if process is None or process.poll() is None:
                continue
            if self._stopping.is_set():
                return
            log.error("worker stopped; starting another", extra={"fields": {
                "exit_code": process.returncode}})
            time.sleep(RESTART_PAUSE_SECONDS)
            if not self._stopping.is_set():
                self._process = self._spawn()


def _serve_http(wsgi: SlackWsgiApp, host: str, port: int) -> int:
    server = make_server(wsgi, host=host, port=port)
    signal.signal(signal.SIGTERM, lambda *_: stop_server(server))
    print(f"actionlog: serving HTTP on {host}:{port}", file=sys.stderr, flush=True)
    # OSError: the listening socket was closed by the SIGTERM handler.
    with contextlib.suppress(KeyboardInterrupt, OSError):
        server.run()
    return 0


def _serve_socket(settings: Settings, intake: object) -> int:
    """Take requests over Socket Mode until SIGTERM (or Ctrl-C)."""
    from bot.socket_intake import SocketIntake

    assert settings.SLACK_APP_TOKEN is not None
    listener = SocketIntake(intake, settings.SLACK_APP_TOKEN.get_secret_value(),  # type: ignore[arg-type]
                            make_web_client(settings))
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    listener.connect()
    print("actionlog: connected in Socket Mode", file=sys.stderr, flush=True)
    try:
        # A timeout keeps the main thread waking up, so signals are handled promptly.
        while not stopping.wait(timeout=0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        listener.close()
    return 0


def database_ok(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False


__all__: list[Callable[..., int] | str] = ["serve_web", "serve_worker", "WorkerChild"]

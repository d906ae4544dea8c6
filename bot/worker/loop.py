"""A worker: threads that carry out queued requests, and the upkeep around them.

Each thread takes the next request, carries it out and sends its messages, and when
none is waiting looks again a few milliseconds later. Another thread takes over messages
whose sender died and deletes what is no longer needed. On SQLite one thread does the
work (the database has one writer at a time anyway); on PostgreSQL several may, in
several processes on several machines.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.worker.home_tabs import HomeTabs
from bot.worker.runner import RequestRunner
from bot.worker.sender import OutboxSender
from reminders.clock import Clock
from storage.db import own_transaction, read_transaction
from storage.inbox_db import InboxDatabase
from storage.services import inbox, outbox

log = logging.getLogger("actionlog.worker")

POLL_SECONDS = 0.005
IDLE_POLL_SECONDS = 0.05
QUIET_AFTER_SECONDS = 2.0
# Threads other than the first look this often by themselves (they are woken sooner
# whenever a request is taken).
FOLLOWER_POLL_SECONDS = 0.25
# After a database failure, wait before trying again, up to this long.
MAX_BACKOFF_SECONDS = 5.0
UPKEEP_SECONDS = 1.0
PURGE_EVERY = 60  # upkeep rounds


class Worker:
    def __init__(self, runner: RequestRunner, sender: OutboxSender, home: HomeTabs,
                 sessions: sessionmaker[Session], inbox_db: InboxDatabase, clock: Clock,
                 *, threads: int = 1, poll: float = POLL_SECONDS) -> None:
        self._runner, self._sender, self._home = runner, sender, home
        self._sessions, self._inbox, self._clock = sessions, inbox_db, clock
        self._threads_wanted, self._poll = max(1, threads), poll
        self._stopping = threading.Event()
        self._wake = threading.Condition()
        self._running = threading.Event()
        self._running.set()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for number in range(self._threads_wanted):
            self._threads.append(threading.Thread(
                target=self._work, args=(number == 0,), name=f"actionlog-worker-{number}",
                daemon=True))
        self._threads.append(threading.Thread(target=self._upkeep, name="actionlog-upkeep",
                                              daemon=True))
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float) -> None:
        """Finish the request in hand (up to ``timeout``) and stop; queued ones stay
        queued for the next worker."""
        self._stopping.set()
        with self._wake:
            self._wake.notify_all()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._sender.stop(max(0.1, deadline - time.monotonic()))
        self._home.stop(max(0.1, deadline - time.monotonic()))

    def pause(self) -> None:
        """Take no new request until ``resume`` (the one in hand is finished)."""
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def pending(self) -> int:
        """Requests queued or in hand, messages not yet sent, Home tabs not yet published.

        A request stays queued until its messages are stored, and a message unsent until
        its Home tab is handed over, so nothing falls between the counts.
        """
        with read_transaction(self._inbox.sessions) as session:
            queued = inbox.queued_count(session)
        with read_transaction(self._sessions) as session:
            unsent = outbox.pending_count(session)
        return queued + unsent + (0 if self._home.idle() else 1)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until everything acknowledged is done and sent; False if ``timeout`` passed."""
        deadline = time.monotonic() + timeout
        while self.pending():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True

    def _work(self, leader: bool) -> None:
        """Carry out requests one after another. When none is waiting, the leader looks
        again every few milliseconds; the other threads wait until the leader (or any
        thread) takes one, since more may be queued behind it."""
        backoff = 0.0
        last_found = time.monotonic()
        while not self._stopping.is_set():
            if not self._running.wait(timeout=0.1):
                continue
            try:
                did = self._runner.run_next()
                backoff = 0.0
            except SQLAlchemyError:
                did = False
                backoff = min(MAX_BACKOFF_SECONDS, max(0.1, backoff * 2))
            except Exception:  # noqa: BLE001 - a worker thread must not die
                log.exception("worker round failed")
                did, backoff = False, 0.5
            if did:
                last_found = time.monotonic()
                with self._wake:
                    self._wake.notify()
            elif leader:
                # Look every few milliseconds while requests are coming; after a quiet
                # spell, less often, so an idle worker costs next to nothing.
                quiet = time.monotonic() - last_found > QUIET_AFTER_SECONDS
                self._stopping.wait(backoff or (IDLE_POLL_SECONDS if quiet else self._poll))
            else:
                with self._wake:
                    self._wake.wait(backoff or FOLLOWER_POLL_SECONDS)

    def _upkeep(self) -> None:
        rounds = 0
        while not self._stopping.wait(0 if rounds == 0 else UPKEEP_SECONDS):
            rounds += 1
            try:
                self._sender.take_over()
                if rounds % PURGE_EVERY == 1:
                    self._purge()
            except Exception:  # noqa: BLE001 - upkeep is tried again next round
                log.exception("worker upkeep failed")

    def _purge(self) -> None:
        now = self._clock.now()
        with own_transaction(self._inbox.sessions, flushed=False) as session:
            inbox.purge(session, now)
        with own_transaction(self._sessions, flushed=False) as session:
            outbox.purge(session, now)

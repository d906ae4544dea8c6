"""Work that runs after Slack has its acknowledgement, on a few threads of its own.

Bolt runs each listener, ack included, on one shared pool of threads. If the work after
the ack ran there too, a burst of commands, or Slack answering slowly, would fill that
pool, and the next command's ack would wait behind it and could miss Slack's 3 seconds.
So listeners ack, hand their work to the backlog and return at once. A few workers are
enough: the database serialises writes anyway, and fewer threads contend less with the
acks for the interpreter.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger("actionlog.backlog")

WORKERS = 4
# Beyond this many waiting jobs the bot is far behind; say so rather than queue for ever.
LIMIT = 1000


class Backlog:
    """A bounded queue of jobs run by a small pool; failures are logged and reported."""

    def __init__(self, workers: int = WORKERS, limit: int = LIMIT) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers,
                                            thread_name_prefix="actionlog-work")
        self._limit = limit
        self._waiting = 0
        self._lock = threading.Condition()

    def submit(self, what: str, job: Callable[[], None],
               on_failure: Callable[[Exception], None]) -> bool:
        """Queue ``job``; False (and nothing queued) when the backlog is full or closed.

        ``on_failure`` is called with the exception if the job raises, so the person who
        asked can be told it did not work.
        """
        with self._lock:
            if self._waiting >= self._limit:
                log.warning("backlog full", extra={"fields": {"what": what,
                                                              "waiting": self._waiting}})
                return False
            self._waiting += 1
        try:
            self._executor.submit(self._run, what, job, on_failure)
        except RuntimeError:  # shut down: the process is stopping
            self._done()
            return False
        return True

    def pending(self) -> int:
        """Jobs queued or running."""
        with self._lock:
            return self._waiting

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no job is queued or running; False if ``timeout`` passed first."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._waiting:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
        return True

    def close(self, timeout: float) -> bool:
        """Take no new jobs, finish the queued ones (up to ``timeout``), stop the workers."""
        self._executor.shutdown(wait=False)
        finished = self.wait_idle(timeout)
        if not finished:
            log.warning("backlog not finished at shutdown",
                        extra={"fields": {"waiting": self.pending()}})
        return finished

    def _run(self, what: str, job: Callable[[], None],
             on_failure: Callable[[Exception], None]) -> None:
        try:
            job()
        except Exception as exc:  # noqa: BLE001 - any failure must reach the person
            log.error("listener failed", exc_info=exc,
                      extra={"fields": {"what": what, "outcome": "error"}})
            try:
                on_failure(exc)
            except Exception:  # noqa: BLE001 - already logged; don't mask the first error
                log.warning("could not tell the user about the failure")
        finally:
            self._done()

    def _done(self) -> None:
        with self._lock:
            self._waiting -= 1
            self._lock.notify_all()

"""Where a listener's work runs once its request has been acked: right here, in the worker.

The web process stores each request and acks it (bot/intake.py); a worker carries it out
later by running the listeners (bot/worker/). So by the time a listener hands its work to
the backlog, the ack has long gone, and the work runs at once, on the worker's thread,
inside the request's unit of work. A failure is logged and reported to the person, like
any listener failure after its ack.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger("actionlog.backlog")


class Backlog:
    """Runs each job at once on the calling thread; failures go to ``on_failure``."""

    def submit(self, what: str, job: Callable[[], None],
               on_failure: Callable[[Exception], None]) -> bool:
        """Run ``job``; always True (the request is already stored, nothing is refused)."""
        try:
            job()
        except Exception as exc:  # noqa: BLE001 - any failure must reach the person
            log.error("listener failed", exc_info=exc,
                      extra={"fields": {"what": what, "outcome": "error"}})
            try:
                on_failure(exc)
            except Exception:  # noqa: BLE001 - already logged; don't mask the first error
                log.warning("could not tell the user about the failure")
        return True

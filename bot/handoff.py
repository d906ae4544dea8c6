"""A listener waits a little for its work on the backlog, then acks with or without it.

A form submission's ack can carry errors that Slack shows in the form, so the listener
waits for the work's result. But the work may be slow (Slack rate-limiting the owner
check, a database failing over), and an ack later than 3 seconds loses the person's
form. So the listener waits at most ``ACK_BUDGET_SECONDS``; if the result is not there
by then it acks anyway and the work, seeing it came too late, reports by direct message.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

# Slack allows 3 s for the ack; leave room for the network and the server on both sides.
ACK_BUDGET_SECONDS = 2.0

T = TypeVar("T")


class Handoff(Generic[T]):
    """One result passed from the work to the waiting listener, unless it stopped waiting."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._result: T | None = None
        self._given = False
        self._gave_up = False

    def give(self, result: T) -> bool:
        """From the work: hand the result over; False when the listener has already acked
        without it, so the work must tell the person itself."""
        with self._changed:
            if self._gave_up:
                return False
            self._result, self._given = result, True
            self._changed.notify_all()
            return True

    def take(self, seconds: float = ACK_BUDGET_SECONDS) -> tuple[bool, T | None]:
        """From the listener: (True, result) if it came within ``seconds``, else
        (False, None), after which a late ``give`` returns False."""
        with self._changed:
            self._changed.wait_for(lambda: self._given, timeout=seconds)
            if not self._given:
                self._gave_up = True
                return False, None
            return True, self._result

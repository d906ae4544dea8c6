"""Trigger ids as Slack issues them: usable once, within 3 seconds of the interaction."""

from __future__ import annotations

import itertools
import threading
import time

from bot.standin.api_spec import ApiError

# https://api.slack.com/interactivity/handling#modal_responses: a trigger_id expires 3 s
# after it is sent to the app, and can be used once.
TRIGGER_LIFETIME = 3.0
_serial = itertools.count(1)


def mint_trigger_id(issued_at: float | None = None) -> str:
    """A trigger id in Slack's `digits.digits.hex` shape; the first part is when it was issued
    (milliseconds since the epoch), so the stand-in can tell when it expires."""
    stamp = time.time() if issued_at is None else issued_at
    serial = next(_serial)
    return f"{int(stamp * 1000)}.{serial:010d}.{serial:032x}"


class TriggerLedger:
    """Refuses trigger ids that are malformed, older than 3 s, or used before."""

    def __init__(self, lifetime: float = TRIGGER_LIFETIME) -> None:
        self.lifetime = lifetime
        self._used: set[str] = set()
        self._lock = threading.Lock()

    def use(self, trigger_id: object, now: float | None = None) -> None:
        """Spend a trigger id, or raise Slack's error for it."""
        text = str(trigger_id)
        first = text.split(".", 1)[0]
        if text.count(".") != 2 or not first.isdigit():
            raise ApiError("invalid_trigger_id")
        age = (time.time() if now is None else now) - int(first) / 1000
        with self._lock:
            if text in self._used:
                raise ApiError("exchanged_trigger_id")
            if age > self.lifetime:
                raise ApiError("expired_trigger_id")
            self._used.add(text)

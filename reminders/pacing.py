"""Client-side pacing: keep a round's posts under the workspace ceiling instead of
bouncing off it.

Slack answers 429 with Retry-After when an app posts faster than the workspace allows,
and the Web API client waits that out, but every 429 costs a worker at least a second
and a burst of them wastes the capacity that refilled meanwhile. Pacing the posts to the
ceiling ourselves keeps the workers busy and 429s rare; the 429 handling stays as the
safety net for when our idea of the ceiling is wrong.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

# Slack's workspace-wide ceiling for chat.postMessage is unpublished ("a workspace-wide
# limit"); several hundred a minute is what it allows in practice.
WORKSPACE_POSTS_PER_MINUTE = 600.0

# Run a little under the ceiling, and keep one post of the burst in hand: our bucket and
# Slack's start filling at different moments, posts reach Slack after varying delays, and
# a post that arrives a few milliseconds early costs a 429 and a second or two's wait.
HEADROOM = 0.98


class Pacer:
    """A token bucket shared by the delivery workers: ``per_minute`` after a burst.

    ``burst`` is how many posts the workspace takes at once (default: ten seconds'
    worth, like Slack's "short bursts"). ``wait`` reserves the next slot and sleeps until
    it comes, so workers are served in the order they asked and nobody spins.
    """

    def __init__(
        self,
        per_minute: float,
        burst: int | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.rate = per_minute / 60 * HEADROOM
        allowed = burst if burst is not None else math.ceil(per_minute / 6)
        self.burst = max(1, allowed - 1)  # one in hand, see HEADROOM
        self._monotonic = monotonic
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(self.burst)
        self._stamp: float | None = None  # the bucket starts filling at the first post

    def wait(self) -> float:
        """Block until this caller may post; return how long it waited, in seconds."""
        with self._lock:
            now = self._monotonic()
            if self._stamp is not None:
                self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= 1  # may go negative: a reservation for a later slot
            delay = 0.0 if self._tokens >= 0 else -self._tokens / self.rate
        if delay:
            self._sleep(delay)
        return delay

"""Slack's rate limits as token buckets: per channel and per workspace for posts, Tier 3."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from bot.standin.api_spec import ApiError, Args

# Methods held to Tier 3 (50+/min) when tier3_per_min is set.
TIER3_METHODS = frozenset({"conversations.open"})


class Bucket:
    """Token bucket holding up to `capacity` requests, refilled at `rate` per second."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate, self.capacity = rate, max(1.0, capacity)
        self.tokens, self.stamp = self.capacity, time.monotonic()

    def wait_needed(self, now: float) -> float:
        """Refill, then return seconds until one token is available (0 if available now)."""
        # `now` may predate a bucket created under the same lock, so never refill negatively.
        elapsed = max(0.0, now - self.stamp)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.stamp = max(self.stamp, now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class Limits:
    """Which limits apply; None turns one off."""

    per_channel_per_sec: float | None = None
    burst: int = 1
    workspace_per_min: float | None = None
    tier3_per_min: float | None = None
    minute_burst: int | None = None


def minute_capacity(per_min: float, minute_burst: int | None) -> float:
    """Burst size for a per-minute limit; Slack tolerates short bursts, so ten seconds' worth."""
    return minute_burst or math.ceil(per_min / 6)


class RateLimiter:
    """Answers 429 with Retry-After once a call would exceed a configured limit."""

    def __init__(self) -> None:
        self.limits = Limits()
        self._buckets: dict[tuple[str, ...], Bucket] = {}
        self._lock = threading.Lock()

    def configure(self, limits: Limits) -> None:
        """Apply new limits and forget the old buckets."""
        with self._lock:
            self.limits = limits
            self._buckets.clear()

    def reset(self) -> None:
        """Refill every bucket (keeps the limits)."""
        with self._lock:
            self._buckets.clear()

    def take(self, method: str, args: Args) -> None:
        """Take a token from every bucket that applies, or answer 429 without taking any."""
        limits = self.limits
        # (bucket key, refill per second, capacity) for every limit this call counts against
        wanted: list[tuple[tuple[str, ...], float, float]] = []
        if method == "chat.postMessage":
            if limits.per_channel_per_sec:
                channel = str(args.get("channel", ""))
                # Posting to U123 lands in the same DM as posting to its D channel.
                key = "D" + channel if channel[:1] in ("U", "W") else channel
                wanted.append((("channel", key), limits.per_channel_per_sec, limits.burst))
            if limits.workspace_per_min:
                wanted.append((("workspace",), limits.workspace_per_min / 60,
                               minute_capacity(limits.workspace_per_min, limits.minute_burst)))
        if method in TIER3_METHODS and limits.tier3_per_min:
            wanted.append((("tier3", method), limits.tier3_per_min / 60,
                           minute_capacity(limits.tier3_per_min, limits.minute_burst)))
        if not wanted:
            return
        with self._lock:
            now = time.monotonic()
            buckets = [self._buckets.setdefault(key, Bucket(rate, capacity))
                       for key, rate, capacity in wanted]
            wait = max(bucket.wait_needed(now) for bucket in buckets)
            if wait > 0:
                raise ApiError("ratelimited", 429, retry_after=max(1, math.ceil(wait)))
            for bucket in buckets:
                bucket.tokens -= 1

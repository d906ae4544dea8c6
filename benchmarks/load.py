"""A closed-loop load generator: N threads, each sending its next request on the answer."""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.standin.signed_client import SignedSlackClient

# (command text, user id, response_url) for request number n
RequestFactory = Callable[[int], tuple[str, str, str]]


@dataclass
class LoadResult:
    """Time to the HTTP answer (the ack) of every request, and the wall time of them all.

    Failed answers count in the latencies too (a missed ack is the worst latency), but
    throughput counts only 200s.
    """

    latencies_s: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)  # 0: no answer
    stopped_early: bool = False  # the time bound ended the run before every request was sent
    sent_at: dict[str, float] = field(default_factory=dict)  # response_url -> monotonic send
    # The replies the work behind each ack posted to response_url (filled in by B1).
    reply_s: list[float] = field(default_factory=list)
    missing_replies: int = 0
    drain_s: float = 0.0

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != 200)

    @property
    def throughput(self) -> float:
        return self.statuses[200] / self.wall_s if self.wall_s else 0.0

    def percentile_ms(self, p: float) -> float:
        return percentile(self.latencies_s, p) * 1000


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile (p in 0..100)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def run_load(client: SignedSlackClient, make: RequestFactory, total: int,
             concurrency: int, timeout_s: float = 600.0) -> LoadResult:
    """Send ``total`` slash commands from ``concurrency`` threads, none after ``timeout_s``."""
    result = LoadResult()
    numbers = itertools.count()
    lock = threading.Lock()
    deadline = time.monotonic() + timeout_s

    def worker() -> None:
        try:
            while time.monotonic() < deadline:
                with lock:
                    n = next(numbers)
                if n >= total:
                    return
                text, user, response_url = make(n)
                started = time.monotonic()
                try:
                    status = client.slash_command(text, user_id=user,
                                                  response_url=response_url).status_code
                except OSError:
                    status = 0
                elapsed = time.monotonic() - started
                with lock:
                    result.sent_at[response_url] = started
                    result.latencies_s.append(elapsed)
                    result.statuses[status] += 1
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + 15)
    result.wall_s = time.monotonic() - started
    result.stopped_early = len(result.latencies_s) < total
    return result

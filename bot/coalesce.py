"""Work keyed by what it is for, so a key already waiting is not queued twice."""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class Coalescer(Generic[K]):
    """Keys claimed but not yet started. A second claim of a waiting key gets nothing:
    the work already queued for it will see the newer state, because it starts (and so
    reads) only after it is released from the waiting set."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: set[K] = set()

    def claim(self, keys: Iterable[K]) -> list[K]:
        """The keys, in order and once each, that were not already waiting."""
        with self._lock:
            new = [key for key in dict.fromkeys(keys) if key not in self._waiting]
            self._waiting.update(new)
            return new

    def start(self, key: K) -> None:
        """The work for ``key`` begins now: a later claim queues it again."""
        with self._lock:
            self._waiting.discard(key)
